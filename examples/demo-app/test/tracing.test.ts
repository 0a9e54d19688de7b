// OpenTelemetry: off unless OTEL_EXPORTER_OTLP_ENDPOINT is set; when set,
// server spans reach an OTLP/HTTP collector (a stub on 127.0.0.1 here).
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { get, startApp, stop, waitFor, type LogLine } from './helpers.js';

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: Array<{ key: string; value: Record<string, unknown> }>;
}
interface OtlpExport {
  resourceSpans: Array<{
    resource: { attributes: Array<{ key: string; value: { stringValue?: string } }> };
    scopeSpans: Array<{ spans: OtlpSpan[] }>;
  }>;
}

/** A minimal OTLP/HTTP collector: records every JSON export posted to /v1/traces. */
async function startCollector(): Promise<{ url: string; exports: OtlpExport[]; paths: string[]; server: Server }> {
  const exports: OtlpExport[] = [];
  const paths: string[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8').on('data', (c: string) => (body += c));
    req.on('end', () => {
      paths.push(req.url ?? '');
      if (req.headers['content-type']?.startsWith('application/json')) exports.push(JSON.parse(body) as OtlpExport);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, exports, paths, server };
}

const spansOf = (exports: OtlpExport[]) => exports.flatMap((e) => e.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans)));
const attr = (span: OtlpSpan, key: string) => span.attributes.find((a) => a.key === key)?.value;

test('tracing is off by default: logged as disabled, no trace ids in request logs', async () => {
  const app = await startApp();
  await app.waitForLog((l) => l.tracing === 'disabled', 'the "tracing disabled" line');
  await get(`${app.url}/`, { 'x-request-id': 'untraced', traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' });
  const line = await app.waitForLog((l) => l.reqId === 'untraced', 'the request log line');
  assert.equal(line.traceId, undefined);
  assert.equal((await stop(app)).code, 0);
});

test('with OTEL_EXPORTER_OTLP_ENDPOINT set, server spans reach the collector and continue incoming traces', async (t) => {
  const collector = await startCollector();
  t.after(() => collector.server.close());
  const app = await startApp({
    env: { OTEL_EXPORTER_OTLP_ENDPOINT: collector.url, OTEL_BSP_SCHEDULE_DELAY: '100', APP_VERSION: '2.0.0' },
  });
  await app.waitForLog((l) => l.tracing === 'enabled', 'the "tracing enabled" line');
  const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
  const parent = '00f067aa0ba902b7';
  await get(`${app.url}/`, { 'x-request-id': 'traced', traceparent: `00-${traceId}-${parent}-01` });

  const span = await waitFor(() => spansOf(collector.exports).find((s) => s.name === 'GET /'), 'a "GET /" span at the collector');
  assert.deepEqual(collector.paths.filter((p) => p !== '/v1/traces'), [], 'exports go to <endpoint>/v1/traces');
  assert.equal(span.traceId, traceId, 'the incoming traceparent is continued');
  assert.equal(span.parentSpanId, parent);
  assert.equal(span.kind, 2, 'SPAN_KIND_SERVER');
  assert.deepEqual(attr(span, 'http.route'), { stringValue: '/' });
  assert.deepEqual(attr(span, 'app.request_id'), { stringValue: 'traced' });
  assert.equal(Number(attr(span, 'http.response.status_code')?.intValue), 200);
  const resource = collector.exports[0]?.resourceSpans[0]?.resource.attributes ?? [];
  assert.deepEqual(resource.find((a) => a.key === 'service.name')?.value, { stringValue: 'demo-app' });
  assert.deepEqual(resource.find((a) => a.key === 'service.version')?.value, { stringValue: '2.0.0' });

  // The request log line carries the same trace id, joining logs to traces.
  const line: LogLine = await app.waitForLog((l) => l.reqId === 'traced', 'the request log line');
  assert.equal(line.traceId, traceId);
  assert.equal((await stop(app)).code, 0);
});

test('spans still buffered at SIGTERM are flushed before exit', async (t) => {
  const collector = await startCollector();
  t.after(() => collector.server.close());
  // A batch delay far longer than the test: only the shutdown flush can deliver the span.
  const app = await startApp({ env: { OTEL_EXPORTER_OTLP_ENDPOINT: collector.url, OTEL_BSP_SCHEDULE_DELAY: '600000' } });
  await get(`${app.url}/version`);
  assert.deepEqual(spansOf(collector.exports), []);
  assert.equal((await stop(app)).code, 0);
  assert.ok(spansOf(collector.exports).some((s) => s.name === 'GET /version'), 'the span was flushed on shutdown');
});
