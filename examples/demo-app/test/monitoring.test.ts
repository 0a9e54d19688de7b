// deploy/monitoring must agree with the app: alerts only use metrics the app
// exposes, every alert is actionable, and the ServiceMonitor scrapes the
// port and path the app serves. Also checks the fleet's Deployment and
// config files against this app's interface, where those files exist.
/* eslint-disable @typescript-eslint/no-explicit-any -- parsed YAML is untyped data; the assertions below check its shape. */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { parseConfig } from '../src/config.js';
import { createMetrics } from '../src/metrics.js';
import { APP_DIR } from './helpers.js';

const MONITORING = join(APP_DIR, 'deploy', 'monitoring');
const FLEET_APP = join(APP_DIR, '..', 'fleet', 'apps', 'base', 'demo-app');

interface Rule {
  alert?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

function readYaml(file: string): Array<Record<string, any>> {
  return parseAllDocuments(readFileSync(file, 'utf8')).map((doc) => {
    assert.deepEqual(doc.errors, [], `${file} parses`);
    return doc.toJS() as Record<string, any>;
  });
}

function alerts(): Rule[] {
  const [rule] = readYaml(join(MONITORING, 'prometheusrule.yaml'));
  assert.equal(rule?.kind, 'PrometheusRule');
  assert.equal(rule?.apiVersion, 'monitoring.coreos.com/v1');
  return (rule?.spec.groups as Array<{ rules: Rule[] }>).flatMap((g) => g.rules).filter((r) => r.alert);
}

test('every alert has a severity, summary, description and a runbook link into the guide', () => {
  const rules = alerts();
  const names = rules.map((r) => r.alert);
  for (const expected of ['DemoAppHighErrorRatio', 'DemoAppHighLatencyP95', 'DemoAppPodNotReady', 'DemoAppPodRestarting']) {
    assert.ok(names.includes(expected), `alert ${expected} exists`);
  }
  for (const rule of rules) {
    const where = `alert ${rule.alert} in deploy/monitoring/prometheusrule.yaml`;
    assert.ok(['critical', 'warning'].includes(rule.labels?.severity ?? ''), `${where}: severity`);
    assert.ok(rule.for, `${where}: a "for" duration, so one bad scrape does not page`);
    assert.ok(rule.annotations?.summary, `${where}: summary`);
    assert.ok(rule.annotations?.description, `${where}: description`);
    assert.equal(rule.annotations?.runbook_url, `/check/runbooks/demo-app#${rule.alert?.toLowerCase()}`, `${where}: runbook_url`);
  }
});

test('alerts use only metrics the app exposes', async () => {
  const exposition = await createMetrics({ version: 'x', commit: 'y' }).registry.metrics();
  const exposed = new Set([...exposition.matchAll(/^# TYPE (\S+) (\w+)$/gm)].map((m) => m[1]));
  for (const rule of alerts()) {
    // App metrics only: kube-state-metrics (kube_*) and Prometheus' own `up` come from elsewhere.
    for (const [name] of rule.expr.matchAll(/\b(?:http|demo_app)_[a-z_]+/g)) {
      const base = name.replace(/_(bucket|sum|count)$/, '');
      assert.ok(exposed.has(base), `alert ${rule.alert} uses ${name}, which /metrics does not expose`);
    }
  }
});

test('the ServiceMonitor scrapes the named http port at /metrics of the demo-app Service', () => {
  const [monitor] = readYaml(join(MONITORING, 'servicemonitor.yaml'));
  assert.equal(monitor?.kind, 'ServiceMonitor');
  assert.deepEqual(monitor?.spec.selector.matchLabels, { 'app.kubernetes.io/name': 'demo-app', 'app.kubernetes.io/instance': 'demo-app' });
  assert.deepEqual(
    monitor?.spec.endpoints.map((e: { port: string; path: string }) => [e.port, e.path]),
    [['http', '/metrics']],
  );
});

const fleetSkip = existsSync(join(FLEET_APP, 'deployment.yaml')) ? false : `no fleet Deployment at ${FLEET_APP}`;

test('the fleet Deployment matches the app interface (port, probes, config mount, container name)', { skip: fleetSkip }, () => {
  const [deployment] = readYaml(join(FLEET_APP, 'deployment.yaml'));
  const container = deployment?.spec.template.spec.containers.find((c: { name: string }) => c.name === 'demo-app');
  assert.ok(container, 'a container named demo-app (the alerts match on it)');
  assert.match(container.image, /^ghcr\.io\/gitops-field-guide\/demo-app:\d+\.\d+\.\d+$/);
  assert.deepEqual(container.ports.map((p: { name: string; containerPort: number }) => [p.name, p.containerPort]), [['http', 8080]]);
  assert.equal(container.livenessProbe.httpGet.path, '/healthz');
  assert.equal(container.readinessProbe.httpGet.path, '/readyz');
  assert.ok(container.volumeMounts.some((m: { mountPath: string }) => m.mountPath === '/etc/demo-app'), 'config mounted at /etc/demo-app');
  const kustomization = readYaml(join(FLEET_APP, 'kustomization.yaml'))[0];
  const labels = Object.assign({}, ...(kustomization?.labels ?? []).map((l: { pairs: object }) => l.pairs));
  assert.equal(labels['app.kubernetes.io/name'], 'demo-app', 'Service label the ServiceMonitor selects on');
  assert.equal(labels['app.kubernetes.io/instance'], 'demo-app', 'Service label the ServiceMonitor selects on');
});

test('the fleet config files are valid for this app', { skip: fleetSkip }, () => {
  const files = [
    join(FLEET_APP, 'config.json'),
    ...['development', 'staging', 'production'].map((env) => join(FLEET_APP, '..', '..', env, 'demo-app-config.json')),
  ].filter((f) => existsSync(f));
  assert.ok(files.length > 0);
  for (const file of files) {
    // Flux substitutes ${cluster_*} from the cluster-identity ConfigMap before apply.
    const text = readFileSync(file, 'utf8').replace(/\$\{(\w+)\}/g, 'substituted-$1');
    assert.doesNotThrow(() => parseConfig(text, file), `${file} is accepted by the app`);
  }
});
