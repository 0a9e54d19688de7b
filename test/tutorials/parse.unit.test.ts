// parse.ts: tutorial pages read with the MDX parser, blocks in page order, front matter checked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expectPattern } from '../../src/remark/tutorial-output-meta.ts';
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

test('the files a page shows with <ExampleFile> are listed once each, in page order', () => {
  const source = [
    '# Shown files',
    '',
    '<ExampleFile path="examples/fleet/clusters/development/apps.yaml" />',
    '',
    '<details>',
    '',
    '<ExampleFile path="examples/fleet/apps/development/kustomization.yaml" highlight="2" />',
    '',
    '</details>',
    '',
    '<ExampleFile path="examples/fleet/clusters/development/apps.yaml" />',
  ].join('\n');
  const page = parseTutorialSource(source, 'docs/do/shown.mdx');
  assert.deepEqual(page.examples, ['examples/fleet/clusters/development/apps.yaml', 'examples/fleet/apps/development/kustomization.yaml']);
  assert.deepEqual(parseTutorialSource(PAGE, 'docs/do/a-page.mdx').examples, []);
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
