// Shared by cluster:up and cluster:down: where cluster:up records itself, what it prints, and
// how leftovers of any live run are recognised and removed.
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { LiveEnv } from '../environment/environment';
import { hasTool, toolPath, type Tool } from '../toolchain/binaries';
import { deleteLocalCluster, readLocalClusterState } from './local';
import { liveRoot } from './paths';
import { isAlive, processesMentioning, signalGroup, waitGone } from './process';

export const UP_STATE = () => join(liveRoot(), 'cluster-up.json');
export const UP_ENV = () => join(liveRoot(), 'cluster-up.env');

/** The shell lines a tutorial needs. */
export function exportLines(env: Pick<LiveEnv, 'cluster' | 'git' | 'flux' | 'repoUrls'>, repo: string): string[] {
  const creds = env.git.credentials;
  const tools: Tool[] = ['kubectl', 'flux'];
  const paths = tools.filter((t) => hasTool(t)).map((t) => dirname(toolPath(t)));
  return [
    `export KUBECONFIG=${env.cluster.kubeconfigPath}`,
    `export GIT_URL=${env.repoUrls[repo]}`,
    ...(creds ? [`export GIT_USERNAME=${creds.username}`, `export GIT_PASSWORD=${creds.password}`] : []),
    `export GIT_WORKDIR=${env.git.workdir(repo)}`,
    `export FLUX_RECEIVER_URL=${env.flux.receiverUrl}`,
    ...(paths.length ? [`export PATH=${paths.join(':')}:$PATH`] : []),
  ];
}

export interface RunDirState {
  kind: string;
  ownerPid: number;
}

export function readState(runDir: string): RunDirState | undefined {
  try {
    return JSON.parse(readFileSync(join(runDir, 'state.json'), 'utf8')) as RunDirState;
  } catch {
    return undefined;
  }
}

/** Run folders under .tmp/live (cluster-*, flux-*, git-*). */
export function runDirs(): string[] {
  const root = liveRoot();
  if (!existsSync(root)) return [];
  return readdirSync(root, { withFileTypes: true })
    .filter((e) => e.isDirectory() && /^(cluster|flux|git)-/.test(e.name))
    .map((e) => join(root, e.name));
}

/** Removes one run folder: deletes its kwok cluster, kills what runs from it, removes it. */
export async function cleanRunDir(runDir: string): Promise<string[]> {
  const problems: string[] = [];
  const cluster = readLocalClusterState(runDir);
  if (cluster) problems.push(...(await deleteLocalCluster(cluster.plan)));
  const strays = processesMentioning(runDir);
  for (const p of strays) {
    if (!signalGroup(p.pid, 'SIGKILL')) {
      try {
        process.kill(p.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
  const alive = await waitGone(strays.map((p) => p.pid), 5_000);
  if (alive.length) problems.push(`could not kill ${alive.join(', ')}`);
  rmSync(runDir, { recursive: true, force: true });
  return problems;
}

/** The cluster:up process recorded in the state file, when it still runs. */
export function runningUp(): number | undefined {
  try {
    const { pid } = JSON.parse(readFileSync(UP_STATE(), 'utf8')) as { pid: number };
    return isAlive(pid) ? pid : undefined;
  } catch {
    return undefined;
  }
}
