// npm run tutorial:up -- <page-id>
//
// Starts what one tutorial page needs on this project's local tier (the clusters, Flux, the git
// server and repositories named in the page's front matter), with the same code the tutorial
// harness uses, prints the `export` lines the page's commands read, writes them to
// .tmp/live/tutorial-up.env (for `source`), and keeps running until Ctrl-C, then cleans up.
// `npm run cluster:down` removes what a killed tutorial:up left behind.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stopOnSignals } from '../cluster/foreground.ts';
import { liveRoot } from '../cluster/paths.ts';
import { isAlive } from '../cluster/process.ts';
import { exportLines, startTutorialEnvironment, type TutorialEnvironment } from '../tutorials/environment.ts';
import { tutorialPages } from '../tutorials/pages.ts';

export const UP_ENV = () => join(liveRoot(), 'tutorial-up.env');
const UP_STATE = () => join(liveRoot(), 'tutorial-up.json');

async function main(): Promise<void> {
  const pages = tutorialPages();
  const id = process.argv[2];
  const page = pages.find((p) => p.pageId === id);
  if (!page) {
    console.error(`usage: npm run tutorial:up -- <page-id>\npage ids: ${pages.map((p) => p.pageId).join(', ')}`);
    process.exit(2);
  }
  if (existsSync(UP_STATE())) {
    const { pid } = JSON.parse(readFileSync(UP_STATE(), 'utf8')) as { pid: number };
    if (isAlive(pid)) {
      console.error(`tutorial:up is already running (pid ${pid}); stop it with Ctrl-C in its terminal first.`);
      process.exit(1);
    }
  }
  mkdirSync(liveRoot(), { recursive: true });
  writeFileSync(UP_STATE(), JSON.stringify({ pid: process.pid, page: page.pageId }));
  let env: TutorialEnvironment | undefined;
  stopOnSignals({ label: page.pageId, stop: () => env?.stop(), files: [UP_STATE(), UP_ENV()] });
  try {
    env = await startTutorialEnvironment(page.environment, { log: (line) => console.log(line) });
  } catch (error) {
    rmSync(UP_STATE(), { force: true });
    throw error;
  }
  // PATH puts the pinned kubectl, flux, sops and age first, as the harness does.
  const lines = `${exportLines(env.exported)}\nexport PATH="${join(env.runDir, 'bin')}:$PATH"`;
  writeFileSync(UP_ENV(), `${lines}\n`);
  const contexts = page.environment.clusters.length > 1 ? `\nkube contexts: ${page.environment.clusters.join(', ')}` : '';
  console.log(`\n${page.title}: ready.${contexts} In another terminal, at the root of this repository:\n\n${lines}\n\n(or: source ${UP_ENV()})\nCtrl-C here stops everything.`);
  setInterval(() => {}, 1 << 30); // stay alive until a signal
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
