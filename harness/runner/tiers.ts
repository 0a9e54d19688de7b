// Every tier `npm test` runs, in order. A tier runs, or says why it did not:
// `skipReason` returning a string turns the whole tier into one loud skip.
import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { runCommandCheck, runNodeTests, runPlaywright } from './executors.ts';
import { REPO_ROOT } from '../../contracts/paths.ts';
import type { TierResult } from './result.ts';
import { recordResult } from '../report/record.ts';
import { settingOn } from '../../contracts/settings.ts';

export interface Tier {
  name: string;
  description: string;
  /** Tiers whose failure makes this one meaningless (it is then skipped, never passed). */
  needs?: string[];
  skipReason?: () => string | undefined;
  run: () => Promise<TierResult>;
}

const sharedDir = path.resolve(REPO_ROOT, '..', 'shared');
const seedOverlapTool = path.join(sharedDir, 'tools', 'seed-overlap.mjs');

function commandMissing(command: string): string | undefined {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    return undefined;
  } catch {
    return `${command} is not installed`;
  }
}

/**
 * The demo app's suite tests its code (src/) by running the real process; it never builds the
 * image or deploys, so its verdict is recorded for examples/demo-app/src only. (Any failing test
 * of the suite, including the one about deploy/monitoring, fails that verdict: strict, not lax.)
 */
function recordDemoAppVerdict(result: TierResult, durationMs: number): TierResult {
  if (result.passed + result.failed === 0) return result;
  try {
    recordResult({
      examples: 'examples/demo-app/src',
      test: "examples/demo-app/test: the demo app's own tests, against the real process",
      tier: 'app',
      result: result.failed ? 'failed' : 'passed',
      ...(result.failed ? { reason: result.failures.map((f) => `${f.test}: ${f.message}`).join('\n') } : {}),
      durationMs,
    });
    return result;
  } catch (error) {
    // A report that cannot be written fails this tier, naming why, instead of stopping the run.
    const message = `could not record the verdict in the verification report: ${error instanceof Error ? error.message : String(error)}`;
    return { ...result, failed: result.failed + 1, failures: [...result.failures, { test: 'demo-app verdict', message }] };
  }
}

const dockerEngineScript = path.join(REPO_ROOT, 'scripts', 'docker-engine.sh');

/**
 * Why the kind tier cannot run here, or undefined. Runs scripts/docker-engine.sh, which leaves a
 * running engine alone and otherwise installs and starts one (as root on Debian); when it cannot,
 * its own reason becomes the tier's loud skip.
 */
function kindTierSkipReason(): string | undefined {
  const go = commandMissing('go');
  if (go) return `KIND TIER SKIPPED: ${go} (the node, Flux and kind binaries are built from their Go modules)`;
  try {
    execFileSync('bash', [dockerEngineScript], { stdio: ['ignore', 'inherit', 'pipe'], timeout: 15 * 60_000 });
    return undefined;
  } catch (error) {
    const said = (error as { stderr?: Buffer }).stderr?.toString('utf8').trim() || (error as Error).message;
    return `KIND TIER SKIPPED: no Docker engine could be started here: ${said}`;
  }
}

export const tiers: Tier[] = [
  {
    name: 'typecheck',
    description: 'tsc --noEmit over the site and harness, then over the demo app (its own tsconfig)',
    run: () => runCommandCheck('typecheck', 'sh', ['-c', 'npx tsc --noEmit && npx tsc --noEmit -p examples/demo-app']),
  },
  {
    name: 'lint',
    description: 'eslint over all TypeScript and JavaScript',
    run: () => runCommandCheck('lint', 'npx', ['eslint', '.']),
  },
  {
    name: 'spelling',
    description: 'cspell over the pages and READMEs with the project word list',
    run: () => runCommandCheck('spelling', 'npx', ['cspell', '--no-progress', '--no-summary', 'docs/**/*.{md,mdx}', 'README.md', 'examples/**/README.md']),
  },
  {
    name: 'seed-overlap',
    description: 'no passage of the guide repeats a seed document word for word',
    skipReason: () => (existsSync(seedOverlapTool) ? undefined : `${seedOverlapTool} not found (the shared/ folder is not beside this clone)`),
    run: () => runCommandCheck('seed-overlap', process.execPath, [seedOverlapTool, '.']),
  },
  {
    name: 'unit',
    description: 'unit tests of the site code, the contracts and the harness',
    run: () => runNodeTests('unit', { patterns: ['src/**/*.test.ts', 'contracts/**/*.unit.test.ts', 'harness/**/*.unit.test.ts'] }),
  },
  {
    name: 'demo-app',
    description: "the demo app's own tests, against the real process",
    skipReason: () => (existsSync(path.join(REPO_ROOT, 'examples/demo-app/node_modules')) ? undefined : 'examples/demo-app/node_modules is missing: run npm ci (its postinstall installs the demo app)'),
    run: async () => {
      const started = performance.now();
      const result = await runNodeTests('demo-app', { cwd: path.join(REPO_ROOT, 'examples/demo-app'), patterns: ['test/**/*.test.ts'] });
      return recordDemoAppVerdict(result, performance.now() - started);
    },
  },
  {
    name: 'toolchain',
    description: 'builds (or finds cached) the pinned Go binaries the static and live tiers use',
    skipReason: () => commandMissing('go'),
    run: () => runCommandCheck('toolchain', 'npx', ['tsx', 'harness/cli/toolchain-build.ts']),
  },
  {
    name: 'static',
    description: 'examples parse, build with kustomize, validate against schemas and pass policy; workflows pass actionlint',
    run: () => runNodeTests('static', { patterns: ['test/static/**/*.test.ts', 'test/workflows/**/*.test.ts'] }),
  },
  {
    name: 'build',
    description: 'docusaurus build (broken links, anchors and example paths fail it)',
    run: () => runCommandCheck('build', 'npx', ['docusaurus', 'build']),
  },
  {
    name: 'site',
    description: 'browser tests in Debian Chromium against the built site',
    needs: ['build'],
    skipReason: () => (existsSync('/usr/bin/chromium') ? undefined : '/usr/bin/chromium is missing (apt-get install chromium)'),
    run: () => runPlaywright('site'),
  },
  {
    name: 'live',
    description: 'workflow scenarios on local clusters (kwokctl binary runtime + Flux controllers)',
    needs: ['toolchain'],
    run: () => runNodeTests('live', { patterns: ['test/scenarios/**/*.test.ts'], serial: true }),
  },
  {
    name: 'kind',
    description: 'the same workflow scenarios on kind clusters: real kubelet and containers, Flux from `flux install`, the demo app image (KIND_IMAGES=local makes every image here)',
    needs: ['toolchain'],
    skipReason: kindTierSkipReason,
    run: async () => {
      // The images first, with their own progress (cold: Debian root filesystem, node binaries,
      // component images); the scenarios then only start clusters from them.
      const images = await runCommandCheck('kind-images', 'npx', ['tsx', 'harness/cli/kind-images.ts']);
      if (images.failed > 0) return images;
      return runNodeTests('kind', { patterns: ['test/scenarios/**/*.test.ts'], serial: true, env: { CLUSTER_PROVIDER: 'kind' } });
    },
  },
  {
    name: 'tutorials',
    description: 'runs the runnable blocks of every docs/do tutorial on fresh local clusters, in page order',
    needs: ['toolchain'],
    run: () => runNodeTests('tutorials', { patterns: ['test/tutorials/tutorials.test.ts'], serial: true }),
  },
  {
    name: 'kind-tutorials',
    description: 'the runnable blocks of every docs/do tutorial on kind clusters (Flux from `flux install`, real pods)',
    needs: ['toolchain'],
    // About 3.5 minutes a page on two cores (40 for all): opt-in here, run by the GitHub workflow (ci.yml).
    skipReason: () =>
      settingOn('RUN_KIND_TUTORIALS') ? kindTierSkipReason() : 'opt-in: set RUN_KIND_TUTORIALS=1 (or run npm run test:kind-tutorials); starts a kind cluster per page',
    run: () => runNodeTests('kind-tutorials', { patterns: ['test/tutorials/tutorials.test.ts'], serial: true, env: { CLUSTER_PROVIDER: 'kind' } }),
  },
  {
    name: 'canary',
    description: 'Kubernetes upgrade canary: bootstrap on every pinned minor, report deprecated or removed APIs',
    needs: ['toolchain'],
    // Two extra Kubernetes builds (about 5 minutes each, cold) and a 6-minute
    // run: opt-in, so the default run stays inside CI's budget.
    skipReason: () => (settingOn('RUN_CANARY') ? undefined : 'opt-in: set RUN_CANARY=1 (or run npm run canary); builds two more Kubernetes versions'),
    run: () => runCommandCheck('canary', 'npx', ['tsx', 'harness/cli/canary.ts']),
  },
];
