// Server-side apply of YAML, as `kubectl apply --server-side` does it: multi-document files,
// one field manager, CRDs and Namespaces before what needs them.
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { apiErrorMessage, describeRef, refOf, type Kube, type KubeObject } from './kube';
import { findCondition } from './conditions';
import { waitUntil } from './wait';

export const FIELD_MANAGER = 'field-guide-harness';

/** Every object in a (multi-document) YAML text; `source` names it in errors. */
export function parseManifests(text: string, source = '<yaml>'): KubeObject[] {
  const objects: KubeObject[] = [];
  for (const [index, doc] of parseAllDocuments(text).entries()) {
    const start = doc.contents?.range?.[0] ?? doc.range?.[0];
    const where = `${source} (document ${index + 1}${start !== undefined ? `, line ${lineOf(text, start)}` : ''})`;
    if (doc.errors.length > 0) throw new Error(`${where}: ${doc.errors[0].message}`);
    const value = doc.toJS();
    if (value === null || value === undefined) continue; // empty document, e.g. after a leading ---
    if (typeof value !== 'object' || !value.apiVersion || !value.kind || !value.metadata?.name) {
      throw new Error(`${where}: not a Kubernetes object (needs apiVersion, kind and metadata.name)`);
    }
    if (value.kind === 'List' && Array.isArray(value.items)) objects.push(...value.items);
    else objects.push(value as KubeObject);
  }
  return objects;
}

function lineOf(text: string, offset: number): number {
  return text.slice(0, offset).split('\n').length;
}

/** Lower sorts first: CRDs and Namespaces must exist before objects that use them. */
export function applyOrder(obj: Pick<KubeObject, 'kind'>): number {
  if (obj.kind === 'CustomResourceDefinition') return 0;
  if (obj.kind === 'Namespace') return 1;
  return 2;
}

export interface ApplyOptions {
  fieldManager?: string;
  force?: boolean;
  dryRun?: boolean;
  /** How long to wait for applied CRDs to be Established (default 60 s). */
  crdTimeoutMs?: number;
}

/** Applies objects in dependency order; waits for CRDs to be served before their users. */
export async function applyObjects(kube: Kube, objects: KubeObject[], opts: ApplyOptions = {}): Promise<KubeObject[]> {
  const sorted = [...objects].sort((a, b) => applyOrder(a) - applyOrder(b));
  const applied: KubeObject[] = [];
  for (const obj of sorted) {
    try {
      applied.push(await kube.apply(obj, opts.fieldManager ?? FIELD_MANAGER, { force: opts.force, dryRun: opts.dryRun }));
    } catch (error) {
      throw new Error(`server-side apply of ${describeRef(refOf(obj))} failed: ${apiErrorMessage(error)}`);
    }
  }
  const crds = applied.filter((o) => o.kind === 'CustomResourceDefinition');
  if (!opts.dryRun) await Promise.all(crds.map((crd) => waitForCrdEstablished(kube, crd.metadata.name, opts.crdTimeoutMs)));
  return applied;
}

/** Parses and applies a YAML text. */
export function applyYaml(kube: Kube, text: string, opts: ApplyOptions & { source?: string } = {}): Promise<KubeObject[]> {
  return applyObjects(kube, parseManifests(text, opts.source), opts);
}

/** Parses and applies a YAML file (errors name the file and document). */
export function applyFile(kube: Kube, path: string, opts: ApplyOptions = {}): Promise<KubeObject[]> {
  return applyYaml(kube, readFileSync(path, 'utf8'), { ...opts, source: path });
}

/** Waits until the API server serves a CRD (Established=True). */
export async function waitForCrdEstablished(kube: Kube, name: string, timeoutMs = 60_000): Promise<void> {
  const ref = { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', name };
  await waitUntil(`CRD ${name} to be Established`, async () => {
    const crd = await kube.get(ref);
    const established = findCondition(crd, 'Established');
    return { done: established?.status === 'True', detail: `Established=${established?.status ?? 'unset'}` };
  }, { timeoutMs, intervalMs: 100 });
}
