/**
 * remark plugin: a page names the live scenario that proves the workflow it describes.
 *
 *   <Scenario file="test/scenarios/drift.test.ts" />
 *
 * becomes <ScenarioProof file=… suite=… tests=…/> (src/components/ScenarioProof), which links the
 * test file and lists what it checks. The titles are read from the test file at build time with
 * the TypeScript parser (the suite is the `describe(…)` title, the checks are the `test(…)` and
 * `s.test(…)` titles), so the page always lists what the test really runs. A missing file, or a
 * file with no suite, fails the build naming the page and line.
 */
import {existsSync, readFileSync} from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import type {Root} from 'mdast';
import type {MdxJsxFlowElement, MdxJsxTextElement} from 'mdast-util-mdx-jsx';
import ts from 'typescript';
import {SKIP, visit} from 'unist-util-visit';
import type {Node} from 'unist';
import type {VFile} from 'vfile';

export const ELEMENT_NAME = 'Scenario';
export const COMPONENT_NAME = 'ScenarioProof';
export const SCENARIOS_DIR = 'test/scenarios';

const DEFAULT_REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface ScenarioOutline {
  /** Title of the file's describe() (or its single top-level test). */
  suite: string;
  /** Titles of the tests inside it, in file order. */
  tests: string[];
}

type JsxElement = MdxJsxFlowElement | MdxJsxTextElement;

/** The title a call passes first: a string, or a template with `${…}` shown as "…". */
function titleOf(arg: ts.Expression | undefined): string | undefined {
  if (!arg) return undefined;
  if (ts.isStringLiteral(arg) || ts.isNoSubstitutionTemplateLiteral(arg)) return arg.text;
  if (ts.isTemplateExpression(arg)) return [arg.head.text, ...arg.templateSpans.map((s) => `…${s.literal.text}`)].join('');
  return undefined;
}

/** `describe`, `test`, or `<anything>.test`: the calls that name what a scenario file runs. */
function callKind(call: ts.CallExpression): 'describe' | 'test' | undefined {
  const callee = call.expression;
  if (ts.isIdentifier(callee)) return callee.text === 'describe' ? 'describe' : callee.text === 'test' ? 'test' : undefined;
  if (ts.isPropertyAccessExpression(callee) && callee.name.text === 'test') return 'test';
  return undefined;
}

/** Reads the suite and test titles of a node:test scenario file's source. */
export function outlineOf(source: string, fileName: string): ScenarioOutline {
  const sourceFile = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const suites: string[] = [];
  const tests: string[] = [];
  const visitNode = (node: ts.Node): void => {
    if (ts.isCallExpression(node)) {
      const kind = callKind(node);
      const title = kind && titleOf(node.arguments[0]);
      if (kind === 'describe' && title) suites.push(title);
      if (kind === 'test' && title) tests.push(title);
    }
    ts.forEachChild(node, visitNode);
  };
  visitNode(sourceFile);
  if (suites.length === 0 && tests.length === 1) return {suite: tests[0], tests: []};
  if (suites.length !== 1) {
    throw new Error(`${fileName} must hold one describe(…) suite (found ${suites.length}) or a single test`);
  }
  return {suite: suites[0], tests};
}

function attribute(node: JsxElement, name: string): string | undefined {
  const found = node.attributes.find((a) => a.type === 'mdxJsxAttribute' && a.name === name);
  return typeof found?.value === 'string' ? found.value : undefined;
}

function pageName(file: VFile, repoRoot: string): string {
  return file.path ? path.relative(repoRoot, file.path) : '<page>';
}

/** Checks the element and reads its scenario file; errors name the page and line. */
function proofFor(node: JsxElement, repoRoot: string, file: VFile): MdxJsxFlowElement {
  const where = `${pageName(file, repoRoot)}${node.position ? `:${node.position.start.line}` : ''}`;
  const testFile = attribute(node, 'file');
  const fail = (reason: string): never => {
    throw new Error(`${where}: <${ELEMENT_NAME}${testFile ? ` file="${testFile}"` : ''} /> ${reason}`);
  };
  if (node.type === 'mdxJsxTextElement') fail('must stand on a line of its own');
  const unknown = node.attributes.filter((a) => a.type !== 'mdxJsxAttribute' || a.name !== 'file');
  if (unknown.length) fail('takes one attribute, file="test/scenarios/<name>.test.ts"');
  if (!testFile) fail('needs file="test/scenarios/<name>.test.ts"');
  const normalised = path.posix.normalize(testFile!);
  if (!normalised.startsWith(`${SCENARIOS_DIR}/`) || !normalised.endsWith('.test.ts')) fail(`must name a test file under ${SCENARIOS_DIR}/`);
  const absolute = path.join(repoRoot, normalised);
  if (!existsSync(absolute)) fail('names a file that does not exist');
  let outline: ScenarioOutline;
  try {
    outline = outlineOf(readFileSync(absolute, 'utf8'), normalised);
  } catch (error) {
    return fail(error instanceof Error ? error.message : String(error));
  }
  const value = (name: string, v: string) => ({type: 'mdxJsxAttribute' as const, name, value: v});
  return {
    type: 'mdxJsxFlowElement',
    name: COMPONENT_NAME,
    attributes: [value('file', normalised), value('suite', outline.suite), value('tests', JSON.stringify(outline.tests))],
    children: [],
  };
}

function isScenario(node: Node): node is JsxElement {
  return (node.type === 'mdxJsxFlowElement' || node.type === 'mdxJsxTextElement') && (node as JsxElement).name === ELEMENT_NAME;
}

export interface Options {
  repoRoot?: string;
}

export default function remarkScenario(options: Options = {}) {
  const repoRoot = options.repoRoot ?? DEFAULT_REPO_ROOT;
  return (tree: Root, file: VFile): void => {
    visit(tree, (node, index, parent) => {
      if (!isScenario(node) || !parent || index === undefined) return;
      parent.children.splice(index, 1, proofFor(node, repoRoot, file));
      return SKIP;
    });
  };
}
