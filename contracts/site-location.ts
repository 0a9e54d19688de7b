/**
 * Where the site is published. GitHub Pages decides the host and the path
 * prefix, so CI passes them in (from actions/configure-pages); everything
 * else (local builds, tests, benchmarks) falls back to the same defaults,
 * which keeps the build, the test server and the sitemap in agreement.
 */
import {rawSetting, setting} from './settings';

export type SiteLocation = {
  /** Scheme and host, no trailing slash, e.g. https://org.github.io */
  url: string;
  /** Path prefix with a leading and trailing slash, e.g. /repo/ */
  baseUrl: string;
  organizationName: string;
  projectName: string;
};

type Env = Record<string, string | undefined>;

const DEFAULT_ORG = 'gitops-field-guide';
const DEFAULT_REPO = 'gitops-field-guide';

/** Docusaurus requires exactly one slash at each end of baseUrl. */
export function normalizeBaseUrl(raw: string): string {
  const trimmed = raw.trim().replace(/^\/+|\/+$/g, '');
  return trimmed === '' ? '/' : `/${trimmed}/`;
}

/**
 * configure-pages reports base_url as a full URL ("https://o.github.io/r"),
 * so SITE_URL may carry a path: split it into origin and base path.
 */
function splitUrl(raw: string): {origin: string; path: string} {
  const parsed = new URL(raw);
  return {origin: parsed.origin, path: parsed.pathname};
}

export function siteLocation(env: Env = process.env): SiteLocation {
  const organizationName = setting('GITHUB_ORG', env) ?? DEFAULT_ORG;
  const projectName = setting('GITHUB_REPO', env) ?? DEFAULT_REPO;
  const fromUrl = splitUrl(setting('SITE_URL', env) ?? `https://${organizationName}.github.io`);
  const basePath = rawSetting('BASE_URL', env) ?? (fromUrl.path !== '/' ? fromUrl.path : `/${projectName}/`);
  return {
    url: fromUrl.origin,
    baseUrl: normalizeBaseUrl(basePath),
    organizationName,
    projectName,
  };
}
