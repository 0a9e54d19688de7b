// Graceful shutdown on SIGTERM (what the kubelet sends) and SIGINT (Ctrl-C).
//
// Order matters. Readiness fails first, but the listener stays open for the
// pre-stop delay: the endpoints controller and every node's kube-proxy need
// a moment to drop this pod, and requests routed meanwhile must still succeed.
// Then the listener closes, idle keep-alive connections are closed, and
// in-flight requests get up to the drain timeout to finish. The whole
// sequence must fit within the pod's terminationGracePeriodSeconds, after
// which the kubelet sends SIGKILL.
import type { Server } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import type { Logger } from './logger.js';
import type { AppState } from './state.js';

export interface ShutdownDeps {
  server: Server;
  state: AppState;
  log: Logger;
  /** Releases everything else (config watcher, span exporter) after the drain. */
  cleanup: () => Promise<void>;
}

export function installShutdown(deps: ShutdownDeps): void {
  const onSignal = (signal: NodeJS.Signals) => void shutdown(deps, signal);
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

async function shutdown(deps: ShutdownDeps, signal: NodeJS.Signals): Promise<void> {
  const { server, state, log } = deps;
  if (state.shuttingDown) {
    log.warn({ signal }, 'shutdown already in progress');
    return;
  }
  state.shuttingDown = true;
  const { preStopDelayMs, drainTimeoutMs } = state.config.shutdown;
  log.info({ signal, preStopDelayMs, drainTimeoutMs }, 'shutdown started: readiness now fails');
  await delay(preStopDelayMs);
  const drained = await closeServer(server, drainTimeoutMs, log);
  await deps.cleanup();
  if (drained) log.info('shutdown complete: all requests finished');
  else log.warn({ drainTimeoutMs }, 'drain timeout reached: remaining connections were closed');
  // Exit explicitly: a lingering handle must not outlive the drain timeout.
  process.exit(drained ? 0 : 1);
}

// Resolves true when every connection has closed, false if the timeout hit first.
function closeServer(server: Server, timeoutMs: number, log: Logger): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      server.closeAllConnections();
      resolve(false);
    }, timeoutMs);
    server.close(() => {
      clearTimeout(timer);
      resolve(true);
    });
    // Responses sent from now on carry "connection: close" (see server.ts);
    // connections with no request in progress can go right away.
    server.closeIdleConnections();
    log.info('stopped accepting new connections; draining in-flight requests');
  });
}
