// tutorials:update files only passed runs of the pages as they are now.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseTutorialSource } from '../tutorials/parse.ts';
import { updateRuns } from './tutorials-update.ts';

test('only a passed run with the current page hash is copied (local and kind runs alike); the others say why not', () => {
  const root = mkdtempSync(join(tmpdir(), 'tutorials-update-'));
  try {
    const from = join(root, 'runs');
    const to = join(root, 'published');
    mkdirSync(from);
    const page = (id: string) => parseTutorialSource('```bash runnable\necho\n```\n', `docs/do/${id}.mdx`);
    const pages = [page('good'), page('failed'), page('stale')];
    const run = (id: string, status: string, pageHash: string, suffix = '') =>
      writeFileSync(join(from, `${id}${suffix}.json`), JSON.stringify({ pageId: id, status, pageHash, blocks: [] }));
    run('good', 'passed', pages[0].hash);
    run('good', 'passed', pages[0].hash, '.kind');
    run('failed', 'failed', pages[1].hash);
    run('stale', 'passed', 'another-hash');
    run('gone', 'passed', pages[0].hash);
    const result = updateRuns(pages, from, to);
    assert.deepEqual(result.copied, ['good', 'good']);
    assert.deepEqual(result.files, ['good.json', 'good.kind.json'], 'a kind run is filed beside the local one');
    assert.deepEqual(result.skipped, [
      { pageId: 'failed', reason: 'the run failed' },
      { pageId: 'gone', reason: 'no tutorial page with this id' },
      { pageId: 'stale', reason: 'the page changed after this run (run it again)' },
    ]);
    assert.ok(existsSync(join(to, 'good.json')) && existsSync(join(to, 'good.kind.json')));
    assert.ok(!existsSync(join(to, 'stale.json')));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
