// How each kind of tier is run. Every executor streams the tool's own output
// to the console (so long work shows progress) and returns counted results.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { globSync } from 'tinyglobby';
import { emptyResult, type TierResult } from './result.ts';
import { REPO_ROOT } from '../../contracts/paths.ts';

const resultsDir = path.join(REPO_ROOT, '.tmp', 'results');

/** Runs a command with inherited output; resolves to its exit code. */
export function runInherited(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd: options.cwd ?? REPO_ROOT,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    child.on('error', (error) => {
      console.error(`could not start ${command}: ${error.message}`);
      resolve(127);
    });
    child.on('close', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

function resultFile(tier: string): string {
  mkdirSync(resultsDir, { recursive: true });
  const file = path.join(resultsDir, `${tier}.json`);
  rmSync(file, { force: true });
  return file;
}

/** A command whose exit status is the whole result: one check. */
export async function runCommandCheck(tier: string, command: string, args: string[], options: { cwd?: string } = {}): Promise<TierResult> {
  const code = await runInherited(command, args, options);
  const result = emptyResult();
  if (code === 0) result.passed = 1;
  else {
    result.failed = 1;
    result.failures.push({ test: tier, message: `${command} ${args.join(' ')} exited with ${code}` });
  }
  return result;
}

export interface NodeTestOptions {
  /** Glob patterns relative to cwd. */
  patterns: string[];
  cwd?: string;
  /** Files run one after another (live clusters share the machine's two cores). */
  serial?: boolean;
  /** Extra environment for the test processes (e.g. CLUSTER_PROVIDER=kind). */
  env?: NodeJS.ProcessEnv;
}

export function findFiles(patterns: string[], cwd: string): string[] {
  return globSync(patterns, { cwd, ignore: ['**/node_modules/**'] }).sort();
}

/** Node's built-in test runner through tsx, counted by count-reporter.mjs. */
export async function runNodeTests(tier: string, options: NodeTestOptions): Promise<TierResult> {
  const cwd = options.cwd ?? REPO_ROOT;
  const files = findFiles(options.patterns, cwd);
  if (files.length === 0) {
    const result = emptyResult();
    result.failed = 1;
    result.failures.push({ test: tier, message: `no test files match ${options.patterns.join(', ')}` });
    return result;
  }
  const counts = resultFile(tier);
  const reporter = path.join(import.meta.dirname, 'count-reporter.mjs');
  const args = [
    '--import', 'tsx', '--test',
    ...(options.serial ? ['--test-concurrency=1'] : []),
    '--test-reporter=spec', '--test-reporter-destination=stdout',
    `--test-reporter=${reporter}`, `--test-reporter-destination=${counts}`,
    ...files,
  ];
  const code = await runInherited(process.execPath, args, { cwd, env: options.env });
  return readCounts(tier, counts, code);
}

function readCounts(tier: string, file: string, exitCode: number): TierResult {
  const result = emptyResult();
  if (!existsSync(file)) {
    result.failed = 1;
    result.failures.push({ test: tier, message: `the test runner exited with ${exitCode} and wrote no results` });
    return result;
  }
  Object.assign(result, JSON.parse(readFileSync(file, 'utf8')));
  if (exitCode !== 0 && result.failed === 0) {
    // The process failed outside any test (e.g. a file that does not load).
    result.failed = 1;
    result.failures.push({ test: tier, message: `the test runner exited with ${exitCode}` });
  }
  return result;
}

interface PlaywrightSpec { title: string; file: string; tests: { status: string; annotations: { type: string; description?: string }[] }[] }
interface PlaywrightSuite { specs?: PlaywrightSpec[]; suites?: PlaywrightSuite[] }

function* playwrightSpecs(suites: PlaywrightSuite[] = []): Generator<PlaywrightSpec> {
  for (const suite of suites) {
    yield* suite.specs ?? [];
    yield* playwrightSpecs(suite.suites);
  }
}

/** Playwright's own runner, counted from its JSON report. */
export async function runPlaywright(tier: string): Promise<TierResult> {
  const report = resultFile(tier);
  const code = await runInherited('npx', ['playwright', 'test', '--reporter=list,json'], {
    env: { PLAYWRIGHT_JSON_OUTPUT_NAME: report },
  });
  const result = emptyResult();
  if (!existsSync(report)) {
    result.failed = 1;
    result.failures.push({ test: tier, message: `playwright exited with ${code} and wrote no report` });
    return result;
  }
  const json = JSON.parse(readFileSync(report, 'utf8'));
  for (const spec of playwrightSpecs(json.suites)) {
    for (const run of spec.tests) {
      const name = `${spec.file}: ${spec.title}`;
      if (run.status === 'skipped') {
        result.skipped += 1;
        const reason = run.annotations.find((a) => a.type === 'skip')?.description ?? 'no reason given';
        result.skips.push({ test: name, reason });
      } else if (run.status === 'expected' || run.status === 'flaky') {
        result.passed += 1;
      } else {
        result.failed += 1;
        result.failures.push({ test: name, message: `status ${run.status}` });
      }
    }
  }
  if (code !== 0 && result.failed === 0) {
    result.failed = 1;
    result.failures.push({ test: tier, message: `playwright exited with ${code}` });
  }
  return result;
}
