// Probes, ports and Service selectors: the wiring mistakes kubelet and the endpoint controllers
// would find only once pods run (a probe on a port name the container lacks, a containerPort the
// app does not listen on, a probe path the app does not serve, a Service that selects no pod or
// targets a port its pods lack), caught by the static tier with the file and line to change.
//
// First the rules on objects in memory (each mistake flagged with its reason, the fix accepted),
// then every example: each cluster as Flux renders it, each kustomization build, each file.
// WIRING_EXAMPLES_DIR checks a copy of examples/ instead (e.g. one with a deliberate mistake).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { analyze, type Analysis } from '../../harness/checks/analyze.ts';
import { DEMO_APP_DOCKERFILE, DEMO_APP_ROUTES, demoAppPort, dockerfileEnv } from '../../harness/checks/demo-app.ts';
import { formatFindings } from '../../harness/fleet/findings.ts';
import type { K8sObject, RenderedObject } from '../../harness/fleet/kustomize.ts';
import { formatFieldPath, locateField } from '../../harness/fleet/locate.ts';
import { CLUSTER_POLICY_RULES, POLICY_RULES, checkClusterPolicy, checkPolicy, podTemplateLabels, type ClusterView, type Violation } from '../../harness/checks/policy.ts';
import { staticSetup } from './setup.ts';
import { EXAMPLES_DIR, display } from '../../harness/fleet/tree.ts';
import { setting } from '../../contracts/settings.ts';

const WIRING_RULES = ['probe-port', 'demo-app-probe-path', 'demo-app-port', 'service-selects-pods', 'service-target-port'];
const IMAGE = 'ghcr.io/gitops-field-guide/demo-app:1.3.0';

const rule = (id: string) => {
  const r = POLICY_RULES.find((x) => x.id === id);
  assert.ok(r, `no policy rule ${id}`);
  return r;
};
const clusterRule = (id: string) => {
  const r = CLUSTER_POLICY_RULES.find((x) => x.id === id);
  assert.ok(r, `no cluster policy rule ${id}`);
  return r;
};
const details = (found: Array<string | Violation>): string[] => found.map((d) => (typeof d === 'string' ? d : d.detail));

type ContainerSpec = Record<string, unknown>;

function deployment(container: ContainerSpec, opts: { name?: string; namespace?: string; labels?: Record<string, string> } = {}): K8sObject {
  const labels = opts.labels ?? { 'app.kubernetes.io/name': opts.name ?? 'web' };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: opts.name ?? 'web', namespace: opts.namespace ?? 'web' },
    spec: {
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { containers: [{ name: 'web', image: IMAGE, ...container }] } },
    },
  };
}

const httpPorts = { ports: [{ name: 'http', containerPort: 8080 }] };
const probes = (port: number | string, readyPath = '/readyz') => ({
  livenessProbe: { httpGet: { path: '/healthz', port } },
  readinessProbe: { httpGet: { path: readyPath, port } },
});

function service(spec: Record<string, unknown>, opts: { name?: string; namespace?: string } = {}): K8sObject {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name: opts.name ?? 'web', namespace: opts.namespace ?? 'web' }, spec };
}

const cluster = (...objects: K8sObject[]): ClusterView => ({ name: 'test', objects });

// --- the rules on objects in memory -------------------------------------------------------------

test('probe-port: a probe on a port name or number the container does not declare is flagged; declared ones pass', () => {
  const check = rule('probe-port').check;
  assert.deepEqual(check(deployment({ ...httpPorts, ...probes('http') })), []);
  assert.deepEqual(check(deployment({ ...httpPorts, ...probes(8080) })), []);
  assert.deepEqual(details(check(deployment({ ...httpPorts, ...probes('htp') }))), [
    'container web: livenessProbe.httpGet.port htp is not the name of a port of the container (its ports: http=8080)',
    'container web: readinessProbe.httpGet.port htp is not the name of a port of the container (its ports: http=8080)',
  ]);
  const other = deployment({ ...httpPorts, startupProbe: { tcpSocket: { port: 8081 } }, readinessProbe: { grpc: { port: 9090 } } });
  assert.deepEqual(details(check(other)), [
    'container web: readinessProbe.grpc.port 9090 is not a containerPort of the container (its ports: http=8080)',
    'container web: startupProbe.tcpSocket.port 8081 is not a containerPort of the container (its ports: http=8080)',
  ]);
  // A numbered probe on a container that declares no port at all.
  assert.match(details(check(deployment({ ...probes(8080) })))[0], /livenessProbe\.httpGet\.port 8080 is not a containerPort of the container \(its ports: none\)/);
  // The violation points at the field, by container name.
  const [v] = check(deployment({ ...httpPorts, readinessProbe: { httpGet: { path: '/readyz', port: 'htp' } } })) as Violation[];
  assert.equal(formatFieldPath(v.path), 'spec.template.spec.containers[web].readinessProbe.httpGet.port');
});

test('demo-app-probe-path: the demo app is probed only on paths of its route table (examples/demo-app/src/routes.ts)', () => {
  assert.ok(DEMO_APP_ROUTES.includes('/healthz') && DEMO_APP_ROUTES.includes('/readyz'), `routes read from the app: ${DEMO_APP_ROUTES.join(', ')}`);
  const check = rule('demo-app-probe-path').check;
  const appliesTo = rule('demo-app-probe-path').appliesTo;
  assert.deepEqual(check(deployment({ ...httpPorts, ...probes('http') })), []);
  assert.deepEqual(check(deployment({ ...httpPorts, ...probes('http', '/readyz?verbose=1') })), [], 'a query string is not part of the route');
  assert.deepEqual(details(check(deployment({ ...httpPorts, ...probes('http', '/readyzz') }))), ['container web: readinessProbe.httpGet.path /readyzz is not a route of the app']);
  assert.equal(appliesTo(deployment({ image: 'registry.example.invalid/other:1.0.0', ...httpPorts, ...probes('http', '/ready') })), false, 'other images serve other paths');
});

test('demo-app-port: every containerPort of the demo app is the port it listens on (image ENV PORT, container env, settings.ts default)', () => {
  assert.equal(dockerfileEnv(readFileSync(DEMO_APP_DOCKERFILE, 'utf8')).PORT, '8080', 'the Dockerfile sets PORT');
  assert.deepEqual(demoAppPort(), { port: 8080 });
  assert.deepEqual(demoAppPort([{ name: 'PORT', value: '9090' }]), { port: 9090 });
  assert.ok('unknown' in demoAppPort([{ name: 'PORT', valueFrom: { configMapKeyRef: { name: 'x', key: 'port' } } }]));
  const check = rule('demo-app-port').check;
  assert.deepEqual(check(deployment({ ...httpPorts, ...probes('http') })), []);
  assert.deepEqual(details(check(deployment({ ports: [{ name: 'http', containerPort: 8081 }], ...probes('http') }))), [
    'container web: containerPort 8081 (http) is not the port the app listens on, 8080',
  ]);
  assert.deepEqual(check(deployment({ env: [{ name: 'PORT', value: '9090' }], ports: [{ name: 'http', containerPort: 9090 }] })), []);
  assert.deepEqual(details(check(deployment({ env: [{ name: 'PORT', value: '9090' }], ...httpPorts }))), ['container web: containerPort 8080 (http) is not the port the app listens on, 9090']);
  assert.match(details(check(deployment({ env: [{ name: 'PORT', value: 'http' }], ...httpPorts })))[0], /the app would not start: env PORT: must be an integer/);
});

test('dockerfileEnv reads the last stage, joins continued lines and leaves out values built from ARGs', () => {
  const text = ['FROM a AS build', 'ENV PORT=1', 'FROM b', 'ARG V', '# a comment', 'ENV A=1 \\', '    B="two words" \\', '    C=${V}', 'ENV LEGACY some value'].join('\n');
  assert.deepEqual(dockerfileEnv(text), { A: '1', B: 'two words', LEGACY: 'some value' });
});

test('service-selects-pods: a Service must select a pod template of its namespace on the cluster', () => {
  const r = clusterRule('service-selects-pods');
  const web = deployment({ ...httpPorts, ...probes('http') });
  const svc = service({ selector: { 'app.kubernetes.io/name': 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] });
  assert.deepEqual(r.check(svc, cluster(web, svc)), []);
  const typo = service({ selector: { 'app.kubernetes.io/name': 'wbe' }, ports: [{ port: 80 }] });
  assert.deepEqual(details(r.check(typo, cluster(web, typo))), ['cluster test: selector app.kubernetes.io/name=wbe matches no pod template in namespace web: Deployment/web has app.kubernetes.io/name=web']);
  const elsewhere = deployment({ ...httpPorts }, { namespace: 'other' });
  assert.deepEqual(details(r.check(svc, cluster(elsewhere, svc))), ['cluster test: selector app.kubernetes.io/name=web matches no pod template in namespace web (there is no workload in it)'], 'pods of another namespace do not count');
  // A CronJob's pods are selected by the labels of its job template's pod template.
  const cron: K8sObject = {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name: 'web', namespace: 'web' },
    spec: { jobTemplate: { spec: { template: { metadata: { labels: { 'app.kubernetes.io/name': 'web' } }, spec: { containers: [] } } } } },
  };
  assert.deepEqual(podTemplateLabels(cron), { 'app.kubernetes.io/name': 'web' });
  assert.deepEqual(r.check(svc, cluster(cron, svc)), []);
  // No selector, an empty one, or ExternalName: the endpoints are not the controllers' business.
  for (const spec of [{ ports: [{ port: 80 }] }, { selector: {}, ports: [{ port: 80 }] }, { type: 'ExternalName', externalName: 'example.invalid', selector: { a: 'b' } }]) {
    assert.equal(r.appliesTo(service(spec)), false, JSON.stringify(spec));
  }
});

test('service-target-port: each Service port targets a port (by name or number, same protocol) of every pod template it selects', () => {
  const r = clusterRule('service-target-port');
  const web = deployment({ ports: [{ name: 'http', containerPort: 8080 }, { name: 'dns', containerPort: 53, protocol: 'UDP' }] });
  const svc = (ports: unknown[]) => service({ selector: { 'app.kubernetes.io/name': 'web' }, ports });
  const ok = [svc([{ name: 'http', port: 80, targetPort: 'http' }]), svc([{ port: 8080 }]), svc([{ name: 'dns', port: 53, targetPort: 'dns', protocol: 'UDP' }])];
  for (const s of ok) assert.deepEqual(r.check(s, cluster(web, s)), [], JSON.stringify(s.spec));
  const bad = svc([
    { name: 'http', port: 80, targetPort: 8081 },
    { name: 'web', port: 80, targetPort: 'web' },
    { name: 'plain', port: 9090 },
    { name: 'dns', port: 53, targetPort: 'dns' },
  ]);
  assert.deepEqual(details(r.check(bad, cluster(web, bad))), [
    'cluster test: port http targets 8081, which Deployment/web (ports: http=8080, dns=53/UDP) does not declare',
    'cluster test: port web targets web, which Deployment/web (ports: http=8080, dns=53/UDP) does not declare',
    'cluster test: port plain targets 9090, which Deployment/web (ports: http=8080, dns=53/UDP) does not declare',
    'cluster test: port dns targets dns, which Deployment/web (ports: http=8080, dns=53/UDP) does not declare',
  ]);
  const [first] = r.check(bad, cluster(web, bad)) as Violation[];
  assert.equal(formatFieldPath(first.path), 'spec.ports[http].targetPort');
  const none = svc([{ port: 80 }]);
  assert.deepEqual(r.check(none, cluster(none)), [], 'a Service that selects nothing is service-selects-pods\'s finding, not this one');
});

test('findings name the file and the line of the offending field, or of the object when a patch set the value', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'wiring-'));
  try {
    const file = path.join(dir, 'deployment.yaml');
    const obj = deployment({ ...httpPorts, ...probes('http', '/ready') });
    writeFileSync(file, `# leading comment\n${stringify(obj)}`);
    const rendered: RenderedObject = { obj, origin: file, context: 'test' };
    const [f] = checkPolicy([rendered]).filter((x) => x.rule === 'demo-app-probe-path');
    const pathLine = readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes('path: /ready') && !l.includes('/readyz')) + 1;
    assert.equal(f.line, pathLine, `line of readinessProbe.httpGet.path in ${file}`);
    assert.equal(f.file, display(file));
    // The rendered value differs from the file (a patch elsewhere): the object's own line.
    const patched = structuredClone(obj);
    ((patched.spec as { template: { spec: { containers: Array<{ readinessProbe: { httpGet: { path: string } } }> } } }).template.spec.containers[0].readinessProbe.httpGet.path = '/nope');
    const [g] = checkPolicy([{ ...rendered, obj: patched }]).filter((x) => x.rule === 'demo-app-probe-path');
    assert.equal(g.line, 2);
    assert.equal(locateField(file, 'Deployment', 'web', ['spec', 'nothing']), undefined);

    const svcFile = path.join(dir, 'service.yaml');
    const svc = service({ selector: { 'app.kubernetes.io/name': 'wbe' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] });
    writeFileSync(svcFile, stringify(svc));
    const [s] = checkClusterPolicy('test', [rendered, { obj: svc, origin: svcFile, context: 'test' }]);
    assert.equal(s.rule, 'service-selects-pods');
    assert.equal(s.line, readFileSync(svcFile, 'utf8').split('\n').indexOf('    app.kubernetes.io/name: wbe') + 1, 'the line of the selector label no pod has');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// --- the examples -------------------------------------------------------------------------------

const setup = await staticSetup();
const skip = 'skip' in setup ? setup.skip : undefined;
const wiringOverride = setting('WIRING_EXAMPLES_DIR');
const root = wiringOverride ? path.resolve(wiringOverride) : EXAMPLES_DIR;
// The schema check is not what this file is about; leaving it out keeps the file quick.
const analysis: Analysis | undefined = 'skip' in setup ? undefined : await analyze(root, { kubectl: setup.tools.kubectl });

test(`every cluster, build and file under ${display(root)} passes the wiring rules (${WIRING_RULES.join(', ')})`, { skip }, (t) => {
  const found = analysis!.findings.filter((f) => f.check === 'policy' && WIRING_RULES.includes(f.rule ?? ''));
  assert.equal(found.length, 0, `\n${formatFindings(found)}\n`);
  // Not vacuous: the fleet's clusters hold Services with selectors and probed demo app pods.
  const fleet = analysis!.clusters.filter((c) => c.cluster.repoRoot === path.join(root, 'fleet'));
  assert.ok(fleet.length > 0, 'no fleet cluster rendered');
  for (const c of fleet) {
    const services = c.objects.filter((o) => o.obj.kind === 'Service' && (o.obj.spec as { selector?: object }).selector);
    const probed = c.objects.filter((o) => rule('demo-app-probe-path').appliesTo(o.obj));
    assert.ok(services.length > 0 && probed.length > 0, `cluster ${c.cluster.name}: ${services.length} Services with a selector, ${probed.length} demo app workloads`);
    t.diagnostic(`cluster ${c.cluster.name}: ${services.length} Service(s) with a selector, ${probed.length} demo app workload(s) checked`);
  }
});
