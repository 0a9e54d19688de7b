// Offline JSON schemas for kubeconform, generated from the sources the guide pins:
// - Kubernetes: api/openapi-spec/swagger.json inside the k8s.io/kubernetes module zip at
//   KUBERNETES_VERSION (found with `go mod download -json`, so the Go module cache serves it);
// - Flux: the CRDs of each pinned controller (crdFiles() from the toolchain).
//
// Layout (kubeconform -schema-location template): <dir>/<group>/<kind>_<version>.json, where
// <group> is what kubeconform calls .Group: the API group, or "v1" for the core group.
// Every schema is "strict": an object schema that lists its properties rejects any other
// property (what kubeconform -strict expects of its schemas), except where the API itself keeps
// unknown fields (x-kubernetes-preserve-unknown-fields).
// Generated once per (source version, converter text) into <cache>/schemas/<key>/.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { cacheRoot, crdFiles, type FluxController } from '../toolchain/binaries.ts';
import { downloadModule } from '../toolchain/goexec.ts';
import { FLUX_CONTROLLER_VERSIONS, KUBERNETES_VERSION } from '../toolchain/versions.ts';

type Schema = Record<string, unknown>;

const INT_OR_STRING: Schema = { oneOf: [{ type: 'string' }, { type: 'integer' }] };
const QUANTITY: Schema = { oneOf: [{ type: 'string' }, { type: 'number' }] };
const QUANTITY_DEF = 'io.k8s.apimachinery.pkg.api.resource.Quantity';
const INT_OR_STRING_DEF = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';
const OBJECT_META_DEF = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';

/** Changes whenever this converter changes, so a stale cache is never reused. */
const CONVERTER_HASH = createHash('sha256').update(readFileSync(import.meta.filename)).digest('hex').slice(0, 10);

export const FLUX_CONTROLLERS = Object.keys(FLUX_CONTROLLER_VERSIONS) as FluxController[];

/** kubeconform's path for a kind: <group or "v1">/<kind>_<version>.json. */
export function schemaRelPath(apiVersion: string, kind: string): string {
  const [groupOrVersion, version] = apiVersion.includes('/') ? apiVersion.split('/') : [apiVersion, apiVersion];
  return `${groupOrVersion}/${kind.toLowerCase()}_${version}.json`;
}

/** The -schema-location template for a generated folder. */
export function schemaLocation(dir: string): string {
  return `${dir}/{{ .Group }}/{{ .ResourceKind }}_{{ .ResourceAPIVersion }}.json`;
}

/** Makes a schema strict and kubeconform-friendly, recursively. Returns a new object. */
export function strictify(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(strictify);
  if (typeof node !== 'object' || node === null) return node;
  const s = node as Schema;
  if (s.format === 'int-or-string' || s['x-kubernetes-int-or-string'] === true) {
    return { ...INT_OR_STRING };
  }
  const out: Schema = {};
  for (const [k, v] of Object.entries(s)) {
    if (k === 'description' || k === 'nullable' || k === 'default' || k === 'example') continue;
    if (k.startsWith('x-kubernetes-')) continue;
    if (k === 'properties' || k === 'patternProperties' || k === 'definitions') {
      out[k] = Object.fromEntries(Object.entries(v as Schema).map(([pk, pv]) => [pk, strictify(pv)]));
    } else {
      out[k] = strictify(v);
    }
  }
  const preserve = s['x-kubernetes-preserve-unknown-fields'] === true;
  if (out.properties && out.additionalProperties === undefined && !preserve) out.additionalProperties = false;
  return out;
}

/** Names of the definitions a schema refers to, transitively. */
function closure(start: unknown, defs: Record<string, Schema>): Set<string> {
  const found = new Set<string>();
  const visit = (n: unknown): void => {
    if (Array.isArray(n)) return n.forEach(visit);
    if (typeof n !== 'object' || n === null) return;
    for (const [k, v] of Object.entries(n)) {
      if (k === '$ref' && typeof v === 'string' && v.startsWith('#/definitions/')) {
        const name = v.slice('#/definitions/'.length);
        if (!found.has(name) && defs[name]) {
          found.add(name);
          visit(defs[name]);
        }
      } else visit(v);
    }
  };
  visit(start);
  return found;
}

interface Swagger {
  definitions: Record<string, Schema>;
}

/** Standalone schemas, keyed by schemaRelPath, for every kind in a Kubernetes swagger.json. */
export function convertSwagger(swagger: Swagger): Map<string, Schema> {
  const defs: Record<string, Schema> = {};
  for (const [name, def] of Object.entries(swagger.definitions)) {
    if (name === QUANTITY_DEF) defs[name] = { ...QUANTITY };
    else if (name === INT_OR_STRING_DEF) defs[name] = { ...INT_OR_STRING };
    else defs[name] = strictify(def) as Schema;
  }
  const out = new Map<string, Schema>();
  for (const [name, def] of Object.entries(swagger.definitions)) {
    const gvks = def['x-kubernetes-group-version-kind'] as Array<{ group: string; version: string; kind: string }> | undefined;
    if (!gvks) continue;
    const root = defs[name];
    const used = closure(root, defs);
    used.delete(name);
    const schema: Schema = { ...root, definitions: Object.fromEntries([...used].sort().map((n) => [n, defs[n]])) };
    // Self references (rare) resolve through definitions too.
    if (closure(root, defs).has(name)) (schema.definitions as Schema)[name] = root;
    for (const gvk of gvks) {
      const apiVersion = gvk.group ? `${gvk.group}/${gvk.version}` : gvk.version;
      out.set(schemaRelPath(apiVersion, gvk.kind), schema);
    }
  }
  return out;
}

interface Crd {
  kind: string;
  spec: {
    group: string;
    names: { kind: string };
    versions: Array<{ name: string; served: boolean; schema?: { openAPIV3Schema?: Schema } }>;
  };
}

/**
 * Standalone schemas for the served versions of CRDs. metadata is checked against the real
 * ObjectMeta (from the Kubernetes swagger) instead of the CRD's bare `type: object`.
 */
export function convertCrds(crds: Crd[], swagger: Swagger): Map<string, Schema> {
  const defs: Record<string, Schema> = {};
  for (const [name, def] of Object.entries(swagger.definitions)) defs[name] = strictify(def) as Schema;
  const metaDefs = closure({ $ref: `#/definitions/${OBJECT_META_DEF}` }, defs);
  const out = new Map<string, Schema>();
  for (const crd of crds) {
    if (crd.kind !== 'CustomResourceDefinition') continue;
    for (const v of crd.spec.versions) {
      if (!v.served || !v.schema?.openAPIV3Schema) continue;
      const root = strictify(v.schema.openAPIV3Schema) as Schema;
      const props = { ...((root.properties as Schema) ?? {}) };
      props.metadata = { $ref: `#/definitions/${OBJECT_META_DEF}` };
      const schema: Schema = {
        ...root,
        properties: props,
        definitions: Object.fromEntries([...metaDefs].sort().map((n) => [n, defs[n]])),
      };
      out.set(schemaRelPath(`${crd.spec.group}/${v.name}`, crd.spec.names.kind), schema);
    }
  }
  return out;
}

function writeAtomically(dir: string, files: Map<string, Schema>, stamp: Record<string, unknown>): void {
  const tmp = `${dir}.tmp-${process.pid}-${Date.now()}`;
  rmSync(tmp, { recursive: true, force: true });
  for (const [rel, schema] of files) {
    const file = path.join(tmp, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify(schema));
  }
  writeFileSync(path.join(tmp, 'stamp.json'), JSON.stringify({ ...stamp, files: files.size, converter: CONVERTER_HASH }, null, 2));
  mkdirSync(path.dirname(dir), { recursive: true });
  try {
    renameSync(tmp, dir);
  } catch (err) {
    // Another process got there first: its copy is as good as ours.
    rmSync(tmp, { recursive: true, force: true });
    if (!existsSync(path.join(dir, 'stamp.json'))) throw err;
  }
}

let swaggerCache: { path: string; swagger: Swagger } | undefined;

/** swagger.json of k8s.io/kubernetes at the pinned version, from the Go module cache. */
export async function kubernetesSwagger(version: string = KUBERNETES_VERSION): Promise<{ path: string; swagger: Swagger }> {
  if (swaggerCache) return swaggerCache;
  const mod = await downloadModule('k8s.io/kubernetes', version);
  const file = path.join(mod.Dir, 'api', 'openapi-spec', 'swagger.json');
  if (!existsSync(file)) throw new Error(`${file} is missing from the k8s.io/kubernetes@${version} module`);
  swaggerCache = { path: file, swagger: JSON.parse(readFileSync(file, 'utf8')) as Swagger };
  return swaggerCache;
}

export interface SchemaSet {
  /** Folders to pass as -schema-location (through schemaLocation()). */
  dirs: string[];
  /** What each folder was generated from. */
  sources: string[];
}

/**
 * Generates (or reuses) the schema folders: Kubernetes at `version`, and the Flux CRDs of the
 * pinned controllers. Folders: <cache>/schemas/kubernetes-<version>-<converter>/ and
 * <cache>/schemas/<controller>-<version>-<converter>/.
 */
export async function ensureSchemas(version: string = KUBERNETES_VERSION): Promise<SchemaSet> {
  const root = path.join(cacheRoot(), 'schemas');
  const dirs: string[] = [];
  const sources: string[] = [];
  let swagger: { path: string; swagger: Swagger } | undefined;
  const getSwagger = async (): Promise<{ path: string; swagger: Swagger }> => (swagger ??= await kubernetesSwagger(version));

  const k8sDir = path.join(root, `kubernetes-${version}-${CONVERTER_HASH}`);
  if (!existsSync(path.join(k8sDir, 'stamp.json'))) {
    const s = await getSwagger();
    writeAtomically(k8sDir, convertSwagger(s.swagger), { source: s.path, kubernetes: version });
  }
  dirs.push(k8sDir);
  sources.push(`k8s.io/kubernetes@${version} api/openapi-spec/swagger.json`);

  for (const controller of FLUX_CONTROLLERS) {
    const cv = FLUX_CONTROLLER_VERSIONS[controller];
    const dir = path.join(root, `${controller}-${cv}-${CONVERTER_HASH}`);
    const files = crdFiles(controller); // throws with the build hint when not built
    if (!existsSync(path.join(dir, 'stamp.json'))) {
      const crds: Crd[] = [];
      for (const f of files) for (const doc of parseAllDocuments(readFileSync(f, 'utf8'))) crds.push(doc.toJS() as Crd);
      writeAtomically(dir, convertCrds(crds, (await getSwagger()).swagger), { source: files, controller, version: cv });
    }
    dirs.push(dir);
    sources.push(`${controller}@${cv} CRDs`);
  }
  return { dirs, sources };
}
