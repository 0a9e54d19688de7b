// Does every Service reach a pod? After convergence, each Service with a selector must have a
// ready endpoint for each of its ports. A selector that matches no pod leaves only the
// EndpointSlice controller's empty placeholder slice; a named targetPort that the pods do not
// declare leaves their endpoints without that port. Everything is read from the API, never
// dialled.
//
// Where the endpoints come from:
// - EndpointSlices (kube-controller-manager's controller), whenever they hold the endpoints;
// - the pods themselves, when the API server cannot store them: it refuses loopback addresses in
//   an EndpointSlice ("may not be in the loopback range"), and the local tier's kwok pods get
//   loopback IPs (harness/cluster/kwokctl.ts, 127.1.0.0/16) so that nothing can ever dial them.
//   Then the harness does what the controller does (podutil.FindPort): the Running, Ready,
//   non-terminating pods of the namespace whose labels the selector matches, and for a named
//   targetPort a container port of that name and protocol. The result says which source it used.
import type { Kube, KubeObject } from './kube';
import { waitUntil } from './wait';

/** The label the EndpointSlice controller puts on the slices of a Service. */
export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

interface ServicePort {
  name?: string;
  port?: number;
  targetPort?: number | string;
  protocol?: string;
}
interface SlicePort {
  name?: string | null;
  port?: number | null;
  protocol?: string | null;
}
interface SliceEndpoint {
  addresses?: string[];
  conditions?: { ready?: boolean | null; serving?: boolean | null; terminating?: boolean | null };
  targetRef?: { kind?: string; name?: string };
}
interface PodContainer {
  ports?: Array<{ name?: string; containerPort?: number; protocol?: string }>;
}

/** A Service's selector when the endpoint controllers act on it (not ExternalName, not empty). */
export function endpointSelector(service: KubeObject): Record<string, string> | undefined {
  const spec = (service.spec ?? {}) as { selector?: Record<string, string> | null; type?: string };
  if (spec.type === 'ExternalName' || !spec.selector || Object.keys(spec.selector).length === 0) return undefined;
  return spec.selector;
}

/** Ready as the EndpointSlice API defines it: a missing `ready` counts as ready. */
function isReadyEndpoint(e: SliceEndpoint): boolean {
  return (e.addresses?.length ?? 0) > 0 && e.conditions?.ready !== false;
}

/** What the EndpointSlice controller would publish as a ready endpoint. */
function isReadyPod(pod: KubeObject): boolean {
  const conditions = (pod.status?.conditions ?? []) as Array<{ type?: string; status?: string }>;
  return !pod.metadata.deletionTimestamp && pod.status?.phase === 'Running' && Boolean(pod.status?.podIP) && conditions.some((c) => c.type === 'Ready' && c.status === 'True');
}

/** 127.0.0.0/8 and ::1: addresses the API server refuses in an EndpointSlice. */
export function isLoopback(ip: string | undefined): boolean {
  return typeof ip === 'string' && (ip.startsWith('127.') || ip === '::1');
}

function formatSelector(selector: Record<string, string>): string {
  return Object.entries(selector)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

export interface ServiceEndpointCheck {
  /** "Service namespace/name" */
  service: string;
  /** Where the endpoints were read: the Service's EndpointSlices, or its pods (loopback IPs). */
  via: 'EndpointSlice' | 'pods';
  /** One line per port without a ready endpoint (or one for the Service); empty when it reaches its pods. */
  problems: string[];
}

const endpointsOf = (s: KubeObject): SliceEndpoint[] => (s.endpoints as SliceEndpoint[] | null | undefined) ?? [];
const slicePortsOf = (s: KubeObject): SlicePort[] => (s.ports as SlicePort[] | null | undefined) ?? [];

/**
 * The endpoints of each Service with a selector, given the Services, EndpointSlices and Pods of
 * their namespaces (see the top of this file for when the pods are used instead of the slices).
 */
export function checkServiceEndpoints(services: readonly KubeObject[], slices: readonly KubeObject[], pods: readonly KubeObject[] = []): ServiceEndpointCheck[] {
  const out: ServiceEndpointCheck[] = [];
  for (const svc of services) {
    const selector = endpointSelector(svc);
    if (!selector) continue;
    const ns = svc.metadata.namespace;
    const service = `Service ${ns}/${svc.metadata.name}`;
    const ports = ((svc.spec?.ports as ServicePort[] | undefined) ?? []).map((p) => ({ ...p, name: p.name ?? '', protocol: p.protocol ?? 'TCP' }));
    const label = (p: (typeof ports)[number]): string => `${p.name ? `port ${p.name}` : `port ${p.port}`} (targetPort ${p.targetPort ?? p.port})`;
    const own = slices.filter((s) => s.metadata.namespace === ns && s.metadata.labels?.[SERVICE_NAME_LABEL] === svc.metadata.name);
    const selected = pods.filter((p) => p.metadata.namespace === ns && Object.entries(selector).every(([k, v]) => p.metadata.labels?.[k] === v));
    const readyPods = selected.filter(isReadyPod);

    // The pods' view, when the slices cannot hold them: every ready selected pod is on loopback.
    if (own.flatMap(endpointsOf).filter(isReadyEndpoint).length === 0 && readyPods.length > 0 && readyPods.every((p) => isLoopback(p.status?.podIP))) {
      const problems = ports.flatMap((p) => {
        const target = p.targetPort ?? p.port;
        if (typeof target !== 'string') return [];
        const declared = readyPods.some((pod) =>
          ((pod.spec?.containers ?? []) as PodContainer[]).some((c) => (c.ports ?? []).some((cp) => cp.name === target && (cp.protocol ?? 'TCP') === p.protocol)),
        );
        return declared ? [] : [`${service} ${label(p)}: none of its ${readyPods.length} ready pod(s) declares a ${p.protocol} port named ${target}`];
      });
      out.push({ service, via: 'pods', problems });
      continue;
    }

    const ready = own.flatMap(endpointsOf).filter(isReadyEndpoint);
    if (ready.length === 0) {
      const seen = own.flatMap(endpointsOf).length;
      const why = own.length === 0 ? 'no EndpointSlice' : seen === 0 ? 'no endpoint' : `no ready endpoint (${seen} not ready)`;
      const podsSeen = pods.length === 0 ? '' : selected.length === 0 ? `; no pod of namespace ${ns} has these labels` : `; ${selected.length} pod(s) match, ${readyPods.length} Running and Ready`;
      out.push({ service, via: 'EndpointSlice', problems: [`${service}: ${why} for selector ${formatSelector(selector)}${podsSeen}`] });
      continue;
    }
    // A slice lists the ports its endpoints serve; a pod without a named targetPort lands in a
    // slice that lacks that port.
    const problems = ports.flatMap((p) => {
      const serving = own.filter((s) => slicePortsOf(s).some((sp) => (sp.name ?? '') === p.name && typeof sp.port === 'number'));
      return serving.flatMap(endpointsOf).some(isReadyEndpoint) ? [] : [`${service} ${label(p)}: no ready endpoint serves it; do the selected pods declare that containerPort?`];
    });
    out.push({ service, via: 'EndpointSlice', problems });
  }
  return out;
}

/** Every problem of checkServiceEndpoints, one line each (empty when every Service reaches its pods). */
export function serviceEndpointProblems(services: readonly KubeObject[], slices: readonly KubeObject[], pods: readonly KubeObject[] = []): string[] {
  return checkServiceEndpoints(services, slices, pods).flatMap((c) => c.problems);
}

export interface ServiceEndpoints {
  services: KubeObject[];
  slices: KubeObject[];
  pods: KubeObject[];
}

/** The Services, EndpointSlices and Pods of some namespaces, as the API has them now. */
export async function readServiceEndpoints(kube: Kube, namespaces: readonly string[]): Promise<ServiceEndpoints> {
  const read: ServiceEndpoints = { services: [], slices: [], pods: [] };
  for (const ns of namespaces) {
    read.services.push(...(await kube.list('v1', 'Service', ns)));
    read.slices.push(...(await kube.list('discovery.k8s.io/v1', 'EndpointSlice', ns)));
    read.pods.push(...(await kube.list('v1', 'Pod', ns)));
  }
  return read;
}

/**
 * Waits until every Service with a selector in `namespaces` has a ready endpoint on each port
 * (the controller writes slices a moment after pods turn Ready). Returns what was checked; the
 * timeout message lists what is still missing, with the slices and pods as they are.
 */
export async function waitForServiceEndpoints(kube: Kube, namespaces: readonly string[], opts: { timeoutMs?: number; intervalMs?: number } = {}): Promise<ServiceEndpointCheck[]> {
  let last: ServiceEndpoints = { services: [], slices: [], pods: [] };
  const checked = await waitUntil(
    `a ready endpoint for every Service with a selector in ${namespaces.join(', ')}`,
    async () => {
      last = await readServiceEndpoints(kube, namespaces);
      const checks = checkServiceEndpoints(last.services, last.slices, last.pods);
      const problems = checks.flatMap((c) => c.problems);
      return { done: problems.length === 0, detail: problems.join('; '), value: checks };
    },
    {
      timeoutMs: opts.timeoutMs ?? 60_000,
      intervalMs: opts.intervalMs ?? 500,
      explain: async () => `EndpointSlices:\n${describeSlices(last.slices)}\npods:\n${describePods(last.pods)}`,
    },
  );
  return checked ?? [];
}

/** One line per slice: its Service, ports and endpoints with their readiness. */
export function describeSlices(slices: readonly KubeObject[]): string {
  if (slices.length === 0) return '  (none)';
  return slices
    .map((s) => {
      const ports = slicePortsOf(s).map((p) => `${p.name || '(unnamed)'}=${p.port}/${p.protocol ?? 'TCP'}`).join(', ') || 'none';
      const eps = endpointsOf(s).map((e) => `${e.targetRef?.name ?? (e.addresses ?? []).join('/')}${isReadyEndpoint(e) ? '' : ' (not ready)'}`).join(', ') || 'none';
      return `  ${s.metadata.namespace}/${s.metadata.name} (Service ${s.metadata.labels?.[SERVICE_NAME_LABEL] ?? '?'}): ports ${ports}; endpoints ${eps}`;
    })
    .join('\n');
}

/** One line per pod: labels, IP, phase and readiness. */
export function describePods(pods: readonly KubeObject[]): string {
  if (pods.length === 0) return '  (none)';
  return pods
    .map((p) => `  ${p.metadata.namespace}/${p.metadata.name}: ${p.status?.phase ?? '?'}${isReadyPod(p) ? ', Ready' : ''}, IP ${p.status?.podIP ?? 'none'}, labels ${formatSelector(p.metadata.labels ?? {})}`)
    .join('\n');
}
