// The interface the rest of the harness uses to find the pinned Go binaries.
// Layout: <cache>/bin/<tool>@<version>/<tool>, a stamp.json beside it, and for Flux controllers
// their CRDs in crds/. <cache> is the repo's gitignored .cache/ unless FIELD_GUIDE_CACHE_DIR
// points elsewhere (e.g. a folder that outlives a fresh clone, so CI need not rebuild).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { KUBERNETES_TOOLS, toolSpec, type FluxController, type Tool } from './catalog';
import { KUBERNETES_VERSION } from './versions';
import { REPO_ROOT } from '../../contracts/paths.ts';
import { setting } from '../../contracts/settings.ts';

export type { Tool, FluxController } from './catalog';

export interface ToolOptions {
  /** Build/find the Kubernetes tools (kube-*, kubectl) at this version instead of the pin. */
  kubernetesVersion?: string;
}

export interface EnsureOptions extends ToolOptions {
  log?: (line: string) => void;
}


/** Root of the cache (holds bin/ and build/). */
export function cacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  const override = setting('FIELD_GUIDE_CACHE_DIR', env);
  return override ? resolve(override) : join(REPO_ROOT, '.cache');
}

/** The version a tool is cached under. */
export function toolVersion(tool: Tool, opts: ToolOptions = {}): string {
  return toolSpec(tool, opts.kubernetesVersion ?? KUBERNETES_VERSION).version;
}

/** `<cache>/bin/<tool>@<version>`: one folder per tool and version. */
export function toolDir(tool: Tool, opts: ToolOptions = {}, root: string = cacheRoot()): string {
  return join(root, 'bin', `${tool}@${toolVersion(tool, opts)}`);
}

/** Absolute path of a tool's binary, whether or not it has been built yet. */
export function toolPath(tool: Tool, opts: ToolOptions = {}): string {
  return join(toolDir(tool, opts), tool);
}

/** The stamp written beside each binary (Go version, build time, module). */
export function stampPath(tool: Tool, opts: ToolOptions = {}): string {
  return join(toolDir(tool, opts), 'stamp.json');
}

/** True when the binary exists and is executable (it is renamed into place last). */
export function hasTool(tool: Tool, opts: ToolOptions = {}): boolean {
  const path = toolPath(tool, opts);
  if (!existsSync(path)) return false;
  const st = statSync(path);
  return st.isFile() && (st.mode & 0o111) !== 0;
}

/** The command that builds a missing tool, including flags for non-default versions. */
export function buildHint(tool: Tool, opts: ToolOptions = {}): string {
  const flags: string[] = [];
  const kv = opts.kubernetesVersion;
  if (KUBERNETES_TOOLS.includes(tool) && kv && kv !== KUBERNETES_VERSION) flags.push(`--kubernetes ${kv}`);
  if (tool === 'kind') flags.push('--kind');
  return flags.length ? `npm run cluster:build -- ${flags.join(' ')}` : 'npm run cluster:build';
}

/** Path of a built tool, or an Error that says what is missing and how to build it. */
export function requireTool(tool: Tool, opts: ToolOptions = {}): string {
  if (hasTool(tool, opts)) return toolPath(tool, opts);
  throw new Error(
    `${tool} ${toolVersion(tool, opts)} is not built: expected ${toolPath(tool, opts)}; run: ${buildHint(tool, opts)}`,
  );
}

/** Folder of a Flux controller's CRDs (copied from its module's config/crd/bases). */
export function crdDir(controller: FluxController): string {
  return join(toolDir(controller), 'crds');
}

/** The CRD YAML files of a Flux controller at its pinned version, sorted by name. */
export function crdFiles(controller: FluxController): string[] {
  const dir = crdDir(controller);
  if (!hasTool(controller) || !existsSync(dir)) {
    throw new Error(
      `${controller} CRDs are not built: expected ${dir}/*.yaml; run: ${buildHint(controller)}`,
    );
  }
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => join(dir, f));
}

/** Builds the tools that are missing (in build order), printing progress through opts.log. */
export async function ensureTools(tools: Tool[], opts: EnsureOptions = {}): Promise<void> {
  // Loaded lazily: most importers only look paths up and never need the builder.
  const { buildTools } = await import('./builder');
  await buildTools(
    tools.map((tool) => ({ tool, kubernetesVersion: opts.kubernetesVersion })),
    { log: opts.log ?? ((line) => console.log(line)) },
  );
}
