// Which pages are tutorials: every docs/do/*.mdx with at least one block the harness runs.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../contracts/paths.ts';
import { parseTutorialFile, type TutorialPage } from './parse.ts';

export const TUTORIALS_DIR = join(REPO_ROOT, 'docs', 'do');

/** Tutorial pages in sidebar order (sidebar_position), then by file name. */
export function tutorialPages(dir = TUTORIALS_DIR): TutorialPage[] {
  const pages = readdirSync(dir)
    .filter((f) => f.endsWith('.mdx') || f.endsWith('.md'))
    .map((f) => parseTutorialFile(join(dir, f)))
    .filter((p) => p.runnable.length > 0);
  return pages.sort((a, b) => a.position - b.position || a.pageId.localeCompare(b.pageId));
}
