// The few raw requests the canary makes to an API server over its 127.0.0.1 URL with the admin
// kubeconfig, keeping what the harness's Kube client hides: the response's `Warning` headers.
// Discovery, /metrics, a LIST per used resource, and server-side apply (real or dry-run).
import https from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
import { describeRef, Kube, refOf, type KubeObject } from '../kube/kube';
import type { ApiResource, Discovery } from './discovery';
import { parseWarningHeaders } from './warnings';

export interface RawResponse {
  status: number;
  body: string;
  /** Texts of the `Warning` headers, in order. */
  warnings: string[];
}

export interface RawRequest {
  method?: 'GET' | 'PATCH' | 'POST';
  body?: string;
  contentType?: string;
  accept?: string;
  timeoutMs?: number;
}

/** One request; resolves whatever the status (callers decide), rejects only on transport errors. */
export async function request(kc: KubeConfig, path: string, req: RawRequest = {}): Promise<RawResponse> {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error('kubeconfig has no current cluster');
  const url = new URL(path, cluster.server);
  const timeoutMs = req.timeoutMs ?? 15_000;
  const headers: Record<string, string> = { Accept: req.accept ?? 'application/json' };
  if (req.body !== undefined) {
    headers['Content-Type'] = req.contentType ?? 'application/json';
    headers['Content-Length'] = String(Buffer.byteLength(req.body));
  }
  const opts: https.RequestOptions = { method: req.method ?? 'GET', timeout: timeoutMs, headers };
  await kc.applyToHTTPSOptions(opts);
  return new Promise((resolve, reject) => {
    const r = https.request(url, opts, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => {
        // rawHeaders keeps repeated headers apart: [name, value, name, value, …]
        const values: string[] = [];
        for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) {
          if (res.rawHeaders[i].toLowerCase() === 'warning') values.push(res.rawHeaders[i + 1]);
        }
        resolve({ status: res.statusCode ?? 0, body, warnings: parseWarningHeaders(values).map((w) => w.text) });
      });
    });
    r.on('timeout', () => r.destroy(new Error(`${req.method ?? 'GET'} ${path}: no answer in ${timeoutMs} ms`)));
    r.on('error', reject);
    if (req.body !== undefined) r.write(req.body);
    r.end();
  });
}

async function getJson<T>(kc: KubeConfig, path: string): Promise<T> {
  const res = await request(kc, path);
  if (res.status !== 200) throw new Error(`GET ${path}: HTTP ${res.status}: ${res.body.slice(0, 500)}`);
  return JSON.parse(res.body) as T;
}

interface ApiResourceList {
  groupVersion: string;
  resources: Array<{ name: string; kind: string; namespaced: boolean }>;
}

/** Legacy discovery (what kubectl reads): /api, /apis, then each group version. */
export async function fetchDiscovery(kc: KubeConfig): Promise<Discovery> {
  const core = await getJson<{ versions: string[] }>(kc, '/api');
  const groups = await getJson<{ groups: Array<{ name: string; versions: Array<{ groupVersion: string }> }> }>(kc, '/apis');
  const gvs = [...core.versions.map((v) => ({ gv: v, path: `/api/${v}` })), ...groups.groups.flatMap((g) => g.versions.map((v) => ({ gv: v.groupVersion, path: `/apis/${v.groupVersion}` })))];
  const groupVersions: Record<string, ApiResource[]> = {};
  for (const { gv, path } of gvs) {
    const list = await getJson<ApiResourceList>(kc, path);
    groupVersions[gv] = list.resources.filter((r) => !r.name.includes('/')).map((r) => ({ name: r.name, kind: r.kind, namespaced: r.namespaced }));
  }
  const crds = await getJson<{ items: Array<{ spec: { group: string } }> }>(kc, '/apis/apiextensions.k8s.io/v1/customresourcedefinitions');
  const crdGroups = [...new Set(crds.items.map((c) => c.spec.group))].sort();
  return { groupVersions, crdGroups };
}

/** The server's /version gitVersion (what the binary was stamped with). */
export async function serverVersion(kc: KubeConfig): Promise<string> {
  return (await getJson<{ gitVersion: string }>(kc, '/version')).gitVersion;
}

/** The apiserver's Prometheus text (admin credentials may read /metrics). */
export async function fetchMetrics(kc: KubeConfig): Promise<string> {
  const res = await request(kc, '/metrics', { accept: 'text/plain' });
  if (res.status !== 200) throw new Error(`GET /metrics: HTTP ${res.status}: ${res.body.slice(0, 500)}`);
  return res.body;
}

export function collectionPath(apiVersion: string, resource: string, namespace?: string): string {
  const base = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
  return namespace ? `${base}/namespaces/${encodeURIComponent(namespace)}/${resource}` : `${base}/${resource}`;
}

/** LIST (limit 1, all namespaces) of a resource: the `Warning` headers say whether it is deprecated. */
export async function probeResource(kc: KubeConfig, apiVersion: string, resource: string): Promise<RawResponse> {
  return request(kc, `${collectionPath(apiVersion, resource)}?limit=1`);
}

export const CANARY_FIELD_MANAGER = 'field-guide-canary';

/** Where a resource lives, refreshed from discovery on a miss (CRDs appear while a run goes on). */
export class ResourceMapper {
  private discovery: Discovery | undefined;

  constructor(private readonly kc: KubeConfig) {}

  async find(apiVersion: string, kind: string): Promise<ApiResource | undefined> {
    const look = () => this.discovery?.groupVersions[apiVersion]?.find((r) => r.kind === kind);
    if (!look()) this.discovery = await fetchDiscovery(this.kc);
    return look();
  }
}

/** Server-side apply of one object (dry-run when asked), returning status, body and warnings. */
export async function serverSideApply(kc: KubeConfig, mapper: ResourceMapper, obj: KubeObject, opts: { dryRun?: boolean; fieldManager?: string } = {}): Promise<RawResponse & { resource?: ApiResource }> {
  const resource = await mapper.find(obj.apiVersion, obj.kind);
  if (!resource) return { status: 404, body: `${obj.apiVersion} ${obj.kind} is not served`, warnings: [] };
  const namespace = resource.namespaced ? (obj.metadata.namespace ?? 'default') : undefined;
  const query = new URLSearchParams({ fieldManager: opts.fieldManager ?? CANARY_FIELD_MANAGER, force: 'true' });
  if (opts.dryRun) query.set('dryRun', 'All');
  const path = `${collectionPath(obj.apiVersion, resource.name, namespace)}/${encodeURIComponent(obj.metadata.name)}?${query}`;
  const res = await request(kc, path, { method: 'PATCH', body: JSON.stringify(obj), contentType: 'application/apply-patch+yaml' });
  return { ...res, resource };
}

/** The API server's message from a Status body, or the body. */
export function statusMessage(body: string): string {
  try {
    const parsed = JSON.parse(body) as { message?: string };
    return parsed.message ?? body;
  } catch {
    return body;
  }
}

/** A warning as the canary keeps it: the text and the object whose request returned it. */
export interface ObjectWarning {
  text: string;
  object: string;
}

/**
 * The harness's Kube with apply() done by the canary's own request, so the `Warning` headers of
 * every server-side apply (the bootstrap's) are kept in `warnings`. Everything else is Kube's.
 */
export class WarningKube extends Kube {
  readonly warnings: ObjectWarning[] = [];
  private readonly mapper: ResourceMapper;

  constructor(kubeconfigPath: string) {
    super(kubeconfigPath);
    this.mapper = new ResourceMapper(this.kc);
  }

  override async apply(obj: KubeObject, fieldManager: string, opts: { force?: boolean; dryRun?: boolean } = {}): Promise<KubeObject> {
    const res = await serverSideApply(this.kc, this.mapper, obj, { dryRun: opts.dryRun, fieldManager });
    for (const text of res.warnings) this.warnings.push({ text, object: describeRef(refOf(obj)) });
    if (res.status < 200 || res.status > 299) throw new Error(`HTTP ${res.status}: ${statusMessage(res.body)}`);
    return JSON.parse(res.body) as KubeObject;
  }
}
