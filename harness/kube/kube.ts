// A thin client over @kubernetes/client-node for the harness: raw objects in and out (the
// generated typed models drop fields of custom resources and turn timestamps into Dates), and
// "not found" as undefined instead of an exception.
import https from 'node:https';
import { ApiException, KubeConfig, KubernetesObjectApi, type KubernetesObject } from '@kubernetes/client-node';

/** Every object the harness handles: status and spec stay plain JSON. */
export interface KubeObject extends KubernetesObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    generation?: number;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    [key: string]: unknown;
  };
  spec?: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- arbitrary kinds
  status?: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- arbitrary kinds
  data?: Record<string, string>;
  [key: string]: unknown;
}

export interface ObjectRef {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
}

/** KubernetesObjectApi that neither maps bodies onto the typed models nor back. */
class RawObjectApi extends KubernetesObjectApi {
  static make(kc: KubeConfig): RawObjectApi {
    const api = kc.makeApiClient(RawObjectApi);
    api.setDefaultNamespace(kc);
    return api;
  }

  // An unknown type name makes the serializer pass bodies through untouched.
  protected async getSerializationType(): Promise<string> {
    return 'RawKubernetesObject';
  }
}

export function refOf(obj: KubeObject): ObjectRef {
  return { apiVersion: obj.apiVersion, kind: obj.kind, name: obj.metadata.name, namespace: obj.metadata.namespace };
}

/** "Kind namespace/name" for messages. */
export function describeRef(ref: ObjectRef): string {
  return `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`;
}

export function isNotFound(error: unknown): boolean {
  return error instanceof ApiException && error.code === 404;
}

/** The API server's own words for a failed request (its Status message), or the error text. */
export function apiErrorMessage(error: unknown): string {
  if (error instanceof ApiException) {
    const body = typeof error.body === 'string' ? safeJson(error.body) : error.body;
    const message = body && typeof body === 'object' && 'message' in body ? String(body.message) : String(error.body);
    return `HTTP ${error.code}: ${message}`;
  }
  return error instanceof Error ? error.message : String(error);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export class Kube {
  readonly kc: KubeConfig;
  readonly api: RawObjectApi;

  constructor(readonly kubeconfigPath: string) {
    this.kc = new KubeConfig();
    this.kc.loadFromFile(kubeconfigPath);
    this.api = RawObjectApi.make(this.kc);
  }

  /** The API server URL of the current context. */
  get server(): string {
    return this.kc.getCurrentCluster()?.server ?? '';
  }

  /** The object, or undefined when it does not exist. */
  async get(ref: ObjectRef): Promise<KubeObject | undefined> {
    try {
      return (await this.api.read({
        apiVersion: ref.apiVersion,
        kind: ref.kind,
        metadata: { name: ref.name, namespace: ref.namespace },
      })) as KubeObject;
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  /** The object; throws naming it when it does not exist. */
  async mustGet(ref: ObjectRef): Promise<KubeObject> {
    const obj = await this.get(ref);
    if (!obj) throw new Error(`${describeRef(ref)} does not exist`);
    return obj;
  }

  /** Objects of a kind (all namespaces when namespace is omitted). */
  async list(apiVersion: string, kind: string, namespace?: string, labelSelector?: string): Promise<KubeObject[]> {
    const list = await this.api.list(apiVersion, kind, namespace, undefined, undefined, undefined, undefined, labelSelector);
    return (list.items as KubeObject[]).map((item) => ({ ...item, apiVersion, kind }));
  }

  /** Server-side apply of one object; returns what the server stored. */
  async apply(obj: KubeObject, fieldManager: string, opts: { force?: boolean; dryRun?: boolean } = {}): Promise<KubeObject> {
    const dryRun = opts.dryRun ? 'All' : undefined;
    return (await this.api.patch(obj, undefined, dryRun, fieldManager, opts.force ?? true, 'application/apply-patch+yaml')) as KubeObject;
  }

  /** Creates an object (dry-run when asked): used to prove admission rejects something. */
  async create(obj: KubeObject, opts: { dryRun?: boolean } = {}): Promise<KubeObject> {
    return (await this.api.create(obj, undefined, opts.dryRun ? 'All' : undefined)) as KubeObject;
  }

  /** Deletes an object; false when it was already gone. */
  async delete(ref: ObjectRef): Promise<boolean> {
    try {
      await this.api.delete({ apiVersion: ref.apiVersion, kind: ref.kind, metadata: { name: ref.name, namespace: ref.namespace } });
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  }

  /** GET on a raw path (e.g. /readyz); resolves to the body text, throws on non-2xx. */
  async raw(path: string, timeoutMs = 5_000): Promise<string> {
    const cluster = this.kc.getCurrentCluster();
    if (!cluster) throw new Error(`${this.kubeconfigPath} has no current cluster`);
    const url = new URL(path, cluster.server);
    const opts: https.RequestOptions = { method: 'GET', timeout: timeoutMs };
    await this.kc.applyToHTTPSOptions(opts);
    return new Promise((resolveBody, reject) => {
      const req = https.request(url, opts, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => (body += chunk));
        res.on('end', () => {
          const code = res.statusCode ?? 0;
          if (code >= 200 && code < 300) resolveBody(body);
          else reject(new Error(`GET ${path}: HTTP ${code}: ${body}`));
        });
      });
      req.on('timeout', () => req.destroy(new Error(`GET ${path}: no answer in ${timeoutMs} ms`)));
      req.on('error', reject);
      req.end();
    });
  }
}
