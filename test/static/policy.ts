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
import type { K8sObject, RenderedObject } from './kustomize.ts';
import { objectId } from './kustomize.ts';
import { display } from './tree.ts';
import { locateObject } from './yaml.ts';
import type { Finding } from './findings.ts';

type Obj = Record<string, unknown>;
interface Container {
  name?: string;
  image?: string;
  securityContext?: Obj;
  resources?: { requests?: Obj; limits?: Obj };
  livenessProbe?: unknown;
  readinessProbe?: unknown;
  ports?: Array<{ hostPort?: number }>;
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

export interface PolicyRule {
  id: string;
  /** What the rule requires, as a reader should read it. */
  message: string;
  appliesTo: (obj: K8sObject) => boolean;
  /** Details of each violation (e.g. "container web"), empty when the object complies. */
  check: (obj: K8sObject) => string[];
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

/** Policy findings for rendered objects (deduplicated: the same object renders in many places). */
export function checkPolicy(objects: RenderedObject[], rules: readonly PolicyRule[] = POLICY_RULES): Finding[] {
  const out = new Map<string, Finding>();
  for (const r of objects) {
    for (const rule of rules) {
      if (!rule.appliesTo(r.obj)) continue;
      const details = rule.check(r.obj);
      if (details.length === 0) continue;
      const f: Finding = {
        check: 'policy',
        file: display(r.origin),
        line: locateObject(r.origin, r.obj.kind, r.obj.metadata?.name),
        rule: rule.id,
        object: objectId(r.obj),
        message: `${rule.message} (${details.join('; ')})`,
      };
      out.set(`${f.file}|${f.object}|${f.rule}|${f.message}`, f);
    }
  }
  return [...out.values()];
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
