import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { exampleDigest } from '../../contracts/report/digest';
import { emptyReport, mergeIntoSnapshot, newestPerKey, serialiseReport, validateReport } from '../../contracts/report/merge';
import { readRunReport, recordSkip, verify } from './record';
import { entryKey, type VerificationEntry, type VerificationReport } from '../../contracts/report/schema';

const C1 = 'a'.repeat(40);
const C2 = 'b'.repeat(40);
const D1 = `sha256:${'1'.repeat(64)}`;
const D2 = `sha256:${'2'.repeat(64)}`;

function entry(overrides: Partial<VerificationEntry> = {}): VerificationEntry {
  return {
    example: 'examples/fleet/clusters/staging',
    test: 'bootstrap.test.ts: staging becomes Ready',
    tier: 'local',
    result: 'passed',
    kubernetesVersions: ['v1.36.3'],
    fluxVersion: 'v2.9.5',
    durationMs: 1200,
    date: '2026-11-20T10:00:00.000Z',
    commit: C1,
    dirty: false,
    exampleDigest: D1,
    ...overrides,
  };
}

function report(entries: VerificationEntry[], updatedAt: string | null = '2026-11-20T10:00:00.000Z'): VerificationReport {
  return { schemaVersion: 1, updatedAt, entries };
}

const NOW = '2026-11-25T12:00:00.000Z';

test('validateReport accepts a good report and names file and entry on bad input', () => {
  assert.deepEqual(validateReport(report([entry()]), 'r.json').entries, [entry()]);
  assert.throws(() => validateReport({ schemaVersion: 2, updatedAt: null, entries: [] }, 'r.json'), /r\.json: schemaVersion 2/);
  assert.throws(() => validateReport(report([entry(), entry({ commit: 'abc' })]), 'r.json'), /r\.json: entries\[1\]: commit "abc"/);
  assert.throws(() => validateReport(report([entry({ example: 'docs/intro.md' })]), 'r.json'), /entries\[0\]: example "docs\/intro\.md"/);
  assert.throws(() => validateReport(report([entry({ example: 'examples/fleet/' })]), 'r.json'), /trailing slash/);
  assert.throws(() => validateReport(report([entry({ tier: 'cloud' as never })]), 'r.json'), /tier "cloud"/);
  assert.throws(() => validateReport(report([entry({ kubernetesVersions: [] })]), 'r.json'), /must name the Kubernetes version/);
  // Tiers without a cluster name none.
  for (const tier of ['static', 'app'] as const) assert.equal(validateReport(report([entry({ tier, kubernetesVersions: [] })]), 'r.json').entries.length, 1);
  assert.throws(() => validateReport(report([entry({ exampleDigest: 'md5:1' })]), 'r.json'), /exampleDigest/);
  assert.throws(() => validateReport(report([entry(), entry()]), 'r.json'), /entries\[1\]: duplicates entries\[0\]/);
  assert.throws(() => validateReport(report([{ ...entry(), extra: 1 } as never]), 'r.json'), /unknown field "extra"/);
  // A static result needs no Kubernetes version; a skipped live result needs none either.
  validateReport(report([entry({ tier: 'static', kubernetesVersions: [] }), entry({ result: 'skipped', kubernetesVersions: [], test: 'x' })]), 'r.json');
});

test('findings (deprecated APIs per Kubernetes version) are carried and checked', () => {
  const finding = {
    kubernetesVersion: 'v1.36.4',
    source: 'apiserver-warning' as const,
    severity: 'deprecated' as const,
    apiVersion: 'autoscaling/v2beta2',
    kind: 'HorizontalPodAutoscaler',
    message: 'autoscaling/v2beta2 HorizontalPodAutoscaler is deprecated',
  };
  const ok = validateReport(report([entry({ findings: [finding] })]), 'r.json');
  assert.equal(ok.entries[0].findings?.[0].apiVersion, 'autoscaling/v2beta2');
  assert.throws(() => validateReport(report([entry({ findings: [{ ...finding, severity: 'gone' as never }] })]), 'r.json'), /findings\[0\]: severity "gone"/);
});

test('newestPerKey keeps the newest result per example, test, tier and versions', () => {
  const older = entry({ result: 'failed', date: '2026-11-19T00:00:00.000Z' });
  const newer = entry({ result: 'passed', date: '2026-11-20T00:00:00.000Z' });
  const otherVersion = entry({ kubernetesVersions: ['v1.35.8'], date: '2026-11-18T00:00:00.000Z' });
  const out = newestPerKey([newer, older, otherVersion]);
  assert.equal(out.length, 2);
  assert.equal(out.find((e) => e.kubernetesVersions[0] === 'v1.36.3')?.result, 'passed');
});

test('merge adds new results, replaces older ones, ignores older run entries, keeps the rest', () => {
  const kept = entry({ example: 'examples/fleet/apps', test: 'apps' });
  const replaced = entry({ result: 'failed', date: '2026-11-01T00:00:00.000Z' });
  const newerInSnapshot = entry({ tier: 'kind', kubernetesVersions: ['v1.35.8'], date: '2026-11-24T00:00:00.000Z' });
  const snapshot = report([kept, replaced, newerInSnapshot]);

  const fresh = entry({ result: 'passed', date: '2026-11-22T00:00:00.000Z', commit: C2, exampleDigest: D2 });
  const staleRun = entry({ tier: 'kind', kubernetesVersions: ['v1.35.8'], result: 'failed', date: '2026-11-23T00:00:00.000Z' });
  const added = entry({ tier: 'static', kubernetesVersions: [], test: 'kustomize build', date: '2026-11-22T00:00:00.000Z' });
  const result = mergeIntoSnapshot(snapshot, report([fresh, staleRun, added]), { now: NOW, exists: () => true });

  assert.deepEqual(result.added, [added]);
  assert.deepEqual(result.updated, [fresh]);
  assert.deepEqual(result.ignoredOlder, [staleRun]);
  assert.equal(result.kept, 2);
  assert.equal(result.report.updatedAt, NOW);
  const byKey = new Map(result.report.entries.map((e) => [entryKey(e), e]));
  assert.equal(byKey.get(entryKey(fresh)), fresh);
  assert.equal(byKey.get(entryKey(newerInSnapshot)), newerInSnapshot);
  assert.equal(byKey.get(entryKey(kept)), kept);
  assert.equal(result.report.entries.length, 4);
});

test('merge never invents: every output entry is one the snapshot or the run held', () => {
  const snapshot = report([entry({ example: 'examples/a' }), entry({ example: 'examples/b', result: 'failed' })]);
  const run = report([entry({ example: 'examples/b', date: '2026-11-21T00:00:00.000Z' }), entry({ example: 'examples/c', result: 'skipped', kubernetesVersions: [] })]);
  const { report: merged } = mergeIntoSnapshot(snapshot, run, { now: NOW, exists: () => true });
  const sources = [...snapshot.entries, ...run.entries];
  for (const e of merged.entries) assert.ok(sources.includes(e), `${e.example} was not recorded`);
  // An empty run changes nothing, not even the timestamp.
  const unchanged = mergeIntoSnapshot(snapshot, emptyReport(), { now: NOW, exists: () => true });
  assert.equal(unchanged.report.updatedAt, snapshot.updatedAt);
  assert.deepEqual(unchanged.report.entries.map((e) => e.example), ['examples/a', 'examples/b']);
});

test('merge drops snapshot entries whose example no longer exists', () => {
  const gone = entry({ example: 'examples/old' });
  const result = mergeIntoSnapshot(report([gone, entry()]), emptyReport(), { now: NOW, exists: (p) => p !== 'examples/old' });
  assert.deepEqual(result.pruned, [gone]);
  assert.deepEqual(result.report.entries.map((e) => e.example), ['examples/fleet/clusters/staging']);
});

test('serialised snapshots are stable regardless of input order', () => {
  const a = entry({ example: 'examples/a' });
  const b = entry({ example: 'examples/b', tier: 'static', kubernetesVersions: [] });
  const c = entry({ example: 'examples/b', tier: 'kind' });
  const one = mergeIntoSnapshot(emptyReport(), report([c, a, b]), { now: NOW }).report;
  const two = mergeIntoSnapshot(emptyReport(), report([b, c, a]), { now: NOW }).report;
  assert.equal(serialiseReport(one), serialiseReport(two));
  assert.ok(serialiseReport(one).endsWith('}\n'));
});

function tempRepo(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'report-test-'));
  mkdirSync(path.join(dir, 'examples', 'fleet', 'node_modules'), { recursive: true });
  writeFileSync(path.join(dir, 'examples', 'fleet', 'a.yaml'), 'kind: A\n');
  writeFileSync(path.join(dir, 'examples', 'fleet', 'node_modules', 'ignored.js'), 'x');
  writeFileSync(path.join(dir, '.gitignore'), '.tmp/\nnode_modules/\n');
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, stdio: 'ignore' });
  git('init', '-q');
  git('-c', 'user.name=t', '-c', 'user.email=t@example.invalid', 'add', '-A');
  git('-c', 'user.name=t', '-c', 'user.email=t@example.invalid', 'commit', '-qm', 'init');
  return dir;
}

test('digests: a file hashes its bytes, a folder its files, node_modules is ignored', () => {
  const dir = tempRepo();
  try {
    const file = exampleDigest(dir, 'examples/fleet/a.yaml');
    const folder = exampleDigest(dir, 'examples/fleet');
    assert.match(file!, /^sha256:[0-9a-f]{64}$/);
    assert.notEqual(file, folder);
    writeFileSync(path.join(dir, 'examples', 'fleet', 'node_modules', 'ignored.js'), 'changed');
    assert.equal(exampleDigest(dir, 'examples/fleet'), folder);
    writeFileSync(path.join(dir, 'examples', 'fleet', 'a.yaml'), 'kind: B\n');
    assert.notEqual(exampleDigest(dir, 'examples/fleet'), folder);
    assert.equal(exampleDigest(dir, 'examples/missing'), undefined);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('recordResult and verify write the run report with git facts; bad paths fail by name', async () => {
  const dir = tempRepo();
  const env = { FIELD_GUIDE_REPORT_DIR: path.join(dir, '.tmp', 'report') };
  const options = { repoRoot: dir, env };
  try {
    const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: dir, encoding: 'utf8' }).trim();
    await verify({ examples: ['examples/fleet/'], test: 't.test.ts: passes', tier: 'kind', kubernetesVersions: ['v1.35.8'], fluxVersion: 'v2.9.5' }, async () => 42, options);
    await assert.rejects(
      verify({ examples: 'examples/fleet/a.yaml', test: 't.test.ts: fails', tier: 'kind', kubernetesVersions: ['v1.35.8'] }, async () => {
        throw new Error('Kustomization apps not Ready\nmore detail');
      }, options),
      /not Ready/,
    );
    recordSkip({ examples: 'examples/fleet', test: 't.test.ts: skipped', tier: 'kind' }, 'docker info failed', options);
    await assert.rejects(verify({ examples: 'examples/nope', test: 'x', tier: 'static' }, async () => 1, options), /examples\/nope" does not exist/);

    const run = readRunReport(env);
    assert.equal(run.entries.length, 3);
    const passed = run.entries.find((e) => e.test.endsWith('passes'))!;
    assert.equal(passed.example, 'examples/fleet');
    assert.equal(passed.commit, head);
    assert.equal(passed.exampleCommit, head);
    assert.equal(passed.dirty, false);
    assert.equal(passed.exampleDigest, exampleDigest(dir, 'examples/fleet'));
    const failed = run.entries.find((e) => e.test.endsWith('fails'))!;
    assert.equal(failed.result, 'failed');
    assert.match(failed.reason!, /^Kustomization apps not Ready/);
    assert.equal(run.entries.find((e) => e.result === 'skipped')?.reason, 'docker info failed');

    // A second run of the same test replaces the first in the run report.
    writeFileSync(path.join(dir, 'examples', 'fleet', 'a.yaml'), 'kind: C\n');
    await verify({ examples: ['examples/fleet'], test: 't.test.ts: passes', tier: 'kind', kubernetesVersions: ['v1.35.8'] }, async () => 1, options);
    const again = readRunReport(env);
    assert.equal(again.entries.length, 3);
    const rerun = again.entries.find((e) => e.test.endsWith('passes'))!;
    assert.equal(rerun.dirty, true);
    assert.notEqual(rerun.exampleDigest, passed.exampleDigest);
    assert.ok(readFileSync(path.join(env.FIELD_GUIDE_REPORT_DIR, 'entries.jsonl'), 'utf8').trim().split('\n').length === 4);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
