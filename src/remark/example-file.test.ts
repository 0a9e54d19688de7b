import {test} from 'node:test';
import assert from 'node:assert/strict';
import {mkdirSync, mkdtempSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {compile} from '@mdx-js/mdx';
import type {Code, Root} from 'mdast';
import type {MdxJsxFlowElement} from 'mdast-util-mdx-jsx';
import {VFile} from 'vfile';
import remarkExampleFile, {
  exampleFileToCode,
  languageFor,
  parseExampleFileElement,
  resolveExamplePath,
  validateHighlight,
} from './example-file';

const YAML = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: demo\ndata:\n  a: "1"\n';

/** A throwaway repository root holding one example file. */
function fakeRepo(): string {
  const root = mkdtempSync(path.join(tmpdir(), 'example-file-'));
  mkdirSync(path.join(root, 'examples', 'fleet'), {recursive: true});
  writeFileSync(path.join(root, 'examples', 'fleet', 'demo.yaml'), YAML);
  writeFileSync(path.join(root, 'secret.txt'), 'not an example\n');
  return root;
}

function element(attributes: Record<string, unknown>): MdxJsxFlowElement {
  return {
    type: 'mdxJsxFlowElement',
    name: 'ExampleFile',
    children: [],
    attributes: Object.entries(attributes).map(([name, value]) => ({
      type: 'mdxJsxAttribute',
      name,
      value: value as string,
    })),
  };
}

/** Runs the real MDX parser with the plugin and returns the code nodes it produced. */
async function codeNodesOf(source: string, repoRoot: string, pagePath = 'docs/page.mdx') {
  const found: Code[] = [];
  const collect = () => (tree: Root) => {
    for (const node of tree.children) if (node.type === 'code') found.push(node);
  };
  const file = new VFile({value: source, path: path.join(repoRoot, pagePath)});
  await compile(file, {remarkPlugins: [[remarkExampleFile, {repoRoot}], collect]});
  return found;
}

test('languageFor maps extensions and extension-less names', () => {
  assert.equal(languageFor('examples/a/b.yaml'), 'yaml');
  assert.equal(languageFor('examples/a/b.yml'), 'yaml');
  assert.equal(languageFor('examples/app/src/index.ts'), 'ts');
  assert.equal(languageFor('examples/a/package.json'), 'json');
  assert.equal(languageFor('examples/scripts/run.sh'), 'sh');
  assert.equal(languageFor('examples/demo-app/Dockerfile'), 'dockerfile');
  assert.equal(languageFor('examples/demo-app/Dockerfile.dev'), 'dockerfile');
  assert.equal(languageFor('examples/a/unknown.xyz'), 'text');
});

test('parseExampleFileElement reads string attributes', () => {
  assert.deepEqual(parseExampleFileElement(element({path: 'examples/x.yaml', highlight: '2'})), {
    path: 'examples/x.yaml',
    highlight: '2',
  });
});

test('parseExampleFileElement rejects a missing path, unknown names and expressions', () => {
  assert.throws(() => parseExampleFileElement(element({})), /needs a path/);
  assert.throws(() => parseExampleFileElement(element({path: 'examples/x', hilite: '1'})), /unknown attribute "hilite"/);
  const expression = element({path: 'examples/x'});
  expression.attributes.push({
    type: 'mdxJsxAttribute',
    name: 'title',
    value: {type: 'mdxJsxAttributeValueExpression', value: 'x'},
  });
  assert.throws(() => parseExampleFileElement(expression), /must be a string literal/);
});

test('validateHighlight accepts ranges inside the file and rejects the rest', () => {
  assert.equal(validateHighlight('3-5, 8', 10), '3-5,8');
  assert.throws(() => validateHighlight('3-11', 10), /outside 1-10/);
  assert.throws(() => validateHighlight('5-3', 10), /outside/);
  assert.throws(() => validateHighlight('0', 10), /outside/);
  assert.throws(() => validateHighlight('a-b', 10), /not N or N-M/);
});

test('exampleFileToCode builds a titled, numbered, highlighted code node', () => {
  const code = exampleFileToCode({path: 'examples/fleet/demo.yaml', highlight: '3-4,6'}, YAML);
  assert.deepEqual(code, {
    type: 'code',
    lang: 'yaml',
    meta: 'title="examples/fleet/demo.yaml" {3-4,6} showLineNumbers',
    value: YAML.replace(/\n$/, ''),
  });
});

test('exampleFileToCode honours title and lang overrides', () => {
  const code = exampleFileToCode({path: 'examples/a.txt', title: 'Staging', lang: 'yaml'}, 'a: 1\n');
  assert.equal(code.lang, 'yaml');
  assert.equal(code.meta, 'title="Staging" showLineNumbers');
  assert.throws(() => exampleFileToCode({path: 'examples/a', title: 'say "hi"'}, ''), /double quote/);
});

test('resolveExamplePath refuses paths outside examples/ and missing files', () => {
  const root = fakeRepo();
  assert.equal(resolveExamplePath(root, 'examples/fleet/demo.yaml'), path.join(root, 'examples/fleet/demo.yaml'));
  assert.throws(() => resolveExamplePath(root, 'secret.txt'), /outside examples\//);
  assert.throws(() => resolveExamplePath(root, 'examples/../secret.txt'), /outside examples\//);
  assert.throws(() => resolveExamplePath(root, 'examples-old/x.yaml'), /outside examples\//);
  assert.throws(() => resolveExamplePath(root, 'examples/fleet'), /does not exist/);
  assert.throws(() => resolveExamplePath(root, 'examples/fleet/nope.yaml'), /does not exist/);
});

test('the plugin replaces the element with the file read from disk', async () => {
  const root = fakeRepo();
  const source = 'Intro.\n\n<ExampleFile path="examples/fleet/demo.yaml" highlight="2" />\n\nAfter.\n';
  const [code, ...rest] = await codeNodesOf(source, root);
  assert.equal(rest.length, 0);
  assert.equal(code.lang, 'yaml');
  assert.equal(code.meta, 'title="examples/fleet/demo.yaml" {2} showLineNumbers');
  assert.match(code.value, /^apiVersion: v1\nkind: ConfigMap/);
});

test('the plugin puts the verification badge of the example right under its code block', async () => {
  const root = fakeRepo();
  const source = 'Intro.\n\n<ExampleFile path="examples/fleet/demo.yaml" />\n\n<ExampleFile path="examples/fleet/demo.yaml" />\n\nAfter.\n';
  let sequence: string[] = [];
  const collect = () => (tree: Root) => {
    sequence = tree.children.map((node) => {
      if (node.type !== 'mdxJsxFlowElement') return node.type;
      const example = node.attributes.find((a) => a.type === 'mdxJsxAttribute' && a.name === 'example');
      return `${node.name} ${String(example?.value)}`;
    });
  };
  const file = new VFile({value: source, path: path.join(root, 'docs/page.mdx')});
  await compile(file, {remarkPlugins: [[remarkExampleFile, {repoRoot: root}], collect]});
  assert.deepEqual(sequence, [
    'paragraph',
    'code',
    'VerificationBadge examples/fleet/demo.yaml',
    'code',
    'VerificationBadge examples/fleet/demo.yaml',
    'paragraph',
  ]);
});

test('the plugin replaces elements nested in other elements', async () => {
  const root = fakeRepo();
  const nested = '<details>\n\n<ExampleFile path="examples/fleet/demo.yaml" />\n\n</details>\n';
  const file = new VFile({value: nested, path: path.join(root, 'docs/n.mdx')});
  const output = String(await compile(file, {remarkPlugins: [[remarkExampleFile, {repoRoot: root}]]}));
  assert.match(output, /kind: ConfigMap/);
  assert.doesNotMatch(output, /ExampleFile/);
});

test('a missing file fails with the page and the path in the message', async () => {
  const root = fakeRepo();
  const source = '# Page\n\n<ExampleFile path="examples/fleet/gone.yaml" />\n';
  await assert.rejects(codeNodesOf(source, root, 'docs/do/tutorial.mdx'), (error: Error) => {
    assert.match(error.message, /docs\/do\/tutorial\.mdx:3/);
    assert.match(error.message, /examples\/fleet\/gone\.yaml/);
    assert.match(error.message, /does not exist/);
    return true;
  });
});

test('a highlight past the end of the file names the page and the example', async () => {
  const root = fakeRepo();
  const source = '<ExampleFile path="examples/fleet/demo.yaml" highlight="5-9" />\n';
  await assert.rejects(codeNodesOf(source, root, 'docs/do/t.mdx'), (error: Error) => {
    assert.match(error.message, /docs\/do\/t\.mdx:1: <ExampleFile path="examples\/fleet\/demo\.yaml" \/> highlight "5-9"/);
    assert.match(error.message, /outside 1-6/);
    return true;
  });
});

test('an element inside running text is rejected', async () => {
  const root = fakeRepo();
  const source = 'See <ExampleFile path="examples/fleet/demo.yaml" /> here.\n';
  await assert.rejects(codeNodesOf(source, root), /must stand on a line of its own/);
});
