// Which of the API versions the examples use a given API server still serves, and which it
// warns about. Input: the server's discovery (what /api and /apis list, with each group
// version's resources), the CRD groups installed on it, and the warnings a request to each
// used resource returned. Pure functions: the requests are made in client.ts.
import { parseDeprecation } from './warnings';

export interface ApiResource {
  /** Plural resource name, e.g. `deployments`. */
  name: string;
  kind: string;
  namespaced: boolean;
}

export interface Discovery {
  /** groupVersion (`v1`, `apps/v1`, …) → its resources (no subresources). */
  groupVersions: Record<string, ApiResource[]>;
  /** Groups whose APIs come from CustomResourceDefinitions on this server. */
  crdGroups: string[];
}

/** One apiVersion/kind the examples use, and where. */
export interface ApiUse {
  apiVersion: string;
  kind: string;
  /** Repository paths of the files that write it, sorted. */
  files: string[];
  /** `Kind/namespace/name` of the objects, sorted (empty for chart templates). */
  objects: string[];
}

/**
 * - served: listed by discovery, no deprecation warning;
 * - deprecated: served, but a request to it returns Kubernetes' deprecation warning;
 * - removed: the group is the API server's own (or a CRD group installed here) but this version
 *   or kind is not served;
 * - not-installed: the group belongs to an add-on (CRD or aggregated API) the canary cluster does
 *   not run; its versions do not depend on the Kubernetes version, so nothing is concluded.
 */
export type ApiStatus = 'served' | 'deprecated' | 'removed' | 'not-installed';

export interface ApiCheck extends ApiUse {
  group: string;
  /** True for the API server's own groups (core, apps, networking.k8s.io, …). */
  builtin: boolean;
  status: ApiStatus;
  /** Resource name and scope when served. */
  resource?: string;
  namespaced?: boolean;
  /** One sentence saying why the status is what it is. */
  message: string;
  /** The warning text when deprecated. */
  warning?: string;
  deprecatedIn?: string;
  removedIn?: string;
  replacement?: string;
  /** Other versions of the same group that serve the kind (what to move to). */
  servedAs?: string[];
}

/**
 * The API groups kube-apiserver (with its built-in extension and aggregation servers) has served
 * in any release since 1.16, including ones switched off by default. A group on this list that
 * discovery does not show is the server's own group, not an add-on's.
 */
export const BUILTIN_GROUPS: readonly string[] = [
  '',
  'admissionregistration.k8s.io',
  'apiextensions.k8s.io',
  'apiregistration.k8s.io',
  'apps',
  'authentication.k8s.io',
  'authorization.k8s.io',
  'autoscaling',
  'batch',
  'certificates.k8s.io',
  'coordination.k8s.io',
  'discovery.k8s.io',
  'events.k8s.io',
  'extensions',
  'flowcontrol.apiserver.k8s.io',
  'internal.apiserver.k8s.io',
  'networking.k8s.io',
  'node.k8s.io',
  'policy',
  'rbac.authorization.k8s.io',
  'resource.k8s.io',
  'scheduling.k8s.io',
  'settings.k8s.io',
  'storage.k8s.io',
  'storagemigration.k8s.io',
];

export function groupOf(apiVersion: string): string {
  return apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
}

export function versionOf(apiVersion: string): string {
  return apiVersion.includes('/') ? apiVersion.slice(apiVersion.indexOf('/') + 1) : apiVersion;
}

/** Groups discovery lists (the core group is ''). */
export function servedGroups(d: Discovery): Set<string> {
  return new Set(Object.keys(d.groupVersions).map(groupOf));
}

/** Is this group the API server's own, on this server? */
export function isBuiltinGroup(group: string, d: Discovery): boolean {
  if (d.crdGroups.includes(group)) return false;
  return BUILTIN_GROUPS.includes(group) || (servedGroups(d).has(group) && !group.includes('.')) || group === '';
}

export function findResource(d: Discovery, apiVersion: string, kind: string): ApiResource | undefined {
  return d.groupVersions[apiVersion]?.find((r) => r.kind === kind);
}

/** Other group versions of the same group that serve `kind`. */
export function servedAs(d: Discovery, apiVersion: string, kind: string): string[] {
  const group = groupOf(apiVersion);
  return Object.entries(d.groupVersions)
    .filter(([gv, resources]) => gv !== apiVersion && groupOf(gv) === group && resources.some((r) => r.kind === kind))
    .map(([gv]) => gv)
    .sort();
}

/** `apiVersion kind`: the key warnings and uses are joined on. */
export function apiKey(u: Pick<ApiUse, 'apiVersion' | 'kind'>): string {
  return `${u.apiVersion} ${u.kind}`;
}

/**
 * Classifies every use against one server. `warnings` maps apiKey → the texts of the `Warning`
 * headers a request to that resource returned (requests are only made for served resources).
 */
export function classifyApis(uses: ApiUse[], d: Discovery, warnings: Map<string, string[]>, kubernetesVersion: string): ApiCheck[] {
  return uses.map((use): ApiCheck => {
    const group = groupOf(use.apiVersion);
    const builtin = isBuiltinGroup(group, d);
    const base = { ...use, group, builtin };
    const served = findResource(d, use.apiVersion, use.kind);
    if (served) {
      const texts = warnings.get(apiKey(use)) ?? [];
      const text = texts.find((t) => {
        const n = parseDeprecation(t);
        return n !== undefined && n.apiVersion === use.apiVersion && n.kind === use.kind;
      });
      const notice = text === undefined ? undefined : parseDeprecation(text);
      if (text !== undefined && notice) {
        return {
          ...base,
          status: 'deprecated',
          resource: served.name,
          namespaced: served.namespaced,
          message: `served by ${kubernetesVersion} but deprecated: ${text}`,
          warning: text,
          ...(notice.deprecatedIn ? { deprecatedIn: notice.deprecatedIn } : {}),
          ...(notice.removedIn ? { removedIn: notice.removedIn } : {}),
          ...(notice.replacement ? { replacement: notice.replacement } : {}),
        };
      }
      return { ...base, status: 'served', resource: served.name, namespaced: served.namespaced, message: `served by ${kubernetesVersion} as ${served.name}, no deprecation warning` };
    }
    const alternatives = servedAs(d, use.apiVersion, use.kind);
    const alt = alternatives.length ? `; ${use.kind} is served as ${alternatives.join(', ')}` : '';
    const groupServed = servedGroups(d).has(group);
    if (builtin) {
      const what = groupServed ? `${use.apiVersion} ${use.kind} is not served` : `the API group ${group} is not served`;
      return { ...base, status: 'removed', servedAs: alternatives, message: `${what} by ${kubernetesVersion} (a built-in API)${alt}` };
    }
    if (d.crdGroups.includes(group)) {
      return { ...base, status: 'removed', servedAs: alternatives, message: `${use.apiVersion} ${use.kind} is not served by the CRDs installed on the ${kubernetesVersion} canary${alt}` };
    }
    return {
      ...base,
      status: 'not-installed',
      message: `the API group ${group} comes from an add-on (CRD or aggregated API) the canary cluster does not run; its versions do not depend on the Kubernetes version`,
    };
  });
}

/**
 * Merges uses of the same apiVersion/kind found in several places (rendered builds, cluster
 * renders, chart templates): files and objects are unioned and sorted.
 */
export function mergeUses(uses: ApiUse[]): ApiUse[] {
  const byKey = new Map<string, { apiVersion: string; kind: string; files: Set<string>; objects: Set<string> }>();
  for (const u of uses) {
    const key = apiKey(u);
    const entry = byKey.get(key) ?? { apiVersion: u.apiVersion, kind: u.kind, files: new Set<string>(), objects: new Set<string>() };
    u.files.forEach((f) => entry.files.add(f));
    u.objects.forEach((o) => entry.objects.add(o));
    byKey.set(key, entry);
  }
  return [...byKey.values()]
    .map((e) => ({ apiVersion: e.apiVersion, kind: e.kind, files: [...e.files].sort(), objects: [...e.objects].sort() }))
    .sort((a, b) => apiKey(a).localeCompare(apiKey(b)));
}

/**
 * apiVersion/kind pairs written literally in Helm chart templates (Go templates, so not YAML the
 * static tier can parse): each `---`-separated document's top-level `apiVersion:` and `kind:`,
 * skipping documents whose values are template expressions.
 */
export function templateApis(text: string): Array<{ apiVersion: string; kind: string }> {
  const out: Array<{ apiVersion: string; kind: string }> = [];
  for (const doc of text.split(/^---\s*$/m)) {
    const apiVersion = /^apiVersion:\s*["']?([^\s"'#]+)["']?\s*(?:#.*)?$/m.exec(doc)?.[1];
    const kind = /^kind:\s*["']?([^\s"'#]+)["']?\s*(?:#.*)?$/m.exec(doc)?.[1];
    if (!apiVersion || !kind || apiVersion.includes('{{') || kind.includes('{{')) continue;
    out.push({ apiVersion, kind });
  }
  return out;
}
