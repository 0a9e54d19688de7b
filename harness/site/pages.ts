/**
 * Helpers shared by the browser tests: which pages the site has (read from
 * its own sitemap, so a new page is covered without touching the tests) and
 * how to open one and record everything that went wrong while it loaded.
 */
import {readdirSync} from 'node:fs';
import path from 'node:path';
import {
  expect,
  type APIRequestContext,
  type ConsoleMessage,
  type Page,
  type Request,
  type Response,
} from '@playwright/test';
import {siteLocation} from '../../contracts/site-location.ts';
import {buildDir} from './server.ts';

const {url, baseUrl} = siteLocation();

/**
 * Page paths relative to the site root ('' is the home page), in sitemap
 * order. The published URLs are rewritten onto the local server by
 * resolving them against Playwright's baseURL.
 */
export async function sitemapPaths(request: APIRequestContext): Promise<string[]> {
  const response = await request.get('sitemap.xml');
  expect(response.status(), 'sitemap.xml status').toBe(200);
  const xml = await response.text();
  const published = `${url}${baseUrl}`;
  return [...xml.matchAll(/<loc>([^<]+)<\/loc>/g)].map(([, loc]) => {
    if (!loc.startsWith(published)) throw new Error(`sitemap entry ${loc} is not under ${published}`);
    return loc.slice(published.length);
  });
}

/** Every page the build wrote (dir/index.html), as paths like sitemapPaths returns. */
export function builtPagePaths(root: string = buildDir): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, {withFileTypes: true})) {
      if (entry.isDirectory() && entry.name !== 'assets') walk(path.join(dir, entry.name));
      else if (entry.name === 'index.html') {
        const relative = path.relative(root, dir).split(path.sep).join('/');
        found.push(relative === '' ? '' : `${relative}/`);
      }
    }
  };
  walk(root);
  return found.sort();
}

export type LoadProblems = string[];

/**
 * Opens a page and returns every console error, uncaught exception, failed
 * request and HTTP error seen until the network went quiet, React had
 * hydrated the page and every diagram was drawn.
 */
export async function openPage(page: Page, pagePath: string): Promise<LoadProblems> {
  const problems: LoadProblems = [];
  const onConsole = (message: ConsoleMessage) => {
    if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
  };
  const onPageError = (error: Error) => problems.push(`uncaught: ${error.message}`);
  const onRequestFailed = (request: Request) =>
    problems.push(`request failed: ${request.url()} (${request.failure()?.errorText})`);
  const onResponse = (response: Response) => {
    if (response.status() >= 400) problems.push(`HTTP ${response.status()}: ${response.url()}`);
  };
  page.on('console', onConsole).on('pageerror', onPageError);
  page.on('requestfailed', onRequestFailed).on('response', onResponse);
  try {
    const response = await page.goto(pagePath, {waitUntil: 'networkidle'});
    if (response?.status() !== 200) problems.push(`page status ${response?.status()}`);
    await page.locator('html[data-has-hydrated="true"]').waitFor({timeout: 15_000});
    await revealDiagrams(page);
  } finally {
    page.off('console', onConsole).off('pageerror', onPageError);
    page.off('requestfailed', onRequestFailed).off('response', onResponse);
  }
  return problems;
}

/**
 * Diagrams are drawn only near the viewport (src/theme/Mermaid), so scroll
 * each one into view and wait for its SVG: every check then sees the page
 * as a reader who scrolled through it, Mermaid's own errors included.
 */
export async function revealDiagrams(page: Page): Promise<number> {
  const figures = page.locator('figure[data-diagram="mermaid"]');
  const count = await figures.count();
  for (let i = 0; i < count; i++) {
    await figures.nth(i).scrollIntoViewIfNeeded();
    await figures.nth(i).locator('svg').first().waitFor({timeout: 15_000});
  }
  if (count > 0) {
    await page.waitForLoadState('networkidle');
    await page.evaluate(() => window.scrollTo(0, 0));
  }
  return count;
}

/** Human-readable label for a page path. */
export function label(pagePath: string): string {
  return `${baseUrl}${pagePath}`;
}

/**
 * Runs `check` on every page and fails once at the end with all findings, so
 * one bad page does not hide the next.
 */
export async function checkEveryPage(
  pagePaths: string[],
  check: (pagePath: string) => Promise<string[]>,
): Promise<void> {
  const findings: string[] = [];
  for (const pagePath of pagePaths) {
    for (const finding of await check(pagePath)) findings.push(`${label(pagePath)}: ${finding}`);
  }
  expect(findings, findings.join('\n')).toEqual([]);
}
