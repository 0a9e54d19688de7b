// Pure logic of the report: validation, newest-wins deduplication, and merging a run into the
// committed snapshot. No I/O here; record.ts and update.ts do the reading and writing.
import {
  OUTCOMES,
  REPORT_SCHEMA_VERSION,
  REPORT_TIERS,
  entryKey,
  type ApiFinding,
  type VerificationEntry,
  type VerificationReport,
} from './schema';

const SHA = /^[0-9a-f]{40}$/;
const DIGEST = /^sha256:[0-9a-f]{64}$/;

function fail(where: string, message: string): never {
  throw new Error(`${where}: ${message}`);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function validIsoDate(value: unknown): value is string {
  return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(value) && !Number.isNaN(Date.parse(value));
}

function validateFinding(value: unknown, where: string): ApiFinding {
  if (!isObject(value)) fail(where, 'must be an object');
  if (typeof value.kubernetesVersion !== 'string' || !value.kubernetesVersion) fail(where, 'kubernetesVersion must be a non-empty string');
  if (value.source !== 'apiserver-warning' && value.source !== 'rendered-apiversion') fail(where, `source "${String(value.source)}" is not apiserver-warning or rendered-apiversion`);
  if (value.severity !== 'deprecated' && value.severity !== 'removed') fail(where, `severity "${String(value.severity)}" is not deprecated or removed`);
  if (typeof value.message !== 'string' || !value.message) fail(where, 'message must be a non-empty string');
  for (const key of ['apiVersion', 'kind', 'object', 'file'] as const) {
    if (value[key] !== undefined && typeof value[key] !== 'string') fail(where, `${key} must be a string`);
  }
  return value as unknown as ApiFinding;
}

/** Checks one entry field by field; the error names the source and the entry. */
export function validateEntry(value: unknown, where: string): VerificationEntry {
  if (!isObject(value)) fail(where, 'must be an object');
  const e = value;
  if (typeof e.example !== 'string' || !/^examples(\/[^/]+)*$/.test(e.example) || e.example.split('/').includes('..')) {
    fail(where, `example "${String(e.example)}" must be a path under examples/ without a trailing slash`);
  }
  if (typeof e.test !== 'string' || !e.test.trim()) fail(where, 'test must be a non-empty string');
  if (!REPORT_TIERS.includes(e.tier as never)) fail(where, `tier "${String(e.tier)}" is not one of ${REPORT_TIERS.join(', ')}`);
  if (!OUTCOMES.includes(e.result as never)) fail(where, `result "${String(e.result)}" is not one of ${OUTCOMES.join(', ')}`);
  if (e.reason !== undefined && typeof e.reason !== 'string') fail(where, 'reason must be a string');
  if (!Array.isArray(e.kubernetesVersions) || !e.kubernetesVersions.every((v) => typeof v === 'string' && v.length > 0)) {
    fail(where, 'kubernetesVersions must be an array of version strings');
  }
  // Static checks and the demo app's own suite need no cluster; every live tier ran against one.
  if (e.tier !== 'static' && e.tier !== 'app' && e.result !== 'skipped' && e.kubernetesVersions.length === 0) {
    fail(where, `a ${e.tier} result must name the Kubernetes version(s) it ran against`);
  }
  if (e.fluxVersion !== undefined && (typeof e.fluxVersion !== 'string' || !e.fluxVersion)) fail(where, 'fluxVersion must be a non-empty string');
  if (typeof e.durationMs !== 'number' || !Number.isFinite(e.durationMs) || e.durationMs < 0) fail(where, 'durationMs must be a number >= 0');
  if (!validIsoDate(e.date)) fail(where, `date "${String(e.date)}" is not an ISO 8601 timestamp`);
  if (typeof e.commit !== 'string' || !SHA.test(e.commit)) fail(where, `commit "${String(e.commit)}" is not a 40-hex commit`);
  if (typeof e.dirty !== 'boolean') fail(where, 'dirty must be true or false');
  if (typeof e.exampleDigest !== 'string' || !DIGEST.test(e.exampleDigest)) fail(where, `exampleDigest "${String(e.exampleDigest)}" is not sha256:<64 hex>`);
  if (e.exampleCommit !== undefined && (typeof e.exampleCommit !== 'string' || !SHA.test(e.exampleCommit))) {
    fail(where, `exampleCommit "${String(e.exampleCommit)}" is not a 40-hex commit`);
  }
  if (e.findings !== undefined) {
    if (!Array.isArray(e.findings)) fail(where, 'findings must be an array');
    e.findings.forEach((f, i) => validateFinding(f, `${where}.findings[${i}]`));
  }
  const allowed = new Set(['example', 'test', 'tier', 'result', 'reason', 'kubernetesVersions', 'fluxVersion', 'durationMs', 'date', 'commit', 'dirty', 'exampleDigest', 'exampleCommit', 'findings']);
  for (const key of Object.keys(e)) if (!allowed.has(key)) fail(where, `unknown field "${key}"`);
  return e as unknown as VerificationEntry;
}

/** Parses and checks a whole report; `source` (a file path) prefixes every error. */
export function validateReport(value: unknown, source: string): VerificationReport {
  if (!isObject(value)) fail(source, 'a report must be a JSON object');
  if (value.schemaVersion !== REPORT_SCHEMA_VERSION) {
    fail(source, `schemaVersion ${String(value.schemaVersion)} is not ${REPORT_SCHEMA_VERSION}`);
  }
  if (value.updatedAt !== null && !validIsoDate(value.updatedAt)) fail(source, `updatedAt "${String(value.updatedAt)}" is not null or an ISO 8601 timestamp`);
  if (!Array.isArray(value.entries)) fail(source, 'entries must be an array');
  const entries = value.entries.map((e, i) => validateEntry(e, `${source}: entries[${i}]`));
  const seen = new Map<string, number>();
  entries.forEach((e, i) => {
    const key = entryKey(e);
    if (seen.has(key)) fail(`${source}: entries[${i}]`, `duplicates entries[${seen.get(key)}] (${e.example}, ${e.test}, ${e.tier})`);
    seen.set(key, i);
  });
  return { schemaVersion: REPORT_SCHEMA_VERSION, updatedAt: value.updatedAt as string | null, entries };
}

/** Stable order: by example, tier, test, then Kubernetes versions. */
export function sortEntries(entries: VerificationEntry[]): VerificationEntry[] {
  const tierOrder = (t: string) => REPORT_TIERS.indexOf(t as never);
  return [...entries].sort(
    (a, b) =>
      a.example.localeCompare(b.example) ||
      tierOrder(a.tier) - tierOrder(b.tier) ||
      a.test.localeCompare(b.test) ||
      a.kubernetesVersions.join(',').localeCompare(b.kubernetesVersions.join(',')),
  );
}

/** Keeps the newest entry (by date; a later line wins a tie) for each key. */
export function newestPerKey(entries: VerificationEntry[]): VerificationEntry[] {
  const byKey = new Map<string, VerificationEntry>();
  for (const entry of entries) {
    const key = entryKey(entry);
    const previous = byKey.get(key);
    if (!previous || Date.parse(entry.date) >= Date.parse(previous.date)) byKey.set(key, entry);
  }
  return sortEntries([...byKey.values()]);
}

export interface MergeResult {
  report: VerificationReport;
  added: VerificationEntry[];
  updated: VerificationEntry[];
  /** Run entries older than what the snapshot already holds for the same key. */
  ignoredOlder: VerificationEntry[];
  /** Snapshot entries whose example no longer exists in the checkout. */
  pruned: VerificationEntry[];
  /** Snapshot entries the run did not touch. */
  kept: number;
}

export interface MergeOptions {
  /** Timestamp for updatedAt (ISO). */
  now: string;
  /** Whether an example path still exists; snapshot entries for missing paths are pruned. */
  exists?: (example: string) => boolean;
}

/**
 * Folds a run's entries into the snapshot. Only entries the run recorded are added or replace
 * older ones; nothing is derived or invented. An entry replaces the snapshot's entry with the
 * same key only when it is at least as new.
 */
export function mergeIntoSnapshot(snapshot: VerificationReport, run: VerificationReport, options: MergeOptions): MergeResult {
  const byKey = new Map<string, VerificationEntry>();
  const pruned: VerificationEntry[] = [];
  for (const entry of snapshot.entries) {
    if (options.exists && !options.exists(entry.example)) pruned.push(entry);
    else byKey.set(entryKey(entry), entry);
  }
  const added: VerificationEntry[] = [];
  const updated: VerificationEntry[] = [];
  const ignoredOlder: VerificationEntry[] = [];
  const touched = new Set<string>();
  for (const entry of newestPerKey(run.entries)) {
    const key = entryKey(entry);
    const previous = byKey.get(key);
    if (!previous) {
      added.push(entry);
      byKey.set(key, entry);
      touched.add(key);
    } else if (Date.parse(entry.date) >= Date.parse(previous.date)) {
      updated.push(entry);
      byKey.set(key, entry);
      touched.add(key);
    } else {
      ignoredOlder.push(entry);
    }
  }
  const kept = [...byKey.keys()].filter((k) => !touched.has(k)).length;
  const changed = added.length + updated.length + pruned.length > 0;
  return {
    report: {
      schemaVersion: REPORT_SCHEMA_VERSION,
      updatedAt: changed ? options.now : snapshot.updatedAt,
      entries: sortEntries([...byKey.values()]),
    },
    added,
    updated,
    ignoredOlder,
    pruned,
    kept,
  };
}

/** The report as committed: two-space JSON with a final newline. */
export function serialiseReport(report: VerificationReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

export function emptyReport(): VerificationReport {
  return { schemaVersion: REPORT_SCHEMA_VERSION, updatedAt: null, entries: [] };
}
