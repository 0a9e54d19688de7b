// Container images for the components a kind node pulls when it boots (kubeadm's control plane,
// etcd, CoreDNS, pause, kube-proxy) and for Flux's controllers, made here from the binaries the
// toolchain builds from their Go modules. Each image is tagged exactly as kubeadm or `flux install`
// names it, and only when the binary inside is that version: a tag that lies is refused.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { ensureTools, toolPath, type Tool } from '../../toolchain/binaries';
import { toolSpec, FLUX_CONTROLLERS, type FluxController } from '../../toolchain/catalog';
import { wrapperDir } from '../../toolchain/builder';
import { COREDNS_VERSION, ETCD_VERSION, FLUX_CONTROLLER_VERSIONS } from '../../toolchain/versions';
import { runCommand } from '../process';
import { cachedImage, dockerBuild, inputsDigest, type ImageArchive } from './docker';
import { ensureRootfsImage } from './rootfs';

type Log = (line: string) => void;

/** How one image is made: files copied into the context and the Dockerfile that uses them. */
export interface ImageRecipe {
  ref: string;
  /** The version the tag claims, checked against the binary's build stamp. */
  version: string;
  /** context file name → source path */
  files: Record<string, string>;
  dockerfile: string;
}

/** Repository (without tag) and tag of an image reference. */
export function splitRef(ref: string): { repository: string; tag: string } {
  const at = ref.lastIndexOf(':');
  if (at <= ref.lastIndexOf('/')) throw new Error(`image reference ${ref} has no tag`);
  return { repository: ref.slice(0, at), tag: ref.slice(at + 1) };
}

/** A static binary on an empty base, run by name from PATH (how kubeadm's manifests call them). */
export function staticBinaryDockerfile(binary: string, opts: { entrypoint?: string[]; user?: string } = {}): string {
  return [
    'FROM scratch',
    `COPY ${binary} /usr/local/bin/${binary}`,
    'COPY ca-certificates.crt /etc/ssl/certs/ca-certificates.crt',
    'ENV PATH=/usr/local/bin:/usr/bin:/bin',
    ...(opts.user ? [`USER ${opts.user}`] : []),
    ...(opts.entrypoint ? [`ENTRYPOINT ${JSON.stringify(opts.entrypoint)}`] : []),
    '',
  ].join('\n');
}

const CA_BUNDLE = '/etc/ssl/certs/ca-certificates.crt';

function staticRecipe(ref: string, version: string, tool: Tool, binary: string, kubernetesVersion: string | undefined, opts: { entrypoint?: string[]; user?: string } = {}): ImageRecipe {
  return {
    ref,
    version,
    files: { [binary]: toolPath(tool, { kubernetesVersion }), 'ca-certificates.crt': CA_BUNDLE },
    dockerfile: staticBinaryDockerfile(binary, opts),
  };
}

/** The version a tag claims for a binary: `3.6.8-0` → `v3.6.8`, `v1.36.3` → `v1.36.3`. */
export function tagVersion(tag: string): string {
  const bare = tag.replace(/^v/, '').replace(/-\d+$/, '');
  return `v${bare}`;
}

/**
 * The recipe for one image kubeadm lists (`kubeadm config images list`). Throws for an image
 * the node would need but nothing here can make, and when the tag's version is not what the
 * toolchain built.
 */
export function kubeadmImageRecipe(ref: string, kubernetesVersion: string, rootfsRef: string, pauseBinary: string): ImageRecipe {
  const { repository, tag } = splitRef(ref);
  const name = basename(repository);
  const claim = tagVersion(tag);
  const expect = (built: string) => {
    if (claim !== built) throw new Error(`kubeadm ${kubernetesVersion} wants ${ref}, but the toolchain builds ${name} ${built} (harness/toolchain/versions.ts)`);
  };
  switch (name) {
    case 'kube-apiserver':
    case 'kube-controller-manager':
    case 'kube-scheduler':
      expect(kubernetesVersion);
      return staticRecipe(ref, claim, name, name, kubernetesVersion);
    case 'kube-proxy':
      expect(kubernetesVersion);
      // kube-proxy programs iptables: it needs the same Debian iptables the node has.
      return {
        ref,
        version: claim,
        files: { 'kube-proxy': toolPath('kube-proxy', { kubernetesVersion }) },
        dockerfile: [`FROM ${rootfsRef}`, 'COPY kube-proxy /usr/local/bin/kube-proxy', ''].join('\n'),
      };
    case 'etcd':
      expect(ETCD_VERSION);
      return staticRecipe(ref, claim, 'etcd', 'etcd', undefined);
    case 'coredns':
      expect(COREDNS_VERSION);
      return { ...staticRecipe(ref, claim, 'coredns', 'coredns', undefined, { entrypoint: ['/usr/local/bin/coredns'], user: '65532:65532' }) };
    case 'pause':
      return {
        ref,
        version: tag,
        files: { pause: pauseBinary },
        dockerfile: ['FROM scratch', 'COPY pause /pause', 'USER 65535:65535', 'ENTRYPOINT ["/pause"]', ''].join('\n'),
      };
    default:
      throw new Error(`kubeadm ${kubernetesVersion} wants ${ref}, and nothing here makes a ${name} image (harness/cluster/images/components.ts)`);
  }
}

/** Every `image:` value in a YAML text (Flux's embedded install manifests). */
export function imagesInManifest(text: string): string[] {
  const out = new Set<string>();
  for (const m of text.matchAll(/^\s*(?:-\s*)?image:\s*["']?([^\s"']+)["']?\s*$/gm)) out.add(m[1]);
  return [...out].sort();
}

/** The recipe for a Flux controller image, refusing a tag other than the pinned controller's. */
export function fluxImageRecipe(ref: string): ImageRecipe {
  const { repository, tag } = splitRef(ref);
  const controller = basename(repository) as FluxController;
  if (!FLUX_CONTROLLERS.includes(controller)) throw new Error(`flux install names ${ref}, which is not one of the pinned controllers (${FLUX_CONTROLLERS.join(', ')})`);
  const pinned = FLUX_CONTROLLER_VERSIONS[controller];
  if (tag !== pinned) throw new Error(`flux install names ${ref}, but the toolchain builds ${controller} ${pinned}`);
  // As Flux's own images: the controller on PATH, run as nobody (the manifests set runAsNonRoot).
  return staticRecipe(ref, tag, controller, controller, undefined, { entrypoint: [`/usr/local/bin/${controller}`], user: '65534:65534' });
}

/**
 * The registry `flux install` puts in front of its manifests' `fluxcd/<controller>` images when
 * no `--registry` is given (flux2 pkg/manifestgen/install/options.go): the images are made under
 * these names so that the command a reader runs works unchanged.
 */
export const FLUX_INSTALL_REGISTRY = 'ghcr.io/fluxcd';

/** `fluxcd/x:tag` as `flux install` rewrites it: `ghcr.io/fluxcd/x:tag`. */
export function asInstalled(manifestImage: string): string {
  return manifestImage.startsWith('fluxcd/') ? `${FLUX_INSTALL_REGISTRY}/${manifestImage.slice('fluxcd/'.length)}` : manifestImage;
}

/** The images the pinned flux CLI's `flux install` deploys (its embedded manifests, with the default registry). */
export function fluxInstallImages(): string[] {
  const dir = join(wrapperDir(toolSpec('flux')), 'src', 'cmd', 'flux', 'manifests');
  if (!existsSync(dir)) throw new Error(`${dir} is missing: build the flux CLI first (npm run cluster:build -- --kind)`);
  const images = readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .flatMap((f) => imagesInManifest(readFileSync(join(dir, f), 'utf8')))
    .map(asInstalled);
  return [...new Set(images)].sort();
}

async function buildRecipe(recipe: ImageRecipe, log: Log, stampInputs: string[]): Promise<ImageArchive> {
  // The reference is an input too: an archive saved under another name would load under that name.
  const digest = inputsDigest({ text: [recipe.ref, recipe.dockerfile, ...stampInputs, ...Object.keys(recipe.files)] });
  const name = basename(splitRef(recipe.ref).repository);
  return cachedImage({
    name,
    version: splitRef(recipe.ref).tag,
    digest,
    ref: recipe.ref,
    log,
    build: async (work) => {
      const context = join(work, 'context');
      mkdirSync(context, { recursive: true });
      for (const [file, from] of Object.entries(recipe.files)) copyFileSync(from, join(context, file));
      writeFileSync(join(context, 'Dockerfile'), recipe.dockerfile);
      await dockerBuild({ context, tag: recipe.ref, inputs: digest, logFile: join(work, 'build.log') });
    },
  });
}

/** Where Go keeps downloaded modules (`go env GOMODCACHE`: GOMODCACHE, else GOPATH's first entry/pkg/mod). */
function goModCache(): string {
  return execFileSync('go', ['env', 'GOMODCACHE'], { encoding: 'utf8', timeout: 30_000 }).trim();
}

/** The pause binary, compiled statically from the pause.c in the k8s.io/kubernetes module. */
export async function ensurePause(kubernetesVersion: string, work: string, log: Log): Promise<string> {
  const moduleDir = join(goModCache(), `k8s.io/kubernetes@${kubernetesVersion}`);
  const source = join(moduleDir, 'build', 'pause', 'linux', 'pause.c');
  if (!existsSync(source)) throw new Error(`${source} is missing (the toolchain downloads k8s.io/kubernetes@${kubernetesVersion} when it builds kubelet)`);
  const out = join(work, `pause-${kubernetesVersion}`);
  if (existsSync(out)) return out;
  log(`      pause: cc -static ${source}`);
  const result = await runCommand('cc', ['-Os', '-static', `-DVERSION=${kubernetesVersion}`, '-o', out, source], { timeoutMs: 120_000 });
  if (result.code !== 0) throw new Error(`compiling pause.c failed:\n${result.output.slice(-1500)}`);
  return out;
}

/** The image references kubeadm at this version pulls (`kubeadm config images list`). */
export async function kubeadmImageRefs(kubernetesVersion: string): Promise<string[]> {
  const result = await runCommand(toolPath('kubeadm', { kubernetesVersion }), ['config', 'images', 'list', '--kubernetes-version', kubernetesVersion], { timeoutMs: 60_000 });
  if (result.code !== 0) throw new Error(`kubeadm config images list failed:\n${result.output.slice(-1500)}`);
  return result.output.split('\n').map((l) => l.trim()).filter((l) => /^[a-z0-9.-]+\/\S+:\S+$/.test(l));
}

/** kubeadm's images for one Kubernetes version, made here (cached). */
export async function ensureKubeadmImages(kubernetesVersion: string, pauseDir: string, log: Log): Promise<ImageArchive[]> {
  const rootfs = await ensureRootfsImage(log);
  const pause = await ensurePause(kubernetesVersion, pauseDir, log);
  const refs = await kubeadmImageRefs(kubernetesVersion);
  log(`      kubeadm ${kubernetesVersion} needs ${refs.length} images: ${refs.map((r) => basename(r)).join(', ')}`);
  const out: ImageArchive[] = [];
  for (const ref of refs) {
    const recipe = kubeadmImageRecipe(ref, kubernetesVersion, rootfs.ref, pause);
    const tools = Object.values(recipe.files);
    out.push(await buildRecipe(recipe, log, [rootfs.ref, ...tools.map((t) => stampFor(t))]));
  }
  return out;
}

/** A binary's identity for the cache: its build stamp (version, ldflags, Go, build time) when it is a toolchain binary, else its bytes' digest. */
function stampFor(path: string): string {
  const stamp = join(path, '..', 'stamp.json');
  if (existsSync(stamp)) return readFileSync(stamp, 'utf8');
  return inputsDigest({ files: [path] });
}

/** Flux's controller images as the pinned CLI's `flux install` names them (cached). */
export async function ensureFluxImages(log: Log): Promise<ImageArchive[]> {
  await ensureTools(['flux', ...FLUX_CONTROLLERS], { log });
  const out: ImageArchive[] = [];
  for (const ref of fluxInstallImages()) {
    const recipe = fluxImageRecipe(ref);
    const controller = basename(splitRef(ref).repository) as FluxController;
    out.push(await buildRecipe(recipe, log, [stampFor(toolPath(controller))]));
  }
  return out;
}
