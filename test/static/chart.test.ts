// examples/fleet/charts/baseline: no Helm CLI is in the toolchain, so helm-controller renders
// this chart on the live tier. What can be checked offline is checked here: the chart's
// metadata, that every value its templates read is declared in values.schema.json (which Helm
// itself enforces at install), and that the HelmRelease's values satisfy that schema.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import type { K8sObject } from '../../harness/fleet/kustomize.ts';
import { EXAMPLES_DIR } from '../../harness/fleet/tree.ts';

const FLEET = path.join(EXAMPLES_DIR, 'fleet');
const CHART = path.join(FLEET, 'charts', 'baseline');

interface JsonSchema {
  type?: string;
  required?: string[];
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  additionalProperties?: boolean;
  pattern?: string;
}

/** The subset of JSON Schema values.schema.json uses: type, required, properties, items, additionalProperties, pattern. */
export function validate(value: unknown, schema: JsonSchema, at = 'values'): string[] {
  const errors: string[] = [];
  const type = Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value;
  if (schema.type && schema.type !== type) return [`${at}: is ${type}, want ${schema.type}`];
  if (schema.pattern && typeof value === 'string' && !new RegExp(schema.pattern).test(value)) errors.push(`${at}: ${value} does not match ${schema.pattern}`);
  if (type === 'object') {
    const obj = value as Record<string, unknown>;
    for (const r of schema.required ?? []) if (!(r in obj)) errors.push(`${at}.${r}: required`);
    for (const [k, v] of Object.entries(obj)) {
      const sub = schema.properties?.[k];
      if (sub) errors.push(...validate(v, sub, `${at}.${k}`));
      else if (schema.additionalProperties === false) errors.push(`${at}.${k}: not allowed`);
    }
  }
  if (type === 'array' && schema.items) (value as unknown[]).forEach((v, i) => errors.push(...validate(v, schema.items!, `${at}[${i}]`)));
  return errors;
}

const schema = JSON.parse(readFileSync(path.join(CHART, 'values.schema.json'), 'utf8')) as JsonSchema;

test('Chart.yaml is a Helm v2 application chart with a semantic version', () => {
  const chart = parse(readFileSync(path.join(CHART, 'Chart.yaml'), 'utf8')) as Record<string, string>;
  assert.equal(chart.apiVersion, 'v2');
  assert.equal(chart.name, 'baseline');
  assert.match(chart.version, /^\d+\.\d+\.\d+$/);
});

test('every value the templates read is declared in values.schema.json', () => {
  const tenant = schema.properties!.tenants.items!;
  let reads = 0;
  for (const f of readdirSync(path.join(CHART, 'templates'))) {
    const text = readFileSync(path.join(CHART, 'templates', f), 'utf8');
    for (const m of text.matchAll(/\.Values\.([A-Za-z]+)/g)) assert.ok(schema.properties![m[1]], `${f}: .Values.${m[1]} is not in values.schema.json`);
    // Inside `range .Values.tenants`, fields are read as .quota.x and .defaults.x
    for (const m of text.matchAll(/\{\{[^}]*?\s\.(quota|defaults)\.([A-Za-z]+)/g)) {
      assert.ok(tenant.properties![m[1]].properties![m[2]], `${f}: .${m[1]}.${m[2]} is not in values.schema.json`);
      reads++;
    }
  }
  assert.ok(reads >= 9, `expected the templates to read every quota and default field, found ${reads} reads`);
});

test("the chart's default values and the HelmRelease's values satisfy values.schema.json", () => {
  const defaults = parse(readFileSync(path.join(CHART, 'values.yaml'), 'utf8')) as unknown;
  assert.deepEqual(validate(defaults, schema), []);
  const hr = parse(readFileSync(path.join(FLEET, 'infrastructure', 'controllers', 'tenant-baseline.yaml'), 'utf8')) as K8sObject;
  const values = (hr.spec as { values: unknown }).values;
  assert.deepEqual(validate(values, schema), []);
  assert.deepEqual(validate({ tenants: [{ namespace: 'Bad_Name', quota: {} }] }, schema).length > 0, true, 'the validator rejects bad values');
});
