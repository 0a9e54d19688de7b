// The shape every workflow scenario file shares: one environment per file (started once in
// `before`, stopped in `after` even when a test failed), tests that record their verdict in the
// verification report with the example paths they prove, and measurements written where the
// benchmark and the report can find them.
//
//   const s = new ScenarioFile('drift', { clusters: ['development'], repos: [fleetRepo()] }, setup);
//   describe('drift: …', { skip: s.skip }, () => {
//     before(() => s.start());
//     after(() => s.stop());
//     s.test('an edited field is put back', ['examples/fleet/apps/development'], async (env) => { … });
//   });
//
// A failure to start is not thrown from `before` (Node would then skip recording): each test
// fails with it and records it. On any failure, stop() keeps the logs and prints where they are
// with the tails of the Flux and control plane logs.
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { REPO_ROOT } from '../../../contracts/paths.ts';
import { defaultKubernetesVersion, providerName } from '../../../harness/cluster/select';
import { recordResult, recordSkip } from '../../../harness/report/record';
import type { ReportTier } from '../../../contracts/report/schema';
import { FLUX_VERSION, KUBERNETES_VERSION } from '../../../harness/toolchain/versions';
import { FLEET_DIR } from '../../../harness/fleet/expectations';
import { scenarioSkipReason, startScenarioEnv, type ScenarioEnv, type ScenarioEnvOptions, type ScenarioRepo } from '../../../harness/environment/clusters';
import { setting } from '../../../contracts/settings.ts';

/** The fleet repo as every fleet scenario serves it. */
export function fleetRepo(opts: Partial<ScenarioRepo> = {}): ScenarioRepo {
  return { name: 'fleet', dir: FLEET_DIR, ...opts };
}

/** Where measurements go (one JSON line each): .tmp/results/live-scenarios.jsonl. */
export const RESULTS_FILE = join(REPO_ROOT, '.tmp', 'results', 'live-scenarios.jsonl');

export interface Measurement {
  scenario: string;
  name: string;
  value: number;
  unit: 's' | 'ms' | 'count';
  detail?: Record<string, unknown>;
}

export function writeMeasurement(m: Measurement): void {
  mkdirSync(join(REPO_ROOT, '.tmp', 'results'), { recursive: true });
  appendFileSync(RESULTS_FILE, `${JSON.stringify({ ...m, at: new Date().toISOString() })}\n`);
}

const skipReason = await scenarioSkipReason();
if (skipReason) console.error(`\n*** ${skipReason} ***\n`);

export interface ScenarioFileOptions extends Omit<ScenarioEnvOptions, 'log'> {
  /** Why this file cannot run on the selected provider (e.g. it kills local processes). */
  needs?: () => string | undefined;
  /** Per-test timeout (default 4 minutes). */
  timeoutMs?: number;
}

export class ScenarioFile {
  readonly skip: string | undefined;
  private env: ScenarioEnv | undefined;
  private startError: unknown;
  private failed = false;
  private readonly lines: string[] = [];
  private readonly extraVersions: string[] = [];

  constructor(
    readonly name: string,
    private readonly opts: ScenarioFileOptions,
    /** Runs once the environment is up (bootstrap, receivers); its failure fails every test. */
    private readonly setup: (env: ScenarioEnv, log: (line: string) => void) => Promise<void> = async () => {},
  ) {
    this.skip = skipReason ?? opts.needs?.();
  }

  private log = (line: string) => {
    this.lines.push(line);
    if (setting('SCENARIO_VERBOSE')) console.log(`[${this.name}] ${line}`);
  };

  get tier(): ReportTier {
    return providerName();
  }

  async start(): Promise<void> {
    if (this.skip) return;
    const started = Date.now();
    try {
      this.env = await startScenarioEnv({ ...this.opts, log: this.log });
      await this.setup(this.env, this.log);
      this.log(`environment ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    } catch (error) {
      this.startError = error;
      this.failed = true;
    }
  }

  async stop(): Promise<void> {
    const env = this.env;
    this.env = undefined;
    if (!env) return;
    const report = await env.stop({ failed: this.failed });
    if (this.failed) console.error(`\n--- scenario ${this.name} failed; ${report}\n`);
  }

  /** A test that records its verdict for `examples` (paths under examples/). */
  test(title: string, examples: string[], fn: (env: ScenarioEnv, t: TestContext) => Promise<void>): void {
    const meta = () => {
      const versions = [...(this.env?.kubernetesVersions() ?? []), ...this.extraVersions];
      return {
        examples,
        test: `test/scenarios/${this.name}.test.ts: ${title}`,
        tier: this.tier,
        kubernetesVersions: versions.length ? [...new Set(versions)] : [defaultKubernetesVersion() ?? KUBERNETES_VERSION],
        fluxVersion: FLUX_VERSION,
      };
    };
    // A verdict that cannot be recorded must not hide the test's own error.
    const record = (input: Omit<Parameters<typeof recordResult>[0], keyof ReturnType<typeof meta>>) => {
      try {
        recordResult({ ...meta(), ...input });
      } catch (error) {
        console.error(`could not record "${title}": ${error instanceof Error ? error.message : String(error)}`);
      }
    };
    if (this.skip) {
      try {
        recordSkip(meta(), this.skip);
      } catch (error) {
        console.error(`could not record the skip of "${title}": ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    test(title, { skip: this.skip, timeout: this.opts.timeoutMs ?? 4 * 60_000 }, async (t) => {
      const started = performance.now();
      try {
        if (this.startError) throw this.startError;
        if (!this.env) throw new Error('the scenario environment was not started (before() did not run)');
        await fn(this.env, t);
      } catch (error) {
        this.failed = true;
        const reason = error instanceof Error ? error.message : String(error);
        record({ result: 'failed', reason, durationMs: performance.now() - started });
        for (const line of this.lines.slice(-20)) t.diagnostic(`setup: ${line}`);
        throw error;
      }
      record({ result: 'passed', durationMs: performance.now() - started });
    });
  }

  /** A Kubernetes version the report should name for a cluster a test started itself. */
  noteVersion(version: string): void {
    this.extraVersions.push(version);
  }

  /** Prints a measurement as a test diagnostic and appends it to the results file. */
  measure(t: TestContext, name: string, value: number, unit: Measurement['unit'] = 's', detail?: Record<string, unknown>): void {
    const shown = unit === 's' ? `${value.toFixed(2)} s` : unit === 'ms' ? `${Math.round(value)} ms` : String(value);
    t.diagnostic(`${this.name}: ${name} = ${shown}`);
    writeMeasurement({ scenario: this.name, name, value, unit, detail });
  }
}

/** Seconds since `start` (a Date.now() value). */
export function since(start: number): number {
  return (Date.now() - start) / 1000;
}
