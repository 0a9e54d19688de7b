// Schema validation of rendered objects: kubeconform -strict against the schemas generated
// by schemas.ts, never a URL. Kinds whose schema cannot be had offline are skipped by name,
// each with its reason, and every skip is reported.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { objectId, type K8sObject, type RenderedObject } from '../fleet/kustomize.ts';
import { schemaLocation, type SchemaSet } from './schemas.ts';
import { display } from '../fleet/tree.ts';
import { locateObject } from '../fleet/yaml.ts';
import type { Finding } from '../fleet/findings.ts';

/** API groups validated nowhere offline, and why. */
export const SKIPPED_GROUPS: ReadonlyArray<{ group: string; reason: string }> = [
  {
    group: 'monitoring.coreos.com',
    reason: 'prometheus-operator CRDs (ServiceMonitor, PrometheusRule) come with kube-prometheus-stack, which only the kind tier installs',
  },
  { group: 'cert-manager.io', reason: 'cert-manager CRDs come with its Helm chart, which needs the internet; the kind tier installs it' },
  { group: 'acme.cert-manager.io', reason: 'cert-manager CRDs come with its Helm chart, which needs the internet; the kind tier installs it' },
  { group: 'external-secrets.io', reason: 'external-secrets CRDs come with its Helm chart, which needs the internet; the kind tier installs it' },
  { group: 'generators.external-secrets.io', reason: 'external-secrets CRDs come with its Helm chart, which needs the internet; the kind tier installs it' },
  { group: 'postgresql.cnpg.io', reason: 'CloudNativePG CRDs come with its Helm chart, which needs the internet; the kind tier installs it' },
  { group: 'kafka.strimzi.io', reason: 'Strimzi CRDs come with its Helm chart, which needs the internet; the kind tier installs it' },
  { group: 'pkg.crossplane.io', reason: 'Crossplane CRDs come with its Helm chart, which needs the internet; the kind tier installs it' },
  { group: 'apiextensions.crossplane.io', reason: 'Crossplane CRDs come with its Helm chart, which needs the internet; the kind tier installs it' },
];

export function skipReason(obj: K8sObject): string | undefined {
  const group = obj.apiVersion.includes('/') ? obj.apiVersion.split('/')[0] : '';
  return SKIPPED_GROUPS.find((s) => s.group === group)?.reason;
}

/** The API server treats `field: null` as an unset field; so does validation. */
export function dropNulls(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(dropNulls);
  if (typeof v !== 'object' || v === null) return v;
  return Object.fromEntries(
    Object.entries(v)
      .filter(([, x]) => x !== null)
      .map(([k, x]) => [k, dropNulls(x)]),
  );
}

export interface ValidationResult {
  findings: Finding[];
  validated: number;
  skipped: Array<{ object: string; file: string; reason: string }>;
}

interface KubeconformOutput {
  resources?: Array<{
    filename: string;
    kind: string;
    name: string;
    version: string;
    status: 'statusValid' | 'statusInvalid' | 'statusError' | 'statusSkipped' | 'statusEmpty';
    msg: string;
    validationErrors?: Array<{ path: string; msg: string }>;
  }>;
}

/** Validates objects with kubeconform; one finding per invalid object, naming its source file. */
export function validateObjects(objects: RenderedObject[], schemas: SchemaSet, kubeconform: string): ValidationResult {
  const result: ValidationResult = { findings: [], validated: 0, skipped: [] };
  const dir = mkdtempSync(path.join(tmpdir(), 'static-kubeconform-'));
  const byFile = new Map<string, RenderedObject>();
  try {
    objects.forEach((r, i) => {
      const reason = skipReason(r.obj);
      if (reason) {
        result.skipped.push({ object: objectId(r.obj), file: display(r.origin), reason });
        return;
      }
      const file = path.join(dir, `${String(i).padStart(5, '0')}.yaml`);
      writeFileSync(file, stringify(dropNulls(r.obj)));
      byFile.set(file, r);
    });
    if (byFile.size === 0) return result;
    const args = ['-strict', '-output', 'json', '-verbose', '-kubernetes-version', 'master'];
    for (const d of schemas.dirs) args.push('-schema-location', schemaLocation(d));
    args.push(dir);
    const res = spawnSync(kubeconform, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
    if (res.error) throw new Error(`cannot run ${kubeconform}: ${res.error.message}`);
    let out: KubeconformOutput;
    try {
      out = JSON.parse(res.stdout) as KubeconformOutput;
    } catch {
      throw new Error(`kubeconform exited ${res.status} without JSON output: ${res.stderr || res.stdout}`);
    }
    for (const r of out.resources ?? []) {
      const src = byFile.get(r.filename);
      if (!src) throw new Error(`kubeconform reported an unknown file ${r.filename}`);
      if (r.status === 'statusValid') {
        result.validated++;
        continue;
      }
      const reasons = leafErrors(r.msg) ?? r.validationErrors?.map((e) => `${e.path || '/'}: ${e.msg}`).join('; ') ?? r.msg;
      result.findings.push({
        check: 'schema',
        file: display(src.origin),
        line: locateObject(src.origin, src.obj.kind, src.obj.metadata?.name),
        object: objectId(src.obj),
        rule: r.status === 'statusInvalid' ? 'invalid' : 'error',
        message: `${src.obj.apiVersion} ${src.obj.kind} does not validate (${src.context}): ${reasons}`,
      });
    }
    return result;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * kubeconform lists only the first level of causes ("/spec: validation failed"); its message
 * has every leaf ("- at '/spec/…': reason"), so that is what a finding shows.
 */
export function leafErrors(msg: string): string | undefined {
  const parts = msg.split(" - at '").slice(1);
  if (parts.length === 0) return undefined;
  return parts
    .map((p) => {
      const i = p.indexOf("': ");
      return i < 0 ? p : `${p.slice(0, i) || '/'}: ${p.slice(i + 3)}`;
    })
    .join('; ');
}
