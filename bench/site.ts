/**
 * Site benchmark (`npm run bench:site`): how long the site takes to build,
 * how many bytes of JS and CSS the home page costs, and what Lighthouse says
 * about the home page and the longest page. Prints a table and writes
 * .tmp/bench/site.json. Figures are reported, never asserted.
 *
 *   --no-build   measure the existing build/ instead of building twice
 *   --runs=N     Lighthouse runs per page (default 3); the median is reported,
 *                because one run on a busy 2-core machine swings by 20 points
 */
import {spawn} from 'node:child_process';
import {mkdirSync, readFileSync, writeFileSync} from 'node:fs';
import {loadavg} from 'node:os';
import path from 'node:path';
import {chromium} from '@playwright/test';
import {CHROMIUM_ARGS, CHROMIUM_PATH} from '../harness/site/chromium.ts';
import {builtPagePaths} from '../harness/site/pages.ts';
import { buildDir, startSiteServer } from '../harness/site/server.ts';
import { REPO_ROOT } from '../contracts/paths.ts';

const LIGHTHOUSE = 'lighthouse@12.2.3';
const CATEGORIES = ['performance', 'accessibility', 'best-practices', 'seo'] as const;
const outDir = path.join(REPO_ROOT, '.tmp', 'bench');

type RunResult = {code: number | null; output: string; seconds: number};

/** Runs a command without blocking the event loop (the site server lives in this process). */
function run(command: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<RunResult> {
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(command, args, {cwd: REPO_ROOT, env: {...process.env, ...env}});
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', (error) => resolve({code: -1, output: String(error), seconds: 0}));
    child.on('close', (code) => resolve({code, output, seconds: (performance.now() - started) / 1000}));
  });
}

async function timedBuild(label: string): Promise<number> {
  const result = await run('npx', ['docusaurus', 'build']);
  if (result.code !== 0) {
    throw new Error(`${label} build failed (exit ${result.code}):\n${result.output.slice(-3000)}`);
  }
  return result.seconds;
}

async function measureBuilds(): Promise<{coldSeconds: number; warmSeconds: number}> {
  const clear = await run('npx', ['docusaurus', 'clear']);
  if (clear.code !== 0) throw new Error(`docusaurus clear failed:\n${clear.output}`);
  const coldSeconds = await timedBuild('cold');
  const warmSeconds = await timedBuild('warm');
  return {coldSeconds, warmSeconds};
}

type Bytes = {files: number; transferred: number; decoded: number};
type PageBytes = {js: Bytes; css: Bytes};

/** JS and CSS the page requests until the network is idle, compressed and not. */
async function measureBytes(url: string): Promise<PageBytes> {
  const browser = await chromium.launch({executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS});
  try {
    const page = await browser.newPage();
    const totals: PageBytes = {js: {files: 0, transferred: 0, decoded: 0}, css: {files: 0, transferred: 0, decoded: 0}};
    const pending: Promise<void>[] = [];
    page.on('requestfinished', (request) => {
      const kind = request.resourceType() === 'script' ? 'js' : request.resourceType() === 'stylesheet' ? 'css' : null;
      if (!kind) return;
      pending.push(
        (async () => {
          const sizes = await request.sizes();
          const body = await (await request.response())?.body();
          totals[kind].files += 1;
          totals[kind].transferred += sizes.responseBodySize;
          totals[kind].decoded += body?.length ?? 0;
        })(),
      );
    });
    await page.goto(url, {waitUntil: 'networkidle'});
    await Promise.all(pending);
    return totals;
  } finally {
    await browser.close();
  }
}

/** The docs page with the most text: the heaviest page a reader opens. */
function longestPage(): string {
  let best = {pagePath: '', length: -1};
  for (const pagePath of builtPagePaths()) {
    if (pagePath === '' || pagePath === 'search/') continue;
    const html = readFileSync(path.join(buildDir, pagePath, 'index.html'), 'utf8');
    const article = /<article[\s\S]*<\/article>/.exec(html)?.[0] ?? '';
    const length = article.replace(/<[^>]+>/g, '').length;
    if (length > best.length) best = {pagePath, length};
  }
  return best.pagePath;
}

type Scores = Record<(typeof CATEGORIES)[number], number>;
type LighthouseRun = {scores: Scores; benchmarkIndex: number; totalBlockingTimeMs: number};

type FormFactor = 'mobile' | 'desktop';

async function lighthouse(url: string, formFactor: FormFactor, report: string): Promise<LighthouseRun> {
  const result = await run(
    'npx',
    [
      '-y',
      LIGHTHOUSE,
      url,
      '--output=json',
      `--output-path=${report}`,
      `--only-categories=${CATEGORIES.join(',')}`,
      `--chrome-flags=--headless=new ${CHROMIUM_ARGS.join(' ')}`,
      '--quiet',
      // Mobile is Lighthouse's default (4x CPU slowdown, slow 4G); desktop is a preset.
      ...(formFactor === 'desktop' ? ['--preset=desktop'] : []),
    ],
    {CHROME_PATH: CHROMIUM_PATH},
  );
  if (result.code !== 0) throw new Error(`lighthouse exited ${result.code}: ${result.output.slice(-1500)}`);
  const json = JSON.parse(readFileSync(report, 'utf8'));
  return {
    scores: Object.fromEntries(CATEGORIES.map((c) => [c, Math.round(json.categories[c].score * 100)])) as Scores,
    benchmarkIndex: Math.round(json.environment.benchmarkIndex),
    totalBlockingTimeMs: Math.round(json.audits['total-blocking-time'].numericValue),
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Several runs of one page, scored by the median of each category. */
async function lighthouseMedian(url: string, name: string, formFactor: FormFactor, runs: number) {
  const all: LighthouseRun[] = [];
  for (let i = 0; i < runs; i++) {
    all.push(await lighthouse(url, formFactor, path.join(outDir, `lighthouse-${name}-${formFactor}-${i + 1}.json`)));
  }
  const scores = Object.fromEntries(CATEGORIES.map((c) => [c, median(all.map((r) => r.scores[c]))])) as Scores;
  return {scores, runs: all};
}

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

function printTable(rows: [string, string][]): void {
  const width = Math.max(...rows.map(([name]) => name.length));
  for (const [name, value] of rows) console.log(`${name.padEnd(width)}  ${value}`);
}

async function main(): Promise<void> {
  mkdirSync(outDir, {recursive: true});
  const results: Record<string, unknown> = {measuredAt: new Date().toISOString(), node: process.version};
  const rows: [string, string][] = [];

  if (!process.argv.includes('--no-build')) {
    const builds = await measureBuilds();
    results.build = builds;
    rows.push(['cold build (after docusaurus clear)', `${builds.coldSeconds.toFixed(1)} s`]);
    rows.push(['warm build', `${builds.warmSeconds.toFixed(1)} s`]);
  }

  const server = await startSiteServer();
  try {
    const bytes = await measureBytes(server.siteUrl);
    results.homeBytes = bytes;
    for (const kind of ['js', 'css'] as const) {
      const b = bytes[kind];
      rows.push([`home page ${kind.toUpperCase()}`, `${b.files} files, ${kib(b.transferred)} gzip, ${kib(b.decoded)} raw`]);
    }

    const pages = {home: '', longest: longestPage()};
    const runs = Number(/^--runs=(\d+)$/.exec(process.argv.find((a) => a.startsWith('--runs=')) ?? '')?.[1] ?? 3);
    results.lighthousePages = pages;
    try {
      const lighthouseResults: Record<string, Awaited<ReturnType<typeof lighthouseMedian>>> = {};
      console.log(`lighthouse: ${runs} runs per page and form factor, median reported`);
      for (const [name, pagePath] of Object.entries(pages)) {
        for (const formFactor of ['mobile', 'desktop'] as const) {
          const result = await lighthouseMedian(`${server.siteUrl}${pagePath}`, name, formFactor, runs);
          lighthouseResults[`${name}-${formFactor}`] = result;
          const line = CATEGORIES.map((c) => `${c} ${result.scores[c]}`).join(', ');
          const performances = result.runs.map((r) => r.scores.performance).join('/');
          rows.push([`lighthouse ${formFactor} ${name} (/${pagePath})`, `${line} (performance runs ${performances})`]);
        }
      }
      results.lighthouse = lighthouseResults;
    } catch (error) {
      const reason = `lighthouse skipped: ${(error as Error).message}`;
      results.lighthouse = {skipped: reason};
      rows.push(['lighthouse', reason.split('\n')[0]]);
    }
    // Lighthouse's mobile score simulates a 4x slower CPU, so the load on
    // this shared machine moves it a lot: record the load with the figures.
    results.loadAverage = loadavg().map((l) => Number(l.toFixed(2)));
    rows.push(['load average (1, 5, 15 min)', (results.loadAverage as number[]).join(', ')]);
  } finally {
    await server.close();
  }

  printTable(rows);
  const file = path.join(outDir, 'site.json');
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`\nwrote ${path.relative(REPO_ROOT, file)}`);
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
