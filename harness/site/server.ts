/**
 * A small static server for the built site that behaves like GitHub Pages:
 * the site lives under its baseUrl, `dir/` serves `dir/index.html`, `dir`
 * redirects to `dir/`, unknown paths get build/404.html with status 404, and
 * text is gzip-compressed. The browser tests and the benchmark both use it.
 *
 * CLI (Playwright's webServer): `tsx harness/site/server.ts` serves build/ on
 * 127.0.0.1:$SITE_TEST_PORT under the configured baseUrl.
 */
import {existsSync, readFileSync, statSync} from 'node:fs';
import {createServer, type IncomingMessage, type ServerResponse} from 'node:http';
import type {AddressInfo} from 'node:net';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {gzipSync} from 'node:zlib';
import {siteLocation} from '../../contracts/site-location.ts';
import { REPO_ROOT } from '../../contracts/paths.ts';
import { setting } from '../../contracts/settings.ts';

export const buildDir = path.join(REPO_ROOT, 'build');

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.webmanifest': 'application/manifest+json',
};

const COMPRESSIBLE = /^(text\/|application\/(json|xml|manifest)|image\/svg)/;

export type SiteServer = {origin: string; siteUrl: string; close: () => Promise<void>};

/**
 * Refuses to serve a build made for a different host or baseUrl: every link
 * in it would point elsewhere and the tests would fail for the wrong reason.
 */
export function checkBuild(root: string, url: string, baseUrl: string): void {
  const sitemap = path.join(root, 'sitemap.xml');
  if (!existsSync(path.join(root, 'index.html')) || !existsSync(sitemap)) {
    throw new Error(`${root} has no built site: run \`npm run build\` first`);
  }
  if (!readFileSync(sitemap, 'utf8').includes(`<loc>${url}${baseUrl}`)) {
    throw new Error(
      `${sitemap} was built for another url/baseUrl than ${url}${baseUrl}: rebuild with the same SITE_URL/BASE_URL`,
    );
  }
}

/** Maps a URL path below baseUrl to a file in the build, GitHub Pages style. */
export function resolveRequest(root: string, baseUrl: string, urlPath: string): {file?: string; redirect?: string} {
  if (!urlPath.startsWith(baseUrl)) return {};
  const relative = decodeURIComponent(urlPath.slice(baseUrl.length));
  const target = path.resolve(root, relative);
  if (target !== root && !target.startsWith(root + path.sep)) return {};
  if (!existsSync(target)) return existsSync(`${target}.html`) ? {file: `${target}.html`} : {};
  if (statSync(target).isDirectory()) {
    if (!urlPath.endsWith('/')) return {redirect: `${urlPath}/`};
    const index = path.join(target, 'index.html');
    return existsSync(index) ? {file: index} : {};
  }
  return {file: target};
}

function send(request: IncomingMessage, response: ServerResponse, file: string, status: number): void {
  const type = CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream';
  let body = readFileSync(file);
  const headers: Record<string, string> = {'content-type': type, 'cache-control': 'max-age=600'};
  if (COMPRESSIBLE.test(type) && /\bgzip\b/.test(String(request.headers['accept-encoding']))) {
    body = gzipSync(body);
    headers['content-encoding'] = 'gzip';
    headers.vary = 'accept-encoding';
  }
  headers['content-length'] = String(body.length);
  response.writeHead(status, headers);
  response.end(request.method === 'HEAD' ? undefined : body);
}

function handle(root: string, baseUrl: string, request: IncomingMessage, response: ServerResponse): void {
  const urlPath = new URL(request.url ?? '/', 'http://localhost').pathname;
  if (urlPath === '/' && baseUrl !== '/') {
    response.writeHead(302, {location: baseUrl}).end();
    return;
  }
  const {file, redirect} = resolveRequest(root, baseUrl, urlPath);
  if (redirect) response.writeHead(301, {location: redirect}).end();
  else if (file) send(request, response, file, 200);
  else send(request, response, path.join(root, '404.html'), 404);
}

export async function startSiteServer(
  options: {root?: string; port?: number; host?: string} = {},
): Promise<SiteServer> {
  const {url, baseUrl} = siteLocation();
  const root = options.root ?? buildDir;
  checkBuild(root, url, baseUrl);
  const server = createServer((request, response) => handle(root, baseUrl, request, response));
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, resolve);
  });
  const origin = `http://${host}:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    siteUrl: `${origin}${baseUrl}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const port = Number(setting('SITE_TEST_PORT') ?? 0);
  startSiteServer({port}).then(
    (server) => console.log(`serving ${buildDir} at ${server.siteUrl}`),
    (error: Error) => {
      console.error(error.message);
      process.exit(1);
    },
  );
}
