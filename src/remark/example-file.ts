/**
 * remark plugin: the one way a page shows a file from `examples/`.
 *
 *   <ExampleFile path="examples/fleet/clusters/staging/apps.yaml" highlight="3-5,8" />
 *
 * becomes a fenced code block whose text is read from the repository at build
 * time, so the page can only ever show what the test harness deploys. A wrong
 * path fails the build instead of rendering a stale or empty block.
 */
import {existsSync, readFileSync, statSync} from 'node:fs';
import path from 'node:path';
import type {Code, Root} from 'mdast';
import type {MdxJsxFlowElement, MdxJsxTextElement} from 'mdast-util-mdx-jsx';
import {visit, SKIP} from 'unist-util-visit';
import type {Node} from 'unist';
import type {VFile} from 'vfile';
import {REPO_ROOT} from '../../contracts/paths';

export const ELEMENT_NAME = 'ExampleFile';
export const EXAMPLES_DIR = 'examples';

export type ExampleFileProps = {
  path: string;
  highlight?: string;
  title?: string;
  lang?: string;
};

type JsxElement = MdxJsxFlowElement | MdxJsxTextElement;

const KNOWN_PROPS = new Set(['path', 'highlight', 'title', 'lang']);

/**
 * Languages by file name first (files without an extension), then by
 * extension. Each must be a grammar prism-react-renderer bundles or one in
 * docusaurus.config.ts `prism.additionalLanguages`.
 */
const LANGUAGE_BY_NAME: Record<string, string> = {
  dockerfile: 'dockerfile',
  '.env': 'bash',
  '.gitignore': 'text',
};

const LANGUAGE_BY_EXTENSION: Record<string, string> = {
  '.yaml': 'yaml',
  '.yml': 'yaml',
  '.json': 'json',
  '.ts': 'ts',
  '.tsx': 'tsx',
  '.js': 'js',
  '.mjs': 'js',
  '.cjs': 'js',
  '.sh': 'sh',
  '.bash': 'bash',
  '.go': 'go',
  '.md': 'markdown',
  '.diff': 'diff',
  '.patch': 'diff',
  '.css': 'css',
  '.html': 'html',
  '.sql': 'sql',
  '.txt': 'text',
};

/** Prism name for a file; plain text when the guide has not taught it one. */
export function languageFor(filePath: string): string {
  const base = path.posix.basename(filePath).toLowerCase();
  if (LANGUAGE_BY_NAME[base]) return LANGUAGE_BY_NAME[base];
  if (base.startsWith('dockerfile.') || base.endsWith('.dockerfile')) return 'dockerfile';
  return LANGUAGE_BY_EXTENSION[path.posix.extname(base)] ?? 'text';
}

/** Reads the element's attributes; only plain string literals are allowed. */
export function parseExampleFileElement(node: JsxElement): ExampleFileProps {
  const props: Record<string, string> = {};
  for (const attribute of node.attributes) {
    if (attribute.type !== 'mdxJsxAttribute') {
      throw new Error(`<${ELEMENT_NAME}> does not accept {...spread} attributes`);
    }
    if (!KNOWN_PROPS.has(attribute.name)) {
      throw new Error(`<${ELEMENT_NAME}> has an unknown attribute "${attribute.name}"`);
    }
    if (typeof attribute.value !== 'string') {
      // An expression would be evaluated in the browser, long after the file was read.
      throw new Error(`<${ELEMENT_NAME}> attribute "${attribute.name}" must be a string literal`);
    }
    props[attribute.name] = attribute.value;
  }
  if (!props.path) throw new Error(`<${ELEMENT_NAME}> needs a path="examples/…" attribute`);
  return props as ExampleFileProps;
}

/**
 * Checks a highlight spec such as "3-5,8" against the file's line count, so a
 * highlight that drifted past the end of an edited file fails loudly.
 */
export function validateHighlight(spec: string, lineCount: number): string {
  const compact = spec.replace(/\s+/g, '');
  for (const part of compact.split(',')) {
    const match = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!match) throw new Error(`highlight "${spec}": "${part}" is not N or N-M`);
    const start = Number(match[1]);
    const end = Number(match[2] ?? match[1]);
    if (start < 1 || end < start || end > lineCount) {
      throw new Error(`highlight "${spec}": lines ${part} are outside 1-${lineCount}`);
    }
  }
  return compact;
}

/** Line count as the reader sees it: a final newline does not start a line. */
function toBlockText(content: string): string {
  return content.replace(/\r\n/g, '\n').replace(/\n$/, '');
}

/** Pure: props and file content in, mdast code node out. */
export function exampleFileToCode(props: ExampleFileProps, content: string): Code {
  const value = toBlockText(content);
  const title = props.title ?? props.path;
  if (title.includes('"')) throw new Error(`title "${title}" must not contain a double quote`);
  const meta = [`title="${title}"`];
  if (props.highlight) meta.push(`{${validateHighlight(props.highlight, value.split('\n').length)}}`);
  meta.push('showLineNumbers');
  return {type: 'code', lang: props.lang ?? languageFor(props.path), meta: meta.join(' '), value};
}

/**
 * Absolute path of an example; refuses anything outside `examples/` so a page
 * cannot show a file the harness never runs.
 */
export function resolveExamplePath(repoRoot: string, examplePath: string): string {
  const examplesRoot = path.resolve(repoRoot, EXAMPLES_DIR);
  const absolute = path.resolve(repoRoot, examplePath);
  if (!absolute.startsWith(examplesRoot + path.sep)) {
    throw new Error(`path "${examplePath}" is outside ${EXAMPLES_DIR}/`);
  }
  if (!existsSync(absolute) || !statSync(absolute).isFile()) {
    throw new Error(`path "${examplePath}" does not exist (looked for ${absolute})`);
  }
  return absolute;
}

/** Repository root: two levels above src/remark/. */
const DEFAULT_REPO_ROOT = REPO_ROOT;

export type Options = {repoRoot?: string};

/** The page a remark plugin is compiling, relative to the repository, for error messages. */
export function pageName(file: VFile, repoRoot: string): string {
  return file.path ? path.relative(repoRoot, file.path) : '<unknown page>';
}

/** `path="…"` of the element, when it has a plain one, for error messages. */
function pathAttribute(node: JsxElement): string {
  const attribute = node.attributes.find((a) => a.type === 'mdxJsxAttribute' && a.name === 'path');
  return typeof attribute?.value === 'string' ? ` path="${attribute.value}"` : '';
}

function codeFor(node: JsxElement, repoRoot: string, file: VFile): Code {
  try {
    const props = parseExampleFileElement(node);
    const absolute = resolveExamplePath(repoRoot, props.path);
    return exampleFileToCode(props, readFileSync(absolute, 'utf8'));
  } catch (error) {
    const line = node.position ? `:${node.position.start.line}` : '';
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`${pageName(file, repoRoot)}${line}: <${ELEMENT_NAME}${pathAttribute(node)} /> ${reason}`, {cause: error});
  }
}

/** The harness's verdict on the example, shown under its code block (src/components/VerificationStatus). */
export const BADGE_NAME = 'VerificationBadge';

export function badgeFor(examplePath: string): MdxJsxFlowElement {
  return {
    type: 'mdxJsxFlowElement',
    name: BADGE_NAME,
    attributes: [{type: 'mdxJsxAttribute', name: 'example', value: examplePath}],
    children: [],
  };
}

function isExampleFile(node: Node): node is JsxElement {
  return (
    (node.type === 'mdxJsxFlowElement' || node.type === 'mdxJsxTextElement') &&
    (node as JsxElement).name === ELEMENT_NAME
  );
}

export default function remarkExampleFile(options: Options = {}) {
  const repoRoot = options.repoRoot ?? DEFAULT_REPO_ROOT;
  return (tree: Root, file: VFile): void => {
    visit(tree, (node, index, parent) => {
      if (!isExampleFile(node) || !parent || index === undefined) return;
      // A code block cannot sit inside a sentence; MDX only parses the element
      // inline when text shares its line.
      if (node.type === 'mdxJsxTextElement') {
        const line = node.position ? `:${node.position.start.line}` : '';
        throw new Error(`${pageName(file, repoRoot)}${line}: <${ELEMENT_NAME}> must stand on a line of its own`);
      }
      const code = codeFor(node, repoRoot, file);
      (parent.children as Node[]).splice(index, 1, code, badgeFor(parseExampleFileElement(node).path));
      return [SKIP, index + 2];
    });
  };
}
