/**
 * The production-readiness checklists: a tick survives a reload (localStorage)
 * and a shared link restores the same ticks in a fresh browser context.
 */
import {expect, test} from '@playwright/test';
import {openPage} from '../../harness/site/pages.ts';
import {STORAGE_PREFIX} from '../../src/components/Checklist/state.ts';

const CHECKLIST = 'check/application-checklist/';

test('a ticked checklist item stays ticked after a reload', async ({page}) => {
  expect(await openPage(page, CHECKLIST)).toEqual([]);
  const boxes = page.locator('input[type="checkbox"]');
  expect(await boxes.count(), 'checklist items on the page').toBeGreaterThan(3);
  const second = boxes.nth(1);
  await expect(second).not.toBeChecked();
  await second.check();
  await page.reload({waitUntil: 'networkidle'});
  await page.locator('html[data-has-hydrated="true"]').waitFor();
  await expect(page.locator('input[type="checkbox"]').nth(1)).toBeChecked();
  await expect(page.locator('input[type="checkbox"]').nth(0)).not.toBeChecked();
});

test('a share link restores the ticks in a browser that never saw them', async ({page, browser}) => {
  expect(await openPage(page, CHECKLIST)).toEqual([]);
  const boxes = page.locator('input[type="checkbox"]');
  await boxes.nth(0).check();
  await boxes.nth(2).check();

  // The stored state is the list of ticked ids; the documented share link is ?done=a,b.
  const stored = await page.evaluate((prefix) => {
    const key = Object.keys(window.localStorage).find((k) => k.startsWith(prefix));
    return key ? window.localStorage.getItem(key) : null;
  }, STORAGE_PREFIX);
  expect(stored, 'ticks are kept in localStorage').not.toBeNull();
  const ticked = JSON.parse(stored!) as string[];
  expect(ticked).toHaveLength(2);

  const fresh = await browser.newContext();
  try {
    const other = await fresh.newPage();
    const link = new URL(page.url());
    link.search = `?done=${ticked.join(',')}`;
    await other.goto(link.toString(), {waitUntil: 'networkidle'});
    await other.locator('html[data-has-hydrated="true"]').waitFor();
    const restored = other.locator('input[type="checkbox"]');
    await expect(restored.nth(0)).toBeChecked();
    await expect(restored.nth(1)).not.toBeChecked();
    await expect(restored.nth(2)).toBeChecked();
  } finally {
    await fresh.close();
  }
});
