// parse.ts: tutorial pages read with the MDX parser, blocks in page order, front matter checked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expectPattern } from '../../contracts/tutorial-runs.ts';
import { DEFAULT_ENVIRONMENT, parseTutorialSource } from './parse.ts';

const PAGE = [
  '---',
  'title: A page',
  'sidebar_position: 3',
  'tutorial:',
  '  clusters: [staging, production]',
  '---',
  '',
  '# A page',
  '',
  '```bash kind-only',
  'kind create cluster',
  '```',
  '',
  '<details>',
  '<summary>More</summary>',
  '',
  '```bash runnable id="inside-jsx"',
  'echo inside',
  '```',
  '',
  '</details>',
  '',
  '```yaml',
  'a: 1',
  '```',
  '',
  '````md',
  '```bash runnable',
  'echo "a block inside a block is text, not a block"',
  '```',
  '````',
  '',
  '```bash runnable expect="1[.]4[.]0" timeout=30',
  'echo 1.4.0',
  '```',
].join('\n');

test('blocks come in page order, runnable ones numbered, nested fences and JSX handled by the parser', () => {
  const page = parseTutorialSource(PAGE, 'docs/do/a-page.mdx');
  assert.equal(page.pageId, 'a-page');
  assert.equal(page.title, 'A page');
  assert.equal(page.position, 3);
  assert.deepEqual(page.blocks.map((b) => [b.lang, b.index, b.line]), [['bash', 0, 10], ['bash', 1, 17], ['yaml', 0, 23], ['md', 0, 27], ['bash', 2, 33]]);
  assert.deepEqual(page.runnable.map((b) => b.command), ['echo inside', 'echo 1.4.0']);
  assert.equal(page.runnable[1].meta.timeoutSeconds, 30);
  assert.deepEqual(page.environment.clusters, ['staging', 'production']);
  assert.deepEqual(page.environment.repos, DEFAULT_ENVIRONMENT.repos);
  assert.equal(page.environment.gitAuth, true);
});

test('tutorial.verifies lists what a run proves; each entry must be named by a runnable block', () => {
  const page = (verifies: string) => [
    '---',
    'tutorial:',
    `  verifies: ${verifies}`,
    '---',
    '# Verifies',
    '',
    '```bash runnable',
    'kubectl apply -k "$GIT_WORKDIR/clusters/development/flux-system"',
    'cp -r examples/tutorials/hello/apps "$GIT_WORKDIR/"',
    '```',
  ].join('\n');
  const ok = parseTutorialSource(page('[examples/fleet/clusters/development/flux-system, examples/tutorials/hello/apps/base/deployment.yaml]'), 'docs/do/v.mdx');
  assert.deepEqual(ok.verifies, ['examples/fleet/clusters/development/flux-system', 'examples/tutorials/hello/apps/base/deployment.yaml']);
  assert.deepEqual(parseTutorialSource(PAGE, 'docs/do/a-page.mdx').verifies, []);
  assert.throws(() => parseTutorialSource(page('[examples/demo-app/Dockerfile]'), 'docs/do/v.mdx'), /docs\/do\/v\.mdx: front matter tutorial\.verifies lists examples\/demo-app\/Dockerfile, but no runnable block names it/);
  assert.throws(() => parseTutorialSource(page('[docs/intro.md]'), 'docs/do/v.mdx'), /paths under examples\//);
  assert.throws(() => parseTutorialSource(page('examples/fleet'), 'docs/do/v.mdx'), /must be a list/);
});

test('Markdown drops a backslash before punctuation in a fence meta, so patterns use [.] instead', () => {
  const page = parseTutorialSource('```bash runnable expect="1\\.4 \\s+ok"\necho\n```\n', 'p.mdx');
  // CommonMark backslash escapes: "\." became ".", "\s" (not punctuation) stayed.
  assert.equal(page.runnable[0].meta.expect, '1.4 \\s+ok');
  assert.ok(expectPattern('apps.*True').test('apps\n  True'), 'dot matches newlines');
});

test('bad pages are rejected with the page and line', () => {
  assert.throws(() => parseTutorialSource('# x\n\n```yaml runnable\na: 1\n```\n', 'docs/do/x.mdx'), /docs\/do\/x\.mdx:3: only shell blocks/);
  assert.throws(() => parseTutorialSource('```bash runnable id="a"\n```\n```bash runnable id="a"\n```\n', 'x.mdx'), /x\.mdx:3: id="a" is used twice/);
  assert.throws(() => parseTutorialSource('```bash runnable expect="("\n```\n', 'x.mdx'), /x\.mdx:1: expect="\(" is not a valid regular expression/);
  assert.throws(() => parseTutorialSource('---\ntutorial:\n  cluster: [a]\n---\n', 'x.mdx'), /tutorial\.cluster is not one of/);
});
