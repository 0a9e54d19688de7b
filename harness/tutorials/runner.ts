// Runs one tutorial page: a fresh environment (clusters, Flux, git server), then the page's
// runnable blocks in page order in one bash session, each checked for its exit status and its
// `expect` pattern. Every run is recorded (normalised) in .tmp/tutorial-runs/<page-id>.json;
// `npm run tutorials:update` copies passed runs into src/data/tutorial-runs/ for the site.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { globSync } from 'tinyglobby';
import { expectPattern, type RecordedBlock, type TutorialRun } from '../../contracts/tutorial-runs.ts';
import { REPO_ROOT } from '../../contracts/paths.ts';
import { FLUX_VERSION } from '../toolchain/versions.ts';
import { guideCommit, startTutorialEnvironment, type TutorialEnvironment } from './environment.ts';
import { cleanTerminalOutput, fullShasIn, normalizeOutput, type NormalizeContext } from './normalize.ts';
import type { TutorialBlock, TutorialPage } from './parse.ts';
import { BashSession, type BlockResult } from './session.ts';

/** Where runs are recorded (gitignored); tutorials:update copies from here. */
export const RUNS_DIR = join(REPO_ROOT, '.tmp', 'tutorial-runs');

let exampleShas: string[] | undefined;

/** Commit SHAs written in examples/ (illustrative release commits): content, kept in records. */
export function shasInExamples(): string[] {
  exampleShas ??= fullShasIn(
    globSync(['examples/**/*.{yaml,yml,json,md,sh}'], { cwd: REPO_ROOT, ignore: ['**/node_modules/**', '**/dist/**'] })
      .map((f) => readFileSync(join(REPO_ROOT, f), 'utf8'))
      .join('\n'),
  );
  return exampleShas;
}

/** Full SHAs and their 7 to 12 character abbreviations (what git and cut print). */
export function withPrefixes(shas: string[]): string[] {
  return shas.flatMap((sha) => [sha, ...[12, 11, 10, 9, 8, 7].map((n) => sha.slice(0, n))]);
}

/** Lines of a failing block's output quoted in the failure message. */
const TAIL_LINES = 40;

export interface RunOptions {
  log?: (line: string) => void;
  /** Record into this folder instead of RUNS_DIR (tests). */
  runsDir?: string;
  /** Start this environment instead of the page's own (tests pass a no-cluster spec). */
  startEnvironment?: typeof startTutorialEnvironment;
}

/** A failed block, with everything needed to act on it without re-running. */
export class TutorialFailure extends Error {
  constructor(
    readonly page: string,
    readonly blockNumber: number,
    readonly block: TutorialBlock,
    readonly result: BlockResult,
    readonly reason: string,
    readonly clusterState: string,
  ) {
    super(formatFailure(page, blockNumber, block, result, reason, clusterState));
    this.name = 'TutorialFailure';
  }
}

/** The last `lines` lines of a text. */
export function tail(text: string, lines = TAIL_LINES): string {
  const all = text.split('\n');
  return (all.length > lines ? [`… (${all.length - lines} earlier lines)`, ...all.slice(-lines)] : all).join('\n');
}

function indent(text: string, prefix = '    '): string {
  return text.split('\n').map((l) => `${prefix}${l}`).join('\n');
}

export function formatFailure(page: string, blockNumber: number, block: TutorialBlock, result: BlockResult, reason: string, clusterState: string): string {
  return [
    `${page}:${block.line}: runnable block ${blockNumber}${block.meta.id ? ` (id ${block.meta.id})` : ''} ${reason}`,
    '  command:',
    indent(block.command.replace(/\n$/, '')),
    `  output (last ${TAIL_LINES} lines):`,
    indent(tail(cleanTerminalOutput(result.output)) || '(no output)'),
    ...(clusterState ? ['  cluster state:', indent(clusterState, '  ')] : []),
  ].join('\n');
}

/** Why a block's result is a failure, or undefined when it passed. */
export function judgeBlock(block: TutorialBlock, result: BlockResult, normalized: string): string | undefined {
  if (result.timedOut) return `timed out after ${block.meta.timeoutSeconds}s`;
  if (result.exitCode !== 0) return `exited with status ${result.exitCode}`;
  if (block.meta.expect !== undefined) {
    const pattern = expectPattern(block.meta.expect);
    if (!pattern.test(cleanTerminalOutput(result.output)) && !pattern.test(normalized)) {
      return `exited 0 but its output does not match expect="${block.meta.expect}"`;
    }
  }
  return undefined;
}

/** `<page-id>.json` for the local tier (what the site shows), `<page-id>.<provider>.json` beside it for others. */
export function runFileName(pageId: string, provider: string): string {
  return provider === 'local' || provider === 'none' ? `${pageId}.json` : `${pageId}.${provider}.json`;
}

function writeRun(dir: string, run: TutorialRun): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, runFileName(run.pageId, run.provider));
  writeFileSync(file, `${JSON.stringify(run, null, 2)}\n`);
  return file;
}

/** Runs a page end to end; resolves to its record, or rejects with a TutorialFailure. */
export async function runTutorial(page: TutorialPage, opts: RunOptions = {}): Promise<TutorialRun> {
  const log = opts.log ?? (() => {});
  const started = Date.now();
  const { commit, dirty } = guideCommit();
  const blocks: RecordedBlock[] = [];
  const start = opts.startEnvironment ?? startTutorialEnvironment;
  log(`[${page.pageId}] starting ${page.environment.clusters.join(', ') || 'no'} cluster(s)`);
  const environment: TutorialEnvironment = await start(page.environment, { log });
  log(`[${page.pageId}] environment ready in ${environment.startSeconds.toFixed(1)}s`);
  const context: NormalizeContext = {
    replacements: environment.replacements,
    secrets: environment.secrets,
    keep: withPrefixes([...shasInExamples(), ...fullShasIn(page.source)]),
  };
  const session = new BashSession({ cwd: REPO_ROOT, env: environment.env, scriptDir: join(environment.runDir, 'blocks') });
  let failure: TutorialFailure | undefined;
  try {
    for (const block of page.runnable) {
      log(`[${page.pageId}] block ${block.index}/${page.runnable.length} (line ${block.line})`);
      const result = await session.run(block.command, block.meta.timeoutSeconds);
      const output = normalizeOutput(result.output, context);
      blocks.push({
        index: block.index,
        ...(block.meta.id ? { id: block.meta.id } : {}),
        line: block.line,
        command: block.command,
        exitCode: result.exitCode,
        seconds: Math.round(result.seconds * 10) / 10,
        output,
      });
      const reason = judgeBlock(block, result, output);
      if (reason) {
        const state = await environment.explain().catch((e: Error) => `(could not read the clusters: ${e.message})`);
        failure = new TutorialFailure(page.page, block.index, block, { ...result, output }, reason, state);
        break;
      }
    }
  } finally {
    await session.close();
  }
  let kept: string[] = [];
  let stopError: Error | undefined;
  try {
    kept = await environment.stop({ keepLogs: failure !== undefined });
  } catch (error) {
    stopError = error as Error;
  }
  const run: TutorialRun = {
    page: page.page,
    pageId: page.pageId,
    pageHash: page.hash,
    status: failure || stopError ? 'failed' : 'passed',
    date: new Date().toISOString().slice(0, 10),
    commit,
    ...(dirty ? { dirty: true } : {}),
    kubernetesVersion: environment.kubernetesVersion,
    fluxVersion: FLUX_VERSION,
    provider: page.environment.clusters.length > 0 ? environment.provider : 'none',
    seconds: Math.round((Date.now() - started) / 100) / 10,
    blocks,
  };
  const file = writeRun(opts.runsDir ?? RUNS_DIR, run);
  log(`[${page.pageId}] ${run.status} in ${run.seconds}s; recorded in ${file}`);
  if (failure) {
    if (kept.length > 0) failure.message += `\n  cluster logs kept in: ${kept.join(', ')}`;
    throw failure;
  }
  if (stopError) throw stopError;
  return run;
}
