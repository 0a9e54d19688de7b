/**
 * Features of the site that a reader uses directly: search, diagrams and
 * the colour-mode switch.
 */
import {expect, test} from '@playwright/test';
import {checkEveryPage, openPage, sitemapPaths} from '../../harness/site/pages.ts';

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
      const expected = withDiagrams.find((entry) => entry.path === pagePath)!.count;
      const problems = await openPage(page, pagePath);
      const drawn = page.locator('figure[data-diagram="mermaid"] svg[id^="mermaid"]');
      if ((await drawn.count()) !== expected) problems.push(`${await drawn.count()} of ${expected} diagrams drawn`);
      // Any diagram type (flowchart, sequence, ...) draws its labels as text.
      const empty = await drawn.evaluateAll(
        (svgs) => svgs.filter((svg) => (svg.textContent ?? '').trim() === '' || svg.getBoundingClientRect().height < 10).length,
      );
      if (empty > 0) problems.push(`${empty} diagram(s) drew an empty SVG`);
      return problems;
    },
  );
});

test('a diagram below the fold is drawn only when the reader gets near it', async ({page, request}) => {
  // The mechanism page keeps its diagram well below the first screen.
  const pagePath = 'check/example-file-mechanism/';
  expect(await sitemapPaths(request)).toContain(pagePath);
  await page.setViewportSize({width: 1280, height: 400});
  await page.goto(pagePath, {waitUntil: 'networkidle'});
  await page.locator('html[data-has-hydrated="true"]').waitFor();
  const figure = page.locator('figure[data-diagram="mermaid"]').first();
  await expect(figure.locator('svg')).toHaveCount(0);
  await figure.scrollIntoViewIfNeeded();
  await expect(figure.locator('svg[id^="mermaid"]')).toHaveCount(1);
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
