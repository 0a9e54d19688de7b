// A kind node image made here, for machines that reach no container registry. It is what kind's
// own `kind build node-image` makes (kind's base image files + Kubernetes binaries + the images
// kubeadm pulls, pre-imported into the node's containerd), assembled from:
//   - the Debian root filesystem of rootfs.ts (systemd, iptables, runc from Debian),
//   - kind's base-image files from the kind module the toolchain pins (entrypoint, units, config),
//   - kubelet, kubeadm, kubectl, containerd, crictl and CNI plugins built from their Go modules,
//   - the component images of components.ts (control plane, etcd, CoreDNS, pause, kube-proxy)
//     and Flux's controller images, so neither kubeadm nor `flux install` pulls anything.
// Two things differ from kindest/node, both for these machines:
//   - no kindnetd (it cannot be built from the module proxy here): the node carries a bridge CNI
//     config for the pod subnet of NODE_NETWORK, so clusters must set disableDefaultCNI;
//   - runc is called through scripts/runc-capfit, which drops CAP_SYS_RESOURCE that the machine's
//     capability bounding set lacks (privileged pods such as kube-proxy need it dropped).
import { chmodSync, cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureTools, toolPath, type Tool } from '../../toolchain/binaries';
import { CNI_PLUGIN_FILES, KIND_NODE_KUBERNETES_TOOLS, KIND_NODE_TOOLS, toolSpec } from '../../toolchain/catalog';
import { downloadModule } from '../../toolchain/goexec';
import { REPO_ROOT } from '../../../contracts/paths.ts';
import { runCommand } from '../process';
import { ensureFluxImages, ensureKubeadmImages, splitRef } from './components';
import { cachedImageRef, dockerBuild, inputsDigest, runDocker, INPUTS_LABEL, type ImageArchive } from './docker';
import { ensureRootfsImage } from './rootfs';

type Log = (line: string) => void;

/**
 * Addresses inside a node made here, all within the project's own Docker ranges (see
 * scripts/docker-engine.sh): pods get 10.214.128.0/24 (the node's podCIDR, the first /24 of the
 * pod subnet), Services 10.214.160.0/20. Every cluster's node is its own network namespace, so
 * clusters side by side reuse them without clashing.
 */
export const NODE_NETWORK = { podSubnet: '10.214.128.0/20', nodePodCidr: '10.214.128.0/24', serviceSubnet: '10.214.160.0/20' } as const;

/** The bridge CNI configuration the node carries instead of kindnetd. */
export function bridgeCniConfig(podCidr: string = NODE_NETWORK.nodePodCidr): string {
  return `${JSON.stringify(
    {
      cniVersion: '1.0.0',
      name: 'fieldguide-bridge',
      plugins: [
        {
          type: 'bridge',
          bridge: 'cni0',
          isGateway: true,
          ipMasq: true,
          hairpinMode: true,
          ipam: { type: 'host-local', ranges: [[{ subnet: podCidr }]], routes: [{ dst: '0.0.0.0/0' }] },
        },
        { type: 'portmap', capabilities: { portMappings: true } },
      ],
    },
    null,
    2,
  )}\n`;
}

/**
 * kind's containerd config with the two changes this node needs: the pause image kubeadm
 * names, and runc reached through the capability wrapper.
 */
export function containerdConfig(kindConfig: string, pauseRef: string): string {
  let text = kindConfig.replace(/sandbox_image = "[^"]*"/, `sandbox_image = "${pauseRef}"`);
  const runcOptions = '[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]';
  if (!text.includes(runcOptions)) throw new Error(`kind's containerd config has no ${runcOptions} table`);
  text = text.replace(runcOptions, `${runcOptions}\n    # runc through scripts/runc-capfit (see harness/cluster/images/node.ts)\n    BinaryName = "/usr/local/sbin/runc-capfit"`);
  return text;
}

/** Where each node binary goes in the image. */
export function nodeBinaryPath(tool: Tool): string {
  const cni = CNI_PLUGIN_FILES[tool];
  if (cni) return `/opt/cni/bin/${cni}`;
  // kind's kubelet.service expects /usr/bin/kubelet; kind's build puts kubeadm and kubectl beside it.
  if (tool === 'kubelet' || tool === 'kubeadm' || tool === 'kubectl') return `/usr/bin/${tool}`;
  return `/usr/local/bin/${tool}`;
}

/** The binaries the node's file system carries (the rest of the toolchain goes in as images). */
export const NODE_FILESYSTEM_TOOLS: readonly Tool[] = [
  'kubelet', 'kubeadm', 'kubectl', 'containerd', 'containerd-shim-runc-v2', 'ctr', 'crictl',
  'cni-bridge', 'cni-host-local', 'cni-loopback', 'cni-portmap',
];

/** The setup kind's base Dockerfile runs after installing packages (systemd in a container). */
const NODE_SETUP = [
  'set -eu',
  'chmod 755 /kind /kind/bin /kind/bin/* /usr/local/bin/* /usr/local/sbin/* /opt/cni/bin/* /usr/bin/kubelet /usr/bin/kubeadm /usr/bin/kubectl',
  'find /lib/systemd/system/sysinit.target.wants/ -name systemd-tmpfiles-setup.service -delete',
  'rm -f /lib/systemd/system/multi-user.target.wants/* /etc/systemd/system/*.wants/* /lib/systemd/system/local-fs.target.wants/*',
  'rm -f /lib/systemd/system/sockets.target.wants/*udev* /lib/systemd/system/sockets.target.wants/*initctl* /lib/systemd/system/basic.target.wants/*',
  'echo ReadKMsg=no >> /etc/systemd/journald.conf',
  'ln -sf /usr/lib/systemd/systemd /sbin/init',
  'systemctl enable kubelet.service containerd.service undo-mount-hacks.service',
  'systemctl mask systemd-binfmt.service',
  'mkdir -p /etc/kubernetes/manifests',
  `ctr oci spec | jq '.hooks.createContainer[.hooks.createContainer|length] |= . + {"path": "/kind/bin/mount-product-files.sh"}' | jq 'del(.process.rlimits)' > /etc/containerd/cri-base.json`,
  'containerd --version && runc --version | head -1 && kubelet --version',
];

export function nodeDockerfile(rootfsRef: string): string {
  return [
    `FROM ${rootfsRef}`,
    'COPY root/ /',
    `RUN ${NODE_SETUP.join(' && \\\n    ')}`,
    // systemd reads `container` to know it runs in one, and stops on SIGRTMIN+3.
    'ENV container=docker',
    'STOPSIGNAL SIGRTMIN+3',
    'ENTRYPOINT ["/usr/local/bin/entrypoint", "/sbin/init"]',
    '',
  ].join('\n');
}

/** The file tree COPY'd over the root filesystem. */
async function assembleRoot(root: string, kubernetesVersion: string, pauseRef: string): Promise<void> {
  const kindDir = (await downloadModule('sigs.k8s.io/kind', toolSpec('kind').version)).Dir;
  cpSync(join(kindDir, 'images', 'base', 'files'), root, { recursive: true });
  await runCommand('chmod', ['-R', 'u+w,go+rX', root]); // the module cache is read-only
  const config = join(root, 'etc', 'containerd', 'config.toml');
  writeFileSync(config, containerdConfig(readFileSync(config, 'utf8'), pauseRef));
  mkdirSync(join(root, 'etc', 'cni', 'net.d'), { recursive: true });
  writeFileSync(join(root, 'etc', 'cni', 'net.d', '10-fieldguide-bridge.conflist'), bridgeCniConfig());
  for (const tool of NODE_FILESYSTEM_TOOLS) {
    const dest = join(root, nodeBinaryPath(tool));
    mkdirSync(join(dest, '..'), { recursive: true });
    cpSync(toolPath(tool, { kubernetesVersion }), dest);
  }
  const wrapper = join(root, 'usr', 'local', 'sbin', 'runc-capfit');
  mkdirSync(join(wrapper, '..'), { recursive: true });
  cpSync(join(REPO_ROOT, 'scripts', 'runc-capfit'), wrapper);
  chmodSync(wrapper, 0o755);
  writeFileSync(join(root, 'kind', 'version'), kubernetesVersion);
}

/** What decides whether a cached node image is current. */
function nodeInputs(kubernetesVersion: string, archives: ImageArchive[], rootfsRef: string): string {
  const stamps = NODE_FILESYSTEM_TOOLS.map((t) => {
    const stamp = join(toolPath(t, { kubernetesVersion }), '..', 'stamp.json');
    return existsSync(stamp) ? readFileSync(stamp, 'utf8') : t;
  });
  return inputsDigest({
    files: [join(REPO_ROOT, 'scripts', 'runc-capfit'), fileURLToPath(import.meta.url)],
    text: [kubernetesVersion, rootfsRef, ...stamps, ...archives.map((a) => `${a.ref} ${a.digest ?? ''}`)],
  });
}

/** Starts containerd in a throwaway node container and imports the tarballs into k8s.io. */
async function importImages(container: string, archives: ImageArchive[], log: Log): Promise<void> {
  await runDocker(['exec', container, 'bash', '-c', 'nohup containerd >/tmp/containerd.log 2>&1 &']);
  for (let i = 0; ; i++) {
    const ready = await runCommand('docker', ['exec', container, 'ctr', 'version'], { timeoutMs: 20_000 });
    if (ready.code === 0) break;
    if (i > 60) throw new Error(`containerd did not start in the build container: ${ready.output.slice(-500)}`);
    await new Promise((r) => setTimeout(r, 500));
  }
  for (const archive of archives) {
    log(`      import ${archive.ref}`);
    const result = await runCommand('bash', ['-c', `docker exec -i ${container} ctr --namespace=k8s.io images import --all-platforms --no-unpack --digests - < "${archive.tarPath}"`], { timeoutMs: 10 * 60_000 });
    if (result.code !== 0) throw new Error(`importing ${archive.ref} into the node failed:\n${result.output.slice(-1500)}`);
  }
  const listed = await runDocker(['exec', container, 'ctr', '--namespace=k8s.io', 'images', 'list', '-q']);
  const missing = archives.filter((a) => !listed.split('\n').includes(a.ref));
  if (missing.length) throw new Error(`after import the node lacks ${missing.map((a) => a.ref).join(', ')}`);
  await runCommand('docker', ['exec', container, 'pkill', 'containerd'], { timeoutMs: 30_000 });
}

export interface LocalNodeImage {
  ref: string;
  kubernetesVersion: string;
}

/**
 * The kind node image for `kubernetesVersion`, made here and cached in the engine by the digest
 * of its inputs (the tag carries it, so a changed input makes a new tag). Builds any missing
 * binary first; prints progress.
 */
export async function ensureLocalNodeImage(kubernetesVersion: string, log: Log): Promise<LocalNodeImage> {
  const tools = [...new Set([...KIND_NODE_TOOLS, ...KIND_NODE_KUBERNETES_TOOLS, 'kind' as Tool])];
  await ensureTools(tools, { log, kubernetesVersion });
  const work = join(REPO_ROOT, '.cache', 'images', 'work', `node-${kubernetesVersion}`);
  mkdirSync(work, { recursive: true });
  const rootfs = await ensureRootfsImage(log);
  const archives = [...(await ensureKubeadmImages(kubernetesVersion, work, log)), ...(await ensureFluxImages(log))];
  const pauseRef = archives.map((a) => a.ref).find((r) => splitRef(r).repository.endsWith('/pause'));
  if (!pauseRef) throw new Error(`kubeadm ${kubernetesVersion} lists no pause image`);
  const digest = nodeInputs(kubernetesVersion, archives, rootfs.ref);
  const ref = `fieldguide/kind-node:${kubernetesVersion}-${digest}`;
  if (await cachedImageRef(ref, digest)) {
    log(`      ${ref}: cached in the engine`);
    return { ref, kubernetesVersion };
  }
  const started = Date.now();
  log(`      ${ref}: building the node image …`);
  const context = join(work, 'context');
  await runCommand('rm', ['-rf', context]);
  mkdirSync(join(context, 'root'), { recursive: true });
  await assembleRoot(join(context, 'root'), kubernetesVersion, pauseRef);
  writeFileSync(join(context, 'Dockerfile'), nodeDockerfile(rootfs.ref));
  const baseRef = `fieldguide/kind-node-base:${kubernetesVersion}-${digest}`;
  await dockerBuild({ context, tag: baseRef, logFile: join(work, 'node-build.log') });
  const container = `fieldguide-node-build-${process.pid}`;
  await runCommand('docker', ['rm', '-f', container], { timeoutMs: 60_000 });
  await runDocker(['run', '-d', '--name', container, '--privileged', '--entrypoint', 'sleep', baseRef, 'infinity']);
  try {
    await importImages(container, archives, log);
    await runDocker([
      'commit',
      '--change', 'ENTRYPOINT [ "/usr/local/bin/entrypoint", "/sbin/init" ]',
      '--change', `LABEL ${INPUTS_LABEL}=${digest}`,
      container,
      ref,
    ]);
  } finally {
    await runCommand('docker', ['rm', '-f', '-v', container], { timeoutMs: 120_000 });
    await runCommand('docker', ['rmi', baseRef], { timeoutMs: 120_000 });
  }
  log(`      ${ref}: built in ${((Date.now() - started) / 1000).toFixed(1)}s`);
  return { ref, kubernetesVersion };
}
