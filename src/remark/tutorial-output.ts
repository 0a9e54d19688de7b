/**
 * remark plugin: shows what a tutorial's commands really printed.
 *
 * A tutorial page marks the shell blocks a reader runs:
 *
 *   ```bash runnable expect="demo-app\s+1/1" timeout=300
 *   ```bash kind-only        (needs kind and Docker; the harness skips it)
 *   ```bash local-only       (only for this project's local tier)
 *   ```bash docker-only      (needs Docker; never run here)
 *
 * test/tutorials/ runs the runnable blocks against real clusters and records their normalised
 * output; `npm run tutorials:update` files the passed runs in src/data/tutorial-runs/. For each
 * block the harness runs, this plugin inserts that recorded output after the block, titled with
 * the run's date, commit, Kubernetes and Flux versions. If there is no passed run for exactly
 * this version of the page (its source hash), it inserts a "not yet verified" note instead:
 * a page never claims a run it did not have. The tutorial words are removed from the meta
 * string readers get, and kind-only / local-only / docker-only blocks get a small title label.
 */
import {existsSync, readFileSync} from 'node:fs';
import path from 'node:path';
import type {Code, Paragraph, Root, RootContent} from 'mdast';
import type {MdxJsxFlowElement} from 'mdast-util-mdx-jsx';
import {visit, SKIP} from 'unist-util-visit';
import type {VFile} from 'vfile';
import {
  harnessRuns,
  pageHash,
  pageIdOf,
  parseTutorialMeta,
  type RecordedBlock,
  type TutorialBlockMeta,
  type TutorialRun,
} from '../../contracts/tutorial-runs';
import {REPO_ROOT, TUTORIAL_RUNS} from '../../contracts/paths';

const DEFAULT_RUNS_DIR = path.join(REPO_ROOT, TUTORIAL_RUNS);

export type Options = {
  /** Folder of recorded runs (<page-id>.json); src/data/tutorial-runs by default. */
  runsDir?: string;
};

/** Title labels for blocks the harness does not run as written. */
export const LABELS = {
  kindOnly: 'kind only: needs Docker, not run by the test suite',
  localOnly: "local tier only: this project's clusters without Docker",
  dockerOnly: 'needs Docker: not run by the test suite',
} as const;

export const NOT_VERIFIED_TITLE = 'Not yet verified';

/** The title of a recorded output block: when, from which commit, on which versions. */
export function outputTitle(run: Pick<TutorialRun, 'date' | 'commit' | 'kubernetesVersion' | 'fluxVersion'>): string {
  const commit = run.commit.slice(0, 7);
  return `Output recorded ${run.date} · commit ${commit} · Kubernetes ${run.kubernetesVersion} · Flux ${run.fluxVersion}`;
}

/** Why a block has no verified output (undefined when it has one). */
export function unverifiedReason(run: TutorialRun | undefined, hash: string, recorded: RecordedBlock | undefined, command: string): string | undefined {
  if (!run) return 'the test suite has not recorded a run of this page yet';
  if (run.status !== 'passed') return 'the last recorded run of this page failed';
  if (run.pageHash !== hash) return 'the page changed after its last recorded run';
  if (!recorded) return 'the last recorded run has no output for this block';
  if (recorded.command.replace(/\n$/, '') !== command.replace(/\n$/, '')) return 'the block changed after the last recorded run';
  return undefined;
}

function titled(meta: string, label: string): string {
  // An existing title keeps its words; the label goes first.
  const match = /title=(["'])(.*?)\1/.exec(meta);
  if (!match) return [meta, `title="${label}"`].filter(Boolean).join(' ');
  return meta.replace(match[0], `title="${label} · ${match[2].replace(/"/g, "'")}"`);
}

function label(meta: TutorialBlockMeta): string | undefined {
  if (meta.kindOnly) return LABELS.kindOnly;
  if (meta.dockerOnly) return LABELS.dockerOnly;
  if (meta.localOnly) return LABELS.localOnly;
  return undefined;
}

export function outputNode(run: TutorialRun, block: RecordedBlock): Code {
  const title = outputTitle(run).replace(/"/g, "'");
  return {type: 'code', lang: 'text', meta: `title="${title}"`, value: block.output === '' ? '(no output)' : block.output};
}

export function notVerifiedNode(reason: string): MdxJsxFlowElement {
  const text: Paragraph = {
    type: 'paragraph',
    children: [{type: 'text', value: `No recorded output is shown for this block: ${reason}.`}],
  };
  return {
    type: 'mdxJsxFlowElement',
    name: 'admonition',
    attributes: [
      {type: 'mdxJsxAttribute', name: 'type', value: 'caution'},
      {type: 'mdxJsxAttribute', name: 'title', value: NOT_VERIFIED_TITLE},
    ],
    children: [text],
  };
}

function readRun(runsDir: string, pageId: string): TutorialRun | undefined {
  const file = path.join(runsDir, `${pageId}.json`);
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as TutorialRun;
  } catch (error) {
    throw new Error(`${file} is not valid JSON: ${(error as Error).message}`, {cause: error});
  }
}

function pageSource(file: VFile): string {
  if (file.path && existsSync(file.path)) return readFileSync(file.path, 'utf8');
  return String(file.value ?? '');
}

export default function remarkTutorialOutput(options: Options = {}) {
  const runsDir = options.runsDir ?? DEFAULT_RUNS_DIR;
  return (tree: Root, file: VFile): void => {
    let run: TutorialRun | undefined;
    let hash: string | undefined;
    let loaded = false;
    let index = 0;
    visit(tree, 'code', (node: Code, position, parent) => {
      let meta: TutorialBlockMeta;
      try {
        meta = parseTutorialMeta(node.meta);
      } catch (error) {
        const where = `${file.path ?? '<page>'}${node.position ? `:${node.position.start.line}` : ''}`;
        throw new Error(`${where}: ${(error as Error).message}`, {cause: error});
      }
      if (!meta.isTutorialBlock) return;
      const tag = label(meta);
      const displayMeta = tag ? titled(meta.displayMeta, tag) : meta.displayMeta;
      node.meta = displayMeta === '' ? undefined : displayMeta;
      if (!harnessRuns(meta) || !parent || position === undefined) return;
      if (!loaded) {
        loaded = true;
        hash = pageHash(pageSource(file));
        run = readRun(runsDir, pageIdOf(file.path ?? 'page'));
      }
      index += 1;
      const recorded = run?.blocks.find((b) => b.index === index);
      const reason = unverifiedReason(run, hash!, recorded, node.value);
      const inserted: RootContent = reason ? notVerifiedNode(reason) : outputNode(run!, recorded!);
      parent.children.splice(position + 1, 0, inserted);
      return [SKIP, position + 2];
    });
  };
}
