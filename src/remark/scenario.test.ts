import {test} from 'node:test';
import assert from 'node:assert/strict';
import {mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {compile} from '@mdx-js/mdx';
import type {Root} from 'mdast';
import type {MdxJsxFlowElement} from 'mdast-util-mdx-jsx';
import {VFile} from 'vfile';
import remarkScenario, {outlineOf, SCENARIOS_DIR} from './scenario';

const SCENARIO = [
  "const s = new ScenarioFile('drift', {});",
  "describe('drift: Flux puts back what was changed by hand', { skip: s.skip }, () => {",
  "  if (broken) test('the checkout has clusters', () => assert.fail('none'));",
  "  s.test('an image set by hand is restored', ['examples/a'], async (env, t) => {",
  "    await t.test('development first', async () => { assert.ok(/re/.test(text)); });",
  "    await t.test('then staging', async () => {});",
  '  });',
  '  s.test(`objects of ${name} come back`, [], async () => {});',
  '});',
].join('\n');

function fakeRepo(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(tmpdir(), 'scenario-plugin-'));
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, file)), {recursive: true});
    writeFileSync(path.join(root, file), text);
  }
  return root;
}

async function proofsOf(source: string, repoRoot: string, page = 'docs/do/p.mdx'): Promise<Record<string, string>[]> {
  const found: Record<string, string>[] = [];
  const collect = () => (tree: Root) => {
    for (const node of tree.children) {
      if (node.type !== 'mdxJsxFlowElement') continue;
      const el = node as MdxJsxFlowElement;
      found.push({name: String(el.name), ...Object.fromEntries(el.attributes.map((a) => [(a as {name: string}).name, String(a.value)]))});
    }
  };
  await compile(new VFile({value: source, path: path.join(repoRoot, page)}), {remarkPlugins: [[remarkScenario, {repoRoot}], collect]});
  return found;
}

test('the outline is the describe title and the test titles, templates shown with …', () => {
  assert.deepEqual(outlineOf(SCENARIO, 'drift.test.ts'), {
    suite: 'drift: Flux puts back what was changed by hand',
    checks: [
      {title: 'an image set by hand is restored', steps: ['development first', 'then staging']},
      {title: 'objects of … come back', steps: []},
    ],
  });
  assert.deepEqual(outlineOf("test('local provider: clean stop', async () => {});", 'one.test.ts'), {suite: 'local provider: clean stop', checks: []});
  assert.throws(() => outlineOf("test('a', () => {}); test('b', () => {});", 'two.test.ts'), /two\.test\.ts must hold one describe/);
  assert.throws(() => outlineOf("describe('d', () => {\n  test(title, () => {});\n});", 'var.test.ts'), /var\.test\.ts:2: a test title must be a string/);
});

test('every scenario file of the repository has an outline', () => {
  const dir = path.resolve(import.meta.dirname, '..', '..', SCENARIOS_DIR);
  const files = readdirSync(dir).filter((f) => f.endsWith('.test.ts'));
  assert.ok(files.length >= 9, `scenario files in ${SCENARIOS_DIR}`);
  for (const f of files) assert.ok(outlineOf(readFileSync(path.join(dir, f), 'utf8'), f).suite, f);
});

test('the plugin turns <Scenario> into ScenarioProof with the titles read from the file', async () => {
  const root = fakeRepo({'test/scenarios/drift.test.ts': SCENARIO});
  const [proof] = await proofsOf('Intro.\n\n<Scenario file="test/scenarios/drift.test.ts" />\n', root);
  assert.equal(proof.name, 'ScenarioProof');
  assert.equal(proof.file, 'test/scenarios/drift.test.ts');
  assert.equal(proof.suite, 'drift: Flux puts back what was changed by hand');
  assert.deepEqual(JSON.parse(proof.checks).map((c: {title: string}) => c.title), ['an image set by hand is restored', 'objects of … come back']);
});

test('bad elements fail the build naming the page, the line and the reason', async () => {
  const root = fakeRepo({'test/scenarios/drift.test.ts': SCENARIO, 'test/other.test.ts': SCENARIO});
  const cases: Array<[string, RegExp]> = [
    ['<Scenario file="test/scenarios/gone.test.ts" />', /docs\/do\/p\.mdx:3: <Scenario file="test\/scenarios\/gone\.test\.ts" \/> names a file that does not exist/],
    ['<Scenario file="test/other.test.ts" />', /must name a test file under test\/scenarios\//],
    ['<Scenario />', /needs file=/],
    ['<Scenario file="test/scenarios/drift.test.ts" title="x" />', /takes one attribute/],
    ['See <Scenario file="test/scenarios/drift.test.ts" /> here.', /must stand on a line of its own/],
  ];
  for (const [element, message] of cases) {
    await assert.rejects(proofsOf(`# Page\n\n${element}\n`, root), message, element);
  }
});
