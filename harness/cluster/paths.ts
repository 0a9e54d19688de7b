// Where the live tier keeps its per-run files. Everything lives under the repo's gitignored .tmp/
// so a run never writes to ~/.kwok, ~/.kube or /tmp, and `cluster:down` can find what is left.
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { REPO_ROOT } from '../../contracts/paths.ts';
import { setting } from '../../contracts/settings.ts';


/** Root of all live-tier runs: one folder per started cluster (and per git server). */
export function liveRoot(): string {
  const override = setting('FIELD_GUIDE_LIVE_DIR');
  return override
    ? resolve(override)
    : join(REPO_ROOT, '.tmp', 'live');
}

/** Where logs of failed runs are copied before their run folder is deleted. */
export function keptLogsRoot(): string {
  return join(REPO_ROOT, '.tmp', 'logs');
}

/** A fresh, unique folder for one run of something called `name` (created). */
export function makeRunDir(kind: string, name: string): string {
  const dir = join(liveRoot(), `${kind}-${name}-${process.pid}-${randomBytes(3).toString('hex')}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}
