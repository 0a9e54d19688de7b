// The verification report: what the harness actually ran, per example, and how it went.
//
// One format for both places it lives:
// - `.tmp/report/verification-report.json`, assembled while a run records results;
// - `src/data/verification-report.json`, the committed snapshot the site reads
//   (`npm run report:update` copies the latest run's entries into it).
//
// Pure types and constants: the site imports them with `import type` only, so nothing here
// may touch node: modules.

export const REPORT_SCHEMA_VERSION = 1;

/**
 * Where a result was obtained: static checks, the demo application's own test suite (its real
 * process, no cluster), or a live tier by its cluster provider.
 */
export type ReportTier = 'static' | 'app' | 'local' | 'kind' | 'existing';
export const REPORT_TIERS: readonly ReportTier[] = ['static', 'app', 'local', 'kind', 'existing'];

export type Outcome = 'passed' | 'failed' | 'skipped';
export const OUTCOMES: readonly Outcome[] = ['passed', 'failed', 'skipped'];

/**
 * A deprecated or removed API seen while running an example on one Kubernetes version.
 * Written by the upgrade canary (later): apiserver `Warning:` headers returned on apply, and
 * apiVersions found in rendered manifests that the version deprecates or no longer serves.
 */
export interface ApiFinding {
  /** The Kubernetes version the finding is about, e.g. `v1.36.4`. */
  kubernetesVersion: string;
  source: 'apiserver-warning' | 'rendered-apiversion';
  /** `deprecated`: still served, warns; `removed`: no longer served by this version. */
  severity: 'deprecated' | 'removed';
  /** e.g. `autoscaling/v2beta2`. */
  apiVersion?: string;
  kind?: string;
  /** `namespace/name` or `name` of the object, when known. */
  object?: string;
  /** Example file the object came from, when the finding is narrower than the entry. */
  file?: string;
  /** The warning text, or a sentence such as "served until v1.37". */
  message: string;
}

/** One test's verdict about one example path. */
export interface VerificationEntry {
  /** Repository path under examples/: a file or a folder (no trailing slash). */
  example: string;
  /** The test that produced it: `<test file>: <test name>`. */
  test: string;
  tier: ReportTier;
  result: Outcome;
  /** Failure message or skip reason (first lines only). */
  reason?: string;
  /** Kubernetes versions the test ran against, in the order it ran them (empty for static). */
  kubernetesVersions: string[];
  /** Flux distribution version in use (live tiers). */
  fluxVersion?: string;
  durationMs: number;
  /** When the test finished (ISO 8601, UTC). */
  date: string;
  /** HEAD commit of the checkout that ran the test (40 hex). */
  commit: string;
  /** True when the checkout had uncommitted changes: then `exampleDigest` is what ran. */
  dirty: boolean;
  /** sha256 of the example's content as it ran (see contracts/report/digest.ts). */
  exampleDigest: string;
  /** Last commit that changed the example before the run, when git knows one. */
  exampleCommit?: string;
  /** Deprecated-API findings per Kubernetes version (upgrade canary). */
  findings?: ApiFinding[];
}

export interface VerificationReport {
  schemaVersion: typeof REPORT_SCHEMA_VERSION;
  /** When this file was last written (ISO 8601), or null for an empty snapshot. */
  updatedAt: string | null;
  entries: VerificationEntry[];
}

/** Identity of an entry: a newer entry with the same key replaces an older one. */
export function entryKey(e: Pick<VerificationEntry, 'example' | 'test' | 'tier' | 'kubernetesVersions'>): string {
  return [e.example, e.test, e.tier, e.kubernetesVersions.join(',')].join('\u0000');
}
