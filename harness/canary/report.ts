// The canary's results: per Kubernetes version, the bootstrap of each fleet cluster, every
// warning the API server returned, the deprecated-API metric, and each apiVersion/kind the
// examples use checked against that server. Shaped into `.tmp/canary/report.json`, a printed
// table per version, and ApiFinding[] for the verification report. Pure functions.
import type { ApiFinding } from '../../contracts/report/schema';
import { apiKey, type ApiCheck, type ApiUse } from './discovery';
import { requestKey, type DeprecatedApiRequest } from './metrics';
import { parseDeprecation, warningKind, type WarningKind } from './warnings';

export const CANARY_REPORT_SCHEMA = 1;

export interface BootstrapResult {
  /** Cluster entry point name (examples/fleet/clusters/<cluster>). */
  cluster: string;
  result: 'passed' | 'failed';
  reason?: string;
  /** Start of the environment to the end of the checks. */
  seconds: number;
  controlPlaneSeconds?: number;
  fluxReadySeconds?: number;
  reconcileSeconds?: number;
  /** Objects the fleet folder says the cluster holds, all found with the content Git gives them. */
  objectsChecked?: number;
}

/** Where a warning came from. */
export type WarningSource =
  /** the canary's own server-side apply of the bootstrap objects (flux-system, gotk-sync.yaml) */
  | 'bootstrap-apply'
  /** Flux's controllers, from their logs: what their applies of the fleet got back */
  | 'flux-log'
  /** server-side dry-run apply of every rendered example object */
  | 'dry-run-apply'
  /** a LIST of each resource the examples use */
  | 'probe';

export interface CapturedWarning {
  source: WarningSource;
  kind: WarningKind;
  text: string;
  /** Fleet cluster the warning was seen on (bootstrap-apply, flux-log). */
  cluster?: string;
  /** `Kind namespace/name` or apiVersion/kind of the request. */
  object?: string;
  /** Example file, when the request was about one. */
  file?: string;
}

export interface MetricRow extends DeprecatedApiRequest {
  /** Kinds of the examples served by this resource (empty: requested by someone else, e.g. a controller). */
  exampleKinds: string[];
  files: string[];
}

export interface DryRunSummary {
  applied: number;
  accepted: number;
  rejected: Array<{ object: string; file: string; reason: string }>;
  skipped: Array<{ object: string; file: string; reason: string }>;
}

export interface SelfCheck {
  /** The request made to prove warnings are captured at this version. */
  request: string;
  warning?: string;
  ok: boolean;
}

export interface VersionResult {
  kubernetesVersion: string;
  /** /version of the running apiserver (proves which binary answered). */
  serverVersion?: string;
  /** seconds: built by this run; cachedBuildSeconds: what the cached binaries' stamps say their build took. */
  build: { seconds: number; built: boolean; cachedBuildSeconds?: number };
  bootstrap: BootstrapResult[];
  warnings: CapturedWarning[];
  deprecatedApiMetric: MetricRow[];
  apis: ApiCheck[];
  dryRun?: DryRunSummary;
  selfCheck?: SelfCheck;
  findings: ApiFinding[];
  /** Whole canary run of this version (build excluded). */
  seconds: number;
  /** Set when the version could not be checked at all (build or start failed). */
  error?: string;
}

export interface CanaryReport {
  schemaVersion: typeof CANARY_REPORT_SCHEMA;
  generatedAt: string;
  commit: string;
  dirty: boolean;
  fluxVersion: string;
  /** The kubectl whose kustomize rendered the examples. */
  renderedWith: string;
  versions: string[];
  checked: {
    /** Kustomization folders built on their own, and cluster entry points rendered as Flux would. */
    builds: string[];
    clusters: string[];
    chartTemplates: string[];
    renderedObjects: number;
    apiUses: ApiUse[];
  };
  results: VersionResult[];
}

/** Warnings as CapturedWarning, classified; duplicates (same source, text, object) dropped. */
export function captureWarnings(source: WarningSource, items: Array<{ text: string; object?: string; file?: string; cluster?: string }>): CapturedWarning[] {
  const seen = new Set<string>();
  const out: CapturedWarning[] = [];
  for (const item of items) {
    const key = `${item.text}\u0000${item.object ?? ''}\u0000${item.cluster ?? ''}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ source, kind: warningKind(item.text), text: item.text, ...(item.cluster ? { cluster: item.cluster } : {}), ...(item.object ? { object: item.object } : {}), ...(item.file ? { file: item.file } : {}) });
  }
  return out;
}

/**
 * Which example kinds a metric row is about: a use is served by the row's group/version and
 * resource when `resources` (apiKey → resource name, from discovery) says so.
 */
export function attributeMetric(rows: DeprecatedApiRequest[], uses: ApiUse[], resources: Map<string, string>): MetricRow[] {
  return rows.map((row) => {
    const gv = row.group ? `${row.group}/${row.version}` : row.version;
    const matching = uses.filter((u) => u.apiVersion === gv && resources.get(apiKey(u)) === row.resource);
    return { ...row, exampleKinds: matching.map((u) => u.kind).sort(), files: [...new Set(matching.flatMap((u) => u.files))].sort() };
  });
}

/** ApiFinding[] for one version: deprecated/removed APIs the examples use, and deprecation warnings. */
export function findingsFor(kubernetesVersion: string, apis: ApiCheck[], warnings: CapturedWarning[]): ApiFinding[] {
  const findings: ApiFinding[] = [];
  for (const api of apis) {
    if (api.status !== 'deprecated' && api.status !== 'removed') continue;
    for (const file of api.files.length ? api.files : [undefined]) {
      findings.push({
        kubernetesVersion,
        source: 'rendered-apiversion',
        severity: api.status,
        apiVersion: api.apiVersion,
        kind: api.kind,
        ...(file ? { file } : {}),
        message: api.message,
      });
    }
  }
  const seen = new Set<string>();
  for (const w of warnings) {
    if (w.kind !== 'deprecation' || w.source === 'probe') continue; // probes are folded into apis above
    const notice = parseDeprecation(w.text)!;
    const key = `${w.text}\u0000${w.object ?? ''}\u0000${w.file ?? ''}`;
    if (seen.has(key)) continue;
    seen.add(key);
    findings.push({
      kubernetesVersion,
      source: 'apiserver-warning',
      severity: 'deprecated',
      apiVersion: notice.apiVersion,
      kind: notice.kind,
      ...(w.object ? { object: w.object } : {}),
      ...(w.file ? { file: w.file } : {}),
      message: `${w.text} (${w.source}${w.cluster ? `, cluster ${w.cluster}` : ''})`,
    });
  }
  return findings;
}

/** The findings that concern a set of example files (a fleet cluster's render). */
export function findingsForFiles(findings: ApiFinding[], files: string[]): ApiFinding[] {
  const set = new Set(files);
  return findings.filter((f) => f.file !== undefined && set.has(f.file));
}

/** `a, b (+3 more)`. */
function shortList(items: string[], max = 2): string {
  if (items.length <= max) return items.join(', ');
  return `${items.slice(0, max).join(', ')} (+${items.length - max} more)`;
}

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

function secs(n: number | undefined): string {
  return n === undefined ? '-' : `${n.toFixed(1)} s`;
}

/**
 * One line for a failed bootstrap: the first line of the error, plus the first `Ready=False`
 * condition message the harness's explanation carries (that says why), cut at 240 characters.
 */
export function failureHeadline(reason: string): string {
  const first = reason.split('\n')[0].trim();
  const ready = /Ready=False \(([^)]*)\)(?: \[gen \d+\])?: (.*)$/m.exec(reason);
  // An API server rejection says the most in its `… "name" is invalid: …` part.
  const invalid = ready ? /(\S+ "[^"]+" is invalid: .*)$/.exec(ready[2]) : null;
  const why = ready ? `${ready[1]}: ${(invalid ? invalid[1] : ready[2]).trim()}` : '';
  const text = ready ? `${first} — ${why}` : first;
  return text.length > 240 ? `${text.slice(0, 239)}…` : text;
}

function buildText(b: VersionResult['build']): string {
  if (b.built) return `${b.seconds.toFixed(0)} s`;
  return b.cachedBuildSeconds !== undefined ? `cached (built earlier in ${b.cachedBuildSeconds.toFixed(0)} s)` : 'cached';
}

/** The per-version table the CLI prints. */
export function formatVersion(r: VersionResult): string {
  const lines: string[] = [];
  const served = r.serverVersion ? ` (apiserver reports ${r.serverVersion})` : '';
  lines.push(`Kubernetes ${r.kubernetesVersion}${served}: build ${buildText(r.build)}, canary run ${r.seconds.toFixed(0)} s`);
  if (r.error) lines.push(`  ERROR: ${r.error.split('\n')[0]}`);
  for (const b of r.bootstrap) {
    const detail = b.result === 'passed'
      ? `control plane ${secs(b.controlPlaneSeconds)}, Flux ready ${secs(b.fluxReadySeconds)}, reconcile ${secs(b.reconcileSeconds)}, ${b.objectsChecked ?? 0} objects as in Git`
      : failureHeadline(b.reason ?? '');
    lines.push(`  bootstrap ${pad(b.cluster, 14)} ${pad(b.result, 7)} ${pad(secs(b.seconds), 8)} ${detail}`);
  }
  if (r.apis.length) {
    const w = Math.max(...r.apis.map((a) => apiKey(a).length), 10) + 2;
    lines.push(`  ${pad('apiVersion kind', w)}${pad('status', 15)}files`);
    for (const a of r.apis) {
      const extra = a.status === 'deprecated' || a.status === 'removed' ? `  ← ${a.message}` : '';
      lines.push(`  ${pad(apiKey(a), w)}${pad(a.status, 15)}${shortList(a.files)}${extra}`);
    }
  }
  const dep = r.warnings.filter((x) => x.kind === 'deprecation' && x.source !== 'probe');
  const other = r.warnings.filter((x) => x.kind === 'other');
  lines.push(`  deprecation warnings on apply: ${dep.length ? '' : 'none'}`);
  for (const x of dep) lines.push(`    [${x.source}${x.cluster ? ` ${x.cluster}` : ''}] ${x.object ? `${x.object}: ` : ''}${x.text}`);
  if (other.length) {
    lines.push(`  other warnings: ${other.length}`);
    for (const x of other.slice(0, 10)) lines.push(`    [${x.source}] ${x.object ? `${x.object}: ` : ''}${x.text}`);
    if (other.length > 10) lines.push(`    … ${other.length - 10} more in the JSON report`);
  }
  lines.push(`  ${'apiserver_requested_deprecated_apis'}: ${r.deprecatedApiMetric.length ? '' : 'none'}`);
  for (const m of r.deprecatedApiMetric) {
    const who = m.exampleKinds.length ? `used by the examples (${m.exampleKinds.join(', ')}: ${shortList(m.files)})` : 'not a resource any example uses';
    lines.push(`    ${requestKey(m)}${m.removedRelease ? ` (removed in ${m.removedRelease})` : ''}: ${who}`);
  }
  if (r.dryRun) {
    lines.push(`  dry-run apply of the rendered examples: ${r.dryRun.accepted}/${r.dryRun.applied} accepted, ${r.dryRun.rejected.length} rejected, ${r.dryRun.skipped.length} not applied`);
    for (const x of r.dryRun.rejected.slice(0, 10)) lines.push(`    rejected ${x.object} (${x.file}): ${x.reason}`);
  }
  if (r.selfCheck) lines.push(`  self-check (${r.selfCheck.request}): ${r.selfCheck.ok ? `warning captured: "${r.selfCheck.warning}"` : 'NO WARNING CAPTURED'}`);
  const dCount = r.findings.filter((f) => f.severity === 'deprecated').length;
  const rCount = r.findings.filter((f) => f.severity === 'removed').length;
  lines.push(`  findings: ${dCount} deprecated, ${rCount} removed`);
  return lines.join('\n');
}

/** One line per version for the end of a run. */
export function formatSummary(results: VersionResult[]): string {
  const lines = [`version   ${pad('build', 16)}run      bootstrap          deprecated  removed  not-installed`];
  for (const r of results) {
    const passed = r.bootstrap.filter((b) => b.result === 'passed').length;
    const boot = r.error ? 'error' : `${passed}/${r.bootstrap.length} passed`;
    const count = (s: ApiCheck['status']) => r.apis.filter((a) => a.status === s).length;
    lines.push(
      `${pad(r.kubernetesVersion, 10)}${pad(r.build.built ? `${r.build.seconds.toFixed(0)} s` : r.build.cachedBuildSeconds !== undefined ? `cached (${r.build.cachedBuildSeconds.toFixed(0)} s)` : 'cached', 16)}${pad(`${r.seconds.toFixed(0)} s`, 9)}${pad(boot, 19)}${pad(String(count('deprecated')), 12)}${pad(String(count('removed')), 9)}${count('not-installed')}`,
    );
  }
  return lines.join('\n');
}

/** Did a version pass: every bootstrap passed, nothing removed, the self-check saw its warning. */
export function versionPassed(r: VersionResult): boolean {
  return !r.error && r.bootstrap.length > 0 && r.bootstrap.every((b) => b.result === 'passed') && !r.apis.some((a) => a.status === 'removed') && (r.selfCheck?.ok ?? false);
}
