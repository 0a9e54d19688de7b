import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyOrder, parseManifests } from './apply';
import { toEventLines, formatEventLines } from './events';
import { waitUntil, WaitTimeoutError } from './wait';
import type { KubeObject } from './kube';

test('parses multi-document YAML, skipping empty documents and expanding Lists', () => {
  const text = [
    '# leading comment',
    '---',
    'apiVersion: v1',
    'kind: Namespace',
    'metadata: {name: a}',
    '---',
    '---',
    'apiVersion: v1',
    'kind: List',
    'metadata: {name: ignored}',
    'items:',
    '  - {apiVersion: v1, kind: ConfigMap, metadata: {name: b, namespace: a}}',
  ].join('\n');
  const objects = parseManifests(text, 'x.yaml');
  assert.deepEqual(objects.map((o) => `${o.kind}/${o.metadata.name}`), ['Namespace/a', 'ConfigMap/b']);
});

test('a document that is not an object names the file, document and line', () => {
  assert.throws(() => parseManifests('apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n---\njust: text\n', 'bad.yaml'), /bad\.yaml \(document 2, line 5\): not a Kubernetes object/);
  assert.throws(() => parseManifests('a: [unclosed\n', 'broken.yaml'), /broken\.yaml \(document 1/);
});

test('CRDs apply before Namespaces, Namespaces before everything else', () => {
  const kinds = ['Deployment', 'Namespace', 'CustomResourceDefinition', 'ConfigMap'];
  const sorted = [...kinds].sort((a, b) => applyOrder({ kind: a }) - applyOrder({ kind: b }));
  assert.deepEqual(sorted, ['CustomResourceDefinition', 'Namespace', 'Deployment', 'ConfigMap']);
});

test('events are sorted by their best timestamp and can be filtered by object', () => {
  const ev = (name: string, time: Record<string, string>, kind = 'Kustomization'): KubeObject => ({
    apiVersion: 'v1', kind: 'Event', metadata: { name }, involvedObject: { kind, name: 'apps' },
    type: 'Normal', reason: name, message: `${name} happened`, ...time,
  });
  const lines = toEventLines([
    ev('third', { lastTimestamp: '2026-01-01T00:00:03Z' }),
    ev('first', { eventTime: '2026-01-01T00:00:01.000000Z' }),
    ev('second', { lastTimestamp: '2026-01-01T00:00:02Z' }, 'HelmRelease'),
  ]);
  assert.deepEqual(lines.map((l) => l.reason), ['first', 'second', 'third']);
  assert.deepEqual(toEventLines([ev('x', { lastTimestamp: '1' }), ev('y', { lastTimestamp: '2' }, 'Pod')], { kind: 'Pod', name: 'apps' }).map((l) => l.reason), ['y']);
  assert.match(formatEventLines(lines), /Normal first Kustomization\/apps: first happened/);
});

test('waitUntil returns the value once done, and times out with the last state and explanation', async () => {
  let calls = 0;
  const value = await waitUntil('three calls', async () => ({ done: ++calls === 3, detail: `call ${calls}`, value: calls }), { intervalMs: 1 });
  assert.equal(value, 3);
  await assert.rejects(
    waitUntil('never', async () => ({ done: false, detail: 'still no' }), { timeoutMs: 20, intervalMs: 5, explain: async () => 'EXTRA' }),
    (error: unknown) => error instanceof WaitTimeoutError && /waiting for never\n {2}last state: still no\nEXTRA/.test(error.message),
  );
  await assert.rejects(
    waitUntil('throwing probe', async () => { throw new Error('boom'); }, { timeoutMs: 10, intervalMs: 5 }),
    /last state: probe failed: boom/,
  );
});

test('a probe that reports fail ends the wait at once', async () => {
  const started = Date.now();
  await assert.rejects(
    waitUntil('stalled thing', async () => ({ done: false, detail: 'Ready=False', fail: 'it stalled' }), { timeoutMs: 60_000, intervalMs: 5 }),
    /gave up after 0s waiting for stalled thing: it stalled/,
  );
  assert.ok(Date.now() - started < 1000);
});
