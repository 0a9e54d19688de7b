// The kind provider: a real cluster in Docker containers, with Flux installed in the cluster the
// way Flux's docs say (`flux install` with the pinned flux CLI), and the demo app's image loaded
// with `kind load`. It needs a Docker engine (scripts/docker-engine.sh starts one); without one,
// unavailableReason() says why and every test skips.
//
// Images come from one of two sources (KIND_IMAGES, read in select.ts), through the same code:
//   - local (default): made on this machine without any registry (harness/cluster/images/): a node
//     image from Debian + binaries built from their Go modules, with kubeadm's and Flux's images
//     inside, so nothing is pulled. Machines here reach no container registry.
//   - upstream: kind's published kindest/node image for the minor, pinned by digest, and Flux's
//     images pulled by `flux install` from ghcr.io (GitHub Actions, a laptop).
//
// Reaching the git server from pods. The live tier's git server listens on the host's
// 127.0.0.1, which is the pods' own loopback inside kind, so source-controller could never
// fetch from it. In the kind tier (only there) the git server must listen on the gateway of
// kind's Docker network instead (the host's address on that bridge, e.g. 172.18.0.1): pods
// reach it through their node, which masquerades the traffic. `cluster.gitHost` is that
// address; the scenario starts the git server bound to it and gives Flux its URL. This needs a
// Linux Docker engine (GitHub Actions, Linux laptops); with Docker Desktop the gateway is not
// the host, and `KIND_GIT_HOST` can name the address that is (e.g. the host's LAN address).
// The local tier keeps binding 127.0.0.1.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { parse as parseYaml } from 'yaml';
import { ensureTools, hasTool, toolPath, type Tool } from '../toolchain/binaries';
import { FLUX_VERSION, KIND_VERSION, KUBERNETES_VERSION, SUPPORTED_KUBERNETES_VERSIONS } from '../toolchain/versions';
import { kindImageSource, type KindImageSource } from './select';
import { NODE_NETWORK } from './images/node';
import { keptLogsRoot, makeRunDir } from './paths';
import { runCommand } from './process';
import type { Cluster, ClusterProvider, StartOptions, StopOptions, StopReport } from './provider';
import { setting } from '../../contracts/settings.ts';

/** The kind release the node images below were built for (must equal KIND_VERSION). */
export const KIND_IMAGES_RELEASE = 'v0.33.0';

/**
 * kindest/node images per Kubernetes minor, exactly as kind v0.33.0's release notes list them
 * ("Images pre-built for this release", github.com/kubernetes-sigs/kind/releases/tag/v0.33.0).
 * kind only supports an image with the release that built it, and a tag can be re-pushed for a
 * later release: the digest is what guarantees the image. v1.37.0's digest is also the default
 * image in kind v0.33.0's pkg/apis/config/defaults/image.go.
 */
export const KIND_NODE_IMAGES: Readonly<Record<string, { version: string; digest: string }>> = {
  '1.35': { version: 'v1.35.8', digest: 'sha256:07b2536e30b803ed61d1677a79df6115f798ce64c80f9e22f6ed45afd09323c0' },
  '1.36': { version: 'v1.36.4', digest: 'sha256:099e049362a1526b2db71494e1947aae99bd16290d7c895f2b7ea312e3cbfaed' },
  '1.37': { version: 'v1.37.0', digest: 'sha256:a1ed56cfb0e7b93589bdf97c8cd566405a265939e3620fc4f5de89adff580ae5' },
};

/** What the kind provider runs: the kind CLI and the flux CLI (kubectl is not needed). */
export const KIND_TOOLS: Tool[] = ['kind', 'flux'];

/** `1.35` from `v1.35.4`, `1.35.4`, `v1.35` or `1.35`. */
export function kubernetesMinor(version: string): string {
  const match = /^v?(\d+)\.(\d+)(?:\.\d+)?(?:[-+].*)?$/.exec(version.trim());
  if (!match) throw new Error(`"${version}" is not a Kubernetes version (expected v1.X.Y, 1.X.Y or 1.X)`);
  return `${match[1]}.${match[2]}`;
}

export interface NodeImage {
  minor: string;
  /** The exact Kubernetes version the image runs (what the report records). */
  kubernetesVersion: string;
  /** Where the image comes from. */
  source: KindImageSource;
  /**
   * upstream: `kindest/node:vX.Y.Z@sha256:…`; local: undefined until the image is made
   * (resolveNodeImage), since its tag carries the digest of what it was made from.
   */
  image?: string;
}

/**
 * The node image for a Kubernetes version. Upstream, kind publishes one image per minor per
 * release, so the patch is the image's, not the requested one (`v1.36.3` runs `v1.36.4`). Made
 * here, the patch is the newest served of that minor (SUPPORTED_KUBERNETES_VERSIONS), or the exact
 * version asked for. Default: the minor of the toolchain's KUBERNETES_VERSION.
 */
export function kindNodeImage(kubernetesVersion: string = KUBERNETES_VERSION, source: KindImageSource = 'upstream'): NodeImage {
  const minor = kubernetesMinor(kubernetesVersion);
  if (source === 'local') {
    const exact = /^v?\d+\.\d+\.\d+$/.test(kubernetesVersion.trim()) ? `v${kubernetesVersion.trim().replace(/^v/, '')}` : SUPPORTED_KUBERNETES_VERSIONS[minor];
    if (!exact) {
      throw new Error(`no Kubernetes ${minor} to build a kind node image for (requested ${kubernetesVersion}); supported minors: ${Object.keys(SUPPORTED_KUBERNETES_VERSIONS).join(', ')} (harness/toolchain/versions.ts)`);
    }
    return { minor, kubernetesVersion: exact, source };
  }
  const pinned = KIND_NODE_IMAGES[minor];
  if (!pinned) {
    throw new Error(
      `kind ${KIND_IMAGES_RELEASE} has no pinned node image for Kubernetes ${minor} (requested ${kubernetesVersion}); ` +
        `pinned minors: ${Object.keys(KIND_NODE_IMAGES).join(', ')} (harness/cluster/kind.ts)`,
    );
  }
  return { minor, kubernetesVersion: pinned.version, source, image: `kindest/node:${pinned.version}@${pinned.digest}` };
}

/** The image to run: upstream's pinned reference, or the local image made (or found cached) now. */
export async function resolveNodeImage(node: NodeImage, log: (line: string) => void): Promise<string> {
  if (node.image) return node.image;
  const { ensureLocalNodeImage } = await import('./images/node');
  return (await ensureLocalNodeImage(node.kubernetesVersion, log)).ref;
}

/** A kind cluster name for a logical cluster name: `fg-<name>-<suffix>`, valid for kind and Docker. */
export function kindClusterName(name: string, suffix: string = randomBytes(2).toString('hex')): string {
  const base = name.toLowerCase().replace(/[^a-z0-9.-]+/g, '-').replace(/^-+|-+$/g, '') || 'cluster';
  return `fg-${base.slice(0, 24)}-${suffix}`;
}

/**
 * The kind config file: one control-plane node, API server on 127.0.0.1 with a random port
 * (so several clusters can run side by side and nothing listens beyond loopback). kubelet may run
 * on a cgroup v1 host (`failCgroupV1: false`; kubelet 1.35+ refuses v1 otherwise; a no-op on v2).
 * A node image made here has no kindnetd: it brings its own bridge CNI config for NODE_NETWORK,
 * so kind's default CNI is off and the subnets are the ones that config uses.
 */
export function kindClusterConfig(opts: { kindName: string; source?: KindImageSource }): string {
  const local = opts.source === 'local';
  return [
    'kind: Cluster',
    'apiVersion: kind.x-k8s.io/v1alpha4',
    `name: ${opts.kindName}`,
    'networking:',
    '  apiServerAddress: "127.0.0.1"',
    '  apiServerPort: 0',
    ...(local
      ? ['  disableDefaultCNI: true', `  podSubnet: "${NODE_NETWORK.podSubnet}"`, `  serviceSubnet: "${NODE_NETWORK.serviceSubnet}"`]
      : []),
    'kubeadmConfigPatches:',
    '  - |',
    '    kind: KubeletConfiguration',
    '    failCgroupV1: false',
    'nodes:',
    '  - role: control-plane',
    '',
  ].join('\n');
}

export interface KindCreatePlan {
  kindName: string;
  image: string;
  configPath: string;
  kubeconfigPath: string;
  /** How long kind waits for the control-plane node to be Ready. */
  waitSeconds: number;
}

export function kindCreateArgs(plan: KindCreatePlan): string[] {
  return [
    'create', 'cluster',
    '--name', plan.kindName,
    '--image', plan.image,
    '--config', plan.configPath,
    '--kubeconfig', plan.kubeconfigPath,
    '--wait', `${plan.waitSeconds}s`,
  ];
}

export function kindDeleteArgs(plan: Pick<KindCreatePlan, 'kindName' | 'kubeconfigPath'>): string[] {
  return ['delete', 'cluster', '--name', plan.kindName, '--kubeconfig', plan.kubeconfigPath];
}

export function kindExportLogsArgs(kindName: string, dir: string): string[] {
  return ['export', 'logs', dir, '--name', kindName];
}

/**
 * `flux install` with the pinned CLI, as a reader types it: no `--version`, so the CLI installs
 * the manifests embedded in it (its own release's; here, the pinned controllers'), never asking
 * GitHub for release manifests. The four controllers of the live tier, waiting for them.
 */
export function fluxInstallArgs(kubeconfigPath: string): string[] {
  return [
    'install',
    '--components=source-controller,kustomize-controller,helm-controller,notification-controller',
    `--kubeconfig=${kubeconfigPath}`,
    '--timeout=5m',
  ];
}

/** `flux check` after the install: controllers running and CRDs at the expected versions. */
/**
 * Waits for CoreDNS. kind's `--wait` ends when the node is Ready, a few seconds before kube-proxy
 * has written the Service rules; Flux's controllers, whose images are already on the node, would
 * start in that gap, fail to reach the API server's Service IP and back off for half a minute.
 * CoreDNS's readiness needs that same Service IP, so once it is Ready, Services route.
 */
export function clusterDnsWaitArgs(kubeconfigPath: string): string[] {
  return ['rollout', 'status', 'deployment/coredns', '-n', 'kube-system', '--timeout=180s', `--kubeconfig=${kubeconfigPath}`];
}

export function fluxCheckArgs(kubeconfigPath: string): string[] {
  return ['check', `--kubeconfig=${kubeconfigPath}`, '--timeout=3m'];
}

/**
 * The first IPv4 gateway from `docker network inspect kind --format '{{json .IPAM.Config}}'`
 * output, or undefined.
 */
export function gatewayFromIpamConfig(json: string): string | undefined {
  let configs: unknown;
  try {
    configs = JSON.parse(json);
  } catch {
    return undefined;
  }
  if (!Array.isArray(configs)) return undefined;
  for (const config of configs) {
    const gateway = (config as { Gateway?: unknown })?.Gateway;
    if (typeof gateway === 'string' && /^\d{1,3}(\.\d{1,3}){3}$/.test(gateway)) return gateway;
  }
  return undefined;
}

/** What kindUnavailableReason() asks the machine; replaced by fakes in unit tests. */
export interface KindProbe {
  /** undefined when `docker info` works, else what it said. */
  dockerProblem(): string | undefined;
  hasTool(tool: Tool): boolean;
  /** True when `go` can build a missing tool. */
  hasGo(): boolean;
}

function firstLine(text: string): string {
  return text.trim().split('\n').find((l) => l.trim())?.trim() ?? '';
}

export const machineProbe: KindProbe = {
  dockerProblem() {
    try {
      execFileSync('docker', ['info', '--format', '{{.ServerVersion}}'], { stdio: ['ignore', 'pipe', 'pipe'], timeout: 20_000 });
      return undefined;
    } catch (error) {
      const e = error as NodeJS.ErrnoException & { stderr?: Buffer };
      if (e.code === 'ENOENT') return 'the docker CLI is not installed';
      const said = firstLine(e.stderr?.toString('utf8') ?? '') || e.message;
      return `docker info failed: ${said}`;
    }
  },
  hasTool: (tool) => hasTool(tool),
  hasGo() {
    try {
      execFileSync('go', ['version'], { stdio: 'ignore', timeout: 20_000 });
      return true;
    } catch {
      return false;
    }
  },
};

/**
 * Why kind clusters cannot start here, or undefined. Checks the Docker engine (`docker info`),
 * the kind and flux binaries (built, or buildable with Go), and that the requested Kubernetes
 * minor has a pinned node image. Image pulls are not probed: a registry that refuses them makes
 * `kind create cluster` fail with its own message.
 */
export function kindUnavailableReason(opts: { kubernetesVersion?: string; source?: KindImageSource } = {}, probe: KindProbe = machineProbe): string | undefined {
  const reasons: string[] = [];
  const docker = probe.dockerProblem();
  if (docker) reasons.push(`no Docker engine (${docker}); kind runs its nodes as Docker containers (scripts/docker-engine.sh starts one)`);
  const missing = KIND_TOOLS.filter((t) => !probe.hasTool(t));
  if (missing.length && !probe.hasGo()) {
    reasons.push(`${missing.join(' and ')} not built and no Go toolchain to build them (npm run cluster:build -- --kind)`);
  }
  try {
    kindNodeImage(opts.kubernetesVersion, opts.source ?? kindImageSource());
  } catch (error) {
    reasons.push((error as Error).message);
  }
  return reasons.length ? `kind tier unavailable: ${reasons.join('; ')}` : undefined;
}

/** The API server URL of the kubeconfig's current context. */
export function serverFromKubeconfig(text: string): string {
  const config = parseYaml(text) as {
    'current-context'?: string;
    contexts?: { name: string; context: { cluster: string } }[];
    clusters?: { name: string; cluster: { server: string } }[];
  };
  const context = config.contexts?.find((c) => c.name === config['current-context']);
  const cluster = config.clusters?.find((c) => c.name === context?.context.cluster);
  if (!cluster?.cluster.server) throw new Error('kubeconfig has no server for its current context');
  return cluster.cluster.server;
}

export interface KindStartOptions extends StartOptions {
  /** Run `flux install` + `flux check` after the cluster is up (default true). */
  installFlux?: boolean;
}

export interface KindCluster extends Cluster {
  provider: 'kind';
  /** The Docker-level cluster name (`kind get clusters`). */
  kindName: string;
  /** The node image and the Kubernetes version it runs. */
  nodeImage: NodeImage;
  /** Kubernetes version the cluster runs (the image's, e.g. v1.36.4). */
  kubernetesVersion: string;
  /** Flux runs in the cluster (installed by `flux install`), not as local processes. */
  fluxInCluster: boolean;
  fluxVersion?: string;
  /** The address a git server must listen on for pods to reach it (see the top of this file). */
  gitHost: string;
}

async function runLogged(tool: Tool, args: string[], logFile: string, timeoutMs: number): Promise<string> {
  const result = await runCommand(toolPath(tool), args, { logFile, timeoutMs });
  if (result.code !== 0) {
    throw new Error(`${tool} ${args.join(' ')} exited ${result.code} (log: ${logFile}):\n${result.output.trim().split('\n').slice(-30).join('\n')}`);
  }
  return result.output;
}

/**
 * The kind network's IPv4 gateway: the host's address on the network kind's nodes live on, where
 * a git server for their pods listens. A scenario that starts its git server before its first
 * cluster (ephemeral) needs it before kind has made the network, so it is made here the way kind
 * makes it (a bridge with IP masquerading); kind then uses the existing network.
 */
export async function kindGateway(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const configured = setting('KIND_GIT_HOST', env);
  if (configured) return configured;
  const inspect = () => runCommand('docker', ['network', 'inspect', 'kind', '--format', '{{json .IPAM.Config}}'], { timeoutMs: 20_000 });
  let result = await inspect();
  if (result.code !== 0 && /not found|No such network/i.test(result.output)) {
    const created = await runCommand('docker', ['network', 'create', '--driver', 'bridge', '-o', 'com.docker.network.bridge.enable_ip_masquerade=true', 'kind'], { timeoutMs: 30_000 });
    // Another process may have made it meanwhile; the second inspect settles it.
    if (created.code !== 0 && !/already exists/.test(created.output)) throw new Error(`docker network create kind failed: ${created.output.trim()}`);
    result = await inspect();
  }
  const gateway = result.code === 0 ? gatewayFromIpamConfig(result.output.trim()) : undefined;
  if (!gateway) throw new Error(`could not read the IPv4 gateway of Docker network "kind": ${result.output.trim()}`);
  return gateway;
}

async function kindClusterExists(kindName: string): Promise<boolean> {
  const result = await runCommand(toolPath('kind'), ['get', 'clusters'], { timeoutMs: 30_000 });
  return result.output.split('\n').map((l) => l.trim()).includes(kindName);
}

/**
 * Images every cluster of this run gets with `kind load image-archive`: the demo app's, made from
 * examples/demo-app/Dockerfile (on the local source, on a Node base made here) for every tag the
 * fleet deploys or a scenario releases, in one archive. They are not published where the fleet's
 * pods could pull them. Made once per process.
 */
let preloadImages: Promise<{ ref: string; tarPath: string }[]> | undefined;
function imagesToLoad(log: (line: string) => void, source: KindImageSource): Promise<{ ref: string; tarPath: string }[]> {
  preloadImages ??= import('./images/demo-app').then(async (m) => [await m.demoAppArchive(log, { source })]);
  return preloadImages;
}

export async function startKindCluster(opts: KindStartOptions): Promise<KindCluster> {
  const log = opts.log ?? (() => {});
  const source = kindImageSource();
  const reason = kindUnavailableReason({ kubernetesVersion: opts.kubernetesVersion, source });
  if (reason) throw new Error(reason);
  await ensureTools(KIND_TOOLS, { log });
  const nodeImage = kindNodeImage(opts.kubernetesVersion, source);
  const image = await resolveNodeImage(nodeImage, log);
  const archives = await imagesToLoad(log, source);
  const started = Date.now();
  const runDir = makeRunDir('kind', opts.name);
  const logDir = join(runDir, 'logs');
  mkdirSync(logDir, { recursive: true });
  const plan: KindCreatePlan = {
    kindName: kindClusterName(opts.name),
    image,
    configPath: join(runDir, 'kind-config.yaml'),
    kubeconfigPath: join(runDir, 'kubeconfig'),
    waitSeconds: 180,
  };
  writeFileSync(plan.configPath, kindClusterConfig({ kindName: plan.kindName, source }));
  writeFileSync(join(runDir, 'state.json'), JSON.stringify({ kind: 'kind-cluster', name: opts.name, ownerPid: process.pid, plan }, null, 2));
  const logs = { create: join(logDir, 'kind-create.log'), dns: join(logDir, 'cluster-dns.log'), flux: join(logDir, 'flux-install.log'), load: join(logDir, 'kind-load.log'), delete: join(logDir, 'kind-delete.log') };
  log(`[${opts.name}] kind create cluster ${plan.kindName} (${image}, images: ${source})`);
  const installFlux = opts.installFlux ?? true;
  try {
    // The network first: two clusters created at once would otherwise race to make it.
    const gitHost = await kindGateway();
    await runLogged('kind', kindCreateArgs(plan), logs.create, (plan.waitSeconds + 300) * 1000);
    log(`[${opts.name}] node Ready after ${seconds(started)}s`);
    // The demo images go in while Services come up: both only wait on the node.
    await Promise.all([
      runLogged('kubectl', clusterDnsWaitArgs(plan.kubeconfigPath), logs.dns, 4 * 60_000),
      loadArchives(archives, plan.kindName, logs.load),
    ]);
    log(`[${opts.name}] Service routing and DNS ready after ${seconds(started)}s${archives.length ? `; loaded ${archives.map((a) => a.ref).join(', ')}` : ''}`);
    if (installFlux) {
      log(`[${opts.name}] flux install (the CLI's embedded ${FLUX_VERSION} manifests)`);
      await runLogged('flux', fluxInstallArgs(plan.kubeconfigPath), logs.flux, 6 * 60_000);
      await runLogged('flux', fluxCheckArgs(plan.kubeconfigPath), logs.flux, 4 * 60_000);
      log(`[${opts.name}] Flux ready after ${seconds(started)}s`);
    }
    const startSeconds = (Date.now() - started) / 1000;
    log(`[${opts.name}] kind cluster ready in ${startSeconds.toFixed(1)}s; git server host for pods: ${gitHost}`);
    return new KindClusterImpl(opts.name, plan, runDir, logDir, logs, { ...nodeImage, image }, installFlux, gitHost, startSeconds);
  } catch (error) {
    const kept = keepKindLogs(plan.kindName, logDir);
    await runCommand(toolPath('kind'), kindDeleteArgs(plan), { logFile: logs.delete, timeoutMs: 120_000 });
    rmSync(runDir, { recursive: true, force: true });
    throw new Error(`kind cluster ${opts.name} failed to start: ${(error as Error).message}\nlogs kept in ${kept}`);
  }
}

function seconds(since: number): string {
  return ((Date.now() - since) / 1000).toFixed(1);
}

/** `kind load image-archive` of each archive, one after another (each copies into the node). */
async function loadArchives(archives: { ref: string; tarPath: string }[], kindName: string, logFile: string): Promise<void> {
  for (const archive of archives) {
    await runLogged('kind', ['load', 'image-archive', archive.tarPath, '--name', kindName], logFile, 5 * 60_000);
  }
}

/** Copies our logs and `kind export logs` (node journals, pod logs) somewhere that survives. */
function keepKindLogs(kindName: string, logDir: string): string {
  const dest = join(keptLogsRoot(), `${kindName}-${new Date().toISOString().replace(/[:.]/g, '-')}`);
  mkdirSync(dest, { recursive: true });
  try {
    execFileSync(toolPath('kind'), kindExportLogsArgs(kindName, join(dest, 'kind')), { stdio: 'ignore', timeout: 120_000 });
  } catch {
    /* the cluster may not exist: our own logs below are still worth keeping */
  }
  if (existsSync(logDir)) execFileSync('cp', ['-R', `${logDir}/.`, dest]);
  return dest;
}

/** The full id of a kind cluster's control-plane container, or undefined. */
function nodeContainerId(kindName: string): string | undefined {
  try {
    return execFileSync('docker', ['inspect', '--format', '{{.Id}}', `${kindName}-control-plane`], { encoding: 'utf8', timeout: 20_000 }).trim() || undefined;
  } catch {
    return undefined;
  }
}

/**
 * A container's memory use from its cgroup: cgroup v1 with Docker's cgroupfs driver
 * (memory/docker/<id>), or cgroup v2 with the systemd driver (system.slice/docker-<id>.scope).
 */
export function containerMemoryBytes(id: string, root = '/sys/fs/cgroup'): number {
  for (const file of [join(root, 'memory', 'docker', id, 'memory.usage_in_bytes'), join(root, 'system.slice', `docker-${id}.scope`, 'memory.current'), join(root, 'docker', id, 'memory.current')]) {
    try {
      return Number(readFileSync(file, 'utf8').trim()) || 0;
    } catch {
      /* try the next layout */
    }
  }
  return 0;
}

class KindClusterImpl implements KindCluster {
  readonly provider = 'kind' as const;
  readonly kubeconfigPath: string;
  readonly apiServerUrl: string;
  readonly kindName: string;
  readonly kubernetesVersion: string;
  readonly fluxVersion?: string;
  private stopped = false;

  constructor(
    readonly name: string,
    private readonly plan: KindCreatePlan,
    private readonly runDir: string,
    readonly logDir: string,
    private readonly logs: Record<'create' | 'dns' | 'flux' | 'load' | 'delete', string>,
    readonly nodeImage: NodeImage,
    readonly fluxInCluster: boolean,
    readonly gitHost: string,
    readonly startSeconds: number,
  ) {
    this.kubeconfigPath = plan.kubeconfigPath;
    this.apiServerUrl = serverFromKubeconfig(readFileSync(plan.kubeconfigPath, 'utf8'));
    this.kindName = plan.kindName;
    this.kubernetesVersion = nodeImage.kubernetesVersion;
    if (fluxInCluster) this.fluxVersion = FLUX_VERSION;
  }

  componentLogs(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [name, file] of Object.entries(this.logs)) if (existsSync(file)) out[name] = file;
    return out;
  }

  componentPids(): Record<string, number> {
    return {}; // the control plane runs inside a container, not as our processes
  }

  memoryBytes(): number {
    this.nodeContainerId ??= nodeContainerId(this.kindName);
    return this.nodeContainerId ? containerMemoryBytes(this.nodeContainerId) : 0;
  }

  private nodeContainerId?: string;

  async stop(opts: StopOptions = {}): Promise<StopReport> {
    const started = Date.now();
    if (this.stopped) return { seconds: 0 };
    this.stopped = true;
    const keptLogsDir = opts.keepLogs ? keepKindLogs(this.kindName, this.logDir) : undefined;
    const problems: string[] = [];
    const result = await runCommand(toolPath('kind'), kindDeleteArgs(this.plan), { logFile: this.logs.delete, timeoutMs: 180_000 });
    if (result.code !== 0) problems.push(`kind delete cluster exited ${result.code}: ${result.output.trim().slice(-2000)}`);
    if (await kindClusterExists(this.kindName)) problems.push(`kind still lists cluster ${this.kindName}`);
    rmSync(this.runDir, { recursive: true, force: true });
    if (existsSync(this.runDir)) problems.push(`could not remove ${this.runDir}`);
    if (problems.length) {
      throw new Error(`kind cluster ${this.name} did not stop cleanly:\n  ${problems.join('\n  ')}${keptLogsDir ? `\n  logs: ${keptLogsDir}` : ''}`);
    }
    return { keptLogsDir, seconds: (Date.now() - started) / 1000 };
  }
}

export const kindProvider: ClusterProvider = {
  name: 'kind',
  unavailableReason: (opts) => kindUnavailableReason(opts),
  start: (opts) => startKindCluster(opts),
  // Flux runs in every kind cluster the harness starts, so its git server goes on the gateway.
  gitServerHost: () => kindGateway(),
};

/** The pinned kind release the images above belong to; a unit test keeps the two in step. */
export const PINNED_KIND_VERSION = KIND_VERSION;
