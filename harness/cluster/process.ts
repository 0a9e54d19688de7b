// The one small process spawner of the live tier, for what kwokctl does not run: the Flux
// controllers (kwokctl runs the control plane itself). Each child gets its own
// process group (so a stop reaches anything it forked), writes stdout+stderr to a log file,
// and is killed by group: SIGTERM, then SIGKILL after a grace period.
import { spawn } from 'node:child_process';
import { appendFileSync, closeSync, mkdirSync, openSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname } from 'node:path';

export interface SpawnOptions {
  name: string;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  logFile: string;
}

export interface ManagedProcess {
  name: string;
  pid: number;
  logFile: string;
  /** Resolves with the exit code (or signal name) once the process has exited. */
  exited: Promise<number | string>;
  hasExited(): boolean;
  /** Stops the whole process group; resolves once the leader has exited. */
  stop(graceMs?: number): Promise<void>;
}

// Every group still running, so an unexpected exit of the test process kills them too.
const live = new Map<number, string>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const pid of live.keys()) signalGroup(pid, 'SIGKILL');
  });
}

/** Sends a signal to a process group; false when the group is already gone. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

/** Starts a process in its own group with its output appended to logFile. */
export function spawnProcess(opts: SpawnOptions): ManagedProcess {
  mkdirSync(dirname(opts.logFile), { recursive: true });
  const fd = openSync(opts.logFile, 'a');
  const child = spawn(opts.command, opts.args, {
    cwd: opts.cwd,
    env: opts.env ?? process.env,
    detached: true, // setsid: its own process group, killable as one
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  if (child.pid === undefined) throw new Error(`could not start ${opts.name}: ${opts.command}`);
  const pid = child.pid;
  installExitHook();
  live.set(pid, opts.name);
  let done = false;
  const exited = new Promise<number | string>((resolveExit) => {
    child.on('exit', (code, signal) => {
      done = true;
      live.delete(pid);
      resolveExit(code ?? signal ?? 'unknown');
    });
    child.on('error', () => {
      done = true;
      live.delete(pid);
      resolveExit('spawn-error');
    });
  });
  child.unref(); // a forgotten child must not keep the test runner alive; the exit hook kills it
  const stop = async (graceMs = 10_000): Promise<void> => {
    child.ref(); // keep the event loop alive until the exit is seen
    if (!done) signalGroup(pid, 'SIGTERM');
    const timer = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), graceMs).unref());
    if ((await Promise.race([exited, timer])) === 'timeout') {
      signalGroup(pid, 'SIGKILL');
      await exited;
    }
    // Children that left the group leader behind still share the group id.
    signalGroup(pid, 'SIGKILL');
  };
  return { name: opts.name, pid, logFile: opts.logFile, exited, hasExited: () => done, stop };
}

export interface ProcInfo {
  pid: number;
  ppid: number;
  state: string; // R, S, D, Z, ...
  cmdline: string[];
}

/** Parses /proc/<pid>/stat: the command name is in parentheses and may contain spaces. */
export function parseProcStat(text: string): { state: string; ppid: number; pgid: number } {
  const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { state: rest[0], ppid: Number(rest[1]), pgid: Number(rest[2]) };
}

function readProc(pid: number): ProcInfo | undefined {
  try {
    const stat = parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    return { pid, ppid: stat.ppid, state: stat.state, cmdline };
  } catch {
    return undefined; // exited while we looked
  }
}

/** True when the pid exists and is not a zombie (a zombie holds no ports, files or memory). */
export function isAlive(pid: number): boolean {
  const info = readProc(pid);
  return info !== undefined && info.state !== 'Z';
}

/** Live (non-zombie) processes whose command line mentions `needle` (e.g. a run folder). */
export function processesMentioning(needle: string): ProcInfo[] {
  const found: ProcInfo[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    const info = readProc(Number(entry));
    if (info && info.state !== 'Z' && info.cmdline.some((arg) => arg.includes(needle))) found.push(info);
  }
  return found;
}

/** Resident set size of a process in bytes (0 when it is gone). */
export function rssBytes(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /VmRSS:\s+(\d+) kB/.exec(status);
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Waits until none of the pids is alive, or the timeout passes; returns those still alive. */
export async function waitGone(pids: number[], timeoutMs: number): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  let alive = pids.filter(isAlive);
  while (alive.length > 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    alive = alive.filter(isAlive);
  }
  return alive;
}

/** Size of a file in bytes, 0 when missing. */
export function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

export interface RunResult {
  code: number;
  output: string; // stdout and stderr interleaved
}

/**
 * Runs a command to completion (kwokctl create/delete, git), appending its output to logFile when
 * given. Never rejects on a non-zero exit: callers decide what a failure means.
 */
export function runCommand(
  command: string,
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; cwd?: string; logFile?: string; timeoutMs?: number; input?: string } = {},
): Promise<RunResult> {
  return new Promise((resolveRun) => {
    const stdin = opts.input === undefined ? 'ignore' : 'pipe';
    const child = spawn(command, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: [stdin, 'pipe', 'pipe'] });
    let output = '';
    const collect = (chunk: Buffer) => (output += chunk.toString('utf8'));
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    const timer = opts.timeoutMs
      ? setTimeout(() => {
          output += `\n[killed after ${opts.timeoutMs} ms]\n`;
          child.kill('SIGKILL');
        }, opts.timeoutMs)
      : undefined;
    const finish = (code: number) => {
      if (timer) clearTimeout(timer);
      if (opts.logFile) {
        mkdirSync(dirname(opts.logFile), { recursive: true });
        appendFileSync(opts.logFile, `$ ${command} ${args.join(' ')}\n${output}\n[exit ${code}]\n`);
      }
      resolveRun({ code, output });
    };
    child.on('error', (error) => {
      output += String(error);
      finish(127);
    });
    child.on('close', (code, signal) => finish(code ?? (signal ? 128 : 1)));
    if (child.stdin) {
      child.stdin.on('error', () => {}); // a command may exit without reading its input
      child.stdin.end(opts.input);
    }
  });
}
