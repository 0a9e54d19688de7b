// Reads a tutorial page with the same MDX parser family Docusaurus uses (remark-parse +
// remark-mdx, front matter via remark-frontmatter) and lists its code blocks in page order,
// with the tutorial words of each fence's meta parsed. Nothing here executes anything.
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import type { Code, Root, Yaml } from 'mdast';
import type { MdxJsxFlowElement } from 'mdast-util-mdx-jsx';
import type { Node } from 'unist';
import remarkFrontmatter from 'remark-frontmatter';
import remarkMdx from 'remark-mdx';
import remarkParse from 'remark-parse';
import { unified } from 'unified';
import { visit } from 'unist-util-visit';
import { parse as parseYaml } from 'yaml';
import {
  harnessRuns,
  pageHash,
  pageIdOf,
  parseTutorialMeta,
  type TutorialBlockMeta,
} from '../../src/remark/tutorial-output-meta.ts';
import { ELEMENT_NAME as EXAMPLE_FILE_ELEMENT } from '../../src/remark/example-file.ts';
import { REPO_ROOT } from '../cluster/paths.ts';

export interface TutorialBlock {
  /** 1-based position among the blocks the harness runs (0 for blocks it does not run). */
  index: number;
  lang: string;
  line: number;
  command: string;
  meta: TutorialBlockMeta;
}

/** Environment a page asks the harness for (front matter `tutorial:`). */
export interface TutorialEnvironmentSpec {
  /** Cluster names; each becomes a kube context of that name. The first is the current context.
   * Empty for pages that need no cluster (the runner's own test fixtures). */
  clusters: string[];
  /** Repositories on the git server, built from folders of examples/. */
  repos: RepoSpec[];
  /** Whether the git server asks for credentials (false for pages whose sources are public). */
  gitAuth: boolean;
  /** Kubernetes version of the clusters (default: the toolchain's pin). */
  kubernetesVersion?: string;
}

export interface RepoSpec {
  /** Repository name on the server: <GIT_BASE>/<name>.git */
  name: string;
  /** Folder (relative to the repository root) the repo is built from; empty repo when omitted. */
  from?: string;
  /** Variable that receives the clone URL (e.g. GIT_URL). */
  urlVar: string;
  /** Variable that receives the path of a working clone (e.g. GIT_WORKDIR). */
  dirVar?: string;
  /** Extra branches, each created from a folder: branch name -> folder. */
  branches?: Record<string, string>;
}

export interface TutorialPage {
  /** Absolute path. */
  file: string;
  /** Path relative to the repository root (what messages and records show). */
  page: string;
  pageId: string;
  title: string;
  /** sidebar_position from the front matter (Infinity when absent). */
  position: number;
  source: string;
  hash: string;
  environment: TutorialEnvironmentSpec;
  /** Every code block of the page, in order (tutorial words parsed even when not runnable). */
  blocks: TutorialBlock[];
  /** The blocks the harness runs, in page order. */
  runnable: TutorialBlock[];
  /** Paths of the files the page shows with <ExampleFile>, in page order, without repeats. */
  examples: string[];
}

export const DEFAULT_ENVIRONMENT: TutorialEnvironmentSpec = {
  clusters: ['development'],
  repos: [{ name: 'fleet', from: 'examples/fleet', urlVar: 'GIT_URL', dirVar: 'GIT_WORKDIR' }],
  gitAuth: true,
};

const SHELLS = new Set(['bash', 'sh', 'shell', 'console']);

function fail(page: string, line: number | undefined, message: string): never {
  throw new Error(`${page}${line ? `:${line}` : ''}: ${message}`);
}

function environmentOf(page: string, frontMatter: Record<string, unknown>): TutorialEnvironmentSpec {
  const raw = frontMatter.tutorial as Record<string, unknown> | undefined;
  if (!raw) return structuredClone(DEFAULT_ENVIRONMENT);
  const known = new Set(['clusters', 'repos', 'gitAuth', 'kubernetesVersion']);
  for (const key of Object.keys(raw)) if (!known.has(key)) fail(page, undefined, `front matter tutorial.${key} is not one of ${[...known].join(', ')}`);
  const clusters = (raw.clusters as string[] | undefined) ?? DEFAULT_ENVIRONMENT.clusters;
  if (!Array.isArray(clusters) || clusters.some((c) => !/^[a-z][a-z0-9-]*$/.test(String(c)))) {
    fail(page, undefined, 'front matter tutorial.clusters must be a list of lower-case names');
  }
  const repos = (raw.repos as RepoSpec[] | undefined) ?? DEFAULT_ENVIRONMENT.repos;
  for (const repo of repos) {
    if (!repo.name || !repo.urlVar) fail(page, undefined, 'every front matter tutorial.repos entry needs name and urlVar');
  }
  return {
    clusters: clusters.map(String),
    repos,
    gitAuth: raw.gitAuth === undefined ? true : Boolean(raw.gitAuth),
    kubernetesVersion: raw.kubernetesVersion ? String(raw.kubernetesVersion) : undefined,
  };
}

/** The path of an <ExampleFile path="…"/> element (src/remark/example-file.ts), else undefined. */
function exampleFilePath(node: Node): string | undefined {
  if (node.type !== 'mdxJsxFlowElement' || (node as MdxJsxFlowElement).name !== EXAMPLE_FILE_ELEMENT) return undefined;
  const attribute = (node as MdxJsxFlowElement).attributes.find((a) => a.type === 'mdxJsxAttribute' && a.name === 'path');
  return typeof attribute?.value === 'string' ? attribute.value : undefined;
}

/** Parses MDX text into its blocks (pure: used by the unit tests on strings). */
export function parseTutorialSource(source: string, page: string, file = page): TutorialPage {
  const tree = unified().use(remarkParse).use(remarkMdx).use(remarkFrontmatter, ['yaml']).parse(source) as Root;
  let frontMatter: Record<string, unknown> = {};
  const blocks: TutorialBlock[] = [];
  const examples = new Set<string>();
  let title = '';
  visit(tree, (node) => {
    const shown = exampleFilePath(node);
    if (shown) examples.add(shown);
    if (node.type === 'yaml') frontMatter = (parseYaml((node as Yaml).value) ?? {}) as Record<string, unknown>;
    if (node.type === 'heading' && node.depth === 1 && !title) {
      title = node.children.map((c) => ('value' in c ? String(c.value) : '')).join('');
    }
    if (node.type !== 'code') return;
    const code = node as Code;
    const line = code.position?.start.line ?? 0;
    let meta: TutorialBlockMeta;
    try {
      meta = parseTutorialMeta(code.meta);
    } catch (error) {
      fail(page, line, (error as Error).message);
    }
    if (meta.isTutorialBlock && !SHELLS.has(code.lang ?? '')) {
      fail(page, line, `only shell blocks (bash) can be runnable or setup-specific; this one is "${code.lang ?? 'no language'}"`);
    }
    blocks.push({ index: 0, lang: code.lang ?? '', line, command: code.value, meta });
  });
  let n = 0;
  for (const block of blocks) if (harnessRuns(block.meta)) block.index = ++n;
  const ids = new Set<string>();
  for (const block of blocks) {
    if (!block.meta.id) continue;
    if (ids.has(block.meta.id)) fail(page, block.line, `id="${block.meta.id}" is used twice`);
    ids.add(block.meta.id);
  }
  return {
    file,
    page,
    pageId: pageIdOf(page),
    title: String(frontMatter.title ?? (title || pageIdOf(page))),
    position: typeof frontMatter.sidebar_position === 'number' ? frontMatter.sidebar_position : Number.POSITIVE_INFINITY,
    source,
    hash: pageHash(source),
    environment: environmentOf(page, frontMatter),
    blocks,
    runnable: blocks.filter((b) => b.index > 0),
    examples: [...examples],
  };
}

/** Reads and parses a page file. */
export function parseTutorialFile(file: string): TutorialPage {
  return parseTutorialSource(readFileSync(file, 'utf8'), relative(REPO_ROOT, file), file);
}
