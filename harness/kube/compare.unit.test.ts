import assert from 'node:assert/strict';
import { test } from 'node:test';
import { desiredState, subsetMismatches } from './compare';

test('a live object with extra defaults still contains the manifest', () => {
  const want = { spec: { replicas: 2, template: { spec: { containers: [{ name: 'a', image: 'x:1' }] } } } };
  const live = { spec: { replicas: 2, progressDeadlineSeconds: 600, template: { spec: { containers: [{ name: 'a', image: 'x:1', imagePullPolicy: 'IfNotPresent' }] } } } };
  assert.deepEqual(subsetMismatches(want, live), []);
});

test('mismatches name the path and both values', () => {
  assert.deepEqual(subsetMismatches({ spec: { replicas: 3 } }, { spec: { replicas: 1 } }), ['spec.replicas: want 3, got 1']);
  assert.deepEqual(subsetMismatches({ a: [1, 2] }, { a: [1] }), ['a: want 2 items, got 1']);
  assert.deepEqual(subsetMismatches({ a: { b: 1 } }, { a: 'x' }), ['a: want an object, got "x"']);
  assert.deepEqual(subsetMismatches({ a: 1 }, {}), ['a: want 1, got undefined']);
});

test('"20" and 20 are the same quantity', () => {
  assert.deepEqual(subsetMismatches({ hard: { pods: '20' } }, { hard: { pods: 20 } }), []);
});

test('desired state keeps labels, annotations, spec and data, drops status and identity', () => {
  const obj = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', labels: { a: 'b' } }, data: { k: 'v' }, status: { s: 1 } };
  assert.deepEqual(desiredState(obj), { metadata: { labels: { a: 'b' } }, data: { k: 'v' } });
});
