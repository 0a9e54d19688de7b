// npm run cluster:down [-- --all]
//
// Stops what a previous `cluster:up` left: signals it when it still runs (it then cleans up
// itself), and removes every orphaned run folder under .tmp/live (its owner process is gone):
// kwok clusters are deleted with kwokctl, Flux controllers killed, folders removed.
// --all also removes run folders whose owner is alive (e.g. a test run that is hung).
import { rmSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { isAlive, waitGone } from '../cluster/process';
import { cleanRunDir, readState, runDirs, runningUp, UP_ENV, UP_STATE } from '../cluster/updown';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { all: { type: 'boolean', default: false } } });
  const up = runningUp();
  if (up) {
    console.log(`stopping cluster:up (pid ${up}) …`);
    process.kill(up, 'SIGTERM');
    const left = await waitGone([up], 60_000);
    if (left.length) {
      console.log(`cluster:up did not exit within 60 s; killing it`);
      process.kill(up, 'SIGKILL');
    }
  }
  rmSync(UP_STATE(), { force: true });
  rmSync(UP_ENV(), { force: true });
  let cleaned = 0;
  const problems: string[] = [];
  for (const dir of runDirs()) {
    const state = readState(dir);
    if (state && isAlive(state.ownerPid) && !values.all) {
      console.log(`keeping ${dir}: its owner (pid ${state.ownerPid}) is running (use --all to remove it anyway)`);
      continue;
    }
    problems.push(...(await cleanRunDir(dir)));
    cleaned++;
  }
  console.log(`cluster:down: removed ${cleaned} run folder(s)${problems.length ? `; problems:\n  ${problems.join('\n  ')}` : ''}`);
  if (problems.length) process.exitCode = 1;
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
