// Thin wrappers around the `go` (and other) commands the builder runs.
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import type { GoModJson } from './gomod';

/** Environment for every go command: never switch toolchains, static binaries, no go.work. */
export function goEnv(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return { ...base, GOTOOLCHAIN: 'local', CGO_ENABLED: '0', GOWORK: 'off' };
}

export interface RunResult {
  stdout: string;
  stderr: string;
}

/**
 * Runs a command; rejects with the command line and the tail of its output when it fails.
 * With `logFile`, stdout and stderr are also appended there as they come.
 */
export function run(
  cmd: string,
  args: string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv; logFile?: string } = {},
): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const log = opts.logFile ? createWriteStream(opts.logFile, { flags: 'a' }) : undefined;
    log?.write(`$ (cd ${opts.cwd ?? process.cwd()} && ${cmd} ${args.join(' ')})\n`);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      log?.write(d);
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      log?.write(d);
    });
    child.on('error', (err) => {
      log?.end();
      reject(new Error(`${cmd} ${args.join(' ')}: ${err.message}`));
    });
    child.on('close', (code, signal) => {
      log?.end();
      if (code === 0) return resolvePromise({ stdout, stderr });
      const tail = (stderr || stdout).trim().split('\n').slice(-25).join('\n');
      const where = opts.cwd ? ` (in ${opts.cwd})` : '';
      reject(new Error(`command failed (${signal ?? `exit ${code}`})${where}: ${cmd} ${args.join(' ')}\n${tail}`));
    });
  });
}

/** `go env GOVERSION`, e.g. go1.26.8. */
export async function localGoVersion(): Promise<string> {
  const { stdout } = await run('go', ['env', 'GOVERSION'], { env: goEnv() });
  return stdout.trim();
}

export interface DownloadedModule {
  Path: string;
  Version: string;
  Dir: string;
  GoMod: string;
}

/** Downloads module@version through the module proxy (or finds it in the module cache). */
export async function downloadModule(module: string, version: string): Promise<DownloadedModule> {
  // Run outside any module so no go.mod around us is consulted.
  const { stdout } = await run('go', ['mod', 'download', '-json', `${module}@${version}`], {
    env: { ...goEnv(), GOFLAGS: '-mod=mod' },
    cwd: '/',
  }).catch((err: Error) => {
    throw new Error(`cannot download Go module ${module}@${version} from the module proxy: ${err.message}`);
  });
  const info = JSON.parse(stdout) as DownloadedModule & { Error?: string };
  if (info.Error || !info.Dir) throw new Error(`go mod download ${module}@${version}: ${info.Error ?? 'no Dir'}`);
  return info;
}

/** Parses a go.mod file with `go mod edit -json` (Go's own parser, not a regex). */
export async function readGoMod(goModPath: string): Promise<GoModJson> {
  const { stdout } = await run('go', ['mod', 'edit', '-json', goModPath], { env: goEnv(), cwd: '/' });
  return JSON.parse(stdout) as GoModJson;
}
