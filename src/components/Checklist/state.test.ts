import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  buildShareUrl,
  mergeInitialState,
  normalize,
  parseShareParam,
  parseStored,
  progress,
  serializeStored,
  storageKey,
  stripShareParam,
  toggle,
} from './state';

const ids = ['liveness', 'readiness', 'requests-limits', 'pdb'] as const;

test('storageKey is namespaced per checklist and versioned', () => {
  assert.equal(storageKey('application'), 'gitops-field-guide:checklist:application:v1');
  assert.notEqual(storageKey('application'), storageKey('cluster'));
  assert.throws(() => storageKey('Bad Id'), /Bad Id/);
});

test('normalize keeps checklist order, drops unknown ids and duplicates', () => {
  assert.deepEqual(normalize(['pdb', 'nope', 'liveness', 'pdb', ' readiness '], ids), ['liveness', 'readiness', 'pdb']);
  assert.deepEqual(normalize([], ids), []);
});

test('parseShareParam: no parameter means no shared state', () => {
  assert.equal(parseShareParam('', ids), null);
  assert.equal(parseShareParam('?other=1', ids), null);
});

test('parseShareParam: an empty parameter means "nothing ticked"', () => {
  assert.deepEqual(parseShareParam('?done=', ids), []);
  assert.deepEqual(parseShareParam('done=', ids), []);
});

test('parseShareParam reads comma lists, encoded commas and repeated parameters', () => {
  assert.deepEqual(parseShareParam('?done=readiness,liveness', ids), ['liveness', 'readiness']);
  assert.deepEqual(parseShareParam('?done=readiness%2Cpdb', ids), ['readiness', 'pdb']);
  assert.deepEqual(parseShareParam('?done=pdb&done=liveness', ids), ['liveness', 'pdb']);
  assert.deepEqual(parseShareParam('?done=,,unknown,pdb,', ids), ['pdb']);
});

test('buildShareUrl writes ids in checklist order and keeps other parameters and the hash', () => {
  const url = buildShareUrl('https://example.org/docs/check/app?x=1#probes', ['pdb', 'liveness', 'ghost'], ids);
  assert.equal(url, 'https://example.org/docs/check/app?x=1&done=liveness,pdb#probes');
});

test('buildShareUrl replaces an existing done parameter and can express "nothing ticked"', () => {
  const url = buildShareUrl('https://example.org/c?done=readiness', [], ids);
  assert.equal(url, 'https://example.org/c?done=');
  assert.deepEqual(parseShareParam(new URL(url).search, ids), []);
});

test('share link round-trips through parseShareParam', () => {
  const state = ['readiness', 'requests-limits'];
  const url = new URL(buildShareUrl('https://example.org/c', state, ids));
  assert.deepEqual(parseShareParam(url.search, ids), state);
});

test('stripShareParam removes only the done parameter', () => {
  assert.equal(stripShareParam('https://example.org/c?a=1&done=pdb#h'), 'https://example.org/c?a=1#h');
  assert.equal(stripShareParam('https://example.org/c?done=pdb'), 'https://example.org/c');
});

test('stored state round-trips and tolerates garbage', () => {
  assert.deepEqual(parseStored(serializeStored(['pdb', 'liveness'], ids), ids), ['liveness', 'pdb']);
  assert.deepEqual(parseStored(null, ids), []);
  assert.deepEqual(parseStored('', ids), []);
  assert.deepEqual(parseStored('{not json', ids), []);
  assert.deepEqual(parseStored('{"a":1}', ids), []);
  assert.deepEqual(parseStored('["pdb", 3, null, "gone"]', ids), ['pdb']);
});

test('mergeInitialState: a share link wins over storage, even when it is empty', () => {
  assert.deepEqual(mergeInitialState(['liveness'], ['pdb'], ids), { done: ['pdb'], source: 'link' });
  assert.deepEqual(mergeInitialState(['liveness'], [], ids), { done: [], source: 'link' });
});

test('mergeInitialState: without a link, storage is used (filtered to known ids)', () => {
  assert.deepEqual(mergeInitialState(['pdb', 'old-item', 'liveness'], null, ids), {
    done: ['liveness', 'pdb'],
    source: 'storage',
  });
});

test('toggle ticks and unticks, keeping checklist order', () => {
  const once = toggle(['pdb'], 'liveness', ids);
  assert.deepEqual(once, ['liveness', 'pdb']);
  assert.deepEqual(toggle(once, 'pdb', ids), ['liveness']);
});

test('progress counts only known ids', () => {
  assert.deepEqual(progress(['pdb', 'ghost'], ids), { done: 1, total: 4 });
});
