// Reads a tutorial page with the same MDX parser family Docusaurus uses (remark-parse +
// remark-mdx, front matter via remark-frontmatter) and lists its code blocks in page order,
// with the tutorial words of each fence's meta parsed. Nothing here executes anything.
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import type { Code, Root, Yaml } from 'mdast';
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
} from '../../contracts/tutorial-runs.ts';
import { REPO_ROOT } from '../../contracts/paths.ts';

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
  /**
   * Paths under examples/ whose behaviour a passing run of the page proves (front matter
   * `tutorial.verifies`): the page's author names them, and each must be named by a runnable block
   * (itself, relative to a repository the page gets, or through a folder holding it). The run's
   * verdict is recorded for exactly these (harness/report).
   */
  verifies: string[];
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
  const known = new Set(['clusters', 'repos', 'gitAuth', 'kubernetesVersion', 'verifies']);
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

/** The ways a command can name `example`: itself or a folder holding it, also relative to a repository built from its folder. */
function namesOf(example: string, environment: TutorialEnvironmentSpec): string[] {
  const forms = [example, ...environment.repos.filter((r) => r.from && example.startsWith(`${r.from}/`)).map((r) => example.slice(r.from!.length + 1))];
  return forms.flatMap((form) => {
    const parts = form.split('/');
    const shortest = form.startsWith('examples/') ? 2 : 1; // never just "examples"
    return parts.slice(shortest - 1).map((_, i) => parts.slice(0, parts.length - i).join('/'));
  });
}

function verifiesOf(page: string, frontMatter: Record<string, unknown>, environment: TutorialEnvironmentSpec, runnable: TutorialBlock[]): string[] {
  const raw = (frontMatter.tutorial as Record<string, unknown> | undefined)?.verifies;
  if (raw === undefined) return [];
  if (!Array.isArray(raw) || raw.some((v) => typeof v !== 'string' || !/^examples\/[^\s]+[^/]$/.test(v))) {
    fail(page, undefined, 'front matter tutorial.verifies must be a list of paths under examples/ (no trailing slash)');
  }
  const commands = runnable.map((b) => b.command).join('\n');
  for (const example of raw as string[]) {
    if (!namesOf(example, environment).some((name) => commands.includes(name))) {
      fail(page, undefined, `front matter tutorial.verifies lists ${example}, but no runnable block names it or a folder holding it`);
    }
  }
  return raw as string[];
}

/** Parses MDX text into its blocks (pure: used by the unit tests on strings). */
export function parseTutorialSource(source: string, page: string, file = page): TutorialPage {
  const tree = unified().use(remarkParse).use(remarkMdx).use(remarkFrontmatter, ['yaml']).parse(source) as Root;
  let frontMatter: Record<string, unknown> = {};
  const blocks: TutorialBlock[] = [];
  let title = '';
  visit(tree, (node) => {
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
  const environment = environmentOf(page, frontMatter);
  return {
    file,
    page,
    pageId: pageIdOf(page),
    title: String(frontMatter.title ?? (title || pageIdOf(page))),
    position: typeof frontMatter.sidebar_position === 'number' ? frontMatter.sidebar_position : Number.POSITIVE_INFINITY,
    source,
    hash: pageHash(source),
    environment,
    blocks,
    runnable: blocks.filter((b) => b.index > 0),
    verifies: verifiesOf(page, frontMatter, environment, blocks.filter((b) => b.index > 0)),
  };
}

/** Reads and parses a page file. */
export function parseTutorialFile(file: string): TutorialPage {
  return parseTutorialSource(readFileSync(file, 'utf8'), relative(REPO_ROOT, file), file);
}
