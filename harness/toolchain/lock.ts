// One build at a time per cache: `npm run cluster:build` and tests calling ensureTools() may
// run together, and two `go build`s writing the same wrapper module would trip over each other.
// mkdir is atomic, so a folder with the owner's pid inside is the lock; a dead owner's lock is taken over.
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0); // signal 0 only checks that the process exists
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function tryLock(dir: string): number | undefined {
  try {
    mkdirSync(dir);
    writeFileSync(join(dir, 'pid'), String(process.pid));
    return undefined;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    const pid = Number(readFileOr(join(dir, 'pid')));
    if (pid && alive(pid)) return pid;
    // No pid yet: the owner is between mkdir and writeFile, unless that was long ago.
    if (!pid && Date.now() - statSync(dir).mtimeMs < 30_000) return -1;
    rmSync(dir, { recursive: true, force: true }); // stale: its owner died
    return tryLock(dir);
  }
}

function readFileOr(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

/** Runs fn while holding `<buildRoot>/.lock`, waiting (and saying so) while another build holds it. */
export async function withBuildLock<T>(buildRoot: string, log: (line: string) => void, fn: () => Promise<T>): Promise<T> {
  mkdirSync(buildRoot, { recursive: true });
  const dir = join(buildRoot, '.lock');
  let announced = false;
  for (;;) {
    const owner = tryLock(dir);
    if (owner === undefined) break;
    if (!announced) log(`waiting for another toolchain build (pid ${owner}) to finish…`);
    announced = true;
    await sleep(2000);
  }
  try {
    return await fn();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
