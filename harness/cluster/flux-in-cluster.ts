// The handle on a Flux that runs inside the cluster (kind: installed by `flux install`), shaped
// like the local tier's process handle so scenarios never ask where Flux runs:
//   - receiverUrl: notification-controller's webhook receiver, reached through
//     `kubectl port-forward` on 127.0.0.1 (the API server tunnels to the pod; nothing here dials a
//     pod address), so a git push can notify Flux exactly as on the local tier;
//   - logFiles(): each controller's pod log, written on demand with `kubectl logs`, so failure
//     tails show the same controller logs as on the local tier;
//   - stop(): ends the port-forward; the controllers go away with the cluster.
import { connect } from 'node:net';
import { join } from 'node:path';
import { toolPath } from '../toolchain/binaries';
import { FLUX_CONTROLLERS, type FluxController } from '../toolchain/catalog';
import type { Flux } from './flux';
import { freePort, releasePorts } from './ports';
import { runCommand, spawnProcess } from './process';
import type { Cluster } from './provider';

const FLUX_NAMESPACE = 'flux-system';

async function portAccepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Writes each controller's current pod log to <logDir>/flux-<controller>.log (best effort). */
async function dumpControllerLogs(cluster: Cluster): Promise<void> {
  await Promise.all(
    FLUX_CONTROLLERS.map((c) =>
      runCommand(toolPath('kubectl'), ['--kubeconfig', cluster.kubeconfigPath, 'logs', '-n', FLUX_NAMESPACE, `deploy/${c}`, '--tail=400'], {
        logFile: join(cluster.logDir, `flux-${c}.log`),
        timeoutMs: 30_000,
      }),
    ),
  );
}

export async function connectInClusterFlux(cluster: Cluster, log: (line: string) => void = () => {}): Promise<Flux> {
  const started = Date.now();
  const port = await freePort();
  const forward = spawnProcess({
    name: 'port-forward webhook-receiver',
    command: toolPath('kubectl'),
    args: ['--kubeconfig', cluster.kubeconfigPath, 'port-forward', '-n', FLUX_NAMESPACE, '--address', '127.0.0.1', 'svc/webhook-receiver', `${port}:80`],
    logFile: join(cluster.logDir, 'port-forward-webhook-receiver.log'),
  });
  for (let i = 0; !(await portAccepts(port)); i++) {
    if (forward.hasExited() || i > 150) {
      await forward.stop();
      throw new Error(`kubectl port-forward to flux-system/webhook-receiver did not listen on 127.0.0.1:${port} (log: ${forward.logFile})`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  log(`[${cluster.name}] Flux runs in the cluster; webhook receiver forwarded to 127.0.0.1:${port}`);
  const logFiles = Object.fromEntries(FLUX_CONTROLLERS.map((c) => [c, join(cluster.logDir, `flux-${c}.log`)])) as Record<FluxController, string>;
  return {
    controllers: [],
    receiverUrl: `http://127.0.0.1:${port}`,
    storageUrl: '',
    logFiles: () => logFiles,
    readySeconds: (Date.now() - started) / 1000,
    async collectLogs() {
      await dumpControllerLogs(cluster);
    },
    async stop() {
      await dumpControllerLogs(cluster).catch(() => undefined);
      await forward.stop();
      releasePorts([port]);
    },
  };
}

/**
 * Sets a controller flag on an in-cluster Flux (the scenarios' --requeue-dependency, which the
 * local tier passes to its processes) and waits for the rollout. Flags are the controllers' own.
 */
export async function setControllerFlag(cluster: Cluster, controller: FluxController, flag: string): Promise<void> {
  const kubectl = (args: string[]) => runCommand(toolPath('kubectl'), ['--kubeconfig', cluster.kubeconfigPath, '-n', FLUX_NAMESPACE, ...args], { timeoutMs: 180_000 });
  const patch = JSON.stringify([{ op: 'add', path: '/spec/template/spec/containers/0/args/-', value: flag }]);
  const patched = await kubectl(['patch', 'deployment', controller, '--type=json', '-p', patch]);
  if (patched.code !== 0) throw new Error(`kubectl patch deployment ${controller} failed: ${patched.output.trim()}`);
  const rolled = await kubectl(['rollout', 'status', `deployment/${controller}`, '--timeout=150s']);
  if (rolled.code !== 0) throw new Error(`${controller} did not roll out with ${flag}: ${rolled.output.trim()}`);
}
