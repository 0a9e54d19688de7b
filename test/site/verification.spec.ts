/**
 * Verification status on the site: every code block that shows a file from examples/ carries the
 * harness's badge for that file, saying what the status logic says for the committed report and
 * this checkout; the goals page shows one row per goal.
 */
import {readFileSync} from 'node:fs';
import path from 'node:path';
import {expect, test} from '@playwright/test';
import {openPage} from './site.ts';
import {SNAPSHOT, loadVerificationData} from '../../src/components/VerificationStatus/plugin.ts';
import {STATE_LABELS, exampleStatus, type VerificationReport} from '../../src/components/VerificationStatus/status.ts';
import {goals} from '../../src/data/goals.ts';
import {REPO_ROOT} from '../report/record.ts';
import {outlineOf} from '../../src/remark/scenario.ts';

const report = JSON.parse(readFileSync(path.join(REPO_ROOT, SNAPSHOT), 'utf8')) as VerificationReport;
const current = loadVerificationData(REPO_ROOT).current;

/** Pages chosen for their mix: verified by scenarios, by the static tier only, several per page. */
const PAGES = ['do/first-gitops-loop/', 'do/ephemeral-environment/', 'understand/topics/external-infrastructure/'];

for (const pagePath of PAGES) {
  test(`every example code block on ${pagePath} carries its verification badge`, async ({page}) => {
    expect(await openPage(page, pagePath)).toEqual([]);
    const titles = page.locator('.theme-code-block [class*="codeBlockTitle"]');
    const shown = (await titles.allTextContents()).filter((t) => t.startsWith('examples/'));
    expect(shown.length, 'code blocks that show a file of examples/').toBeGreaterThan(0);
    const badges = page.locator('[data-example]');
    expect(await badges.evaluateAll((els) => els.map((e) => e.getAttribute('data-example')))).toEqual(shown);

    const now = Date.now();
    for (const example of shown) {
      const want = exampleStatus(report, example, {now, maxAgeDays: 30, current: (p) => current[p]});
      const badge = page.locator(`[data-example="${example}"]`).first();
      await expect(badge.locator('[data-state]')).toHaveAttribute('data-state', want.state);
      await expect(badge).toContainText(STATE_LABELS[want.state]);
      // The badge sits right under its own code block.
      const above = badge.locator('xpath=preceding-sibling::*[1]');
      await expect(above.locator('[class*="codeBlockTitle"]')).toHaveText(example);
    }
  });
}

test('the goals page shows a verification row for every goal', async ({page}) => {
  expect(await openPage(page, 'check/goals/')).toEqual([]);
  const rows = page.locator('tr[id^="status-"]');
  await expect(rows).toHaveCount(goals.length);
  for (const goal of goals.filter((g) => g.examples.length > 0)) {
    const state = await page.locator(`#status-${goal.id} td[data-label="Status"] [data-state]`).getAttribute('data-state');
    expect(['passed', 'failed', 'stale', 'not-verified'], `goal ${goal.id}`).toContain(state);
  }
  await expect(page.getByText(/report updated \d{4}-\d{2}-\d{2}/)).toBeVisible();
});

test('a workflow page names the live scenarios that prove it, with the checks each file holds', async ({page}) => {
  expect(await openPage(page, 'do/drift-and-the-escape-hatch/')).toEqual([]);
  const proofs = page.locator('.theme-admonition').filter({hasText: 'Proved by a live test'});
  await expect(proofs).toHaveCount(2);
  for (const [i, file] of ['test/scenarios/drift.test.ts', 'test/scenarios/suspend.test.ts'].entries()) {
    const proof = proofs.nth(i);
    await expect(proof.locator(`a[href$="/blob/main/${file}"]`)).toHaveText(file);
    const {tests} = outlineOf(readFileSync(path.join(REPO_ROOT, file), 'utf8'), file);
    await expect(proof.locator('li')).toHaveText(tests.map((t) => t.replaceAll('`', '')));
    await expect(proof.locator('pre')).toContainText(`npm run test:scenario -- ${file}`);
  }
});
