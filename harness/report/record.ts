// What the harness calls to record a verdict about examples while a run is in progress.
//
//   import { verify } from './record';
//   test('bootstrap: staging Kustomizations become Ready', async (t) => {
//     await verify({ examples: ['examples/fleet/clusters/staging'], test: 'bootstrap: staging …',
//                    tier: 'local', kubernetesVersions: [cluster version], fluxVersion }, async () => {
//       ... the checks ...
//     });
//   });
//
// Node's test runner runs each test file in its own process, so every process appends one JSON
// line per entry to `<report dir>/entries.jsonl` (O_APPEND, one write per line) and then, under
// a lock folder, rebuilds `<report dir>/verification-report.json` from all lines: newest entry
// per (example, test, tier, Kubernetes versions). `npm run report:update` copies that file's
// entries into the committed snapshot.
import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { exampleDigest, normaliseExamplePath } from '../../contracts/report/digest';
import { headCommit, isDirty, lastCommitFor } from '../../contracts/report/git';
import { emptyReport, newestPerKey, serialiseReport, validateEntry, validateReport } from '../../contracts/report/merge';
import { REPORT_SCHEMA_VERSION, type ApiFinding, type Outcome, type ReportTier, type VerificationEntry, type VerificationReport } from '../../contracts/report/schema';
import { REPO_ROOT } from '../../contracts/paths.ts';
import { setting } from '../../contracts/settings.ts';


/** `.tmp/report` unless FIELD_GUIDE_REPORT_DIR points elsewhere. */
export function reportDir(env: NodeJS.ProcessEnv = process.env): string {
  const override = setting('FIELD_GUIDE_REPORT_DIR', env);
  return override ? path.resolve(override) : path.join(REPO_ROOT, '.tmp', 'report');
}

export function runReportPath(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(reportDir(env), 'verification-report.json');
}

function entriesLogPath(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(reportDir(env), 'entries.jsonl');
}

export interface RecordMeta {
  /** Example paths the test proves something about (files or folders under examples/). */
  examples: string | string[];
  /** `<test file>: <test name>`, unique within its tier. */
  test: string;
  tier: ReportTier;
  /** Versions of the API servers the test used (empty for static checks). */
  kubernetesVersions?: string[];
  fluxVersion?: string;
  findings?: ApiFinding[];
}

export interface RecordInput extends RecordMeta {
  result: Outcome;
  reason?: string;
  durationMs: number;
  /** Finish time; now when omitted. */
  date?: Date;
}

export interface RecordOptions {
  repoRoot?: string;
  env?: NodeJS.ProcessEnv;
}

/** First few lines of a message, so the report stays readable. */
function shortReason(reason: string | undefined): string | undefined {
  if (!reason) return undefined;
  const lines = reason.trim().split('\n');
  const head = lines.slice(0, 5).join('\n');
  return head.length > 1000 ? `${head.slice(0, 1000)}…` : head;
}

/** Builds the entries for one verdict (one per example) from the checkout as it is now. */
export function makeEntries(input: RecordInput, options: RecordOptions = {}): VerificationEntry[] {
  const repoRoot = options.repoRoot ?? REPO_ROOT;
  const commit = headCommit(repoRoot);
  if (!commit) throw new Error(`report: ${repoRoot} is not a git checkout with a commit; a result needs one`);
  const dirty = isDirty(repoRoot);
  const examples = Array.isArray(input.examples) ? input.examples : [input.examples];
  if (examples.length === 0) throw new Error(`report: "${input.test}" names no example`);
  const date = (input.date ?? new Date()).toISOString();
  return examples.map((raw, i) => {
    const example = normaliseExamplePath(repoRoot, raw);
    const exampleCommit = lastCommitFor(repoRoot, example);
    const entry: VerificationEntry = {
      example,
      test: input.test,
      tier: input.tier,
      result: input.result,
      ...(input.reason ? { reason: shortReason(input.reason) } : {}),
      kubernetesVersions: input.kubernetesVersions ?? [],
      ...(input.fluxVersion ? { fluxVersion: input.fluxVersion } : {}),
      durationMs: Math.max(0, Math.round(input.durationMs)),
      date,
      commit,
      dirty,
      exampleDigest: exampleDigest(repoRoot, example)!,
      ...(exampleCommit ? { exampleCommit } : {}),
      ...(input.findings?.length ? { findings: input.findings } : {}),
    };
    return validateEntry(entry, `report entry ${i} of "${input.test}"`);
  });
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Runs `fn` while holding `<dir>/.lock` (a folder: mkdir is atomic). */
function withLock<T>(dir: string, fn: () => T): T {
  const lock = path.join(dir, '.lock');
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      // A holder that died leaves the folder behind; nobody holds it for more than a second.
      try {
        if (Date.now() - statSync(lock).mtimeMs > 15_000) rmSync(lock, { recursive: true, force: true });
      } catch {
        /* removed meanwhile */
      }
      if (Date.now() > deadline) throw new Error(`report: could not take ${lock} within 30 s`);
      sleep(20);
    }
  }
  try {
    return fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** Reads entries.jsonl; a malformed line fails with its line number. */
export function readEntriesLog(env: NodeJS.ProcessEnv = process.env): VerificationEntry[] {
  const file = entriesLogPath(env);
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .map((line, i) => ({ line, n: i + 1 }))
    .filter(({ line }) => line.trim() !== '')
    .map(({ line, n }) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch (error) {
        throw new Error(`${file}:${n}: not JSON (${(error as Error).message})`);
      }
      return validateEntry(parsed, `${file}:${n}`);
    });
}

/** Rewrites verification-report.json from entries.jsonl (newest per key). */
export function rebuildRunReport(env: NodeJS.ProcessEnv = process.env): VerificationReport {
  const dir = reportDir(env);
  mkdirSync(dir, { recursive: true });
  return withLock(dir, () => {
    const entries = readEntriesLog(env);
    const report: VerificationReport = entries.length
      ? { schemaVersion: REPORT_SCHEMA_VERSION, updatedAt: new Date().toISOString(), entries: newestPerKey(entries) }
      : emptyReport();
    const target = runReportPath(env);
    const temp = `${target}.${process.pid}.tmp`;
    writeFileSync(temp, serialiseReport(report));
    renameSync(temp, target);
    return report;
  });
}

/** Appends one verdict (one entry per example) and refreshes the run report. */
export function recordResult(input: RecordInput, options: RecordOptions = {}): VerificationEntry[] {
  const env = options.env ?? process.env;
  const entries = makeEntries(input, options);
  mkdirSync(reportDir(env), { recursive: true });
  appendFileSync(entriesLogPath(env), entries.map((e) => `${JSON.stringify(e)}\n`).join(''));
  rebuildRunReport(env);
  return entries;
}

/** Records a skip with its reason (a skip is never a pass; the site shows it as not verified). */
export function recordSkip(meta: RecordMeta, reason: string, options: RecordOptions = {}): VerificationEntry[] {
  return recordResult({ ...meta, result: 'skipped', reason, durationMs: 0 }, options);
}

/**
 * Runs `fn`, timing it, and records `passed` when it resolves or `failed` (with the error's
 * message) when it throws; the error is rethrown so the test still fails.
 */
export async function verify<T>(meta: RecordMeta, fn: () => Promise<T> | T, options: RecordOptions = {}): Promise<T> {
  // Bad example paths fail before the work starts, naming the path.
  const repoRoot = options.repoRoot ?? REPO_ROOT;
  for (const example of Array.isArray(meta.examples) ? meta.examples : [meta.examples]) normaliseExamplePath(repoRoot, example);
  const started = performance.now();
  let value: T;
  try {
    value = await fn();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    recordResult({ ...meta, result: 'failed', reason, durationMs: performance.now() - started }, options);
    throw error;
  }
  recordResult({ ...meta, result: 'passed', durationMs: performance.now() - started }, options);
  return value;
}

/** Starts a fresh run report (the runner calls this before the tiers, if it wants runs kept apart). */
export function resetRunReport(env: NodeJS.ProcessEnv = process.env): void {
  rmSync(entriesLogPath(env), { force: true });
  rmSync(runReportPath(env), { force: true });
}

/** Reads and checks the run report written by recordResult (for update.ts). */
export function readRunReport(env: NodeJS.ProcessEnv = process.env): VerificationReport {
  const file = runReportPath(env);
  if (!existsSync(file)) {
    throw new Error(`${file} does not exist: no results were recorded yet (run npm test, or the tier that records them, first)`);
  }
  return validateReport(JSON.parse(readFileSync(file, 'utf8')), file);
}
