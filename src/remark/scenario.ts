/**
 * remark plugin: a page names the live scenario that proves the workflow it describes.
 *
 *   <Scenario file="test/scenarios/drift.test.ts" />
 *
 * becomes <ScenarioProof file=… suite=… checks=…/> (src/components/ScenarioProof), which links the
 * test file and lists what it checks. The titles are read from the test file at build time with
 * the TypeScript parser (the suite is the `describe(…)` title, the checks are the `test(…)` and
 * `s.test(…)` titles, with their `t.test(…)` steps), so the list cannot fall behind the file. A
 * missing file, a file with no suite, or a title that is not text fails the build naming the page
 * and line.
 */
import {existsSync, readFileSync} from 'node:fs';
import path from 'node:path';
import type {Root} from 'mdast';
import type {MdxJsxFlowElement, MdxJsxTextElement} from 'mdast-util-mdx-jsx';
import ts from 'typescript';
import {SKIP, visit} from 'unist-util-visit';
import {pageName} from './example-file';
import type {Node} from 'unist';
import type {VFile} from 'vfile';
import {REPO_ROOT} from '../../contracts/paths';

export const ELEMENT_NAME = 'Scenario';
export const COMPONENT_NAME = 'ScenarioProof';
export const SCENARIOS_DIR = 'test/scenarios';

const DEFAULT_REPO_ROOT = REPO_ROOT;

export interface ScenarioCheck {
  title: string;
  /** Titles of the subtests (`t.test(…)`) the check runs, in file order. */
  steps: string[];
}

export interface ScenarioOutline {
  /** Title of the file's describe() (or its single top-level test). */
  suite: string;
  /** The tests inside it, in file order. */
  checks: ScenarioCheck[];
}

type JsxElement = MdxJsxFlowElement | MdxJsxTextElement;

/** The title a call passes first: a string, or a template with `${…}` shown as "…". */
function titleOf(arg: ts.Expression | undefined): string | undefined {
  if (!arg) return undefined;
  if (ts.isStringLiteral(arg) || ts.isNoSubstitutionTemplateLiteral(arg)) return arg.text;
  if (ts.isTemplateExpression(arg)) return [arg.head.text, ...arg.templateSpans.map((s) => `…${s.literal.text}`)].join('');
  return undefined;
}

/**
 * `describe(title, …fn)`, `test(title, …fn)` or `<name>.test(title, …fn)` (s.test, t.test): a
 * call with a function among its later arguments, which tells it from `/re/.test(text)`.
 */
function testCall(node: ts.Node): {kind: 'describe' | 'test'; call: ts.CallExpression} | undefined {
  if (!ts.isCallExpression(node)) return undefined;
  const hasBody = node.arguments.slice(1).some((a) => ts.isArrowFunction(a) || ts.isFunctionExpression(a));
  if (!hasBody) return undefined;
  const callee = node.expression;
  if (ts.isIdentifier(callee) && (callee.text === 'describe' || callee.text === 'test')) return {kind: callee.text, call: node};
  if (ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression) && callee.name.text === 'test') return {kind: 'test', call: node};
  return undefined;
}

/**
 * Reads the suite, its tests and their subtests from a node:test scenario file's source. Tests
 * registered inside an `if` are guards for a broken checkout (such as "there are no clusters"),
 * not checks of the workflow, and are left out. A title that is not text fails: the page would
 * otherwise list less than the file runs.
 */
export function outlineOf(source: string, fileName: string): ScenarioOutline {
  const sourceFile = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const suites: string[] = [];
  const checks: ScenarioCheck[] = [];
  const titled = (call: ts.CallExpression): string => {
    const title = titleOf(call.arguments[0]);
    if (title === undefined) {
      const {line} = sourceFile.getLineAndCharacterOfPosition(call.getStart(sourceFile));
      throw new Error(`${fileName}:${line + 1}: a test title must be a string or a template literal`);
    }
    return title;
  };
  const visitNode = (node: ts.Node, parent: ScenarioCheck | undefined): void => {
    if (ts.isIfStatement(node)) return;
    const found = testCall(node);
    if (found?.kind === 'describe') suites.push(titled(found.call));
    if (found?.kind === 'test' && parent) {
      parent.steps.push(titled(found.call));
      return;
    }
    if (found?.kind === 'test') {
      const check = {title: titled(found.call), steps: []};
      checks.push(check);
      ts.forEachChild(node, (child) => visitNode(child, check));
      return;
    }
    ts.forEachChild(node, (child) => visitNode(child, parent));
  };
  visitNode(sourceFile, undefined);
  if (suites.length === 0 && checks.length === 1) return {suite: checks[0].title, checks: []};
  if (suites.length !== 1) {
    throw new Error(`${fileName} must hold one describe(…) suite (found ${suites.length}) or a single test`);
  }
  return {suite: suites[0], checks};
}

function attribute(node: JsxElement, name: string): string | undefined {
  const found = node.attributes.find((a) => a.type === 'mdxJsxAttribute' && a.name === name);
  return typeof found?.value === 'string' ? found.value : undefined;
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
    attributes: [value('file', normalised), value('suite', outline.suite), value('checks', JSON.stringify(outline.checks))],
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
