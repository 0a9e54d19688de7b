// A smart-HTTP Git server for the live tier (on 127.0.0.1 unless told another address): Node's
// http module in front of `git http-backend`, the CGI that ships with git itself.
//
// Why http-backend and not a library: it is git's own implementation of the smart protocol
// (v0/v1/v2, shallow fetches, pushes), so source-controller talks to exactly what a real Git
// host speaks; it is already on every machine that has git, adds no npm dependency, and the
// Node libraries for this (node-git-server and the like) spawn the same git plumbing anyway.
//
// Repositories are built from folders of examples/ at test time: a bare repo served over HTTP
// and a working clone under the run folder that tests commit to and push (through the server,
// so every push is a real receive-pack and fires onPush and the optional Receiver webhook).
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { dirname, join, relative } from 'node:path';
import { makeRunDir } from '../cluster/paths';
import { runCommand } from '../cluster/process';
import { cgiEnv, runCgi } from './cgi';
import { notifyReceiver, type PushEvent, type ReceiverTarget } from './receiver';

export type { PushEvent, ReceiverTarget } from './receiver';

export interface Credentials {
  username: string;
  password: string;
}

export interface GitServerOptions {
  /** Basic-auth credentials every request must carry (random when omitted; `false` disables auth). */
  credentials?: Credentials | false;
  /**
   * The one address the server listens on, and the host of every URL it hands out (default
   * 127.0.0.1). Only the kind tier passes another: the gateway of kind's Docker network, so that
   * pods can fetch (see harness/cluster/kind.ts). Wildcards (0.0.0.0, ::) are refused.
   */
  host?: string;
  log?: (line: string) => void;
}

/** Rewrites a file while a repo is built: return new content, or undefined to keep it. */
export type FileTransform = (path: string, content: Buffer) => string | Buffer | undefined;

export interface CreateRepoOptions {
  transform?: FileTransform;
  message?: string;
  branch?: string;
}

/** New content per path (relative to the repo root); null deletes the file. */
export type Changes = Record<string, string | Buffer | null>;

export interface GitServer {
  /** http://HOST:PORT (HOST is 127.0.0.1 unless the `host` option said otherwise) */
  url: string;
  /** The address the server listens on. */
  host: string;
  credentials: Credentials | undefined;
  /** The run folder (bare repos in repos/, working clones in work/). */
  root: string;
  /** Clone URL of a repo (without credentials: Flux gets them from a Secret). */
  repoUrl(name: string): string;
  /** Builds a repo from a folder, pushes it; resolves to its clone URL. */
  createRepoFrom(dir: string, name: string, opts?: CreateRepoOptions): Promise<string>;
  /** Commits changes in the working clone and pushes them; resolves to the new commit sha. */
  pushCommit(repo: string, changes: Changes, message: string): Promise<string>;
  /** The commit a branch of the served (bare) repo points at. */
  head(repo: string, branch?: string): string;
  /** Path of the working clone (read files the way a test author would). */
  workdir(repo: string): string;
  /** Called after every push that moved a ref. Returns an unsubscribe function. */
  onPush(cb: (event: PushEvent) => void | Promise<void>): () => void;
  /** Calls this Receiver webhook after each push (undefined: stop calling). */
  setReceiver(target: ReceiverTarget | undefined): void;
  /** Statuses of the Receiver calls made so far, newest last. */
  receiverCalls(): Array<{ push: PushEvent; status: number | string }>;
  stop(): Promise<void>;
}

export const DEFAULT_GIT_HOST = '127.0.0.1';

/** The address to listen on: the default when unset; throws on empty or wildcard addresses. */
export function gitBindHost(host: string | undefined): string {
  if (host === undefined) return DEFAULT_GIT_HOST;
  const h = host.trim();
  if (!h) throw new Error('git server host is empty');
  if (h === '0.0.0.0' || h === '::' || h === '[::]') {
    throw new Error(`git server host ${h} would listen on every interface; give the one address clients use`);
  }
  if (!/^[A-Za-z0-9.:-]+$/.test(h.replace(/^\[|\]$/g, ''))) throw new Error(`git server host "${host}" is not an IP address or host name`);
  return h.replace(/^\[|\]$/g, '');
}

/** `http://host:port`, with an IPv6 address in brackets. */
export function gitBaseUrl(host: string, port: number): string {
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/** Clone URL of a repo; with credentials, the form the working clones push to. */
export function gitRepoUrl(base: string, name: string, credentials?: Credentials): string {
  const url = `${base}/${name}.git`;
  if (!credentials) return url;
  return url.replace(/^http:\/\//, `http://${encodeURIComponent(credentials.username)}:${encodeURIComponent(credentials.password)}@`);
}

const REPO_PATH = /^\/([A-Za-z0-9._-]+)\.git(\/.*)?$/;

/** Environment for git commands: no system/global config, no prompts, fixed identity. */
export function gitEnv(home: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: join(home, '.gitconfig'),
    GIT_TERMINAL_PROMPT: '0',
    GIT_AUTHOR_NAME: 'Field Guide Harness',
    GIT_AUTHOR_EMAIL: 'harness@field-guide.invalid',
    GIT_COMMITTER_NAME: 'Field Guide Harness',
    GIT_COMMITTER_EMAIL: 'harness@field-guide.invalid',
  };
}

/** Parses "Authorization: Basic ..." (undefined when absent or malformed). */
export function parseBasicAuth(header: string | undefined): Credentials | undefined {
  if (!header?.startsWith('Basic ')) return undefined;
  const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** Every file under dir (relative paths), skipping .git. */
export function listFiles(dir: string, base = dir): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir)) {
    if (entry === '.git') continue;
    const full = join(dir, entry);
    if (statSync(full).isDirectory()) out.push(...listFiles(full, base));
    else out.push(relative(base, full));
  }
  return out.sort();
}

function httpBackendPath(): string {
  const execPath = execFileSync('git', ['--exec-path'], { encoding: 'utf8' }).trim();
  const program = join(execPath, 'git-http-backend');
  if (!existsSync(program)) throw new Error(`git http-backend not found at ${program}`);
  return program;
}

function refsOf(bareRepo: string, env: NodeJS.ProcessEnv): Map<string, string> {
  const refs = new Map<string, string>();
  if (!existsSync(bareRepo)) return refs;
  const out = execFileSync('git', ['for-each-ref', '--format=%(refname) %(objectname)'], { cwd: bareRepo, env, encoding: 'utf8' });
  for (const line of out.split('\n').filter(Boolean)) {
    const [ref, sha] = line.split(' ');
    refs.set(ref, sha);
  }
  return refs;
}

const ZERO = '0000000000000000000000000000000000000000';

/** Refs a push created or moved. */
export function diffRefs(repo: string, before: Map<string, string>, after: Map<string, string>): PushEvent[] {
  const events: PushEvent[] = [];
  for (const [ref, sha] of after) {
    if (before.get(ref) !== sha) events.push({ repo, ref, before: before.get(ref) ?? ZERO, after: sha });
  }
  return events;
}

export async function startGitServer(opts: GitServerOptions = {}): Promise<GitServer> {
  const host = gitBindHost(opts.host); // before anything is created: a bad host leaves nothing behind
  const root = makeRunDir('git', 'server');
  const reposDir = join(root, 'repos');
  const workDir = join(root, 'work');
  const home = join(root, 'home');
  for (const d of [reposDir, workDir, home]) mkdirSync(d, { recursive: true });
  writeFileSync(join(home, '.gitconfig'), '[init]\n\tdefaultBranch = main\n[protocol]\n\tversion = 2\n');
  // Lets `cluster:down` tell an orphaned run folder (owner gone) from a live one.
  writeFileSync(join(root, 'state.json'), JSON.stringify({ kind: 'git-server', ownerPid: process.pid }));
  const env = gitEnv(home);
  const credentials = opts.credentials === false ? undefined : (opts.credentials ?? { username: 'flux', password: randomBytes(12).toString('hex') });
  const backend = httpBackendPath();
  const log = opts.log ?? (() => {});
  const listeners = new Set<(e: PushEvent) => void | Promise<void>>();
  const calls: Array<{ push: PushEvent; status: number | string }> = [];
  let receiver: ReceiverTarget | undefined;

  const afterPush = async (events: PushEvent[]) => {
    for (const event of events) {
      log(`push ${event.repo} ${event.ref} ${event.before.slice(0, 7)}..${event.after.slice(0, 7)}`);
      for (const cb of listeners) await Promise.resolve(cb(event)).catch((e) => log(`onPush callback failed: ${e}`));
      if (receiver) {
        const status = await notifyReceiver(receiver, event).catch((e: Error) => `error: ${e.message}`);
        calls.push({ push: event, status });
        log(`receiver ${receiver.type} ${receiver.url} -> ${status}`);
      }
    }
  };

  // Push hooks run after the response (as a Git host's webhooks do); pushCommit waits for them.
  const inFlight = new Set<Promise<void>>();
  const track = (p: Promise<void>) => {
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
  };
  const settled = async () => {
    while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const match = REPO_PATH.exec(url.pathname);
    if (!match) {
      res.writeHead(404).end('not a repository path\n');
      return;
    }
    const user = parseBasicAuth(req.headers.authorization);
    if (credentials && (user?.username !== credentials.username || user?.password !== credentials.password)) {
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="field-guide git"' }).end('authentication required\n');
      return;
    }
    const repo = match[1];
    const bare = join(reposDir, `${repo}.git`);
    const pushing = url.pathname.endsWith('/git-receive-pack');
    const before = pushing ? refsOf(bare, env) : undefined;
    const cgi = cgiEnv(req, decodeURIComponent(url.pathname), url.search.slice(1), {
      ...env,
      GIT_PROJECT_ROOT: reposDir,
      GIT_HTTP_EXPORT_ALL: '1',
      ...(user ? { REMOTE_USER: user.username } : {}),
    });
    const code = await runCgi(backend, cgi, req, res);
    if (pushing && before && code === 0) track(afterPush(diffRefs(repo, before, refsOf(bare, env))));
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error) => {
      log(`git server error: ${error}`);
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  try {
    await new Promise<void>((resolveListen, reject) => {
      server.once('error', reject);
      server.listen(0, host, () => resolveListen());
    });
  } catch (error) {
    rmSync(root, { recursive: true, force: true });
    throw new Error(`git server could not listen on ${host}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const baseUrl = gitBaseUrl(host, port);
  const authUrl = (name: string) => gitRepoUrl(baseUrl, name, credentials);

  const git = async (cwd: string, args: string[]) => {
    const result = await runCommand('git', args, { cwd, env, timeoutMs: 60_000 });
    if (result.code !== 0) throw new Error(`git ${args.join(' ')} (in ${cwd}) exited ${result.code}:\n${result.output}`);
    return result.output.trim();
  };

  const commitAndPush = async (work: string, message: string, branch: string) => {
    await git(work, ['add', '--all']);
    await git(work, ['commit', '--quiet', '--allow-empty', '-m', message]);
    await git(work, ['push', '--quiet', 'origin', `HEAD:refs/heads/${branch}`]);
    await settled();
    return git(work, ['rev-parse', 'HEAD']);
  };

  return {
    url: baseUrl,
    host,
    credentials,
    root,
    repoUrl: (name) => gitRepoUrl(baseUrl, name),
    workdir: (repo) => join(workDir, repo),
    head: (repo, branch = 'main') => refsOf(join(reposDir, `${repo}.git`), env).get(`refs/heads/${branch}`) ?? '',
    async createRepoFrom(dir, name, createOpts = {}) {
      const branch = createOpts.branch ?? 'main';
      const bare = join(reposDir, `${name}.git`);
      if (existsSync(bare)) throw new Error(`repository ${name} already exists on this git server`);
      await git(reposDir, ['init', '--quiet', '--bare', `--initial-branch=${branch}`, bare]);
      await git(bare, ['config', 'http.receivepack', 'true']);
      const work = join(workDir, name);
      await git(workDir, ['init', '--quiet', `--initial-branch=${branch}`, work]);
      for (const file of listFiles(dir)) {
        const content = readFileSync(join(dir, file));
        const out = createOpts.transform?.(file, content) ?? content;
        mkdirSync(dirname(join(work, file)), { recursive: true });
        writeFileSync(join(work, file), out);
      }
      await git(work, ['remote', 'add', 'origin', authUrl(name)]);
      await commitAndPush(work, createOpts.message ?? `Import ${relative(process.cwd(), dir) || dir}`, branch);
      return gitRepoUrl(baseUrl, name);
    },
    async pushCommit(repo, changes, message) {
      const work = join(workDir, repo);
      if (!existsSync(work)) throw new Error(`no working clone for repository ${repo}`);
      for (const [path, content] of Object.entries(changes)) {
        const target = join(work, path);
        if (content === null) rmSync(target, { force: true });
        else {
          mkdirSync(dirname(target), { recursive: true });
          writeFileSync(target, content);
        }
      }
      const branch = (await git(work, ['rev-parse', '--abbrev-ref', 'HEAD'])) || 'main';
      return commitAndPush(work, message, branch);
    },
    onPush(cb) {
      listeners.add(cb);
      return () => listeners.delete(cb);
    },
    setReceiver(target) {
      receiver = target;
    },
    receiverCalls: () => [...calls],
    async stop() {
      await settled();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      rmSync(root, { recursive: true, force: true });
    },
  };
}
