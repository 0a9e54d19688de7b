// Pure helpers that turn an upstream go.mod into a wrapper module's go.mod, and compose ldflags.
// No process is run here, so the unit tests can cover all of it.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** The subset of `go mod edit -json` output that the wrapper needs. */
export interface GoModJson {
  Module: { Path: string };
  Go?: string;
  Require?: { Path: string; Version: string; Indirect?: boolean }[];
  Replace?: { Old: { Path: string; Version?: string }; New: { Path: string; Version?: string } }[];
  GoDebug?: { Key: string; Value: string }[];
  Exclude?: { Path: string; Version: string }[];
}

export interface Replace {
  old: string;
  oldVersion?: string;
  new: string;
  newVersion?: string; // absent for a local path
}

export interface WrapperModule {
  module: string;
  go: string;
  require: { path: string; version: string }[];
  replace: Replace[];
  godebug?: { key: string; value: string }[];
  exclude?: { path: string; version: string }[];
}

/** A replacement that points at a folder (`./api`, `../client/v3`) rather than a module. */
export function isLocalPath(p: string): boolean {
  return p.startsWith('./') || p.startsWith('../') || p === '.' || p === '..' || p.startsWith('/');
}

/** Staging modules are published as v0.<minor>.<patch> for Kubernetes v1.<minor>.<patch>. */
export function stagingVersion(kubernetesVersion: string): string {
  const m = /^v1\.(\d+)\.(\d+)(-.+)?$/.exec(kubernetesVersion);
  if (!m) throw new Error(`not a Kubernetes v1.X.Y version: ${kubernetesVersion}`);
  return `v0.${m[1]}.${m[2]}${m[3] ?? ''}`;
}

/**
 * Staging module paths from a k8s.io/kubernetes source tree: one module per folder of
 * staging/src/k8s.io/ (each folder name is the module's last path element).
 * Returns [] when the folder is absent: Go module zips leave out nested modules, so the zip
 * of k8s.io/kubernetes has no staging/src/k8s.io/ at all (see stagingModulesFromGoMod).
 */
export function stagingModulesFromDir(kubernetesDir: string): string[] {
  const dir = join(kubernetesDir, 'staging', 'src', 'k8s.io');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => statSync(join(dir, name)).isDirectory())
    .map((name) => `k8s.io/${name}`)
    .sort();
}

/** Staging module paths from k8s.io/kubernetes's own replace block (`=> ./staging/src/k8s.io/x`). */
export function stagingModulesFromGoMod(mod: GoModJson): string[] {
  return (mod.Replace ?? [])
    .filter((r) => r.New.Path.replace(/^\.\//, '').startsWith('staging/src/'))
    .map((r) => r.Old.Path)
    .sort();
}

/**
 * The staging modules to replace: the staging folder when the tree has one, otherwise the
 * go.mod replace block (always the case for a module-cache copy). When both exist they must agree.
 */
export function stagingModules(kubernetesDir: string, mod: GoModJson): { modules: string[]; source: string } {
  const fromDir = stagingModulesFromDir(kubernetesDir);
  const fromGoMod = stagingModulesFromGoMod(mod);
  if (fromDir.length === 0) {
    if (fromGoMod.length === 0) throw new Error(`no staging modules found in ${kubernetesDir} (folder or go.mod)`);
    return { modules: fromGoMod, source: 'go.mod replace block (module zips omit nested staging modules)' };
  }
  const missing = fromGoMod.filter((m) => !fromDir.includes(m));
  if (missing.length) throw new Error(`go.mod replaces staging modules with no folder: ${missing.join(', ')}`);
  return { modules: fromDir, source: 'staging/src/k8s.io folder' };
}

/** `k8s.io/x => k8s.io/x v0.X.Y` for every staging module. */
export function kubernetesReplaces(modules: string[], kubernetesVersion: string): Replace[] {
  const v = stagingVersion(kubernetesVersion);
  return modules.map((m) => ({ old: m, new: m, newVersion: v }));
}

/**
 * Replaces for a wrapper that depends on `mod` at `version` (Go ignores a dependency's replaces):
 * - a local-path replace of a module that `mod` requires is a sibling module released at the same
 *   tag (etcd's api/v3, a Flux controller's /api): pin it to that tag;
 * - a local-path replace of a module it does not require (etcd's FORBIDDEN_DEPENDENCY guard) is dropped;
 * - a module-to-module replace is repeated as it is.
 */
export function dependencyReplaces(mod: GoModJson, version: string): Replace[] {
  const required = new Set((mod.Require ?? []).map((r) => r.Path));
  const out: Replace[] = [];
  for (const r of mod.Replace ?? []) {
    if (isLocalPath(r.New.Path)) {
      if (required.has(r.Old.Path)) out.push({ old: r.Old.Path, new: r.Old.Path, newVersion: version });
    } else {
      out.push({ old: r.Old.Path, oldVersion: r.Old.Version, new: r.New.Path, newVersion: r.New.Version });
    }
  }
  return out;
}

/** Compares Go versions such as `1.26`, `1.26.0`, `go1.26.8`. */
export function compareGoVersions(a: string, b: string): number {
  const parts = (v: string) => v.replace(/^go/, '').split(/[.]/).map((x) => parseInt(x, 10) || 0);
  const pa = parts(a);
  const pb = parts(b);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** Throws when a module asks for a newer Go than the local one (we never switch toolchains). */
export function checkGoVersion(module: string, required: string | undefined, local: string): void {
  if (required && compareGoVersions(required, local) > 0) {
    throw new Error(
      `${module} needs Go ${required} but this machine has ${local}; not switching toolchains ` +
        `(GOTOOLCHAIN=local). Pin an older version in harness/toolchain/versions.ts or install a newer Go.`,
    );
  }
}

function replaceLine(r: Replace): string {
  const left = r.oldVersion ? `${r.old} ${r.oldVersion}` : r.old;
  const right = r.newVersion ? `${r.new} ${r.newVersion}` : r.new;
  return `\t${left} => ${right}`;
}

/** Renders a wrapper go.mod. Replaces and requires are sorted so the file is stable. */
export function renderGoMod(w: WrapperModule): string {
  const lines = [
    '// Generated by harness/toolchain (npm run cluster:build). Do not edit; do not commit.',
    `module ${w.module}`,
    '',
    `go ${w.go}`,
    '',
  ];
  if (w.godebug?.length) {
    lines.push('godebug (', ...w.godebug.map((g) => `\t${g.key}=${g.value}`), ')', '');
  }
  const reqs = [...w.require].sort((a, b) => a.path.localeCompare(b.path));
  lines.push('require (', ...reqs.map((r) => `\t${r.path} ${r.version}`), ')', '');
  if (w.exclude?.length) {
    lines.push('exclude (', ...w.exclude.map((e) => `\t${e.path} ${e.version}`), ')', '');
  }
  if (w.replace.length) {
    const reps = [...w.replace].sort((a, b) => a.old.localeCompare(b.old));
    lines.push('replace (', ...reps.map(replaceLine), ')', '');
  }
  return lines.join('\n');
}

/** Pre-release tag of our flux CLI builds (see composeLdflags). */
export const FLUX_LOCAL_BUILD = 'fieldguide';

/** `-X` flags that make Kubernetes binaries report their real version (kwokctl reads it). */
export function kubernetesVersionLdflags(kubernetesVersion: string): string[] {
  const m = /^v(\d+)\.(\d+)\./.exec(kubernetesVersion);
  if (!m) throw new Error(`not a Kubernetes version: ${kubernetesVersion}`);
  const pkg = 'k8s.io/component-base/version';
  return [
    `-X ${pkg}.gitVersion=${kubernetesVersion}`,
    `-X ${pkg}.gitMajor=${m[1]}`,
    `-X ${pkg}.gitMinor=${m[2]}`,
    `-X ${pkg}.gitTreeState=clean`,
  ];
}

/**
 * Full -ldflags value for a tool. `-s -w` drops symbol tables and DWARF: smaller binaries and a
 * faster link, and stack traces still work. The -X flags stamp versions the tools print.
 */
export function composeLdflags(tool: string, version: string): string {
  const flags = ['-s', '-w'];
  const bare = version.replace(/^v/, '');
  if (['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kubectl', 'kubelet', 'kubeadm', 'kube-proxy'].includes(tool)) {
    flags.push(...kubernetesVersionLdflags(version));
  } else if (tool === 'kwokctl' || tool === 'kwok') {
    flags.push(`-X sigs.k8s.io/kwok/pkg/consts.Version=${bare}`);
  } else if (tool === 'flux') {
    // As flux2's Makefile does, but marked as a local build: `flux check` (and `check --pre`)
    // asks api.github.com for the latest release unless the version has a pre-release part,
    // and nothing here may dial the internet. `flux install` still uses the embedded manifests.
    flags.push(`-X main.VERSION=${bare}-${FLUX_LOCAL_BUILD}`);
  } else if (tool === 'kubeconform') {
    flags.push(`-X main.version=${version}`);
  } else if (tool === 'age' || tool === 'age-keygen') {
    flags.push(`-X main.Version=${version}`);
  } else if (['containerd', 'containerd-shim-runc-v2', 'ctr'].includes(tool)) {
    flags.push(`-X github.com/containerd/containerd/v2/version.Version=${version}`);
  } else if (tool === 'crictl') {
    flags.push(`-X sigs.k8s.io/cri-tools/pkg/version.Version=${version}`);
  } else if (tool === 'actionlint') {
    // Built from a wrapper module, debug.BuildInfo's main version would be "(devel)".
    flags.push(`-X github.com/rhysd/actionlint.version=${version}`);
  }
  return flags.join(' ');
}
