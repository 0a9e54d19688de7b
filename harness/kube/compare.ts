// "Everything Git says is in the cluster": a built manifest must be a subset of the live object.
// The API server adds defaults and status, so extra fields on the live side are fine; a missing
// or different field is a mismatch, reported with its path.
import type { KubeObject } from './kube';

/** Paths where `expected` is not contained in `actual` ("spec.replicas: want 3, got 1"). */
export function subsetMismatches(expected: unknown, actual: unknown, path = ''): string[] {
  if (expected === null || typeof expected !== 'object') {
    return sameScalar(expected, actual) ? [] : [`${path || '(root)'}: want ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`];
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return [`${path}: want a list, got ${JSON.stringify(actual)}`];
    if (actual.length !== expected.length) return [`${path}: want ${expected.length} items, got ${actual.length}`];
    return expected.flatMap((item, i) => subsetMismatches(item, actual[i], `${path}[${i}]`));
  }
  if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) {
    return [`${path}: want an object, got ${JSON.stringify(actual)}`];
  }
  return Object.entries(expected as Record<string, unknown>).flatMap(([key, value]) =>
    subsetMismatches(value, (actual as Record<string, unknown>)[key], path ? `${path}.${key}` : key),
  );
}

/** Scalars compare as text so that 20 and "20" (YAML vs. API quantity) are the same value. */
function sameScalar(expected: unknown, actual: unknown): boolean {
  if (expected === actual) return true;
  if (expected === undefined || actual === undefined || expected === null || actual === null) return false;
  return String(expected) === String(actual);
}

/** The parts of a manifest that Git owns: labels, annotations, spec, data (not status). */
export function desiredState(obj: KubeObject): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const meta: Record<string, unknown> = {};
  if (obj.metadata.labels) meta.labels = obj.metadata.labels;
  if (obj.metadata.annotations) meta.annotations = obj.metadata.annotations;
  if (Object.keys(meta).length) out.metadata = meta;
  for (const key of Object.keys(obj)) {
    if (!['apiVersion', 'kind', 'metadata', 'status'].includes(key)) out[key] = obj[key];
  }
  return out;
}
