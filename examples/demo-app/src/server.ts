// The HTTP server and the per-request wrapper: request id, one JSON log line,
// metrics by route template, and a server span per request.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, context, propagation, trace, type Span } from '@opentelemetry/api';
import type { Logger } from './logger.js';
import type { Metrics } from './metrics.js';
import { routes, sendJson, type RouteContext } from './routes.js';
import type { AppState } from './state.js';

export interface ServerDeps {
  state: AppState;
  metrics: Metrics;
  log: Logger;
  build: { version: string; commit: string };
}

// Probes and scrapes arrive every few seconds from every replica; at info
// level they would drown the request log. They log at debug unless they fail.
const QUIET_ROUTES = new Set(['/healthz', '/readyz', '/metrics']);
// Bounded so a caller cannot inject arbitrary text into our logs and headers.
const REQUEST_ID = /^[\w.:/+=-]{1,128}$/;
const tracer = trace.getTracer('demo-app');

export function createAppServer(deps: ServerDeps): Server {
  const server = createServer(
    {
      // Longer than the idle timeout of common proxies and load balancers
      // (60s), so they never reuse a connection we are closing: that race
      // shows up as sporadic 502s.
      keepAliveTimeout: 65_000,
      headersTimeout: 66_000,
      requestTimeout: 120_000,
    },
    (req, res) => handle(req, res, deps),
  );
  server.on('clientError', (err, socket) => {
    deps.log.debug({ err: err.message }, 'client error');
    socket.destroy();
  });
  return server;
}

export function requestId(header: string | string[] | undefined): string {
  const value = Array.isArray(header) ? header[0] : header;
  return value && REQUEST_ID.test(value) ? value : randomUUID();
}

function handle(req: IncomingMessage, res: ServerResponse, deps: ServerDeps): void {
  const started = process.hrtime.bigint();
  const id = requestId(req.headers['x-request-id']);
  res.setHeader('x-request-id', id);
  // During shutdown, tell keep-alive clients not to reuse this connection.
  if (deps.state.shuttingDown) res.setHeader('connection', 'close');
  const url = parseUrl(req.url);
  const route = Object.hasOwn(routes, url.pathname) ? url.pathname : 'unmatched';
  const method = req.method ?? 'GET';
  const parent = propagation.extract(ROOT_CONTEXT, req.headers);
  const span = tracer.startSpan(`${method} ${route}`, { kind: SpanKind.SERVER, attributes: spanAttributes(method, route, url, id) }, parent);
  deps.metrics.inFlight.inc();
  res.once('close', () => finish({ req, res, deps, span, started, id, route, method, path: url.pathname }));
  context.with(trace.setSpan(parent, span), () => void dispatch(req, res, deps, route, url));
}

async function dispatch(req: IncomingMessage, res: ServerResponse, deps: ServerDeps, route: string, url: URL): Promise<void> {
  const handler = routes[route];
  try {
    if (!handler) return sendJson(res, 404, { error: 'not found' });
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('allow', 'GET, HEAD');
      return sendJson(res, 405, { error: 'method not allowed' });
    }
    const ctx: RouteContext = { state: deps.state, metrics: deps.metrics, build: deps.build, url };
    await handler(req, res, ctx);
  } catch (err) {
    deps.log.error({ err }, 'request handler failed');
    if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
    else res.destroy();
  }
}

interface Finished {
  req: IncomingMessage;
  res: ServerResponse;
  deps: ServerDeps;
  span: Span;
  started: bigint;
  id: string;
  route: string;
  method: string;
  path: string;
}

function finish({ req, res, deps, span, started, id, route, method, path }: Finished): void {
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const status = res.statusCode;
  const labels = { method, route, status: String(status) };
  deps.metrics.inFlight.dec();
  deps.metrics.requests.inc(labels);
  deps.metrics.duration.observe(labels, seconds);
  span.setAttribute('http.response.status_code', status);
  if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
  span.end();
  const level = QUIET_ROUTES.has(route) && status < 400 ? 'debug' : 'info';
  const traceId = trace.isSpanContextValid(span.spanContext()) ? span.spanContext().traceId : undefined;
  deps.log[level](
    {
      reqId: id,
      method,
      route,
      // The path only: query strings can carry tokens that must not reach logs.
      path,
      status,
      durationMs: Math.round(seconds * 1e4) / 10,
      // "close" before "finish" means the client went away mid-response.
      aborted: !res.writableFinished || undefined,
      userAgent: req.headers['user-agent'],
      traceId,
    },
    'request',
  );
}

// Prefixing (rather than passing a base) keeps "//x" a path, not a host.
function parseUrl(raw: string | undefined): URL {
  try {
    return new URL(`http://localhost${raw ?? '/'}`);
  } catch {
    return new URL('http://localhost/invalid-url');
  }
}

function spanAttributes(method: string, route: string, url: URL, id: string): Record<string, string> {
  return { 'http.request.method': method, 'http.route': route, 'url.path': url.pathname, 'app.request_id': id };
}
