// Prometheus metrics on a private registry (not prom-client's global one),
// so nothing else in the process can add series behind our back.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface Metrics {
  registry: Registry;
  requests: Counter<'method' | 'route' | 'status'>;
  duration: Histogram<'method' | 'route' | 'status'>;
  inFlight: Gauge;
  configReloads: Counter<'result'>;
  configLastReloadOk: Gauge;
}

// Buckets span fast probes to slow requests; the p95 alert threshold (0.5s)
// sits on a bucket boundary so histogram_quantile interpolates around it well.
const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export function createMetrics(build: { version: string; commit: string }): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  // Lets dashboards and alerts join running pods to the commit they run.
  new Gauge({ name: 'demo_app_build_info', help: 'Build identity; always 1.', labelNames: ['version', 'commit'], registers: [registry] })
    .set({ version: build.version, commit: build.commit }, 1);
  return {
    registry,
    requests: new Counter({
      name: 'http_requests_total',
      help: 'HTTP requests by route template, method and status code.',
      labelNames: ['method', 'route', 'status'],
      registers: [registry],
    }),
    duration: new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request duration in seconds by route template, method and status code.',
      labelNames: ['method', 'route', 'status'],
      buckets: BUCKETS,
      registers: [registry],
    }),
    inFlight: new Gauge({ name: 'http_requests_in_flight', help: 'Requests being served now.', registers: [registry] }),
    configReloads: new Counter({
      name: 'demo_app_config_reloads_total',
      help: 'Config file reloads after start, by result (success or failure).',
      labelNames: ['result'],
      registers: [registry],
    }),
    configLastReloadOk: new Gauge({
      name: 'demo_app_config_last_reload_successful',
      help: '1 if the config file currently on disk is the one in use, 0 if it was rejected.',
      registers: [registry],
    }),
  };
}
