// A Debian root filesystem made here with debootstrap and imported into Docker: the base of the
// kind node image and of kube-proxy's image (which needs iptables). No registry is involved:
// debootstrap fetches Debian packages from the mirror apt already uses.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { runCommand } from '../process';
import { cachedImage, inputsDigest, runDocker, type ImageArchive } from './docker';

export const DEBIAN_SUITE = 'bookworm';

/**
 * What a kind node needs from Debian (kind's own base image installs the same set, minus the
 * storage-test packages): systemd as PID 1, the kubelet's and kube-proxy's host tools, runc
 * (built with seccomp, which Flux's pods ask for), jq for the runtime wrapper.
 */
export const NODE_PACKAGES: readonly string[] = [
  'systemd', 'dbus', 'conntrack', 'iptables', 'nftables', 'iproute2', 'ethtool', 'util-linux', 'mount',
  'kmod', 'libseccomp2', 'pigz', 'e2fsprogs', 'bash', 'ca-certificates', 'curl', 'jq', 'procps', 'runc',
];

/** The mirror apt uses on this machine (first `URIs:` or `deb` line), else Debian's CDN. */
export function debianMirror(sources: string[] = aptSourceTexts()): string {
  for (const text of sources) {
    const deb822 = /^URIs:\s*(\S+)/m.exec(text);
    if (deb822 && !/security/.test(deb822[1])) return deb822[1];
    const legacy = /^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+\S+/m.exec(text);
    if (legacy && !/security/.test(legacy[1])) return legacy[1];
  }
  return 'http://deb.debian.org/debian';
}

function aptSourceTexts(): string[] {
  const files = ['/etc/apt/sources.list.d/debian.sources', '/etc/apt/sources.list'];
  return files.filter((f) => existsSync(f)).map((f) => readFileSync(f, 'utf8'));
}

async function ensureDebootstrap(log: Log): Promise<void> {
  if (existsSync('/usr/sbin/debootstrap')) return;
  log('      apt-get install debootstrap');
  const result = await runCommand('apt-get', ['install', '-y', '-q', '--no-install-recommends', 'debootstrap'], {
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    timeoutMs: 10 * 60_000,
  });
  if (result.code !== 0) throw new Error(`apt-get install debootstrap failed:\n${result.output.slice(-2000)}`);
}

type Log = (line: string) => void;

/** Runs `fn`, logging "<label>: still running (Ns)" every 30 s so a long step shows it is alive. */
export async function withHeartbeat<T>(log: Log, label: string, fn: () => Promise<T>): Promise<T> {
  const started = Date.now();
  const timer = setInterval(() => log(`      ${label}: still running (${Math.round((Date.now() - started) / 1000)}s)`), 30_000);
  try {
    return await fn();
  } finally {
    clearInterval(timer);
  }
}

/**
 * A Debian minbase tree in `root` (debootstrap from the mirror apt uses, plus `packages`), without
 * apt's package lists and caches, which are only needed to install (slim images drop them too).
 */
export async function debootstrapTree(root: string, packages: readonly string[], work: string, log: Log): Promise<void> {
  await ensureDebootstrap(log);
  const mirror = debianMirror();
  const include = packages.length ? [`--include=${packages.join(',')}`] : [];
  const logFile = join(work, 'debootstrap.log');
  log(`      debootstrap --variant=minbase ${DEBIAN_SUITE} from ${mirror} (${packages.length} extra packages) …`);
  const boot = await withHeartbeat(log, 'debootstrap', () =>
    runCommand('/usr/sbin/debootstrap', ['--variant=minbase', ...include, DEBIAN_SUITE, root, mirror], { logFile, timeoutMs: 20 * 60_000 }),
  );
  if (boot.code !== 0) throw new Error(`debootstrap failed (log: ${logFile}):\n${boot.output.slice(-2000)}`);
  for (const dir of ['var/cache/apt/archives', 'var/lib/apt/lists']) rmSync(join(root, dir), { recursive: true, force: true });
}

/** `docker import` of a tree as `ref` (with Dockerfile-style `changes`), through a tarball in `work`. */
export async function importTree(root: string, ref: string, changes: string[], work: string): Promise<void> {
  const tar = join(work, 'rootfs.tar');
  const packed = await runCommand('tar', ['--numeric-owner', '-C', root, '-cf', tar, '.'], { timeoutMs: 10 * 60_000 });
  if (packed.code !== 0) throw new Error(`tar of ${root} failed: ${packed.output.slice(-1000)}`);
  rmSync(root, { recursive: true, force: true });
  await runDocker(['import', ...changes.flatMap((c) => ['--change', c]), tar, ref]);
  rmSync(tar, { force: true });
}

/** `fieldguide/debian-rootfs:<suite>`, built by debootstrap once per package list. */
export async function ensureRootfsImage(log: Log): Promise<ImageArchive> {
  const digest = inputsDigest({ text: [DEBIAN_SUITE, ...NODE_PACKAGES] });
  const ref = `fieldguide/debian-rootfs:${DEBIAN_SUITE}-${digest}`;
  return cachedImage({
    name: 'debian-rootfs',
    version: DEBIAN_SUITE,
    digest,
    ref,
    log,
    build: async (work) => {
      const root = mkdtempSync(join(work, 'rootfs-'));
      await debootstrapTree(root, NODE_PACKAGES, work, log);
      await importTree(root, ref, [`LABEL dev.fieldguide.inputs=${digest}`], work);
    },
  });
}
