// Pure status logic of the verification badges: no React, no I/O. Unit-tested in status.test.ts.
//
// An example's status is decided from the committed report (src/data/verification-report.json)
// and from what the site build saw in the checkout (the example's current content digest).
// The rules, in order:
// - an entry is stale when the example changed since it ran (digest, or failing that the last
//   commit, differs), when the example is gone, when the build could not check it, or when it is
//   older than maxAgeDays;
// - skipped entries never count as verification;
// - a fresh failure makes the example "failed";
// - otherwise a fresh pass makes it "passed";
// - otherwise entries that exist but are all stale make it "stale";
// - otherwise it is "not-verified". A missing or stale result is never shown as passing.
import type { ReportTier, VerificationEntry, VerificationReport } from '../../../contracts/report/schema';

export type { ReportTier, VerificationEntry, VerificationReport } from '../../../contracts/report/schema';

export type ExampleState = 'passed' | 'failed' | 'stale' | 'not-verified';

/** What the site build knows about an example path in the checkout it built from. */
export interface CurrentExample {
  exists: boolean;
  /** `sha256:…` as contracts/report/digest.ts computes it. */
  digest?: string;
  /** Last commit that changed the path, when git history was available. */
  lastCommit?: string;
  /** For a folder: the files in it that each need a result of their own (prose left out). */
  files?: string[];
}

export interface StatusOptions {
  /** Milliseconds since the epoch. */
  now: number;
  /** Results older than this are stale. */
  maxAgeDays: number;
  /** Current facts about a path, or undefined when the build did not compute them. */
  current: (example: string) => CurrentExample | undefined;
}

export const DEFAULT_MAX_AGE_DAYS = 30;
const DAY_MS = 24 * 60 * 60 * 1000;

export interface EntryVerdict {
  entry: VerificationEntry;
  /** Empty when the entry is fresh. */
  staleReasons: string[];
}

export interface ExampleStatus {
  example: string;
  state: ExampleState;
  /** Short text for the badge. */
  label: string;
  /** One sentence saying why, for the badge's title and the table. */
  detail: string;
  /** Tiers of the entries that decided the state, in report tier order. */
  tiers: ReportTier[];
  /** Kubernetes versions of the deciding entries. */
  kubernetesVersions: string[];
  /** Newest deciding entry (its date and commit are shown). */
  latest?: VerificationEntry;
  /** Every matching entry with its staleness, newest first (skips included). */
  verdicts: EntryVerdict[];
}

const TIER_ORDER: readonly ReportTier[] = ['static', 'app', 'local', 'kind', 'existing'];

export const STATE_LABELS: Record<ExampleState, string> = {
  passed: 'verified',
  failed: 'failing',
  stale: 'stale',
  'not-verified': 'not yet verified',
};

/** Normalises `examples/x/` and `./examples/x` to `examples/x`. */
export function normaliseExample(path: string): string {
  return path.trim().replace(/^\.\//, '').replace(/\/+$/, '');
}

/** True when `entryPath` is `path` itself or a folder containing it (a folder's test covers its files). */
export function covers(entryPath: string, path: string): boolean {
  return path === entryPath || path.startsWith(`${entryPath}/`);
}

/**
 * Entries that speak about `example`: results for the path itself or for a folder that contains
 * it (a folder's test covers its files). Results for paths *inside* a folder do not verify the
 * folder: they leave the rest of it untested.
 */
export function matchingEntries(report: VerificationReport, example: string): VerificationEntry[] {
  const path = normaliseExample(example);
  return report.entries.filter((e) => covers(e.example, path));
}

/** Entries for paths strictly inside `example` (shown as a hint, never counted for it). */
export function entriesInside(report: VerificationReport, example: string): VerificationEntry[] {
  const path = normaliseExample(example);
  return report.entries.filter((e) => e.example !== path && covers(path, e.example));
}

/** Why an entry can no longer be trusted; empty when it is fresh. */
export function staleReasons(entry: VerificationEntry, options: StatusOptions): string[] {
  const reasons: string[] = [];
  const current = options.current(entry.example);
  if (!current) {
    reasons.push(`the site build could not compare ${entry.example} with the checkout`);
  } else if (!current.exists) {
    reasons.push(`${entry.example} no longer exists`);
  } else if (current.digest && entry.exampleDigest) {
    if (current.digest !== entry.exampleDigest) reasons.push(`${entry.example} changed after it was verified`);
  } else if (current.lastCommit && entry.exampleCommit) {
    if (current.lastCommit !== entry.exampleCommit) reasons.push(`${entry.example} changed after it was verified (last change ${current.lastCommit.slice(0, 7)}, verified ${entry.exampleCommit.slice(0, 7)})`);
  } else {
    reasons.push(`the site build could not compare ${entry.example} with the checkout`);
  }
  const date = Date.parse(entry.date);
  if (Number.isNaN(date)) {
    reasons.push(`its date "${entry.date}" is not readable`);
  } else {
    const ageDays = Math.floor((options.now - date) / DAY_MS);
    if (ageDays > options.maxAgeDays) reasons.push(`verified ${ageDays} days ago (more than ${options.maxAgeDays})`);
  }
  return reasons;
}

function sortedTiers(entries: VerificationEntry[]): ReportTier[] {
  const set = new Set(entries.map((e) => e.tier));
  return TIER_ORDER.filter((t) => set.has(t));
}

function versionsOf(entries: VerificationEntry[]): string[] {
  return [...new Set(entries.flatMap((e) => e.kubernetesVersions))].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
}

function newestFirst(a: VerificationEntry, b: VerificationEntry): number {
  return Date.parse(b.date) - Date.parse(a.date);
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** The status of one example path (a file or a folder) from a report. */
export function exampleStatus(report: VerificationReport, example: string, options: StatusOptions): ExampleStatus {
  const path = normaliseExample(example);
  const verdicts = matchingEntries(report, path)
    .sort(newestFirst)
    .map((entry) => ({ entry, staleReasons: staleReasons(entry, options) }));
  const counted = verdicts.filter((v) => v.entry.result !== 'skipped');
  const fresh = counted.filter((v) => v.staleReasons.length === 0).map((v) => v.entry);
  const failed = fresh.filter((e) => e.result === 'failed');
  const passed = fresh.filter((e) => e.result === 'passed');
  const make = (state: ExampleState, deciding: VerificationEntry[], detail: string): ExampleStatus => ({
    example: path,
    state,
    label: STATE_LABELS[state],
    detail,
    tiers: sortedTiers(deciding),
    kubernetesVersions: versionsOf(deciding),
    latest: [...deciding].sort(newestFirst)[0],
    verdicts,
  });

  const files = options.current(path)?.files;
  if (fresh.length === 0 && files?.length) return folderStatus(report, path, files, options);

  if (failed.length) {
    const tests = [...new Set(failed.map((e) => e.test))];
    return make('failed', failed, `${plural(tests.length, 'test')} failed: ${tests.join('; ')}`);
  }
  if (passed.length) {
    const staleCount = counted.length - fresh.length;
    const extra = staleCount ? ` (${plural(staleCount, 'older result')} no longer count)` : '';
    return make('passed', passed, `${plural(passed.length, 'test')} passed${extra}`);
  }
  if (counted.length) {
    const reasons = [...new Set(counted.flatMap((v) => v.staleReasons))];
    return make('stale', counted.map((v) => v.entry), `results exist but no longer count: ${reasons.join('; ')}`);
  }
  const skips = verdicts.map((v) => v.entry.reason).filter((r): r is string => Boolean(r));
  const inside = new Set(entriesInside(report, path).map((e) => e.example)).size;
  const insideNote = inside ? ` (${inside === 1 ? '1 path inside it has' : `${inside} paths inside it have`} results, but none covers all of it)` : '';
  const detail = skips.length ? `only skipped so far: ${[...new Set(skips)].join('; ')}` : `no test has recorded a result for it yet${insideNote}`;
  return make('not-verified', [], detail);
}

function listed(paths: string[], folder: string): string {
  const names = paths.map((p) => p.slice(folder.length + 1));
  return names.length > 3 ? `${names.slice(0, 3).join(', ')} and ${names.length - 3} more` : names.join(', ');
}

/**
 * A folder no fresh result covers whole, judged by its files: verified only when every file has a
 * fresh pass; the date shown is the oldest of the files' newest results (all verified since).
 */
function folderStatus(report: VerificationReport, folder: string, files: string[], options: StatusOptions): ExampleStatus {
  const statuses = files.map((file) => exampleStatus(report, file, options));
  const state = combineStates(statuses.map((s) => s.state));
  const inState = (st: ExampleState) => statuses.filter((s) => s.state === st).map((s) => s.example);
  const details: Record<ExampleState, string> = {
    passed: `each of its ${files.length} files has a fresh passing result`,
    failed: `failing in ${listed(inState('failed'), folder)}`,
    'not-verified': `${inState('not-verified').length} of its ${files.length} files have no result yet: ${listed(inState('not-verified'), folder)}`,
    stale: `results for ${listed(inState('stale'), folder)} no longer count`,
  };
  const deciding = statuses.filter((s) => s.state === state);
  const newestOfEach = deciding.map((s) => s.latest).filter((e): e is VerificationEntry => e !== undefined).sort(newestFirst);
  const latest = state === 'passed' ? newestOfEach[newestOfEach.length - 1] : newestOfEach[0];
  return {
    example: folder,
    state,
    label: STATE_LABELS[state],
    detail: details[state],
    tiers: TIER_ORDER.filter((t) => deciding.some((s) => s.tiers.includes(t))),
    kubernetesVersions: [...new Set(deciding.flatMap((s) => s.kubernetesVersions))].sort((a, b) => a.localeCompare(b, 'en', { numeric: true })),
    ...(latest ? { latest } : {}),
    verdicts: [],
  };
}

/** A goal row: the goal's own id and page, joined with the status of each proving example. */
export interface GoalLike {
  id: string;
  text: string;
  examples: string[];
}

export interface GoalRow<G extends GoalLike = GoalLike> {
  goal: G;
  /** Overall: failed if any example failed, passed only if every example passed, etc. */
  state: ExampleState | 'no-examples';
  examples: ExampleStatus[];
}

/** Worst-first combination: one failure fails the goal; one unverified example stops a pass. */
export function combineStates(states: ExampleState[]): ExampleState {
  if (states.includes('failed')) return 'failed';
  if (states.includes('not-verified')) return 'not-verified';
  if (states.includes('stale')) return 'stale';
  return states.length ? 'passed' : 'not-verified';
}

export function goalRows<G extends GoalLike>(goals: readonly G[], report: VerificationReport, options: StatusOptions): GoalRow<G>[] {
  return goals.map((goal) => {
    const examples = goal.examples.map((ex) => exampleStatus(report, ex, options));
    return {
      goal,
      state: examples.length ? combineStates(examples.map((e) => e.state)) : 'no-examples',
      examples,
    };
  });
}

/** `2026-11-20` from an ISO timestamp (UTC, so server and browser agree). */
export function shortDate(iso: string): string {
  return iso.slice(0, 10);
}

export function shortCommit(sha: string): string {
  return sha.slice(0, 7);
}
