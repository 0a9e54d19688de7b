// `npm run tutorials:update`: files the tutorial runs recorded in .tmp/tutorial-runs/ into
// src/data/tutorial-runs/, where the tutorial-output remark plugin reads them. Only a passed run
// of the page as it is now (same source hash) is copied; anything else is reported and left out,
// so the site can never show output from a different version of a page.
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { TutorialRun } from '../../contracts/tutorial-runs.ts';
import { REPO_ROOT } from '../../contracts/paths.ts';
import type { TutorialPage } from '../tutorials/parse.ts';
import { tutorialPages } from '../tutorials/pages.ts';
import { RUNS_DIR } from '../tutorials/runner.ts';
import { TUTORIAL_RUNS } from '../../contracts/paths.ts';

export const PUBLISHED_DIR = join(REPO_ROOT, TUTORIAL_RUNS);

export interface UpdateResult {
  /** Page ids copied (a page may have a local and a kind run). */
  copied: string[];
  /** The files copied, e.g. `drift-and-the-escape-hatch.kind.json`. */
  files: string[];
  skipped: Array<{ pageId: string; reason: string }>;
}

export function updateRuns(pages: TutorialPage[], from = RUNS_DIR, to = PUBLISHED_DIR): UpdateResult {
  const hashes = new Map(pages.map((p) => [p.pageId, p.hash]));
  const result: UpdateResult = { copied: [], files: [], skipped: [] };
  if (!existsSync(from)) return result;
  mkdirSync(to, { recursive: true });
  for (const file of readdirSync(from).filter((f) => f.endsWith('.json')).sort()) {
    const run = JSON.parse(readFileSync(join(from, file), 'utf8')) as TutorialRun;
    const current = hashes.get(run.pageId);
    let reason: string | undefined;
    if (current === undefined) reason = 'no tutorial page with this id';
    else if (run.status !== 'passed') reason = 'the run failed';
    else if (run.pageHash !== current) reason = 'the page changed after this run (run it again)';
    if (reason) result.skipped.push({ pageId: run.pageId, reason });
    else {
      copyFileSync(join(from, file), join(to, file));
      result.copied.push(run.pageId);
      result.files.push(file);
    }
  }
  return result;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const pages = tutorialPages();
  const result = updateRuns(pages);
  for (const file of result.files) {
    const run = JSON.parse(readFileSync(join(PUBLISHED_DIR, file), 'utf8')) as TutorialRun;
    console.log(`copied ${file} (${run.date}, ${run.blocks.length} blocks, ${run.seconds}s)`);
  }
  for (const s of result.skipped) console.log(`skipped ${s.pageId}: ${s.reason}`);
  const missing = pages.filter((p) => !result.copied.includes(p.pageId) && !existsSync(join(PUBLISHED_DIR, `${p.pageId}.json`)));
  for (const p of missing) console.log(`no recorded run for ${p.pageId}: its page shows "not yet verified"`);
  if (result.copied.length === 0) {
    console.error(`nothing copied from ${RUNS_DIR}: run the tutorials first (node --import tsx --test test/tutorials/tutorials.test.ts)`);
    process.exit(1);
  }
}
