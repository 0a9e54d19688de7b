// Diffing two rendered clusters field by field, and judging the differences against an
// allow-list (promotion-allowlist.ts).
import { objectId, type K8sObject, type RenderedObject } from '../fleet/kustomize.ts';
import type { AllowedDifference } from './promotion-allowlist.ts';

export interface Difference {
  object: string;
  path: string;
  a: string | undefined;
  b: string | undefined;
}

/** kustomize appends a content hash to generated ConfigMap/Secret names: "-" + 10 of these characters. */
const HASH_SUFFIX = /-[bcdfghkmntz2456789]{10}$/;

/** Objects keyed by id, with generator hash suffixes removed everywhere (names and references). */
export function normalize(objects: RenderedObject[]): Map<string, K8sObject> {
  const renames = new Map<string, string>();
  for (const r of objects) {
    const name = r.obj.metadata?.name;
    if ((r.obj.kind === 'ConfigMap' || r.obj.kind === 'Secret') && name && HASH_SUFFIX.test(name)) renames.set(name, name.replace(HASH_SUFFIX, ''));
  }
  const out = new Map<string, K8sObject>();
  for (const r of objects) {
    const obj = JSON.parse(JSON.stringify(r.obj), (_k, v: unknown) => (typeof v === 'string' && renames.has(v) ? renames.get(v) : v)) as K8sObject;
    out.set(objectId(obj), obj);
  }
  return out;
}

function key(k: string): string {
  return /^[A-Za-z_][A-Za-z0-9_-]*$/.test(k) ? `.${k}` : `[${JSON.stringify(k)}]`;
}

/** A JSON object or array held in a string (e.g. a ConfigMap's config.json), or undefined. */
function jsonIn(v: unknown): unknown {
  if (typeof v !== 'string' || !/^\s*[[{][\s\S]*[\]}]\s*$/.test(v)) return undefined;
  try {
    return JSON.parse(v) as unknown;
  } catch {
    return undefined;
  }
}

/** Leaf values by path. Lists of named items are keyed by name; JSON held in strings is opened. */
export function flatten(value: unknown, prefix = '', out = new Map<string, string>()): Map<string, string> {
  if (Array.isArray(value)) {
    const named = value.every((v) => typeof v === 'object' && v !== null && typeof (v as { name?: unknown }).name === 'string');
    value.forEach((v, i) => flatten(v, `${prefix}[${named ? (v as { name: string }).name : i}]`, out));
    if (value.length === 0) out.set(prefix, '[]');
  } else if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value);
    if (entries.length === 0) out.set(prefix, '{}');
    for (const [k, v] of entries) {
      const json = jsonIn(v);
      if (json !== undefined) flatten(json, `${prefix}.(${JSON.stringify(k)})`, out);
      else flatten(v, `${prefix}${key(k)}`, out);
    }
  } else {
    out.set(prefix, JSON.stringify(value));
  }
  return out;
}

/** Every field that differs between two renders. */
export function diffRenders(a: RenderedObject[], b: RenderedObject[]): Difference[] {
  const na = normalize(a);
  const nb = normalize(b);
  const diffs: Difference[] = [];
  for (const id of [...new Set([...na.keys(), ...nb.keys()])].sort()) {
    const fa = na.has(id) ? flatten(na.get(id)) : new Map<string, string>();
    const fb = nb.has(id) ? flatten(nb.get(id)) : new Map<string, string>();
    if (!na.has(id) || !nb.has(id)) {
      diffs.push({ object: id, path: '(whole object)', a: na.has(id) ? 'present' : undefined, b: nb.has(id) ? 'present' : undefined });
      continue;
    }
    for (const p of [...new Set([...fa.keys(), ...fb.keys()])].sort()) {
      if (fa.get(p) !== fb.get(p)) diffs.push({ object: id, path: p.replace(/^\./, ''), a: fa.get(p), b: fb.get(p) });
    }
  }
  return diffs;
}

function globToRegExp(glob: string): RegExp {
  return new RegExp(`^${glob.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
}

export function isAllowed(d: Difference, allowed: readonly AllowedDifference[]): AllowedDifference | undefined {
  return allowed.find((x) => x.object === d.object && globToRegExp(x.path).test(d.path));
}

export function formatDiff(d: Difference, a: string, b: string): string {
  return `  ${d.object} ${d.path}\n    - ${a}: ${d.a ?? '(absent)'}\n    + ${b}: ${d.b ?? '(absent)'}`;
}
