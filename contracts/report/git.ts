// The git facts a report entry carries. Each answer is undefined when git cannot give it
// (no git, not a checkout), never a guess.
import { execFileSync } from 'node:child_process';

function git(repoRoot: string, args: string[]): string | undefined {
  try {
    return execFileSync('git', args, { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

/** The checked-out commit (40 hex). */
export function headCommit(repoRoot: string): string | undefined {
  const sha = git(repoRoot, ['rev-parse', 'HEAD']);
  return sha && /^[0-9a-f]{40}$/.test(sha) ? sha : undefined;
}

/** True when tracked or untracked files differ from HEAD (ignored files do not count). */
export function isDirty(repoRoot: string): boolean {
  const status = git(repoRoot, ['status', '--porcelain', '--untracked-files=normal']);
  return status === undefined ? true : status.length > 0;
}

/** The last commit that changed `example` (a file or folder), when git knows one. */
export function lastCommitFor(repoRoot: string, example: string): string | undefined {
  const sha = git(repoRoot, ['log', '-1', '--format=%H', '--', example]);
  return sha && /^[0-9a-f]{40}$/.test(sha) ? sha : undefined;
}
