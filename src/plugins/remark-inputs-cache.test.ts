import {test} from 'node:test';
import assert from 'node:assert/strict';
import {mkdirSync, mkdtempSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {hashFolders} from './remark-inputs-cache';

function examplesDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'remark-inputs-'));
  mkdirSync(path.join(dir, 'fleet'));
  writeFileSync(path.join(dir, 'fleet', 'apps.yaml'), 'kind: Kustomization\n');
  return dir;
}

test('the hash changes when an example file changes', () => {
  const dir = examplesDir();
  const before = hashFolders([dir]);
  assert.equal(hashFolders([dir]), before, 'same input, same hash');
  writeFileSync(path.join(dir, 'fleet', 'apps.yaml'), 'kind: Kustomization\n# edited\n');
  assert.notEqual(hashFolders([dir]), before);
});

test('the hash changes when a file is renamed, not only when bytes change', () => {
  const dir = examplesDir();
  const before = hashFolders([dir]);
  writeFileSync(path.join(dir, 'fleet', 'other.yaml'), 'kind: Kustomization\n');
  assert.notEqual(hashFolders([dir]), before);
});

test('installs and build output do not count', () => {
  const dir = examplesDir();
  const before = hashFolders([dir]);
  for (const skipped of ['node_modules', 'dist']) {
    mkdirSync(path.join(dir, 'fleet', skipped));
    writeFileSync(path.join(dir, 'fleet', skipped, 'x.js'), 'x');
  }
  assert.equal(hashFolders([dir]), before);
});

test('a change in any of the folders changes the hash', () => {
  const examples = examplesDir();
  const runs = examplesDir();
  const before = hashFolders([examples, runs]);
  writeFileSync(path.join(runs, 'fleet', 'apps.yaml'), 'changed\n');
  assert.notEqual(hashFolders([examples, runs]), before);
});

test('a missing examples folder hashes to a constant instead of failing', () => {
  const missing = path.join(tmpdir(), 'no-such-examples-dir-for-test');
  assert.equal(hashFolders([missing]), hashFolders([missing]));
});
