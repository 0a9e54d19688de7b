// Unit checks of the pieces the static tier builds on: the OpenAPI → JSON schema converter
// (schemas.ts) and the Flux postBuild substitution preview (flux.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { substitute } from '../../harness/fleet/render.ts';
import type { RenderedObject } from '../../harness/fleet/kustomize.ts';
import { convertCrds, convertSwagger, schemaRelPath, strictify } from '../../harness/checks/schemas.ts';
import { staticSetup } from './setup.ts';
import { validateObjects } from '../../harness/checks/validate.ts';

test('kubeconform paths: core group under v1/, others under their group', () => {
  assert.equal(schemaRelPath('v1', 'ConfigMap'), 'v1/configmap_v1.json');
  assert.equal(schemaRelPath('apps/v1', 'Deployment'), 'apps/deployment_v1.json');
  assert.equal(schemaRelPath('kustomize.toolkit.fluxcd.io/v1', 'Kustomization'), 'kustomize.toolkit.fluxcd.io/kustomization_v1.json');
});

test('strictify closes objects, keeps preserve-unknown-fields open, and widens int-or-string', () => {
  const s = strictify({
    type: 'object',
    description: 'dropped',
    properties: {
      description: { type: 'string' },
      port: { type: 'string', format: 'int-or-string' },
      open: { type: 'object', properties: { a: { type: 'string' } }, 'x-kubernetes-preserve-unknown-fields': true },
    },
  }) as Record<string, unknown>;
  assert.equal(s.additionalProperties, false);
  assert.equal(s.description, undefined, 'descriptions are dropped');
  const props = s.properties as Record<string, Record<string, unknown>>;
  assert.deepEqual(props.description, { type: 'string' }, 'a property named "description" is kept');
  assert.deepEqual(props.port, { oneOf: [{ type: 'string' }, { type: 'integer' }] });
  assert.equal(props.open.additionalProperties, undefined);
});

test('convertSwagger makes standalone schemas with their definitions; Quantity takes numbers too', () => {
  const out = convertSwagger({
    definitions: {
      'io.k8s.apimachinery.pkg.api.resource.Quantity': { type: 'string' },
      'x.Spec': { type: 'object', properties: { cpu: { $ref: '#/definitions/io.k8s.apimachinery.pkg.api.resource.Quantity' } } },
      'x.Thing': { type: 'object', properties: { spec: { $ref: '#/definitions/x.Spec' } }, 'x-kubernetes-group-version-kind': [{ group: 'example.com', version: 'v1', kind: 'Thing' }] },
    },
  });
  const schema = out.get('example.com/thing_v1.json') as { definitions: Record<string, unknown> };
  assert.ok(schema, [...out.keys()].join(', '));
  assert.deepEqual(Object.keys(schema.definitions).sort(), ['io.k8s.apimachinery.pkg.api.resource.Quantity', 'x.Spec']);
  assert.deepEqual(schema.definitions['io.k8s.apimachinery.pkg.api.resource.Quantity'], { oneOf: [{ type: 'string' }, { type: 'number' }] });
});

test('convertCrds keeps served versions only and checks metadata against ObjectMeta', () => {
  const swagger = { definitions: { 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta': { type: 'object', properties: { name: { type: 'string' } } } } };
  const out = convertCrds(
    [
      {
        kind: 'CustomResourceDefinition',
        spec: {
          group: 'example.com',
          names: { kind: 'Widget' },
          versions: [
            { name: 'v1', served: true, schema: { openAPIV3Schema: { type: 'object', properties: { metadata: { type: 'object' }, spec: { type: 'object', properties: { size: { type: 'integer' } } } } } } },
            { name: 'v0', served: false, schema: { openAPIV3Schema: { type: 'object' } } },
          ],
        },
      },
    ],
    swagger,
  );
  assert.deepEqual([...out.keys()], ['example.com/widget_v1.json']);
  const s = out.get('example.com/widget_v1.json') as { properties: Record<string, unknown>; definitions: Record<string, { additionalProperties?: boolean }> };
  assert.deepEqual(s.properties.metadata, { $ref: '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' });
  assert.equal(s.definitions['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta'].additionalProperties, false);
});

const setup = await staticSetup();
const schemaSkip = 'skip' in setup ? setup.skip : setup.schemaSkip;

test('the generated schemas reject a misspelt metadata field on a Flux object and accept numeric quantities', { skip: schemaSkip }, () => {
  if ('skip' in setup || !setup.schemas || !setup.tools.kubeconform) return;
  const ks: RenderedObject = {
    origin: 'inline.yaml',
    context: 'unit',
    obj: { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', metadata: { name: 'x', namespace: 'flux-system', lables: { a: 'b' } } as never, spec: { interval: '1m', prune: true, sourceRef: { kind: 'GitRepository', name: 'x' } } },
  };
  const cm: RenderedObject = {
    origin: 'inline.yaml',
    context: 'unit',
    obj: { apiVersion: 'v1', kind: 'LimitRange', metadata: { name: 'l' }, spec: { limits: [{ type: 'Container', default: { cpu: 1, memory: '64Mi' } }] } },
  };
  const r = validateObjects([ks, cm], setup.schemas, setup.tools.kubeconform);
  assert.equal(r.validated, 1);
  assert.equal(r.findings.length, 1);
  assert.match(r.findings[0].message, /\/metadata: additional properties 'lables' not allowed/);
});

test('substitute: ${var}, defaults, escapes, and what it reports', () => {
  const vars = { name: 'eu', empty: '' };
  assert.deepEqual(substitute('a: ${name}', vars), { text: 'a: eu', missing: [], unsupported: [] });
  assert.equal(substitute('a: ${nope:=x} ${empty:=y} ${empty=z} ${nope-w}', vars).text, 'a: x y  w');
  assert.equal(substitute('a: $${name}', vars).text, 'a: ${name}');
  assert.deepEqual(substitute('a: ${nope}', vars), { text: 'a: ', missing: ['nope'], unsupported: [] });
  assert.deepEqual(substitute('a: ${name/e/E}', vars).unsupported, ['${name/e/E}']);
});
