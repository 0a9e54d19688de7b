// One bash process per tutorial page, like the reader's terminal: variables, `cd` and functions
// carry from one block to the next. The shell runs with `set -euo pipefail`, so the first failing
// command ends the block (and the session) with that command's exit status, as it would if the
// reader had those options on. Each block gets its own timeout; a block that overruns has its
// whole process group killed.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseProcStat } from '../cluster/process.ts';

export interface SessionOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Folder for the block scripts (one file per block, kept for debugging). */
  scriptDir: string;
}

export interface BlockResult {
  exitCode: number;
  /** stdout and stderr interleaved, as a terminal shows them. */
  output: string;
  seconds: number;
  timedOut: boolean;
}

/** How many characters of a block's output are kept (a runaway loop must not eat the memory). */
const MAX_OUTPUT = 2_000_000;

export class BashSession {
  private readonly child: ChildProcess;
  private readonly nonce = randomBytes(8).toString('hex');
  private buffer = '';
  private exitCode: number | undefined;
  private waiter: (() => void) | undefined;
  private blocks = 0;
  private readonly exited: Promise<void>;

  constructor(private readonly opts: SessionOptions) {
    mkdirSync(opts.scriptDir, { recursive: true });
    this.child = spawn('bash', ['--noprofile', '--norc'], {
      cwd: opts.cwd,
      env: opts.env,
      detached: true, // its own process group: a timeout kills everything the block started
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const onData = (chunk: Buffer) => {
      this.buffer += chunk.toString('utf8');
      if (this.buffer.length > MAX_OUTPUT) this.buffer = this.buffer.slice(-MAX_OUTPUT);
      this.waiter?.();
    };
    this.child.stdout!.on('data', onData);
    this.child.stderr!.on('data', onData);
    this.exited = new Promise((resolve) => {
      // 'exit', not 'close': a background job the reader started may hold the pipes open.
      this.child.on('exit', (code, signal) => {
        this.exitCode = code ?? (signal ? 128 + (signalNumber(signal) ?? 0) : 1);
        // Let the last output of the shell arrive before anyone reads the buffer.
        setTimeout(() => {
          this.waiter?.();
          resolve();
        }, 200);
      });
    });
    this.child.stdin!.on('error', () => {}); // writing to a shell that has exited
    this.send('exec 2>&1\nset -euo pipefail\n');
  }

  get alive(): boolean {
    return this.exitCode === undefined;
  }

  private send(text: string): void {
    this.child.stdin!.write(text);
  }

  private marker(n: number): string {
    return `__tutorial_block_${n}_done_${this.nonce}__`;
  }

  /** Runs one block in the session; resolves when it finished, failed or timed out. */
  async run(command: string, timeoutSeconds: number): Promise<BlockResult> {
    if (!this.alive) throw new Error(`the shell session has already exited (${this.exitCode})`);
    const n = ++this.blocks;
    const script = join(this.opts.scriptDir, `block-${String(n).padStart(2, '0')}.sh`);
    writeFileSync(script, command.endsWith('\n') ? command : `${command}\n`);
    const marker = this.marker(n);
    this.buffer = '';
    const started = Date.now();
    // stdin of the block is /dev/null: a command that reads stdin must not swallow the next block.
    this.send(`source ${shellQuote(script)} < /dev/null\nprintf '\\n%s\\n' ${shellQuote(marker)}\n`);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      this.kill();
    }, timeoutSeconds * 1000);
    try {
      while (!this.buffer.includes(`${marker}\n`) && this.alive) {
        await new Promise<void>((resolve) => (this.waiter = resolve));
        this.waiter = undefined;
      }
    } finally {
      clearTimeout(timer);
    }
    const seconds = (Date.now() - started) / 1000;
    const at = this.buffer.indexOf(`${marker}\n`);
    if (at >= 0) {
      const output = this.buffer.slice(0, at).replace(/\n$/, '');
      this.buffer = this.buffer.slice(at + marker.length + 1);
      return { exitCode: 0, output, seconds, timedOut: false };
    }
    await this.exited;
    return { exitCode: timedOut ? 124 : (this.exitCode ?? 1), output: this.buffer, seconds, timedOut };
  }

  private kill(): void {
    if (!this.child.pid) return;
    for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
      try {
        process.kill(-this.child.pid, signal);
      } catch {
        // already gone
      }
    }
  }

  /** Ends the shell and anything it left running in the background. */
  async close(): Promise<void> {
    // Collected before the shell exits: afterwards its orphans belong to init and are not found.
    const leftovers = this.child.pid ? descendantsOf(this.child.pid) : [];
    if (this.alive) {
      this.send('exit 0\n');
      this.child.stdin!.end();
      const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 5000).unref());
      if ((await Promise.race([this.exited, timeout])) === 'timeout') this.kill();
    }
    // Background jobs of the reader's commands (e.g. `npm start &`) share the group, unless a
    // block moved them to a group of their own (setsid): those are found by parentage.
    for (const pid of leftovers) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    if (this.child.pid) {
      try {
        process.kill(-this.child.pid, 'SIGKILL');
      } catch {
        // the group is empty
      }
    }
    await this.exited;
  }
}

function signalNumber(signal: NodeJS.Signals): number | undefined {
  const table: Partial<Record<NodeJS.Signals, number>> = { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15, SIGPIPE: 13 };
  return table[signal];
}

/** Every live process below `root` in the parent tree (read from /proc). */
export function descendantsOf(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const { ppid } = parseProcStat(readFileSync(`/proc/${entry}/stat`, 'utf8'));
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // exited while we looked
    }
  }
  const found: number[] = [];
  const queue = [...(children.get(root) ?? [])];
  while (queue.length > 0) {
    const pid = queue.shift()!;
    found.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return found;
}

export function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}
