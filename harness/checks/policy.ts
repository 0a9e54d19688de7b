// The guide's policy, as data: each rule has an id, the message a reader sees, which objects it
// applies to, and a check that returns what is wrong (nothing when the object complies).
//
// Pod Security "restricted" is checked field by field as the Kubernetes Pod Security Standards
// define it, so a manifest that passes here is also admitted by a namespace labelled
// pod-security.kubernetes.io/enforce: restricted.
//
// Secrets: a hand-written rule set rather than secretlint. The patterns the guide can leak are
// few and known (age keys, PEM private keys, cloud and Git host tokens, credentials in URLs);
// a dozen regular expressions kept here as data run offline with no dependency tree, give the
// same file:line findings as every other check, and are tested on the fixtures like the rest.
import { readFileSync } from 'node:fs';
import type { K8sObject, RenderedObject } from '../fleet/kustomize.ts';
import { objectId } from '../fleet/kustomize.ts';
import { display } from '../fleet/tree.ts';
import { locateObject } from '../fleet/yaml.ts';
import { locateField, type FieldPath } from '../fleet/locate.ts';
import { DEMO_APP_IMAGE, DEMO_APP_ROUTES, demoAppPort, isDemoAppImage } from './demo-app.ts';
import type { Finding } from '../fleet/findings.ts';

type Obj = Record<string, unknown>;
interface ContainerPort {
  name?: string;
  containerPort?: number;
  hostPort?: number;
  protocol?: string;
}
interface Probe {
  httpGet?: { path?: string; port?: number | string };
  tcpSocket?: { port?: number | string };
  grpc?: { port?: number };
}
interface Container {
  name?: string;
  image?: string;
  securityContext?: Obj;
  resources?: { requests?: Obj; limits?: Obj };
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  startupProbe?: Probe;
  ports?: ContainerPort[];
  env?: Array<{ name?: string; value?: unknown; valueFrom?: unknown }>;
}
interface PodSpec {
  securityContext?: Obj;
  containers?: Container[];
  initContainers?: Container[];
  ephemeralContainers?: Container[];
  volumes?: Obj[];
  hostNetwork?: boolean;
  hostPID?: boolean;
  hostIPC?: boolean;
}

/**
 * One violation found at a field of the object: reported on the line of that field when the
 * object's file holds it (with the rendered value), else on the object's line.
 */
export interface Violation {
  detail: string;
  path: FieldPath;
  /** The rendered value at `path`, to make sure the file's line shows it (not one a patch replaced). */
  value?: unknown;
}

export interface PolicyRule {
  id: string;
  /** What the rule requires, as a reader should read it. */
  message: string;
  appliesTo: (obj: K8sObject) => boolean;
  /** Details of each violation (e.g. "container web"), empty when the object complies. */
  check: (obj: K8sObject) => Array<string | Violation>;
}

const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob']);
const POD_KINDS = new Set([...WORKLOAD_KINDS, 'Pod']);

export function podSpecOf(obj: K8sObject): PodSpec | undefined {
  const spec = obj.spec as Obj | undefined;
  if (!spec) return undefined;
  if (obj.kind === 'Pod') return spec as PodSpec;
  if (obj.kind === 'CronJob') return (((spec.jobTemplate as Obj)?.spec as Obj)?.template as Obj)?.spec as PodSpec;
  return (spec.template as Obj)?.spec as PodSpec;
}

function allContainers(pod: PodSpec): Array<Container & { where: string }> {
  return [
    ...(pod.containers ?? []).map((c) => ({ ...c, where: `container ${c.name}` })),
    ...(pod.initContainers ?? []).map((c) => ({ ...c, where: `init container ${c.name}` })),
    ...(pod.ephemeralContainers ?? []).map((c) => ({ ...c, where: `ephemeral container ${c.name}` })),
  ];
}

function perContainer(fn: (c: Container, pod: PodSpec) => boolean, which: 'all' | 'main' = 'all'): (obj: K8sObject) => string[] {
  return (obj) => {
    const pod = podSpecOf(obj);
    if (!pod) return [];
    const list = which === 'all' ? allContainers(pod) : (pod.containers ?? []).map((c) => ({ ...c, where: `container ${c.name}` }));
    return list.filter((c) => !fn(c, pod)).map((c) => c.where);
  };
}

/** Where the pod spec sits in an object of this kind. */
export function podSpecPath(kind: string): FieldPath {
  if (kind === 'Pod') return ['spec'];
  if (kind === 'CronJob') return ['spec', 'jobTemplate', 'spec', 'template', 'spec'];
  return ['spec', 'template', 'spec'];
}

/** The labels the pods of a workload get (a Pod's own labels). */
export function podTemplateLabels(obj: K8sObject): Record<string, string> {
  if (obj.kind === 'Pod') return obj.metadata?.labels ?? {};
  const spec = obj.spec as Obj | undefined;
  const template = (obj.kind === 'CronJob' ? ((spec?.jobTemplate as Obj)?.spec as Obj)?.template : spec?.template) as Obj | undefined;
  return ((template?.metadata as Obj)?.labels ?? {}) as Record<string, string>;
}

interface LocatedContainer {
  c: Container;
  where: string;
  path: FieldPath;
}

/** Containers and init containers (sidecars have ports and probes too), each with its field path. */
function locatedContainers(obj: K8sObject): LocatedContainer[] {
  const pod = podSpecOf(obj);
  if (!pod) return [];
  const base = podSpecPath(obj.kind);
  const list = (field: 'containers' | 'initContainers', label: string): LocatedContainer[] =>
    (pod[field] ?? []).map((c, i) => ({ c, where: `${label} ${c.name}`, path: [...base, field, c.name ? { name: c.name } : i] }));
  return [...list('containers', 'container'), ...list('initContainers', 'init container')];
}

const PROBES = ['livenessProbe', 'readinessProbe', 'startupProbe'] as const;
const PROBE_HANDLERS = ['httpGet', 'tcpSocket', 'grpc'] as const;

/** "http=8080, metrics=9090/UDP" */
function describePorts(ports: readonly ContainerPort[]): string {
  if (ports.length === 0) return 'none';
  return ports.map((p) => `${p.name ? `${p.name}=` : ''}${p.containerPort}${p.protocol && p.protocol !== 'TCP' ? `/${p.protocol}` : ''}`).join(', ');
}

/** A port reference (a probe's, a Service's targetPort) resolves to one of these ports. */
function declaresPort(ports: readonly ContainerPort[], ref: number | string, protocol = 'TCP'): boolean {
  return ports.some((p) => (typeof ref === 'number' ? p.containerPort === ref : p.name === ref) && (p.protocol ?? 'TCP') === protocol);
}

const isDemoAppContainer = (x: LocatedContainer): boolean => isDemoAppImage(x.c.image);

const isPodLike = (o: K8sObject): boolean => POD_KINDS.has(o.kind);
const sc = (c: Container): Obj => c.securityContext ?? {};
const psc = (p: PodSpec): Obj => p.securityContext ?? {};

/** Volume types Pod Security "restricted" allows. */
const RESTRICTED_VOLUMES = new Set(['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'image', 'persistentVolumeClaim', 'projected', 'secret']);
const RECOMMENDED_LABELS = ['app.kubernetes.io/name', 'app.kubernetes.io/instance', 'app.kubernetes.io/version', 'app.kubernetes.io/part-of', 'app.kubernetes.io/managed-by'];

/** Image reference without a tag or digest, or with the tag "latest". */
export function badImageReason(image: string | undefined): string | undefined {
  if (!image) return 'no image';
  if (image.includes('@sha256:')) return undefined;
  const lastSlash = image.lastIndexOf('/');
  const colon = image.indexOf(':', lastSlash + 1);
  if (colon < 0) return `${image} has no tag`;
  if (image.slice(colon + 1) === 'latest') return `${image} uses :latest`;
  return undefined;
}

function matchesSelector(selector: Obj | undefined, labels: Record<string, string>): string | undefined {
  if (!selector) return 'no selector';
  const matchLabels = (selector.matchLabels ?? {}) as Record<string, string>;
  const exprs = (selector.matchExpressions ?? []) as Array<{ key: string; operator: string; values?: string[] }>;
  if (Object.keys(matchLabels).length === 0 && exprs.length === 0) return 'an empty selector';
  for (const [k, v] of Object.entries(matchLabels)) {
    if (labels[k] !== v) return `selector ${k}=${v} but the pod template has ${k}=${labels[k] ?? '(unset)'}`;
  }
  for (const e of exprs) {
    const has = e.key in labels;
    const ok =
      e.operator === 'In' ? has && (e.values ?? []).includes(labels[e.key]) :
      e.operator === 'NotIn' ? !has || !(e.values ?? []).includes(labels[e.key]) :
      e.operator === 'Exists' ? has :
      e.operator === 'DoesNotExist' ? !has : false;
    if (!ok) return `selector expression ${e.key} ${e.operator} ${(e.values ?? []).join(',')} does not match the pod template labels`;
  }
  return undefined;
}

export function isSopsEncrypted(obj: K8sObject): boolean {
  const sops = obj.sops as Obj | undefined;
  if (!sops || typeof sops !== 'object' || !sops.mac) return false;
  const values = [...Object.values((obj.data as Obj) ?? {}), ...Object.values((obj.stringData as Obj) ?? {})];
  return values.every((v) => typeof v === 'string' && v.startsWith('ENC['));
}

export const POLICY_RULES: readonly PolicyRule[] = [
  {
    id: 'pss-privileged',
    message: 'containers must not be privileged (Pod Security baseline)',
    appliesTo: isPodLike,
    check: perContainer((c) => sc(c).privileged !== true),
  },
  {
    id: 'pss-host-namespaces',
    message: 'pods must not share the host network, PID or IPC namespace (Pod Security baseline)',
    appliesTo: isPodLike,
    check: (o) => {
      const p = podSpecOf(o);
      return p && (p.hostNetwork || p.hostPID || p.hostIPC) ? ['pod spec'] : [];
    },
  },
  {
    id: 'pss-host-path',
    message: 'pods must not mount hostPath volumes (Pod Security baseline)',
    appliesTo: isPodLike,
    check: (o) => (podSpecOf(o)?.volumes ?? []).filter((v) => v.hostPath).map((v) => `volume ${String(v.name)}`),
  },
  {
    id: 'pss-host-ports',
    message: 'containers must not use host ports (Pod Security baseline)',
    appliesTo: isPodLike,
    check: perContainer((c) => !(c.ports ?? []).some((p) => p.hostPort)),
  },
  {
    id: 'pss-volume-types',
    message: 'pods may only use the volume types Pod Security restricted allows (configMap, csi, downwardAPI, emptyDir, ephemeral, image, persistentVolumeClaim, projected, secret)',
    appliesTo: isPodLike,
    check: (o) =>
      (podSpecOf(o)?.volumes ?? [])
        .filter((v) => !Object.keys(v).some((k) => k !== 'name' && RESTRICTED_VOLUMES.has(k)))
        .map((v) => `volume ${String(v.name)}`),
  },
  {
    id: 'pss-allow-privilege-escalation',
    message: 'containers must set securityContext.allowPrivilegeEscalation: false (Pod Security restricted)',
    appliesTo: isPodLike,
    check: perContainer((c) => sc(c).allowPrivilegeEscalation === false),
  },
  {
    id: 'pss-run-as-non-root',
    message: 'pods must run as non-root: runAsNonRoot: true on the pod or on every container, and no runAsUser: 0 (Pod Security restricted)',
    appliesTo: isPodLike,
    check: perContainer((c, p) => {
      const nonRoot = sc(c).runAsNonRoot === true || (psc(p).runAsNonRoot === true && sc(c).runAsNonRoot !== false);
      return nonRoot && sc(c).runAsUser !== 0 && psc(p).runAsUser !== 0;
    }),
  },
  {
    id: 'pss-capabilities',
    message: 'containers must drop ALL capabilities and add none but NET_BIND_SERVICE (Pod Security restricted)',
    appliesTo: isPodLike,
    check: perContainer((c) => {
      const caps = (sc(c).capabilities ?? {}) as { drop?: string[]; add?: string[] };
      return (caps.drop ?? []).includes('ALL') && (caps.add ?? []).every((a) => a === 'NET_BIND_SERVICE');
    }),
  },
  {
    id: 'pss-seccomp',
    message: 'pods must use the RuntimeDefault (or a Localhost) seccomp profile, on the pod or on every container (Pod Security restricted)',
    appliesTo: isPodLike,
    check: perContainer((c, p) => {
      const t = ((sc(c).seccompProfile ?? psc(p).seccompProfile) as { type?: string } | undefined)?.type;
      return t === 'RuntimeDefault' || t === 'Localhost';
    }),
  },
  {
    id: 'read-only-root-filesystem',
    message: 'containers must set securityContext.readOnlyRootFilesystem: true (write to an emptyDir instead)',
    appliesTo: isPodLike,
    check: perContainer((c) => sc(c).readOnlyRootFilesystem === true),
  },
  {
    id: 'resources-requests',
    message: 'every container must request cpu and memory',
    appliesTo: isPodLike,
    check: perContainer((c) => c.resources?.requests?.cpu !== undefined && c.resources?.requests?.memory !== undefined),
  },
  {
    id: 'resources-limits',
    message: 'every container must set cpu and memory limits',
    appliesTo: isPodLike,
    check: perContainer((c) => c.resources?.limits?.cpu !== undefined && c.resources?.limits?.memory !== undefined),
  },
  {
    id: 'image-tag',
    message: 'images must name a version: a tag other than latest, or a digest',
    appliesTo: isPodLike,
    check: (o) => {
      const p = podSpecOf(o);
      if (!p) return [];
      return allContainers(p)
        .map((c) => ({ c, why: badImageReason(c.image) }))
        .filter((x) => x.why)
        .map((x) => `${x.c.where}: ${x.why}`);
    },
  },
  {
    id: 'probes',
    message: 'every container of a Deployment or StatefulSet must have a livenessProbe and a readinessProbe',
    appliesTo: (o) => o.kind === 'Deployment' || o.kind === 'StatefulSet',
    check: (o) => {
      const p = podSpecOf(o);
      if (!p) return [];
      return (p.containers ?? []).flatMap((c) => [
        ...(c.livenessProbe ? [] : [`container ${c.name} has no livenessProbe`]),
        ...(c.readinessProbe ? [] : [`container ${c.name} has no readinessProbe`]),
      ]);
    },
  },
  {
    id: 'probe-port',
    message: "every liveness, readiness and startup probe must use a port its container declares: a named port by its name, a number as a containerPort (kubelet fails a probe on a port name the container does not have)",
    appliesTo: isPodLike,
    check: (o) =>
      locatedContainers(o).flatMap(({ c, where, path }) =>
        PROBES.flatMap((probe) =>
          PROBE_HANDLERS.flatMap((handler): Violation[] => {
            const port = c[probe]?.[handler]?.port;
            if (port === undefined || declaresPort(c.ports ?? [], port)) return [];
            const what = typeof port === 'number' ? 'not a containerPort' : 'not the name of a port';
            return [{ detail: `${where}: ${probe}.${handler}.port ${port} is ${what} of the container (its ports: ${describePorts(c.ports ?? [])})`, path: [...path, probe, handler, 'port'], value: port }];
          }),
        ),
      ),
  },
  {
    id: 'demo-app-probe-path',
    message: `httpGet probes of a container running the demo app (${DEMO_APP_IMAGE}) must ask for a path the app serves: one of the route table of examples/demo-app/src/routes.ts (${DEMO_APP_ROUTES.join(', ')})`,
    appliesTo: (o) => isPodLike(o) && locatedContainers(o).some(isDemoAppContainer),
    check: (o) =>
      locatedContainers(o)
        .filter(isDemoAppContainer)
        .flatMap(({ c, where, path }) =>
          PROBES.flatMap((probe): Violation[] => {
            const get = c[probe]?.httpGet;
            if (!get) return [];
            const requested = get.path ?? '/';
            if (DEMO_APP_ROUTES.includes(requested.split('?')[0])) return [];
            return [{ detail: `${where}: ${probe}.httpGet.path ${requested} is not a route of the app`, path: [...path, probe, 'httpGet', 'path'], value: get.path }];
          }),
        ),
  },
  {
    id: 'demo-app-port',
    message:
      "every containerPort of a container running the demo app must be the port the app listens on (PORT from the container's env, else the image's ENV in examples/demo-app/Dockerfile, else the default of examples/demo-app/src/settings.ts)",
    appliesTo: (o) => isPodLike(o) && locatedContainers(o).some(isDemoAppContainer),
    check: (o) =>
      locatedContainers(o)
        .filter(isDemoAppContainer)
        .flatMap(({ c, where, path }): Violation[] => {
          const listen = demoAppPort(c.env);
          if ('unknown' in listen) return [];
          if ('error' in listen) return [{ detail: `${where}: the app would not start: ${listen.error}`, path: [...path, 'env', { name: 'PORT' }] }];
          // A container that declares no port at all is left to probe-port and service-target-port,
          // which reject any probe or Service that would need one.
          return (c.ports ?? []).flatMap((p, i): Violation[] =>
            p.containerPort === listen.port
              ? []
              : [{ detail: `${where}: containerPort ${p.containerPort}${p.name ? ` (${p.name})` : ''} is not the port the app listens on, ${listen.port}`, path: [...path, 'ports', p.name ? { name: p.name } : i, 'containerPort'], value: p.containerPort }],
          );
        }),
  },
  {
    id: 'recommended-labels',
    message: `workloads must carry the recommended labels ${RECOMMENDED_LABELS.join(', ')}`,
    appliesTo: (o) => WORKLOAD_KINDS.has(o.kind),
    check: (o) => {
      const labels = o.metadata?.labels ?? {};
      const missing = RECOMMENDED_LABELS.filter((l) => !labels[l]);
      return missing.length ? [`missing ${missing.join(', ')}`] : [];
    },
  },
  {
    id: 'selector-matches-template',
    message: "a workload's selector must match its pod template's labels (the API server rejects it otherwise)",
    appliesTo: (o) => ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet'].includes(o.kind),
    check: (o) => {
      const spec = (o.spec ?? {}) as Obj;
      const labels = (((spec.template as Obj)?.metadata as Obj)?.labels ?? {}) as Record<string, string>;
      const why = matchesSelector(spec.selector as Obj | undefined, labels);
      return why ? [why] : [];
    },
  },
  {
    id: 'no-plaintext-secret',
    message: 'a Secret with data or stringData must be SOPS-encrypted (every value ENC[...] and a sops block); commit no plaintext Secret',
    appliesTo: (o) => o.kind === 'Secret' && o.apiVersion === 'v1',
    check: (o) => {
      const keys = [...Object.keys((o.data as Obj) ?? {}), ...Object.keys((o.stringData as Obj) ?? {})];
      if (keys.length === 0 || isSopsEncrypted(o)) return [];
      return [`keys ${keys.join(', ')} are in plain text`];
    },
  },
  {
    id: 'pinned-chart-version',
    message: 'a HelmRelease from a Helm or OCI repository must pin an exact chart version (no range, no "*")',
    appliesTo: (o) => o.kind === 'HelmRelease' && o.apiVersion.startsWith('helm.toolkit.fluxcd.io/'),
    check: (o) => {
      const spec = (((o.spec as Obj)?.chart as Obj)?.spec ?? undefined) as { version?: string; sourceRef?: { kind?: string } } | undefined;
      // A chartRef to an OCIRepository is pinned there (rule pinned-oci-ref).
      if (!spec || spec.sourceRef?.kind === 'GitRepository') return [];
      const v = spec.version;
      return v && /^v?\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/.test(v) ? [] : [`chart version ${v ?? '(unset)'}`];
    },
  },
  {
    id: 'pinned-oci-ref',
    message: 'an OCIRepository must pin an exact tag or a digest (no semver range, no "latest")',
    appliesTo: (o) => o.kind === 'OCIRepository' && o.apiVersion.startsWith('source.toolkit.fluxcd.io/'),
    check: (o) => {
      const ref = ((o.spec as Obj)?.ref ?? {}) as { tag?: string; semver?: string; digest?: string };
      if (ref.digest) return [];
      if (ref.semver) return [`ref.semver ${ref.semver}`];
      if (!ref.tag || ref.tag === 'latest') return [`ref.tag ${ref.tag ?? '(unset)'}`];
      return [];
    },
  },
];

/** Secret patterns searched in the text of every example file. */
export interface SecretPattern {
  id: string;
  message: string;
  pattern: RegExp;
}

export const SECRET_PATTERNS: readonly SecretPattern[] = [
  { id: 'secret-private-key', message: 'a PEM private key', pattern: /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----/ },
  { id: 'secret-age-key', message: 'an age secret key', pattern: /AGE-SECRET-KEY-1[0-9A-Z]{58}/ },
  { id: 'secret-aws-access-key', message: 'an AWS access key id', pattern: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/ },
  { id: 'secret-github-token', message: 'a GitHub token', pattern: /\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{60,})\b/ },
  { id: 'secret-gitlab-token', message: 'a GitLab token', pattern: /\bglpat-[A-Za-z0-9_-]{20,}\b/ },
  { id: 'secret-slack-token', message: 'a Slack token', pattern: /\bxox[abprs]-[A-Za-z0-9-]{10,}\b/ },
  { id: 'secret-google-api-key', message: 'a Google API key', pattern: /\bAIza[0-9A-Za-z_-]{35}\b/ },
  { id: 'secret-jwt', message: 'a JSON Web Token', pattern: /\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/ },
  { id: 'secret-url-credentials', message: 'a URL with a password in it', pattern: /\b[a-z][a-z0-9+.-]*:\/\/[^/\s:@'"]+:[^/\s@'"]{3,}@[^\s'"]+/ },
];

/** The policy findings of one object for one rule: string details together, each Violation on its own line. */
function findingsOf(r: RenderedObject, rule: { id: string; message: string }, details: Array<string | Violation>): Finding[] {
  const file = display(r.origin);
  const object = objectId(r.obj);
  let objectLine: number | undefined | null = null;
  const lineOfObject = (): number | undefined => (objectLine === null ? (objectLine = locateObject(r.origin, r.obj.kind, r.obj.metadata?.name)) : objectLine);
  const out: Finding[] = [];
  const plain = details.filter((d): d is string => typeof d === 'string');
  if (plain.length) out.push({ check: 'policy', file, line: lineOfObject(), rule: rule.id, object, message: `${rule.message} (${plain.join('; ')})` });
  for (const v of details.filter((d): d is Violation => typeof d !== 'string')) {
    const line = locateField(r.origin, r.obj.kind, r.obj.metadata?.name, v.path, v.value) ?? lineOfObject();
    out.push({ check: 'policy', file, line, rule: rule.id, object, message: `${rule.message} (${v.detail})` });
  }
  return out;
}

function dedupeByMessage(findings: Iterable<Finding>): Finding[] {
  const out = new Map<string, Finding>();
  for (const f of findings) out.set(`${f.file}|${f.line}|${f.object}|${f.rule}|${f.message}`, f);
  return [...out.values()];
}

/** Policy findings for rendered objects (deduplicated: the same object renders in many places). */
export function checkPolicy(objects: RenderedObject[], rules: readonly PolicyRule[] = POLICY_RULES): Finding[] {
  const out: Finding[] = [];
  for (const r of objects) {
    for (const rule of rules) {
      if (!rule.appliesTo(r.obj)) continue;
      const details = rule.check(r.obj);
      if (details.length) out.push(...findingsOf(r, rule, details));
    }
  }
  return dedupeByMessage(out);
}

// Rules that need the whole of one rendered cluster: whether a Service reaches any pod depends
// on every workload Flux applies there, from whichever Kustomization and file it comes.

/** Everything one cluster ends up with, as Flux renders it (harness/fleet/render.ts). */
export interface ClusterView {
  name: string;
  objects: readonly K8sObject[];
}

export interface ClusterPolicyRule {
  id: string;
  message: string;
  appliesTo: (obj: K8sObject) => boolean;
  check: (obj: K8sObject, cluster: ClusterView) => Array<string | Violation>;
}

/**
 * Services allowed to select pods that no workload of their rendered cluster templates: pods a
 * HelmRelease's chart makes (charts are not rendered here), an operator's pods, pods made
 * outside Git. Each entry says why. Rare by design; examples/ has none today.
 *
 *   { service: 'Service/monitoring/grafana', why: 'pods of the kube-prometheus-stack chart (HelmRelease monitoring/kube-prometheus-stack)' },
 */
export const SERVICES_SELECTING_ELSEWHERE: ReadonlyArray<{ service: string; cluster?: string; why: string }> = [];

const namespaceOf = (o: K8sObject): string => o.metadata?.namespace ?? 'default';

/** A Service's selector, when it has one the endpoint controllers act on. */
export function serviceSelector(o: K8sObject): Record<string, string> | undefined {
  const spec = (o.spec ?? {}) as { selector?: Record<string, string>; type?: string };
  if (spec.type === 'ExternalName' || !spec.selector || Object.keys(spec.selector).length === 0) return undefined;
  return spec.selector;
}

const isSelectingService = (o: K8sObject): boolean => o.kind === 'Service' && o.apiVersion === 'v1' && serviceSelector(o) !== undefined;

const allowedElsewhere = (o: K8sObject, cluster: string): boolean =>
  SERVICES_SELECTING_ELSEWHERE.some((a) => a.service === objectId(o) && (a.cluster === undefined || a.cluster === cluster));

const formatLabels = (labels: Record<string, string>): string =>
  Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');

/** The workloads of a cluster's namespace whose pods a selector picks. */
function selectedWorkloads(cluster: ClusterView, namespace: string, selector: Record<string, string>): K8sObject[] {
  return cluster.objects.filter((w) => isPodLike(w) && namespaceOf(w) === namespace && Object.entries(selector).every(([k, v]) => podTemplateLabels(w)[k] === v));
}

export const CLUSTER_POLICY_RULES: readonly ClusterPolicyRule[] = [
  {
    id: 'service-selects-pods',
    message:
      'a Service with a selector must select the pod template of a workload in its namespace on the same cluster (otherwise it has no endpoints; a Service meant for pods from elsewhere goes in SERVICES_SELECTING_ELSEWHERE of harness/checks/policy.ts)',
    appliesTo: isSelectingService,
    check: (o, cluster) => {
      const selector = serviceSelector(o)!;
      const ns = namespaceOf(o);
      if (allowedElsewhere(o, cluster.name) || selectedWorkloads(cluster, ns, selector).length) return [];
      // For each workload of the namespace, the first selector label its pods lack.
      const near = cluster.objects
        .filter((w) => isPodLike(w) && namespaceOf(w) === ns)
        .map((w) => {
          const labels = podTemplateLabels(w);
          const [key] = Object.entries(selector).find(([k, v]) => labels[k] !== v)!;
          return { key, text: `${w.kind}/${w.metadata?.name} has ${key}=${labels[key] ?? '(unset)'}` };
        });
      const why = near.length ? `: ${near.map((n) => n.text).join('; ')}` : ' (there is no workload in it)';
      // When every workload there misses on the same label, point at that line of the selector.
      const key = near.length && near.every((n) => n.key === near[0].key) ? near[0].key : undefined;
      const at: Violation = key === undefined ? { path: ['spec', 'selector'], value: selector, detail: '' } : { path: ['spec', 'selector', key], value: selector[key], detail: '' };
      return [{ ...at, detail: `cluster ${cluster.name}: selector ${formatLabels(selector)} matches no pod template in namespace ${ns}${why}` }];
    },
  },
  {
    id: 'service-target-port',
    message: "every port of a Service must target a port the pods it selects declare: a named targetPort by its name, a number (or the port itself, when targetPort is unset) as a containerPort, with the same protocol",
    appliesTo: isSelectingService,
    check: (o, cluster) => {
      if (allowedElsewhere(o, cluster.name)) return [];
      const workloads = selectedWorkloads(cluster, namespaceOf(o), serviceSelector(o)!);
      const ports = ((o.spec as Obj).ports ?? []) as Array<{ name?: string; port?: number; targetPort?: number | string; protocol?: string }>;
      return ports.flatMap((p, i): Violation[] => {
        const target = p.targetPort ?? p.port;
        if (target === undefined) return [];
        const protocol = p.protocol ?? 'TCP';
        const missing = workloads.filter((w) => {
          const pod = podSpecOf(w);
          return !declaresPort([...(pod?.containers ?? []), ...(pod?.initContainers ?? [])].flatMap((c) => c.ports ?? []), target, protocol);
        });
        if (missing.length === 0) return [];
        const which = missing
          .map((w) => {
            const pod = podSpecOf(w);
            return `${w.kind}/${w.metadata?.name} (ports: ${describePorts([...(pod?.containers ?? []), ...(pod?.initContainers ?? [])].flatMap((c) => c.ports ?? []))})`;
          })
          .join(', ');
        const field = p.targetPort === undefined ? 'port' : 'targetPort';
        return [
          {
            detail: `cluster ${cluster.name}: port ${p.name ?? p.port} targets ${target}${protocol === 'TCP' ? '' : `/${protocol}`}, which ${which} does not declare`,
            path: ['spec', 'ports', p.name ? { name: p.name } : i, field],
            value: target,
          },
        ];
      });
    },
  },
];

/** Findings of the cluster rules over everything one cluster ends up with. */
export function checkClusterPolicy(cluster: string, objects: readonly RenderedObject[], rules: readonly ClusterPolicyRule[] = CLUSTER_POLICY_RULES): Finding[] {
  const view: ClusterView = { name: cluster, objects: objects.map((r) => r.obj) };
  const out: Finding[] = [];
  for (const r of objects) {
    for (const rule of rules) {
      if (!rule.appliesTo(r.obj)) continue;
      const details = rule.check(r.obj, view);
      if (details.length) out.push(...findingsOf(r, rule, details));
    }
  }
  return dedupeByMessage(out);
}

/** Secret-pattern findings for a text file, with line and column. */
export function scanSecrets(file: string, text: string = readFileSync(file, 'utf8'), patterns: readonly SecretPattern[] = SECRET_PATTERNS): Finding[] {
  const findings: Finding[] = [];
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    for (const p of patterns) {
      const m = p.pattern.exec(line);
      if (m) findings.push({ check: 'secrets', file: display(file), line: i + 1, column: m.index + 1, rule: p.id, message: `looks like ${p.message}; commit no credential (encrypt it with SOPS, or generate it at test time)` });
    }
  });
  return findings;
}
