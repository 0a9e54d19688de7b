// Builds pinned tools from Go modules into <cache>/bin/<tool>@<version>/.
// Every build goes through a generated wrapper module under <cache>/build/ (Go ignores a
// dependency's replace lines, so the wrapper repeats what the upstream go.mod needs).
// A binary is written under a temporary name and renamed last: a present binary is a whole one.
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { BUILD_ORDER, toolSpec, type Tool, type ToolSpec, type FluxController, FLUX_CONTROLLERS } from './catalog';
import { cacheRoot, hasTool, stampPath, toolDir, toolPath } from './binaries';
import {
  checkGoVersion,
  composeLdflags,
  dependencyReplaces,
  kubernetesReplaces,
  renderGoMod,
  stagingModules,
  type GoModJson,
  type Replace,
} from './gomod';
import { downloadModule, goEnv, localGoVersion, readGoMod, run } from './goexec';
import { generateFluxManifests } from './fluxManifests';
import { withBuildLock } from './lock';
import { KUBERNETES_VERSION } from './versions';

export interface BuildRequest {
  tool: Tool;
  kubernetesVersion?: string;
}

export interface BuildOptions {
  log: (line: string) => void;
}

/** What a finished build records next to the binary. */
export interface Stamp {
  tool: Tool;
  version: string;
  module: string;
  package: string;
  go: string;
  builtAt: string;
  buildSeconds: number;
  ldflags: string;
}

interface Context {
  goVersion: string;
  log: (line: string) => void;
}

const WRAPPER_MODULE = 'fieldguide.local/toolchain/wrapper';

function opts(req: BuildRequest) {
  return { kubernetesVersion: req.kubernetesVersion ?? KUBERNETES_VERSION };
}

/** Unique requests, dependencies added (flux's manifests are made with kubectl), in build order. */
export function planBuild(reqs: BuildRequest[]): BuildRequest[] {
  const all = [...reqs];
  if (all.some((r) => r.tool === 'flux')) all.push({ tool: 'kubectl' });
  const byKey = new Map<string, BuildRequest>();
  for (const r of all) {
    const spec = toolSpec(r.tool, opts(r).kubernetesVersion);
    byKey.set(`${spec.tool}@${spec.version}`, { tool: r.tool, kubernetesVersion: opts(r).kubernetesVersion });
  }
  const rank = (r: BuildRequest) => BUILD_ORDER.indexOf(r.tool);
  // Pinned Kubernetes first within a tool, then other versions in ascending order.
  const kv = (r: BuildRequest) => (r.kubernetesVersion === KUBERNETES_VERSION ? '' : r.kubernetesVersion ?? '');
  return [...byKey.values()].sort((a, b) => rank(a) - rank(b) || kv(a).localeCompare(kv(b), 'en', { numeric: true }));
}

/** `<cache>/build/<module path with / as _>@<version>`: one wrapper per module and version. */
export function wrapperDir(spec: ToolSpec, root: string = cacheRoot()): string {
  return join(root, 'build', `${spec.module.replace(/\//g, '_')}@${spec.version}`);
}

function writeIfChanged(path: string, text: string): void {
  if (!existsSync(path) || readFileSync(path, 'utf8') !== text) writeFileSync(path, text);
}

/** Writes the wrapper go.mod (and an empty go.sum the first time); returns its folder. */
function writeWrapper(spec: ToolSpec, mod: GoModJson, require: { path: string; version: string }[], replace: Replace[]): string {
  const dir = wrapperDir(spec);
  mkdirSync(dir, { recursive: true });
  const text = renderGoMod({
    module: WRAPPER_MODULE,
    go: mod.Go ?? '1.22',
    require,
    replace,
    // A dependency's godebug and exclude lines are ignored by Go, like its replaces: repeat them.
    godebug: mod.GoDebug?.map((g) => ({ key: g.Key, value: g.Value })),
    exclude: mod.Exclude?.map((e) => ({ path: e.Path, version: e.Version })),
  });
  writeIfChanged(join(dir, 'go.mod'), text);
  if (!existsSync(join(dir, 'go.sum'))) writeFileSync(join(dir, 'go.sum'), '');
  return dir;
}

/** k8s.io/kubernetes with every staging module replaced by its published v0.X.Y. */
async function prepareKubernetes(spec: ToolSpec, dir: string, mod: GoModJson, ctx: Context): Promise<string> {
  const { modules, source } = stagingModules(dir, mod);
  ctx.log(`      ${modules.length} staging modules → ${spec.version.replace(/^v1/, 'v0')} (from the ${source})`);
  return writeWrapper(spec, mod, [{ path: spec.module, version: spec.version }], kubernetesReplaces(modules, spec.version));
}

/**
 * Any other module: sibling modules it replaces with local folders (a Flux controller's /api,
 * etcd's api/pkg/client) are required at the same tag, which must exist on the proxy.
 */
async function prepareModule(spec: ToolSpec, mod: GoModJson, ctx: Context): Promise<string> {
  const replace = dependencyReplaces(mod, spec.version);
  const siblings = replace.filter((r) => r.new === r.old && r.newVersion === spec.version);
  for (const s of siblings) await downloadModule(s.old, spec.version); // fails clearly if the tag is missing
  if (siblings.length) ctx.log(`      pinned ${siblings.map((s) => `${s.old}@${spec.version}`).join(', ')}`);
  const require = [{ path: spec.module, version: spec.version }, ...siblings.map((s) => ({ path: s.old, version: spec.version }))];
  return writeWrapper(spec, mod, require, replace);
}

/** A writable copy of flux2 with cmd/flux/manifests generated from the pinned controllers. */
async function prepareFluxCli(spec: ToolSpec, dir: string, ctx: Context): Promise<string> {
  const src = join(wrapperDir(spec), 'src');
  rmSync(src, { recursive: true, force: true });
  mkdirSync(wrapperDir(spec), { recursive: true });
  cpSync(dir, src, { recursive: true });
  await run('chmod', ['-R', 'u+w', src]); // the module cache is read-only
  const controllers: Record<string, string> = {};
  for (const c of FLUX_CONTROLLERS) {
    const cs = toolSpec(c);
    controllers[c] = (await downloadModule(cs.module, cs.version)).Dir;
  }
  const files = await generateFluxManifests(src, toolPath('kubectl'), controllers, ctx.log);
  ctx.log(`      flux manifests: ${files.join(', ')}`);
  return src;
}

/** Copies a Flux controller's CRDs from its module's config/crd/bases into <toolDir>/crds. */
function copyCrds(controller: FluxController, moduleDir: string): void {
  const from = join(moduleDir, 'config', 'crd', 'bases');
  const final = join(toolDir(controller), 'crds');
  const partial = `${final}.partial`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  for (const f of readdirSync(from).filter((x) => x.endsWith('.yaml'))) copyFileSync(join(from, f), join(partial, f));
  rmSync(final, { recursive: true, force: true });
  renameSync(partial, final);
}

/** Returns the folder to run `go build` in and the package argument. */
async function prepare(spec: ToolSpec, ctx: Context): Promise<{ cwd: string; pkg: string; moduleDir: string }> {
  const dl = await downloadModule(spec.module, spec.version);
  const mod = await readGoMod(join(dl.Dir, 'go.mod'));
  checkGoVersion(`${spec.module}@${spec.version}`, mod.Go, ctx.goVersion);
  switch (spec.recipe) {
    case 'kubernetes':
      return { cwd: await prepareKubernetes(spec, dl.Dir, mod, ctx), pkg: spec.pkg, moduleDir: dl.Dir };
    case 'flux-cli':
      return { cwd: await prepareFluxCli(spec, dl.Dir, ctx), pkg: './cmd/flux', moduleDir: dl.Dir };
    case 'flux-controller':
    case 'module':
      return { cwd: await prepareModule(spec, mod, ctx), pkg: spec.pkg, moduleDir: dl.Dir };
  }
}

/** Builds one tool; the binary appears (by rename) only when everything else is in place. */
async function buildOne(req: BuildRequest, ctx: Context): Promise<void> {
  const o = opts(req);
  const spec = toolSpec(req.tool, o.kubernetesVersion);
  const { cwd, pkg, moduleDir } = await prepare(spec, ctx);
  const out = toolDir(req.tool, o);
  mkdirSync(out, { recursive: true });
  const logDir = join(cacheRoot(), 'build', 'logs');
  mkdirSync(logDir, { recursive: true });
  const tmp = join(out, `.${req.tool}.partial-${process.pid}`);
  const ldflags = composeLdflags(req.tool, spec.version);
  const started = Date.now();
  try {
    const args = ['build', '-trimpath', '-buildvcs=false', '-mod=mod', '-ldflags', ldflags, '-o', tmp, pkg];
    await run('go', args, { cwd, env: goEnv(), logFile: join(logDir, `${req.tool}@${spec.version}.log`) }).catch(
      (err: Error) => {
        // A dependency (not the module itself) may need a newer Go: say so instead of switching.
        const need = /requires go >= ([0-9.]+)/.exec(err.message);
        if (need) checkGoVersion(`a dependency of ${spec.module}@${spec.version}`, need[1], ctx.goVersion);
        throw err;
      },
    );
    if (spec.recipe === 'flux-controller') copyCrds(req.tool as FluxController, moduleDir);
    const stamp: Stamp = {
      tool: req.tool,
      version: spec.version,
      module: spec.module,
      package: spec.pkg,
      go: ctx.goVersion,
      builtAt: new Date().toISOString(),
      buildSeconds: Math.round((Date.now() - started) / 1000),
      ldflags,
    };
    writeFileSync(stampPath(req.tool, o), `${JSON.stringify(stamp, null, 2)}\n`);
    renameSync(tmp, toolPath(req.tool, o));
  } finally {
    rmSync(tmp, { force: true });
    if (readdirSync(out).length === 0) rmSync(out, { recursive: true, force: true }); // failed first build
  }
}

/** The stamp beside a built tool, if any. */
export function readStamp(req: BuildRequest): Stamp | undefined {
  try {
    return JSON.parse(readFileSync(stampPath(req.tool, opts(req)), 'utf8')) as Stamp;
  } catch {
    return undefined;
  }
}

/**
 * Why a tool must be (re)built, or undefined when the cached one is current. A binary built with
 * other ldflags (e.g. after this file changed how a tool is stamped) is rebuilt and renamed over
 * the old one, so readers never see it missing.
 */
export function staleReason(req: BuildRequest, stamp: Stamp | undefined, present: boolean): string | undefined {
  if (!present) return 'missing';
  const spec = toolSpec(req.tool, opts(req).kubernetesVersion);
  if (!stamp) return 'no stamp';
  const want = composeLdflags(req.tool, spec.version);
  if (stamp.ldflags !== want) return `ldflags changed (${stamp.ldflags} → ${want})`;
  return undefined;
}

function needsBuild(req: BuildRequest): string | undefined {
  return staleReason(req, readStamp(req), hasTool(req.tool, opts(req)));
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(ms < 10_000 ? 1 : 0);
}

/** Builds whatever of `reqs` is missing, in build order, printing one line per tool. */
export async function buildTools(reqs: BuildRequest[], options: BuildOptions): Promise<void> {
  const plan = planBuild(reqs);
  const log = options.log;
  const started = Date.now();
  const missing = plan.filter((r) => needsBuild(r) !== undefined);
  if (missing.length === 0) {
    log(`all ${plan.length} tools cached in ${join(cacheRoot(), 'bin')}: nothing to build (${seconds(Date.now() - started)} s)`);
    return;
  }
  await withBuildLock(join(cacheRoot(), 'build'), log, async () => {
    const ctx: Context = { goVersion: await localGoVersion(), log };
    log(`building ${missing.length} of ${plan.length} tools with ${ctx.goVersion} (GOTOOLCHAIN=local)`);
    let built = 0;
    for (const [i, req] of plan.entries()) {
      const label = `[${i + 1}/${plan.length}] ${req.tool} ${toolSpec(req.tool, opts(req).kubernetesVersion).version}`;
      const reason = needsBuild(req);
      if (reason === undefined) {
        log(`${label} … cached`);
        continue;
      }
      log(`${label} … building${reason === 'missing' ? '' : ` (${reason})`}`);
      const t0 = Date.now();
      const heartbeat = setInterval(() => log(`${label} … still building (${seconds(Date.now() - t0)} s)`), 120_000);
      try {
        await buildOne(req, ctx);
      } finally {
        clearInterval(heartbeat);
      }
      built++;
      log(`${label} … built in ${seconds(Date.now() - t0)} s`);
    }
    log(`built ${built}, cached ${plan.length - built}; total ${seconds(Date.now() - started)} s`);
  });
}
