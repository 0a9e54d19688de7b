import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkServiceEndpoints, describePods, describeSlices, endpointSelector, isLoopback, serviceEndpointProblems, SERVICE_NAME_LABEL } from './endpoints';
import type { KubeObject } from './kube';

function service(name: string, spec: Record<string, unknown>, namespace = 'demo-app'): KubeObject {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace }, spec };
}

const LABELS = { 'app.kubernetes.io/name': 'demo-app', 'app.kubernetes.io/instance': 'demo-app' };
const WEB = service('demo-app', { selector: LABELS, ports: [{ name: 'http', port: 80, targetPort: 'http' }] });

interface Endpoint {
  ready?: boolean | null;
  pod?: string;
  addresses?: string[];
}

function slice(serviceName: string, ports: Array<{ name?: string; port?: number }> | null, endpoints: Endpoint[] | null, namespace = 'demo-app', name = `${serviceName}-abcde`): KubeObject {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name, namespace, labels: { [SERVICE_NAME_LABEL]: serviceName } },
    addressType: 'IPv4',
    ports: ports?.map((p) => ({ protocol: 'TCP', ...p })) ?? null,
    endpoints:
      endpoints?.map((e, i) => ({
        addresses: e.addresses ?? [`10.244.0.${i + 10}`],
        conditions: e.ready === null ? {} : { ready: e.ready ?? true, serving: e.ready ?? true, terminating: false },
        targetRef: { kind: 'Pod', name: e.pod ?? `demo-app-${i}` },
      })) ?? null,
  };
}

function pod(name: string, opts: { ip?: string; ready?: boolean; labels?: Record<string, string>; ports?: Array<{ name?: string; containerPort: number; protocol?: string }>; namespace?: string; deleting?: boolean } = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: opts.namespace ?? 'demo-app', labels: opts.labels ?? LABELS, ...(opts.deleting ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}) },
    spec: { containers: [{ name: 'demo-app', ports: opts.ports ?? [{ name: 'http', containerPort: 8080 }] }] },
    status: { phase: 'Running', podIP: opts.ip ?? '127.1.0.2', conditions: [{ type: 'Ready', status: opts.ready === false ? 'False' : 'True' }] },
  };
}

test('EndpointSlices: a ready endpoint on each port is fine; a missing ready condition means ready', () => {
  assert.deepEqual(checkServiceEndpoints([WEB], [slice('demo-app', [{ name: 'http', port: 8080 }], [{}, { ready: false }])]), [{ service: 'Service demo-app/demo-app', via: 'EndpointSlice', problems: [] }]);
  assert.deepEqual(serviceEndpointProblems([WEB], [slice('demo-app', [{ name: 'http', port: 8080 }], [{ ready: null }])]), []);
});

test("EndpointSlices: a selector that matches no pod leaves no slice, or only the controller's empty placeholder", () => {
  assert.deepEqual(serviceEndpointProblems([WEB], []), ['Service demo-app/demo-app: no EndpointSlice for selector app.kubernetes.io/name=demo-app,app.kubernetes.io/instance=demo-app']);
  const typo = service('demo-app', { selector: { 'app.kubernetes.io/name': 'demo-ap' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] });
  assert.deepEqual(serviceEndpointProblems([typo], [slice('demo-app', null, null)], [pod('demo-app-1')]), [
    'Service demo-app/demo-app: no endpoint for selector app.kubernetes.io/name=demo-ap; no pod of namespace demo-app has these labels',
  ]);
});

test('EndpointSlices: endpoints that are not ready, or have no address, do not count', () => {
  const [p] = serviceEndpointProblems([WEB], [slice('demo-app', [{ name: 'http', port: 8080 }], [{ ready: false }, { ready: false }])]);
  assert.match(p, /no ready endpoint \(2 not ready\)/);
  assert.equal(serviceEndpointProblems([WEB], [slice('demo-app', [{ name: 'http', port: 8080 }], [{ addresses: [] }])]).length, 1);
});

test('EndpointSlices: a named targetPort the pods do not declare leaves their endpoints in a slice without that port', () => {
  const two = service('demo-app', { selector: { app: 'x' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }, { name: 'metrics', port: 9090, targetPort: 'metrics' }] });
  assert.deepEqual(serviceEndpointProblems([two], [slice('demo-app', [{ name: 'http', port: 8080 }], [{}])]), [
    'Service demo-app/demo-app port metrics (targetPort metrics): no ready endpoint serves it; do the selected pods declare that containerPort?',
  ]);
  // The controller's slice for pods lacking every named port has no ports at all.
  assert.equal(serviceEndpointProblems([WEB], [slice('demo-app', [], [{}])]).length, 1);
  // An unnamed single port matches the slice port with no name.
  const unnamed = service('plain', { selector: { app: 'x' }, ports: [{ port: 80, targetPort: 8080 }] });
  assert.deepEqual(serviceEndpointProblems([unnamed], [slice('plain', [{ port: 8080 }], [{}])]), []);
});

test('pods on loopback (the local tier): the API server cannot store them in a slice, so the pods are read instead', () => {
  assert.ok(isLoopback('127.1.0.2') && isLoopback('::1') && !isLoopback('10.244.0.2') && !isLoopback(undefined));
  const placeholder = slice('demo-app', null, null);
  assert.deepEqual(checkServiceEndpoints([WEB], [placeholder], [pod('demo-app-1'), pod('demo-app-2', { ready: false })]), [{ service: 'Service demo-app/demo-app', via: 'pods', problems: [] }]);
  // A named targetPort no ready pod declares (or with another protocol).
  const metrics = service('demo-app', { selector: LABELS, ports: [{ name: 'metrics', port: 9090, targetPort: 'metrics' }, { name: 'dns', port: 53, targetPort: 'http', protocol: 'UDP' }, { name: 'num', port: 81, targetPort: 8081 }] });
  assert.deepEqual(serviceEndpointProblems([metrics], [placeholder], [pod('demo-app-1')]), [
    'Service demo-app/demo-app port metrics (targetPort metrics): none of its 1 ready pod(s) declares a TCP port named metrics',
    'Service demo-app/demo-app port dns (targetPort http): none of its 1 ready pod(s) declares a UDP port named http',
  ]);
  // Pods that do not count: another namespace, other labels, not Ready, being deleted.
  const others = [pod('a', { namespace: 'other' }), pod('b', { labels: { 'app.kubernetes.io/name': 'demo-app' } }), pod('c', { ready: false }), pod('d', { deleting: true })];
  assert.deepEqual(serviceEndpointProblems([WEB], [placeholder], others), [
    'Service demo-app/demo-app: no endpoint for selector app.kubernetes.io/name=demo-app,app.kubernetes.io/instance=demo-app; 2 pod(s) match, 0 Running and Ready',
  ]);
  // Pods with routable IPs must show up in the slices: the pods are not read in their place.
  assert.equal(checkServiceEndpoints([WEB], [placeholder], [pod('demo-app-1', { ip: '10.244.0.5' })])[0].via, 'EndpointSlice');
  assert.equal(serviceEndpointProblems([WEB], [placeholder], [pod('demo-app-1', { ip: '10.244.0.5' })]).length, 1);
});

test('only slices of the same Service and namespace count; Services without a selector are not checked', () => {
  assert.equal(serviceEndpointProblems([WEB], [slice('other', [{ name: 'http', port: 8080 }], [{}]), slice('demo-app', [{ name: 'http', port: 8080 }], [{}], 'elsewhere')]).length, 1);
  for (const spec of [{ ports: [{ port: 80 }] }, { selector: {}, ports: [{ port: 80 }] }, { type: 'ExternalName', externalName: 'example.invalid' }]) {
    const svc = service('manual', spec);
    assert.equal(endpointSelector(svc), undefined, JSON.stringify(spec));
    assert.deepEqual(checkServiceEndpoints([svc], []), []);
  }
});

test('describeSlices and describePods show what a timeout message needs', () => {
  assert.equal(describeSlices([]), '  (none)');
  assert.equal(
    describeSlices([slice('demo-app', [{ name: 'http', port: 8080 }], [{ pod: 'a' }, { pod: 'b', ready: false }])]),
    '  demo-app/demo-app-abcde (Service demo-app): ports http=8080/TCP; endpoints a, b (not ready)',
  );
  assert.equal(describePods([pod('a', { labels: { app: 'x' } })]), '  demo-app/a: Running, Ready, IP 127.1.0.2, labels app=x');
});
