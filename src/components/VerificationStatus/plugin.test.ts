import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadVerificationData } from './plugin';
import { exampleStatus } from './status';

test('the build plugin reports existence and digests of every example the snapshot names', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'verification-plugin-'));
  try {
    mkdirSync(path.join(dir, 'src', 'data'), { recursive: true });
    mkdirSync(path.join(dir, 'examples', 'fleet'), { recursive: true });
    writeFileSync(path.join(dir, 'examples', 'fleet', 'a.yaml'), 'kind: A\n');
    const base = {
      test: 't', tier: 'static', result: 'passed', kubernetesVersions: [], durationMs: 1,
      date: '2026-11-20T00:00:00.000Z', commit: 'a'.repeat(40), dirty: false, exampleDigest: `sha256:${'0'.repeat(64)}`,
    };
    const report = { schemaVersion: 1, updatedAt: '2026-11-20T00:00:00.000Z', entries: [
      { ...base, example: 'examples/fleet' },
      { ...base, example: 'examples/gone' },
    ] };
    writeFileSync(path.join(dir, 'src', 'data', 'verification-report.json'), JSON.stringify(report));
    const data = loadVerificationData(dir, { maxAgeDays: 10 }, 1234);
    assert.equal(data.builtAt, 1234);
    assert.equal(data.maxAgeDays, 10);
    assert.equal(data.current['examples/fleet'].exists, true);
    assert.match(data.current['examples/fleet'].digest!, /^sha256:[0-9a-f]{64}$/);
    assert.deepEqual(data.current['examples/gone'], { exists: false });
    // The recorded digest differs from the checkout: the pass shows stale.
    const status = exampleStatus(report as never, 'examples/fleet/a.yaml', {
      now: Date.parse('2026-11-21T00:00:00.000Z'), maxAgeDays: 10, current: (p) => data.current[p],
    });
    assert.equal(status.state, 'stale');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the plugin refuses options it does not know, naming them', async () => {
  const { default: plugin } = await import('./plugin');
  const context = { siteDir: '/nonexistent' } as never;
  assert.throws(() => plugin(context, { maxAge: 3 }), /unknown option\(s\) maxAge/);
  assert.throws(() => plugin(context, { maxAgeDays: 'soon' }), /maxAgeDays must be a positive number/);
  assert.equal(plugin(context, { maxAgeDays: 7 }).name, 'verification-status');
  assert.equal(plugin(context).name, 'verification-status');
});

test('the build plugin lists the files of the folders goals name, prose left out', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'verification-plugin-'));
  try {
    mkdirSync(path.join(dir, 'examples', 'x', 'sub', 'node_modules'), { recursive: true });
    for (const f of ['README.md', 'a.yaml', 'sub/b.json', 'sub/node_modules/c.js']) writeFileSync(path.join(dir, 'examples', 'x', f), 'x\n');
    const data = loadVerificationData(dir, {}, 0, ['examples/x', 'examples/missing']);
    assert.deepEqual(data.current['examples/x'].files, ['examples/x/a.yaml', 'examples/x/sub/b.json']);
    assert.equal(data.current['examples/missing'], undefined);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
