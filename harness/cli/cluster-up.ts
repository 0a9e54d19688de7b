// npm run cluster:up [-- --name development] [-- --bootstrap]
//
// Starts a local cluster, the Flux controllers and a git server holding examples/fleet, prints
// the environment a tutorial uses, and keeps running until Ctrl-C (SIGINT/SIGTERM), then cleans
// up. The same lines are written to .tmp/live/cluster-up.env (for `source`), and the state to
// .tmp/live/cluster-up.json, which `npm run cluster:down` uses to stop a cluster:up that was
// left running or killed.
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { bootstrapFromGit } from '../environment/bootstrap';
import { liveSkipReason, startLiveEnv, type LiveEnv } from '../environment/environment';
import { FLEET_DIR } from '../fleet/expectations';
import { stopOnSignals } from '../cluster/foreground';
import { liveRoot } from '../cluster/paths';
import { exportLines, UP_ENV, UP_STATE } from '../cluster/updown';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { name: { type: 'string', default: 'development' }, bootstrap: { type: 'boolean', default: false } } });
  const name = values.name!;
  if (existsSync(UP_STATE())) {
    console.error(`${UP_STATE()} exists: a cluster:up may still be running. Run \`npm run cluster:down\` first.`);
    process.exit(1);
  }
  const reason = await liveSkipReason();
  if (reason) {
    console.error(reason);
    process.exit(1);
  }
  mkdirSync(liveRoot(), { recursive: true });
  writeFileSync(UP_STATE(), JSON.stringify({ pid: process.pid, name, startedAt: new Date().toISOString() }, null, 2));
  let env: LiveEnv | undefined;
  stopOnSignals({ label: name, stop: () => env?.stop(), files: [UP_STATE(), UP_ENV()] });
  try {
    env = await startLiveEnv({ name, repos: [{ name: 'fleet', dir: FLEET_DIR }], log: console.log });
  } catch (error) {
    rmSync(UP_STATE(), { force: true });
    throw error;
  }
  if (values.bootstrap) {
    const { sha } = await bootstrapFromGit(env.kube, env.git, { repo: 'fleet', clusterPath: `clusters/${name}` });
    console.log(`bootstrapped clusters/${name} at ${sha.slice(0, 7)} (Flux reconciles it now)`);
  }
  const lines = exportLines(env, 'fleet');
  writeFileSync(UP_ENV(), `${lines.join('\n')}\n`);
  writeFileSync(UP_STATE(), JSON.stringify({ pid: process.pid, name, startedAt: new Date().toISOString(), env: UP_ENV() }, null, 2));
  console.log(`\nCluster ${name} is up. In another shell:\n\n${lines.join('\n')}\n\n(or: source ${UP_ENV()})\nCtrl-C here stops everything.`);
  setInterval(() => {}, 1 << 30); // stay alive until a signal
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
