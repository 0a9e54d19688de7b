// Browser tests of the built site (test/site/*.spec.ts) in Debian's Chromium.
// `npm run build` first: the web server below serves build/ and refuses a
// missing build or one made for another url/baseUrl.
import {defineConfig} from '@playwright/test';
import {siteLocation} from './contracts/site-location.ts';
import {freePort} from './harness/cluster/ports.ts';
import {CHROMIUM_ARGS, CHROMIUM_PATH} from './harness/site/chromium.ts';

// Playwright evaluates this file in the runner and again in every worker; the
// port is chosen once and handed down through the environment.
process.env.SITE_TEST_PORT ||= String(await freePort());
const port = Number(process.env.SITE_TEST_PORT);
const siteUrl = `http://127.0.0.1:${port}${siteLocation().baseUrl}`;

export default defineConfig({
  testDir: 'test/site',
  testMatch: '*.spec.ts',
  outputDir: '.tmp/playwright',
  fullyParallel: true,
  workers: 2,
  retries: 0,
  forbidOnly: Boolean(process.env.CI),
  // Each test walks every page of the site, so allow minutes, not seconds.
  timeout: 5 * 60_000,
  expect: {timeout: 15_000},
  // The lead's runner passes --reporter=list,json, which replaces this.
  reporter: 'list',
  use: {
    baseURL: siteUrl,
    browserName: 'chromium',
    headless: true,
    launchOptions: {executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS},
    colorScheme: 'light',
    trace: 'retain-on-failure',
  },
  webServer: {
    command: 'npx tsx harness/site/server.ts',
    url: siteUrl,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'pipe',
    env: {SITE_TEST_PORT: String(port)},
  },
});
