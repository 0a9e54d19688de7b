// Endpoint handlers. Each one only builds a response; the request wrapper in
// server.ts does ids, logging, metrics and tracing for all of them.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Metrics } from './metrics.js';
import type { AppState } from './state.js';

export interface RouteContext {
  state: AppState;
  metrics: Metrics;
  build: { version: string; commit: string };
  url: URL;
}

export type Handler = (req: IncomingMessage, res: ServerResponse, ctx: RouteContext) => void | Promise<void>;

const MAX_SLOW_MS = 60_000;

export const routes: Record<string, Handler> = {
  '/': greet,
  '/healthz': healthz,
  '/readyz': readyz,
  '/metrics': metrics,
  '/version': version,
  '/slow': slow,
};

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(payload) });
  res.end(payload);
}

function greet(_req: IncomingMessage, res: ServerResponse, { state }: RouteContext): void {
  const { greeting, environment, cluster, region } = state.config;
  sendJson(res, 200, { message: greeting, environment, cluster, region });
}

// Liveness: answering at all proves the process is up and its event loop is
// turning (a blocked loop makes the probe time out). It deliberately checks
// nothing else: restarting the pod would not fix a broken dependency or a bad
// config file, and restarting every replica at once would turn that into an outage.
function healthz(_req: IncomingMessage, res: ServerResponse): void {
  sendJson(res, 200, { status: 'ok', uptimeSeconds: Math.round(process.uptime()) });
}

// Readiness: should this pod receive traffic? No once shutdown has begun.
// A rejected config reload does not make the pod unready: it keeps serving the
// previous valid config, and the same bad ConfigMap reaches every replica at
// once, so failing readiness would empty the Service. It is reported here and
// alerted on through demo_app_config_last_reload_successful instead.
function readyz(_req: IncomingMessage, res: ServerResponse, { state }: RouteContext): void {
  const ready = !state.shuttingDown;
  sendJson(res, ready ? 200 : 503, {
    status: ready ? 'ready' : 'shutting down',
    config: state.configStatus,
  });
}

async function metrics(_req: IncomingMessage, res: ServerResponse, ctx: RouteContext): Promise<void> {
  const body = await ctx.metrics.registry.metrics();
  res.writeHead(200, { 'content-type': ctx.metrics.registry.contentType });
  res.end(body);
}

function version(_req: IncomingMessage, res: ServerResponse, { build }: RouteContext): void {
  sendJson(res, 200, { version: build.version, commit: build.commit });
}

// Holds a request open for ?ms=N so draining on SIGTERM can be shown and
// tested. Off unless the config enables it: an endpoint that parks
// connections on demand is not something to expose by accident.
function slow(_req: IncomingMessage, res: ServerResponse, { state, url }: RouteContext): void {
  if (!state.config.enableSlowEndpoint) return sendJson(res, 404, { error: 'not found' });
  const ms = Number(url.searchParams.get('ms') ?? '1000');
  if (!Number.isInteger(ms) || ms < 0 || ms > MAX_SLOW_MS) {
    return sendJson(res, 400, { error: `ms must be an integer from 0 to ${MAX_SLOW_MS}` });
  }
  // Send headers now so a client can tell the request is in flight.
  res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
  res.flushHeaders();
  const timer = setTimeout(() => res.end(JSON.stringify({ sleptMs: ms })), ms);
  res.once('close', () => clearTimeout(timer));
}
