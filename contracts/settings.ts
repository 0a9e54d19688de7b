// Every environment variable the site build, the harness, the suites and the benchmarks read, in one table:
// its name, the values it takes, its default and what it changes. Code reads a setting through
// setting(), whose name parameter only accepts names listed here, so a new variable cannot be
// read without being documented; the README's table of settings is checked against this one
// (contracts/settings.unit.test.ts). Parsing and validation stay with the module that owns the
// meaning (e.g. cluster/select.ts for CLUSTER_PROVIDER) and name the variable in their errors.

export interface Setting {
  readonly name: string;
  /** The values it takes, as a reader would type them. */
  readonly values: string;
  /** What happens when it is unset. */
  readonly unset: string;
  /** What it changes. */
  readonly effect: string;
}

export const SETTINGS = [
  { name: 'CLUSTER_PROVIDER', values: '`local`, `kind`, `existing`', unset: '`local`', effect: 'which provider live scenarios, tutorials, `cluster:up` and benchmarks start clusters from' },
  { name: 'CLUSTER_KUBERNETES_VERSION', values: '`1.X` or `v1.X.Y`', unset: 'the pinned version', effect: 'the Kubernetes version clusters start at when a scenario does not ask for one' },
  { name: 'KIND_IMAGES', values: '`local`, `upstream`', unset: '`local`', effect: 'kind only: make node, Flux and demo images here, or use kindest/node and ghcr.io' },
  { name: 'KIND_GIT_HOST', values: 'an address', unset: "the `kind` network's gateway", effect: "kind only: where the git server listens for the cluster's pods" },
  { name: 'EXISTING_KUBECONFIG', values: 'kubeconfig path(s)', unset: '`KUBECONFIG`', effect: 'existing only: the cluster to use' },
  { name: 'KUBECONFIG', values: 'kubeconfig path(s)', unset: '—', effect: 'existing only: read when `EXISTING_KUBECONFIG` is unset' },
  { name: 'EXISTING_CONTEXT', values: 'a context name', unset: "the kubeconfig's current context", effect: 'existing only: which context' },
  { name: 'EXISTING_CLUSTER_ALLOW_WRITES', values: '`1`', unset: 'read-only', effect: 'existing only: let scenarios that change the cluster run' },
  { name: 'LIVE_CONCURRENCY', values: 'a whole number ≥ 1', unset: 'local 4, kind 2, existing 1', effect: 'clusters of one scenario started at once' },
  { name: 'LIVE_FLEET_DIR', values: 'a folder', unset: '`examples/fleet`', effect: 'the fleet repository live scenarios serve' },
  { name: 'FIELD_GUIDE_CACHE_DIR', values: 'a folder', unset: '`.cache`', effect: 'where built tools and images are cached (point it outside the clone to keep them)' },
  { name: 'FIELD_GUIDE_LIVE_DIR', values: 'a folder', unset: '`.tmp/live`', effect: "where live runs keep their clusters' files" },
  { name: 'FIELD_GUIDE_REPORT_DIR', values: 'a folder', unset: '`.tmp/report`', effect: 'where a run records its verdicts before `report:update`' },
  { name: 'RUN_KIND_TUTORIALS', values: '`1`', unset: 'tier skipped (opt-in)', effect: '`npm test` runs the kind-tutorials tier' },
  { name: 'RUN_CANARY', values: '`1`', unset: 'tier skipped (opt-in)', effect: '`npm test` runs the canary tier' },
  { name: 'TUTORIAL', values: 'page ids, comma-separated', unset: 'every page', effect: 'the tutorial pages the tutorials tiers run' },
  { name: 'SCENARIO_VERBOSE', values: 'any value', unset: 'quiet', effect: "print each scenario's progress lines" },
  { name: 'CI', values: '`true`', unset: 'developer machine', effect: 'a missing pinned tool fails the static tier instead of skipping it' },
  { name: 'STATIC_NO_CACHE', values: '`1`', unset: 'cached', effect: 'kustomize builds are not cached (benchmarks set it for cold figures)' },
  { name: 'WIRING_EXAMPLES_DIR', values: 'a folder', unset: '`examples`', effect: 'the tree the wiring checks read (to try them on a copy)' },
  { name: 'SITE_TEST_PORT', values: 'a port', unset: 'a free port', effect: 'where the browser tests serve the built site' },
  { name: 'SITE_URL', values: 'an https URL', unset: '`https://<GITHUB_ORG>.github.io`', effect: "the site's address (a custom domain)" },
  { name: 'BASE_URL', values: 'a path', unset: '`/<GITHUB_REPO>/`', effect: 'the path the site is served under' },
  { name: 'GITHUB_ORG', values: 'an owner', unset: 'the guide\'s own', effect: 'the GitHub owner links and the Pages address use (a fork sets its own)' },
  { name: 'GITHUB_REPO', values: 'a repository name', unset: 'the guide\'s own', effect: 'the repository links and the Pages path use' },
  { name: 'BENCH_RUNS', values: 'a whole number', unset: '3', effect: '`bench:static` rounds' },
] as const satisfies readonly Setting[];

export type SettingName = (typeof SETTINGS)[number]['name'];

/** The trimmed value of a setting, or undefined when it is unset or blank. */
export function setting(name: SettingName, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

/** The value exactly as set (an empty string counts), for settings where empty means something. */
export function rawSetting(name: SettingName, env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env[name];
}

/** True when a switch setting is exactly `1` (the opt-in tiers, STATIC_NO_CACHE, …). */
export function settingOn(name: SettingName, env: NodeJS.ProcessEnv = process.env): boolean {
  return setting(name, env) === '1';
}
