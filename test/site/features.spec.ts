/**
 * Features of the site that a reader uses directly: search, diagrams and
 * the colour-mode switch.
 */
import {expect, test} from '@playwright/test';
import {checkEveryPage, openPage, sitemapPaths} from './site.ts';

test('search finds a chapter by the words of its title and opens it', async ({page, request}) => {
  const chapters = (await sitemapPaths(request)).filter((p) => /^understand\/.+/.test(p));
  expect(chapters.length, 'chapters under understand/').toBeGreaterThan(0);
  const chapter = chapters[0];
  await openPage(page, chapter);
  const title = (await page.locator('article h1').first().innerText()).trim();
  expect(title.length).toBeGreaterThan(0);

  await openPage(page, '');
  const input = page.getByRole('searchbox', {name: 'Search'}).or(page.locator('input[aria-label="Search"]'));
  await input.first().fill(title);
  const results = page.locator('[role="option"]');
  await expect(results.first()).toBeVisible();
  expect(await results.count()).toBeGreaterThan(0);
  const hit = results.filter({hasText: title}).first();
  await expect(hit).toBeVisible();
  await hit.click();
  await expect(page).toHaveURL((url) => url.pathname.endsWith(`/${chapter}`));
  await expect(page.locator('article h1').first()).toHaveText(title);
});

test('every Mermaid diagram renders to an SVG', async ({page, request}) => {
  const pages = await sitemapPaths(request);
  // The wrapper in src/theme/Mermaid is in the server-rendered HTML, so the
  // static page says how many diagrams the browser has to draw.
  const withDiagrams: {path: string; count: number}[] = [];
  for (const pagePath of pages) {
    const html = await (await request.get(pagePath)).text();
    const count = html.match(/data-diagram="?mermaid/g)?.length ?? 0;
    if (count > 0) withDiagrams.push({path: pagePath, count});
  }
  expect(withDiagrams.length, 'pages with a Mermaid diagram').toBeGreaterThan(0);

  await checkEveryPage(
    withDiagrams.map((entry) => entry.path),
    async (pagePath) => {
      await openPage(page, pagePath);
      const expected = withDiagrams.find((entry) => entry.path === pagePath)!.count;
      const drawn = page.locator('figure[data-diagram="mermaid"] svg[id^="mermaid"]');
      await expect(drawn).toHaveCount(expected);
      const nodes = await drawn.first().locator('g.node, g.nodes > g').count();
      return nodes > 0 ? [] : ['the first diagram has no nodes'];
    },
  );
});

test('the colour-mode toggle switches data-theme and survives a reload', async ({page}) => {
  await page.emulateMedia({colorScheme: 'light'});
  await openPage(page, '');
  const html = page.locator('html');
  await expect(html).toHaveAttribute('data-theme', 'light');

  // With respectPrefersColorScheme the toggle cycles system -> light -> dark.
  const toggle = page.getByRole('button', {name: /dark and light mode/i});
  for (let click = 0; click < 3 && (await html.getAttribute('data-theme')) !== 'dark'; click++) {
    await toggle.click();
  }
  await expect(html).toHaveAttribute('data-theme', 'dark');

  await page.reload({waitUntil: 'networkidle'});
  await expect(html).toHaveAttribute('data-theme', 'dark');
  await expect(page.getByRole('button', {name: /dark and light mode/i})).toBeVisible();
});
