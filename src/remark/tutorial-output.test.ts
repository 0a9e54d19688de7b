import {test} from 'node:test';
import assert from 'node:assert/strict';
import {mkdirSync, mkdtempSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {compile} from '@mdx-js/mdx';
import type {Code, Root, RootContent} from 'mdast';
import type {MdxJsxFlowElement} from 'mdast-util-mdx-jsx';
import {VFile} from 'vfile';
import remarkTutorialOutput, {LABELS, NOT_VERIFIED_TITLE, outputTitle, unverifiedReason} from './tutorial-output';
import {harnessRuns, pageHash, parseTutorialMeta, tokenizeMeta, type TutorialRun} from '../../contracts/tutorial-runs';

const PAGE = [
  '# Loop',
  '',
  '```bash kind-only',
  'kind create cluster',
  '```',
  '',
  '```bash runnable expect="Ready" timeout=60',
  'kubectl get nodes',
  '```',
  '',
  '```bash runnable id="flux-version" title="Check the CLI"',
  'flux version --client',
  '```',
  '',
  '```bash docker-only',
  'docker build .',
  '```',
  '',
  '```yaml title="unrelated.yaml" {2}',
  'a: 1',
  'b: 2',
  '```',
  '',
].join('\n');

function run(source: string, overrides: Partial<TutorialRun> = {}): TutorialRun {
  return {
    page: 'docs/do/loop.mdx',
    pageId: 'loop',
    pageHash: pageHash(source),
    status: 'passed',
    date: '2026-11-25',
    commit: '0123456789abcdef',
    kubernetesVersion: 'v1.36.3',
    fluxVersion: 'v2.9.5',
    provider: 'local',
    seconds: 42,
    blocks: [
      {index: 1, line: 7, command: 'kubectl get nodes', exitCode: 0, seconds: 0.2, output: 'NAME          STATUS   ROLES   AGE     VERSION\nkwok-node-0   Ready    agent   <age>   fake'},
      {index: 2, id: 'flux-version', line: 11, command: 'flux version --client', exitCode: 0, seconds: 0.1, output: 'flux: v2.9.5'},
    ],
    ...overrides,
  };
}

/** Writes the page and (optionally) a recorded run, compiles with the plugin, returns the tree. */
async function transform(source: string, recorded?: TutorialRun): Promise<RootContent[]> {
  const root = mkdtempSync(path.join(tmpdir(), 'tutorial-output-'));
  const runsDir = path.join(root, 'runs');
  mkdirSync(path.join(root, 'docs'), {recursive: true});
  mkdirSync(runsDir);
  const pagePath = path.join(root, 'docs', 'loop.mdx');
  writeFileSync(pagePath, source);
  if (recorded) writeFileSync(path.join(runsDir, 'loop.json'), JSON.stringify(recorded));
  let children: RootContent[] = [];
  const capture = () => (tree: Root) => {
    children = structuredClone(tree.children);
  };
  await compile(new VFile({value: source, path: pagePath}), {remarkPlugins: [[remarkTutorialOutput, {runsDir}], capture]});
  return children;
}

const codes = (nodes: RootContent[]) => nodes.filter((n): n is Code => n.type === 'code');
const notes = (nodes: RootContent[]) =>
  nodes.filter((n): n is MdxJsxFlowElement => n.type === 'mdxJsxFlowElement' && n.name === 'admonition');

test('tokenizeMeta keeps quoted values, escaped quotes, backslashes and highlight ranges', () => {
  assert.deepEqual(
    tokenizeMeta('runnable expect="a \\"b\\" \\s+c" timeout=30 {1,3-4} title=\'x y\'').map((t) => [t.key, t.value]),
    [['runnable', undefined], ['expect', 'a "b" \\s+c'], ['timeout', '30'], ['{1,3-4}', undefined], ['title', 'x y']],
  );
  assert.throws(() => tokenizeMeta('expect="open'), /unterminated/);
});

test('parseTutorialMeta reads the flags and strips them from what readers see', () => {
  const meta = parseTutorialMeta('runnable expect="True" timeout=300 id="wait-apps" title="Wait" {2}');
  assert.equal(meta.runnable, true);
  assert.equal(meta.expect, 'True');
  assert.equal(meta.timeoutSeconds, 300);
  assert.equal(meta.id, 'wait-apps');
  assert.equal(meta.displayMeta, 'title="Wait" {2}');
  assert.equal(harnessRuns(meta), true);
  assert.equal(harnessRuns(parseTutorialMeta('runnable kind-only')), false);
  assert.equal(harnessRuns(parseTutorialMeta('runnable local-only')), true);
  assert.equal(parseTutorialMeta('title="x"').isTutorialBlock, false);
});

test('parseTutorialMeta rejects bad values with the reason', () => {
  assert.throws(() => parseTutorialMeta('runnable expect="("'), /not a valid regular expression/);
  assert.throws(() => parseTutorialMeta('runnable timeout=soon'), /whole number of seconds/);
  assert.throws(() => parseTutorialMeta('runnable id="Has Space"'), /lower-case/);
  assert.throws(() => parseTutorialMeta('kind-only local-only'), /both/);
  assert.throws(() => parseTutorialMeta('expect="x"'), /only make sense on a runnable block/);
});

test('with a matching passed run, each runnable block is followed by its recorded output', async () => {
  const nodes = await transform(PAGE, run(PAGE));
  const blocks = codes(nodes);
  assert.deepEqual(blocks.map((c) => c.lang), ['bash', 'bash', 'text', 'bash', 'text', 'bash', 'yaml']);
  const [kind, nodesBlock, nodesOut, flux, fluxOut, docker, yaml] = blocks;
  assert.equal(kind.meta, `title="${LABELS.kindOnly}"`);
  assert.equal(nodesBlock.meta ?? null, null, 'the tutorial words are gone');
  assert.match(nodesOut.value, /kwok-node-0 {3}Ready/);
  assert.equal(nodesOut.meta, `title="${outputTitle(run(PAGE))}"`);
  assert.match(nodesOut.meta!, /2026-11-25 · commit 0123456 · Kubernetes v1\.36\.3 · Flux v2\.9\.5/);
  assert.equal(flux.meta, 'title="Check the CLI"');
  assert.equal(fluxOut.value, 'flux: v2.9.5');
  assert.equal(docker.meta, `title="${LABELS.dockerOnly}"`);
  assert.equal(yaml.meta, 'title="unrelated.yaml" {2}', 'other blocks are untouched');
  assert.equal(notes(nodes).length, 0);
});

test('without a run, or when the page changed, every runnable block says "not yet verified"', async () => {
  for (const recorded of [undefined, run(`${PAGE}\nOne more sentence.\n`), run(PAGE, {status: 'failed'})]) {
    const nodes = await transform(PAGE, recorded);
    assert.deepEqual(codes(nodes).map((c) => c.lang), ['bash', 'bash', 'bash', 'bash', 'yaml'], 'no output is shown');
    const found = notes(nodes);
    assert.equal(found.length, 2);
    for (const note of found) {
      assert.deepEqual(note.attributes.map((a) => [a.type === 'mdxJsxAttribute' ? a.name : '', a.value]), [['type', 'caution'], ['title', NOT_VERIFIED_TITLE]]);
    }
  }
});

test('unverifiedReason names why', () => {
  const r = run(PAGE);
  assert.match(unverifiedReason(undefined, 'h', undefined, 'x')!, /not recorded a run/);
  assert.match(unverifiedReason({...r, status: 'failed'}, r.pageHash, r.blocks[0], r.blocks[0].command)!, /failed/);
  assert.match(unverifiedReason(r, 'other', r.blocks[0], r.blocks[0].command)!, /page changed/);
  assert.match(unverifiedReason(r, r.pageHash, undefined, 'x')!, /no output for this block/);
  assert.match(unverifiedReason(r, r.pageHash, r.blocks[0], 'kubectl get pods')!, /block changed/);
  assert.equal(unverifiedReason(r, r.pageHash, r.blocks[0], 'kubectl get nodes\n'), undefined);
});

test('a page without tutorial blocks is left alone and needs no recorded run', async () => {
  const source = '# Plain\n\n```bash\nls\n```\n';
  const nodes = await transform(source);
  assert.deepEqual(codes(nodes).map((c) => [c.lang, c.meta ?? null]), [['bash', null]]);
});

test('a malformed tutorial word fails the build naming the page and line', async () => {
  await assert.rejects(transform('# Bad\n\n```bash runnable timeout=never\nls\n```\n'), /loop\.mdx:3: timeout=never/);
});
