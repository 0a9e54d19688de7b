/**
 * Verification status on the site: every code block that shows a file from examples/ carries the
 * harness's badge for that file, saying what the status logic says for the committed report and
 * this checkout; the goals page shows one row per goal.
 */
import {readFileSync} from 'node:fs';
import path from 'node:path';
import {expect, test} from '@playwright/test';
import {openPage} from '../../harness/site/pages.ts';
import {SNAPSHOT, loadVerificationData} from '../../src/components/VerificationStatus/plugin.ts';
import {STATE_LABELS, exampleStatus, goalRows, type VerificationReport} from '../../src/components/VerificationStatus/status.ts';
import {goals} from '../../src/data/goals.ts';
import { REPO_ROOT } from '../../contracts/paths.ts';
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

test('the goals page shows, for every goal, the state the status logic computes from the report', async ({page}) => {
  expect(await openPage(page, 'check/goals/')).toEqual([]);
  await expect(page.locator('tr[id^="status-"]')).toHaveCount(goals.length);
  const rows = goalRows(goals, report, {now: Date.now(), maxAgeDays: 30, current: (p) => current[p]});
  for (const row of rows) {
    const cell = page.locator(`#status-${row.goal.id} td[data-label="Status"]`);
    if (row.state === 'no-examples') {
      await expect(cell).toHaveText('no files to run');
      continue;
    }
    await expect(cell.locator('[data-state]'), `goal ${row.goal.id}`).toHaveAttribute('data-state', row.state);
    const shown = page.locator(`#status-${row.goal.id} td[data-label="Examples"] [data-state]`);
    await expect(shown, `goal ${row.goal.id}: one badge per example`).toHaveCount(row.examples.length);
    for (const [i, example] of row.examples.entries()) await expect(shown.nth(i)).toHaveAttribute('data-state', example.state);
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
    const {checks} = outlineOf(readFileSync(path.join(REPO_ROOT, file), 'utf8'), file);
    const titles = checks.flatMap((c) => [c.title, ...c.steps]).map((t) => t.replaceAll('`', ''));
    await expect(proof.locator('li')).toHaveText(titles.map((t) => new RegExp(`^${t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`)));
    await expect(proof.locator('pre')).toContainText(`npm run test:scenario -- ${file}`);
  }
});
