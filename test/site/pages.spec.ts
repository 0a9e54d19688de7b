/**
 * Checks that run on every page of the built site. Pages come from the
 * site's sitemap.xml, so a new page is covered as soon as it is built.
 */
import AxeBuilder from '@axe-core/playwright';
import {expect, test, type APIRequestContext, type Page} from '@playwright/test';
import {builtPagePaths, checkEveryPage, label, openPage, sitemapPaths} from '../../harness/site/pages.ts';

/** The guide has a home page, a search page and pages in each of its three parts. */
const MIN_PAGES = 5;

let pages: string[] = [];

test.beforeAll(async ({request}) => {
  pages = await sitemapPaths(request);
});

test('the sitemap lists every built page and nothing else', () => {
  expect(pages.length).toBeGreaterThanOrEqual(MIN_PAGES);
  expect(pages).toContain('');
  expect(pages.some((p) => p.startsWith('understand/'))).toBe(true);
  expect(pages.some((p) => p.startsWith('do/'))).toBe(true);
  expect(pages.some((p) => p.startsWith('check/'))).toBe(true);
  expect([...pages].sort()).toEqual(builtPagePaths());
});

test('every page loads without console errors or failed requests', async ({page}) => {
  await checkEveryPage(pages, (pagePath) => openPage(page, pagePath));
});

type PageLinks = {ids: string[]; links: string[]; images: string[]};

/** Every id, same-site link target and image source on the open page. */
function collectLinks(page: Page): Promise<PageLinks> {
  return page.evaluate(() => {
    const sameSite = (href: string) => new URL(href, location.href).origin === location.origin;
    const links = [...document.querySelectorAll<HTMLAnchorElement>('a[href]')]
      .map((a) => a.href)
      .filter((href) => /^https?:/.test(href) && sameSite(href));
    const images = [
      ...[...document.querySelectorAll<HTMLImageElement>('img[src]')].map((img) => img.currentSrc || img.src),
      ...[...document.querySelectorAll<HTMLLinkElement>('link[rel~="icon"]')].map((link) => link.href),
    ].filter(sameSite);
    const ids = [...document.querySelectorAll('[id]')].map((element) => element.id);
    return {ids, links, images};
  });
}

/** Status of a same-site URL, fetched once per test run. */
function statusChecker(request: APIRequestContext) {
  const cache = new Map<string, Promise<number>>();
  return (target: string): Promise<number> => {
    if (!cache.has(target)) cache.set(target, request.get(target).then((response) => response.status()));
    return cache.get(target)!;
  };
}

test('no page has a broken internal link, anchor or image', async ({page, request}) => {
  const status = statusChecker(request);
  const idsByPage = new Map<string, Set<string>>();
  const found = new Map<string, PageLinks>();
  let linkCount = 0;
  for (const pagePath of pages) {
    await openPage(page, pagePath);
    const links = await collectLinks(page);
    found.set(pagePath, links);
    idsByPage.set(page.url().split('#')[0], new Set(links.ids));
    linkCount += links.links.length;
  }
  expect(linkCount, 'internal links found on the site').toBeGreaterThan(pages.length);

  /** Ids of a linked page; pages outside the sitemap are opened on demand. */
  const idsOf = async (target: string): Promise<Set<string>> => {
    if (!idsByPage.has(target)) {
      await page.goto(target, {waitUntil: 'networkidle'});
      idsByPage.set(target, new Set((await collectLinks(page)).ids));
    }
    return idsByPage.get(target)!;
  };

  await checkEveryPage(pages, async (pagePath) => {
    const {links, images} = found.get(pagePath)!;
    const problems: string[] = [];
    for (const link of new Set(links)) {
      const [target, hash] = link.split('#');
      const code = await status(target);
      if (code !== 200) problems.push(`link ${link} returns ${code}`);
      else if (hash && !(await idsOf(target)).has(decodeURIComponent(hash))) {
        problems.push(`link ${link} points at a missing anchor`);
      }
    }
    for (const image of new Set(images)) {
      const code = await status(image);
      if (code !== 200) problems.push(`image ${image} returns ${code}`);
    }
    return problems;
  });
});

test('no page scrolls sideways on a 375 px wide screen', async ({page}) => {
  await page.setViewportSize({width: 375, height: 812});
  await checkEveryPage(pages, async (pagePath) => {
    await openPage(page, pagePath);
    const overflow = await page.evaluate(() => {
      const root = document.documentElement;
      if (root.scrollWidth <= root.clientWidth) return null;
      // Name the widest offenders so the failure says what to fix.
      // Fixed elements (the skip link parks itself off-screen) never widen the page.
      const overflows = (element: Element) =>
        element.getBoundingClientRect().right > root.clientWidth + 1 && getComputedStyle(element).position !== 'fixed';
      const culprits = [...document.body.querySelectorAll('*')]
        .filter((element) => overflows(element) && ![...element.children].some(overflows))
        .slice(0, 3)
        .map((element) => `<${element.tagName.toLowerCase()} class="${element.className}"> "${element.textContent?.slice(0, 30)}"`);
      return `scrollWidth ${root.scrollWidth} > clientWidth ${root.clientWidth} (${culprits.join(', ')})`;
    });
    return overflow ? [overflow] : [];
  });
});

for (const colorScheme of ['light', 'dark'] as const) {
  test(`axe finds no serious or critical WCAG A/AA violation (${colorScheme} mode)`, async ({page}) => {
    await page.emulateMedia({colorScheme});
    let pagesScanned = 0;
    await checkEveryPage(pages, async (pagePath) => {
      await openPage(page, pagePath);
      await expect(page.locator('html'), label(pagePath)).toHaveAttribute('data-theme', colorScheme);
      const results = await new AxeBuilder({page}).withTags(['wcag2a', 'wcag2aa']).analyze();
      pagesScanned += 1;
      return results.violations
        .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
        .map(
          (violation) =>
            `${violation.impact} ${violation.id}: ${violation.help} at ${violation.nodes
              .slice(0, 3)
              .map((node) => node.target.join(' '))
              .join(' | ')}`,
        );
    });
    expect(pagesScanned).toBe(pages.length);
  });
}
