// OpenTelemetry tracing, off unless OTEL_EXPORTER_OTLP_ENDPOINT is set.
//
// The server always calls the @opentelemetry/api tracer; without a registered
// provider those calls are no-ops, so the request path is the same either way.
// The SDK and exporter are imported only when tracing is on, so a pod without
// a collector does not load them at all. The exporter reads the standard
// OTEL_EXPORTER_OTLP_* variables itself (endpoint, headers, timeout) and sends
// OTLP/HTTP JSON to <endpoint>/v1/traces.
import type { Logger } from './logger.js';

export interface Tracing {
  enabled: boolean;
  /** Flushes buffered spans; bounded so a dead collector cannot block exit. */
  shutdown(): Promise<void>;
}

const FLUSH_TIMEOUT_MS = 3_000;

export async function startTracing(
  opts: { otlpEndpoint: string | undefined; version: string },
  log: Logger,
): Promise<Tracing> {
  if (!opts.otlpEndpoint) {
    log.info({ tracing: 'disabled' }, 'tracing disabled: OTEL_EXPORTER_OTLP_ENDPOINT is not set');
    return { enabled: false, shutdown: async () => {} };
  }
  const { NodeTracerProvider, BatchSpanProcessor } = await import('@opentelemetry/sdk-trace-node');
  const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-http');
  const { defaultResource, resourceFromAttributes, detectResources, envDetector } = await import('@opentelemetry/resources');
  // OTEL_SERVICE_NAME / OTEL_RESOURCE_ATTRIBUTES (envDetector) override our defaults.
  const resource = defaultResource()
    .merge(resourceFromAttributes({ 'service.name': 'demo-app', 'service.version': opts.version }))
    .merge(detectResources({ detectors: [envDetector] }));
  const provider = new NodeTracerProvider({
    resource,
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())],
  });
  // Also installs the W3C traceparent propagator, so incoming traces continue.
  provider.register();
  log.info({ tracing: 'enabled', endpoint: opts.otlpEndpoint }, 'tracing enabled: exporting spans over OTLP/HTTP');
  return { enabled: true, shutdown: () => withTimeout(provider.shutdown(), FLUSH_TIMEOUT_MS) };
}

async function withTimeout(work: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
  await Promise.race([work.catch(() => {}), timeout]);
  clearTimeout(timer);
}
