// Test helpers: start the real service as a child process on 127.0.0.1 with
// an OS-assigned port, read its JSON log lines, and poll instead of sleeping.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const APP_DIR = dirname(dirname(fileURLToPath(import.meta.url)));
export const TSX_ENTRY = ['--import', 'tsx', 'src/main.ts'];

export type LogLine = Record<string, unknown> & { msg?: string; level?: string };

export interface App {
  proc: ChildProcess;
  /** Every stdout/stderr line so far; JSON lines parsed, others kept as strings. */
  lines: Array<LogLine | string>;
  output(): string;
  waitForLog(match: (line: LogLine) => boolean, what: string, timeoutMs?: number): Promise<LogLine>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  url: string;
  port: number;
}

export interface StartOptions {
  /** Config object or raw text; written to a fresh temp dir unless configPath is given. */
  config?: unknown;
  configPath?: string;
  env?: Record<string, string>;
  entry?: string[];
}

export const BASE_CONFIG = {
  greeting: 'Hello from the tests',
  environment: 'test',
  shutdown: { preStopDelayMs: 0, drainTimeoutMs: 10_000 },
};

const cleanups: Array<() => void> = [];
process.on('exit', () => cleanups.forEach((fn) => fn()));

/** Starts the service and resolves once it logs "listening". */
export async function startApp(opts: StartOptions = {}): Promise<App> {
  const app = spawnApp(opts);
  const listening = await Promise.race([
    app.waitForLog((l) => l.msg === 'listening', 'the "listening" log line', 20_000),
    app.exited.then(({ code }) => {
      throw new Error(`service exited with code ${code} before listening:\n${app.output()}`);
    }),
  ]);
  const port = Number(listening.port);
  return { ...app, port, url: `http://127.0.0.1:${port}` };
}

/** Starts the service without waiting for it to listen (for fail-fast tests). */
export function spawnApp(opts: StartOptions = {}): Omit<App, 'url' | 'port'> {
  const configPath = opts.configPath ?? writeConfigFile(opts.config ?? BASE_CONFIG);
  const proc = spawn(process.execPath, opts.entry ?? TSX_ENTRY, {
    cwd: APP_DIR,
    env: childEnv({ CONFIG_PATH: configPath, ...opts.env }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  cleanups.push(() => proc.exitCode === null && proc.kill('SIGKILL'));
  const lines: Array<LogLine | string> = [];
  const waiters = new Set<() => void>();
  collectLines(proc, lines, () => waiters.forEach((w) => w()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const output = () => lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n');
  const waitForLog = (match: (line: LogLine) => boolean, what: string, timeoutMs = 10_000) =>
    waitForLine(lines, waiters, match, `${what}\n--- output so far ---\n${output()}`, timeoutMs);
  return { proc, lines, output, waitForLog, exited };
}

// Only what the child needs: ambient OTEL_*, PORT or APP_* must not leak in.
function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: process.env.HOME, HOST: '127.0.0.1', PORT: '0', ...extra };
}

function collectLines(proc: ChildProcess, lines: Array<LogLine | string>, notify: () => void): void {
  for (const stream of [proc.stdout, proc.stderr]) {
    let buffered = '';
    stream?.setEncoding('utf8').on('data', (chunk: string) => {
      buffered += chunk;
      const parts = buffered.split('\n');
      buffered = parts.pop() ?? '';
      for (const part of parts) if (part.trim()) lines.push(parseLine(part));
      notify();
    });
  }
}

function parseLine(text: string): LogLine | string {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? (value as LogLine) : text;
  } catch {
    return text;
  }
}

function waitForLine(
  lines: Array<LogLine | string>,
  waiters: Set<() => void>,
  match: (line: LogLine) => boolean,
  what: string,
  timeoutMs: number,
): Promise<LogLine> {
  const find = () => lines.find((l): l is LogLine => typeof l !== 'string' && match(l));
  return new Promise((resolve, reject) => {
    const check = () => {
      const found = find();
      if (!found) return;
      cleanup();
      resolve(found);
    };
    const timer = setTimeout(() => (cleanup(), reject(new Error(`timed out after ${timeoutMs}ms waiting for ${what}`))), timeoutMs);
    const cleanup = () => (clearTimeout(timer), waiters.delete(check));
    waiters.add(check);
    check();
  });
}

/** Polls fn until it returns a value other than undefined/false, or fails after timeoutMs. */
export async function waitFor<T>(fn: () => Promise<T | undefined | false> | T | undefined | false, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await fn();
      if (value !== undefined && value !== false) return value;
    } catch (err) {
      lastError = err;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out after ${timeoutMs}ms waiting for ${what}${lastError ? ` (last error: ${String(lastError)})` : ''}`);
}

export function tempDir(prefix = 'demo-app-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export function writeConfigFile(config: unknown, dir = tempDir()): string {
  const file = join(dir, 'config.json');
  writeFileSync(file, typeof config === 'string' ? config : JSON.stringify(config));
  return file;
}

/**
 * Lays out a directory the way the kubelet mounts a ConfigMap:
 * config.json -> ..data/config.json, ..data -> ..<timestamp>/.
 */
export function writeConfigMapDir(config: unknown): { dir: string; file: string } {
  const dir = tempDir();
  const version = writeConfigMapVersion(dir, config);
  symlinkSync(version, join(dir, '..data'));
  symlinkSync(join('..data', 'config.json'), join(dir, 'config.json'));
  return { dir, file: join(dir, 'config.json') };
}

/** Updates the ConfigMap dir like the kubelet: new version dir, then an atomic symlink swap. */
export function swapConfigMap(dir: string, config: unknown): void {
  const version = writeConfigMapVersion(dir, config);
  symlinkSync(version, join(dir, '..data_tmp'));
  renameSync(join(dir, '..data_tmp'), join(dir, '..data'));
}

let versions = 0;
function writeConfigMapVersion(dir: string, config: unknown): string {
  const name = `..${Date.now()}_${versions++}`;
  mkdirSync(join(dir, name));
  writeFileSync(join(dir, name, 'config.json'), typeof config === 'string' ? config : JSON.stringify(config));
  return name;
}

/** Replaces a plain file atomically (write a temp file, rename over). */
export function replaceFileAtomically(file: string, config: unknown): void {
  writeFileSync(`${file}.tmp`, typeof config === 'string' ? config : JSON.stringify(config));
  renameSync(`${file}.tmp`, file);
}

export interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** Sends a request on a fresh connection (no pooling, so nothing lingers after a test). */
export function open(url: string, headers: Record<string, string> = {}, method = 'GET'): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method, headers, agent: false }, resolve);
    req.on('error', reject);
    req.end();
  });
}

export function readBody(res: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => (body += chunk));
    res.on('end', () => resolve(body));
    res.on('error', reject);
    res.on('aborted', () => reject(new Error('response aborted')));
  });
}

export async function get(url: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Reply> {
  const res = await open(url, headers, method);
  return { status: res.statusCode ?? 0, headers: res.headers, body: await readBody(res) };
}

export async function getJson(url: string, headers: Record<string, string> = {}): Promise<Reply & { json: Record<string, unknown> }> {
  const reply = await get(url, headers);
  return { ...reply, json: JSON.parse(reply.body) as Record<string, unknown> };
}

/** Sends a signal and waits for the exit. */
export async function stop(app: Pick<App, 'proc' | 'exited'>, signal: NodeJS.Signals = 'SIGTERM') {
  app.proc.kill(signal);
  return app.exited;
}
