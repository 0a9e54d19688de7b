// Fault injection for the local tier: stopping what a cluster's GitOps loop depends on, and
// proving afterwards that nothing Flux had applied was lost.
//
// - The kube-apiserver: SIGKILL to the pid kwokctl wrote, then `kwokctl start cluster`, which
//   starts the components that are not running (here only the apiserver) with their original
//   flags and rewrites the pid file.
// - The git server: the clusters reach it through a loopback TCP relay; "killing the git server"
//   closes the relay's listener and resets every open connection, so source-controller meets
//   exactly what a dead server looks like (connection refused), and restarting listens on the
//   same port again. (The git server itself lives in the test process, whose repos a real stop
//   would delete.)
// - Flux controllers: killFluxController / restartFluxController in harness/cluster/flux.ts.
import { dirname, join } from 'node:path';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { configPath, kwokctlEnv, type KwokctlPlan } from '../../../harness/cluster/kwokctl';
import { readLocalClusterState } from '../../../harness/cluster/local';
import { freePort } from '../../../harness/cluster/ports';
import { isAlive, runCommand, waitGone } from '../../../harness/cluster/process';
import { inventoryOf, entryApiVersion } from '../../../harness/kube/inventory';
import type { Kube } from '../../../harness/kube/kube';
import { waitUntil } from '../../../harness/kube/wait';
import type { ScenarioCluster } from '../../../harness/environment/clusters';

function localPlan(sc: ScenarioCluster): KwokctlPlan {
  const state = readLocalClusterState(dirname(sc.kubeconfigPath));
  if (!state) throw new Error(`cluster ${sc.name} is not a local (kwokctl) cluster: no state.json beside its kubeconfig`);
  return state.plan;
}

/** SIGKILL to the kube-apiserver (no graceful shutdown); resolves once it is gone. */
export async function killApiserver(sc: ScenarioCluster): Promise<number> {
  const pid = sc.cluster.componentPids()['kube-apiserver'];
  if (!pid) throw new Error(`no kube-apiserver pid file for cluster ${sc.name}`);
  process.kill(pid, 'SIGKILL');
  const left = await waitGone([pid], 10_000);
  if (left.length) throw new Error(`kube-apiserver ${pid} survived SIGKILL`);
  return pid;
}

/** `kwokctl start cluster`: starts the components that are down; then waits for /readyz. */
export async function startApiserver(sc: ScenarioCluster): Promise<number> {
  const plan = localPlan(sc);
  const result = await runCommand(plan.binaries.kwokctl, ['--name', plan.name, '--config', configPath(plan), 'start', 'cluster', '--timeout', '120s'], {
    env: kwokctlEnv(plan, process.env),
    logFile: join(plan.workdir, 'kwokctl.log'),
    timeoutMs: 150_000,
  });
  if (result.code !== 0) throw new Error(`kwokctl start cluster exited ${result.code}:\n${result.output.slice(-3000)}`);
  await waitUntil('kube-apiserver /readyz after the restart', async () => {
    const body = await sc.kube.raw('/readyz');
    return { done: body.trim() === 'ok', detail: body };
  }, { timeoutMs: 60_000, intervalMs: 100 });
  const pid = sc.cluster.componentPids()['kube-apiserver'];
  if (!pid || !isAlive(pid)) throw new Error('kwokctl start cluster did not leave a running kube-apiserver');
  return pid;
}

/** A TCP relay on 127.0.0.1 in front of another loopback port, which can be killed and restarted. */
export class TcpRelay {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();

  private constructor(readonly port: number, private readonly target: number) {}

  static async start(target: number): Promise<TcpRelay> {
    const relay = new TcpRelay(await freePort(), target);
    await relay.restart();
    return relay;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get listening(): boolean {
    return this.server !== undefined;
  }

  /** Listens again on the same port. */
  async restart(): Promise<void> {
    if (this.server) return;
    const server = createServer((client) => {
      const upstream = createConnection({ host: '127.0.0.1', port: this.target });
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => {
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream);
      upstream.pipe(client);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: '127.0.0.1', port: this.port, exclusive: true }, () => resolve());
    });
    this.server = server;
  }

  /** Stops listening and resets every open connection: the server is gone. */
  async kill(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    for (const s of this.sockets) s.resetAndDestroy();
    this.sockets.clear();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

export interface AppliedObject {
  ref: { apiVersion: string; kind: string; name: string; namespace?: string };
  uid: string;
  /** Kustomization that applied it. */
  owner: string;
}

/** Every object in every Kustomization's inventory, with its uid (a recreated object gets a new one). */
export async function appliedObjects(kube: Kube): Promise<AppliedObject[]> {
  const out: AppliedObject[] = [];
  for (const ks of await kube.list('kustomize.toolkit.fluxcd.io/v1', 'Kustomization')) {
    for (const entry of inventoryOf(ks)) {
      const ref = { apiVersion: entryApiVersion(entry), kind: entry.kind, name: entry.name, namespace: entry.namespace || undefined };
      const live = await kube.get(ref);
      out.push({ ref, uid: String(live?.metadata.uid ?? ''), owner: ks.metadata.name });
    }
  }
  return out;
}

/** Objects of `before` that are gone or were deleted and recreated since (empty: nothing lost). */
export async function lostObjects(kube: Kube, before: AppliedObject[]): Promise<string[]> {
  const lost: string[] = [];
  for (const o of before) {
    const live = await kube.get(o.ref);
    const name = `${o.ref.kind} ${o.ref.namespace ? `${o.ref.namespace}/` : ''}${o.ref.name} (applied by ${o.owner})`;
    if (!live) lost.push(`${name} is gone`);
    else if (live.metadata.uid !== o.uid) lost.push(`${name} was deleted and recreated (uid ${o.uid} → ${live.metadata.uid})`);
  }
  return lost;
}
