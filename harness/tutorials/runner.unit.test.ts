// The runner on pages that need no cluster: the fixtures in test/fixtures/tutorials/ fail on
// purpose, and the failure must name the page, the block's number and line, the command and the
// tail of its output. A passing page shows that state carries from block to block.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../../contracts/paths.ts';
import { isAlive } from '../cluster/process.ts';
import type { TutorialEnvironment } from './environment.ts';
import { parseTutorialFile, parseTutorialSource } from './parse.ts';
import { runTutorial, TutorialFailure } from './runner.ts';

const FIXTURES = join(REPO_ROOT, 'test', 'fixtures', 'tutorials');

/** An environment with no cluster and no git server: a shell with a private HOME. */
function shellOnly(): { start: () => Promise<TutorialEnvironment>; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'tutorial-runner-'));
  const start = async (): Promise<TutorialEnvironment> => ({
    provider: 'local',
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, LANG: 'C.UTF-8' },
    exported: {},
    secrets: ['s3cr3t-value'],
    replacements: { [dir]: '<home>' },
    clusters: [],
    git: undefined,
    runDir: dir,
    kubernetesVersion: 'v0.0.0-test',
    startSeconds: 0,
    explain: async () => 'cluster fixture: (no cluster in this test)',
    stop: async () => [],
  });
  return { start, dir };
}

async function failureOf(file: string): Promise<{ failure: TutorialFailure; record: Record<string, unknown> }> {
  const page = parseTutorialFile(join(FIXTURES, file));
  const env = shellOnly();
  try {
    await assert.rejects(runTutorial(page, { startEnvironment: env.start, runsDir: env.dir }), TutorialFailure);
    let failure: TutorialFailure | undefined;
    await runTutorial(page, { startEnvironment: env.start, runsDir: env.dir }).catch((e: TutorialFailure) => (failure = e));
    const record = JSON.parse(readFileSync(join(env.dir, `${page.pageId}.json`), 'utf8'));
    return { failure: failure!, record };
  } finally {
    rmSync(env.dir, { recursive: true, force: true });
  }
}

test('a failing block is reported with page, block number, line, command, output tail and cluster state', async () => {
  const { failure, record } = await failureOf('failing-block.mdx');
  const message = failure.message;
  assert.match(message, /^test\/fixtures\/tutorials\/failing-block\.mdx:21: runnable block 2 exited with status 2/);
  assert.match(message, /command:\n {4}echo "still \$greeting in the same shell"/);
  assert.match(message, /ls \/definitely\/not\/a\/folder\/of\/this\/machine/);
  // The tail shows what the block printed, state from block 1 included, then the error.
  assert.match(message, /still ready in the same shell\n {4}line 1\n {4}line 2\n {4}line 3\n {4}ls: cannot access/);
  const output = message.slice(message.indexOf('output (last'));
  assert.doesNotMatch(output, /not printed/, 'set -e stopped the block at the failing command');
  assert.match(message, /cluster state:\n.*no cluster in this test/);
  assert.equal(failure.blockNumber, 2);
  // The record says failed and holds both blocks that ran, not the one after.
  assert.equal(record.status, 'failed');
  const blocks = record.blocks as Array<{ index: number; exitCode: number; output: string }>;
  assert.deepEqual(blocks.map((b) => [b.index, b.exitCode]), [[1, 0], [2, 2]]);
  assert.equal(blocks[0].output, 'greeting is ready');
});

test('a block that exits 0 but prints the wrong thing fails on its expect pattern', async () => {
  const { failure } = await failureOf('expect-mismatch.mdx');
  assert.match(failure.message, /expect-mismatch\.mdx:\d+: runnable block 1 exited 0 but its output does not match expect="Ready\\s\+True"/);
  assert.match(failure.message, /READY {3}False/);
});

test('a block that overruns its timeout is killed and reported', async () => {
  const started = Date.now();
  const { failure } = await failureOf('timeout.mdx');
  assert.match(failure.message, /timeout\.mdx:\d+: runnable block 1 timed out after 2s/);
  assert.match(failure.message, /waiting for something that never happens/);
  assert.ok(Date.now() - started < 20_000, 'the sleeping block was killed, not waited for');
});

test('a passing page records every block, normalised, with the page hash and versions', async () => {
  const source = [
    '---',
    'tutorial:',
    '  clusters: []',
    '  repos: []',
    '---',
    '# Passing',
    '```bash runnable id="first"',
    'cd "$HOME" && mkdir -p work && cd work',
    'export WHO=reader',
    '```',
    '```bash runnable expect="in .*/work as reader"',
    'echo "in $PWD as $WHO; secret s3cr3t-value; at 2026-01-02T03:04:05Z, took 1.5s"',
    '```',
  ].join('\n');
  const page = parseTutorialSource(source, 'docs/do/passing.mdx');
  const env = shellOnly();
  try {
    const run = await runTutorial(page, { startEnvironment: env.start, runsDir: env.dir });
    assert.equal(run.status, 'passed');
    assert.equal(run.pageHash, page.hash);
    assert.equal(run.kubernetesVersion, 'v0.0.0-test');
    assert.match(run.fluxVersion, /^v2\./);
    assert.equal(run.blocks.length, 2);
    assert.equal(run.blocks[0].id, 'first');
    assert.equal(run.blocks[1].output, 'in <home>/work as reader; secret <secret>; at <time>, took <duration>');
    const onDisk = JSON.parse(readFileSync(join(env.dir, 'passing.json'), 'utf8'));
    assert.deepEqual(onDisk, JSON.parse(JSON.stringify(run)));
  } finally {
    rmSync(env.dir, { recursive: true, force: true });
  }
});

test('background processes a page leaves running are stopped with its session, even in their own group', async () => {
  const source = [
    '---',
    'tutorial:',
    '  clusters: []',
    '  repos: []',
    '---',
    '```bash runnable',
    '(exec setsid sleep 300) &',
    'echo "$!" > "$HOME/pid"',
    'sleep 600 &',
    '```',
  ].join('\n');
  const page = parseTutorialSource(source, 'docs/do/leaves-a-process.mdx');
  const env = shellOnly();
  try {
    await runTutorial(page, { startEnvironment: env.start, runsDir: env.dir });
    const pid = Number(readFileSync(join(env.dir, 'pid'), 'utf8'));
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(isAlive(pid), false, `process ${pid} (own process group) was stopped`);
  } finally {
    rmSync(env.dir, { recursive: true, force: true });
  }
});
