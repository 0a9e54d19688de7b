import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  combineStates,
  covers,
  exampleStatus,
  goalRows,
  matchingEntries,
  staleReasons,
  type CurrentExample,
  type StatusOptions,
  type VerificationEntry,
  type VerificationReport,
} from './status';

const C1 = 'a'.repeat(40);
const C2 = 'b'.repeat(40);
const D1 = `sha256:${'1'.repeat(64)}`;
const D2 = `sha256:${'2'.repeat(64)}`;
const NOW = Date.parse('2026-11-25T12:00:00.000Z');

function entry(overrides: Partial<VerificationEntry> = {}): VerificationEntry {
  return {
    example: 'examples/fleet/clusters/staging',
    test: 'bootstrap.test.ts: staging becomes Ready',
    tier: 'local',
    result: 'passed',
    kubernetesVersions: ['v1.36.3'],
    fluxVersion: 'v2.9.5',
    durationMs: 1000,
    date: '2026-11-20T10:00:00.000Z',
    commit: C1,
    dirty: false,
    exampleDigest: D1,
    exampleCommit: C1,
    ...overrides,
  };
}

function report(...entries: VerificationEntry[]): VerificationReport {
  return { schemaVersion: 1, updatedAt: '2026-11-20T10:00:00.000Z', entries };
}

function options(current: Record<string, CurrentExample> = {}, extra: Partial<StatusOptions> = {}): StatusOptions {
  return {
    now: NOW,
    maxAgeDays: 30,
    current: (p) => current[p] ?? { exists: true, digest: D1, lastCommit: C1 },
    ...extra,
  };
}

test('covers: a folder result covers the files inside it, not its siblings', () => {
  assert.ok(covers('examples/fleet', 'examples/fleet/clusters/a.yaml'));
  assert.ok(covers('examples/fleet', 'examples/fleet'));
  assert.ok(!covers('examples/fleet', 'examples/fleet-two/a.yaml'));
  assert.ok(!covers('examples/fleet/apps', 'examples/fleet'));
  const r = report(entry({ example: 'examples/fleet' }), entry({ example: 'examples/fleet/apps' }));
  assert.equal(matchingEntries(r, 'examples/fleet/clusters/x.yaml').length, 1);
  assert.equal(matchingEntries(r, 'examples/fleet/apps/deployment.yaml').length, 2);
  assert.equal(matchingEntries(r, 'examples/fleet/').length, 1);
});

test('results for paths inside a folder do not verify the folder', () => {
  const r = report(entry({ example: 'examples/fleet/clusters/staging' }));
  const s = exampleStatus(r, 'examples/fleet', options());
  assert.equal(s.state, 'not-verified');
  assert.match(s.detail, /1 path inside it has results, but none covers all of it/);
});

test('a fresh pass is "verified", with tiers, versions, date and commit', () => {
  const r = report(entry(), entry({ tier: 'kind', kubernetesVersions: ['v1.35.8'], date: '2026-11-21T00:00:00.000Z', commit: C2 }));
  const s = exampleStatus(r, 'examples/fleet/clusters/staging/apps.yaml', options());
  assert.equal(s.state, 'passed');
  assert.equal(s.label, 'verified');
  assert.deepEqual(s.tiers, ['local', 'kind']);
  assert.deepEqual(s.kubernetesVersions, ['v1.35.8', 'v1.36.3']);
  assert.equal(s.latest?.commit, C2);
});

test('no entry at all is "not yet verified", never passing', () => {
  const s = exampleStatus(report(), 'examples/fleet/apps/base/deployment.yaml', options());
  assert.equal(s.state, 'not-verified');
  assert.equal(s.label, 'not yet verified');
  assert.equal(s.latest, undefined);
});

test('skips never count: only-skipped is "not yet verified" with the reason', () => {
  const s = exampleStatus(report(entry({ result: 'skipped', reason: 'docker info failed', kubernetesVersions: [] })), 'examples/fleet/clusters/staging', options());
  assert.equal(s.state, 'not-verified');
  assert.match(s.detail, /docker info failed/);
});

test('a changed example makes its pass stale (digest first, then last commit)', () => {
  const changed = options({ 'examples/fleet/clusters/staging': { exists: true, digest: D2, lastCommit: C1 } });
  const s = exampleStatus(report(entry()), 'examples/fleet/clusters/staging', changed);
  assert.equal(s.state, 'stale');
  assert.match(s.detail, /changed after it was verified/);

  // Without digests on one side, the last commit decides.
  const byCommit = options({ 'examples/fleet/clusters/staging': { exists: true, lastCommit: C2 } });
  assert.equal(exampleStatus(report(entry()), 'examples/fleet/clusters/staging', byCommit).state, 'stale');
  const sameCommit = options({ 'examples/fleet/clusters/staging': { exists: true, lastCommit: C1 } });
  assert.equal(exampleStatus(report(entry()), 'examples/fleet/clusters/staging', sameCommit).state, 'passed');
});

test('old results are stale after maxAgeDays', () => {
  const old = entry({ date: '2026-10-01T00:00:00.000Z' });
  assert.deepEqual(staleReasons(entry(), options()), []);
  assert.match(staleReasons(old, options()).join(), /verified 55 days ago \(more than 30\)/);
  assert.equal(exampleStatus(report(old), 'examples/fleet/clusters/staging', options()).state, 'stale');
  assert.equal(exampleStatus(report(old), 'examples/fleet/clusters/staging', options({}, { maxAgeDays: 60 })).state, 'passed');
});

test('when the build could not check the file, a pass is stale, not verified', () => {
  const unknown: StatusOptions = { now: NOW, maxAgeDays: 30, current: () => undefined };
  const s = exampleStatus(report(entry()), 'examples/fleet/clusters/staging', unknown);
  assert.equal(s.state, 'stale');
  assert.match(s.detail, /could not compare/);
  const gone = options({ 'examples/fleet/clusters/staging': { exists: false } });
  assert.match(exampleStatus(report(entry()), 'examples/fleet/clusters/staging', gone).detail, /no longer exists/);
});

test('a fresh failure wins over passes; a stale failure does not hide a fresh pass', () => {
  const freshFail = entry({ tier: 'kind', result: 'failed', reason: 'timeout', kubernetesVersions: ['v1.34.11'] });
  const s = exampleStatus(report(entry(), freshFail), 'examples/fleet/clusters/staging', options());
  assert.equal(s.state, 'failed');
  assert.deepEqual(s.tiers, ['kind']);
  assert.match(s.detail, /1 test failed/);

  const oldFail = entry({ tier: 'kind', result: 'failed', date: '2026-09-01T00:00:00.000Z' });
  const t = exampleStatus(report(entry(), oldFail), 'examples/fleet/clusters/staging', options());
  assert.equal(t.state, 'passed');
  assert.match(t.detail, /1 older result no longer count/);
});

test('goal rows: every example must pass for the goal to pass', () => {
  assert.equal(combineStates(['passed', 'passed']), 'passed');
  assert.equal(combineStates(['passed', 'stale']), 'stale');
  assert.equal(combineStates(['passed', 'not-verified', 'stale']), 'not-verified');
  assert.equal(combineStates(['passed', 'failed', 'not-verified']), 'failed');
  const r = report(entry({ example: 'examples/fleet/clusters' }), entry({ example: 'examples/fleet/apps/base' }));
  const rows = goalRows(
    [
      { id: 'ideas', text: 'ideas only', examples: [] },
      { id: 'fleet', text: 'fleet', examples: ['examples/fleet/clusters'] },
      { id: 'two', text: 'two', examples: ['examples/fleet/clusters', 'examples/promotion/multi-repo'] },
      { id: 'partial', text: 'partial', examples: ['examples/fleet/apps'] },
    ],
    r,
    options(),
  );
  assert.deepEqual(rows.map((row) => row.state), ['no-examples', 'passed', 'not-verified', 'not-verified']);
});

test('a folder no result covers whole is judged by its files: verified only when every file is', () => {
  const folder = 'examples/promotion/multi-repo';
  const files = [`${folder}/staging/demo-app.yaml`, `${folder}/production/demo-app.yaml`];
  const current = { [folder]: { exists: true, digest: D1, files } };
  const older = entry({ example: files[0], tier: 'static', kubernetesVersions: [], date: '2026-11-19T10:00:00.000Z' });
  const newer = entry({ example: files[1], date: '2026-11-21T10:00:00.000Z' });

  const both = exampleStatus(report(older, newer), folder, options(current));
  assert.equal(both.state, 'passed');
  assert.match(both.detail, /each of its 2 files/);
  assert.deepEqual(both.tiers, ['static', 'local']);
  assert.equal(both.latest?.date, older.date, 'the date shown is the one every file has been verified since');

  const one = exampleStatus(report(newer), folder, options(current));
  assert.equal(one.state, 'not-verified');
  assert.match(one.detail, /1 of its 2 files have no result yet: staging\/demo-app\.yaml/);

  const failing = exampleStatus(report(older, { ...newer, result: 'failed' }), folder, options(current));
  assert.equal(failing.state, 'failed');
  assert.match(failing.detail, /failing in production\/demo-app\.yaml/);

  // A fresh result for the folder itself still decides; no file list, no aggregation.
  assert.equal(exampleStatus(report(entry({ example: folder, result: 'failed' }), older, newer), folder, options(current)).state, 'failed');
  assert.equal(exampleStatus(report(older, newer), folder, options()).state, 'not-verified');
});
