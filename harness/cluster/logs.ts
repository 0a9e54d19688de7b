// Log tails for failure messages: a test that fails should say where the logs are and show the
// last lines that matter, so nobody has to re-run it to see why.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The last `lines` lines of a file ('' when it does not exist). */
export function tailFile(path: string, lines = 20): string {
  if (!existsSync(path)) return '';
  const text = readFileSync(path, 'utf8');
  const all = text.split('\n');
  if (all[all.length - 1] === '') all.pop();
  return all.slice(-lines).join('\n');
}

/** `path` followed by its indented tail, for error messages. */
export function formatTail(path: string, lines = 20): string {
  const tail = tailFile(path, lines);
  const body = tail ? tail.split('\n').map((l) => `    ${l}`).join('\n') : '    (empty or missing)';
  return `  ${path} (last ${lines} lines):\n${body}`;
}

/** The *.log files of a folder, sorted by name. */
export function logFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.log'))
    .sort()
    .map((f) => join(dir, f));
}

/** Tails of several logs in one block. */
export function formatTails(paths: string[], lines = 20): string {
  return paths.map((p) => formatTail(p, lines)).join('\n');
}
