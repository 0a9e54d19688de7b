// The committed snapshot the site reads must always be a valid report whose entries name
// examples that exist (report:update drops entries of removed examples).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { serialiseReport, validateReport } from '../../contracts/report/merge';
import { REPO_ROOT } from '../../contracts/paths.ts';

const SNAPSHOT = path.join(REPO_ROOT, 'src', 'data', 'verification-report.json');

test('src/data/verification-report.json is a valid, normalised report', () => {
  const text = readFileSync(SNAPSHOT, 'utf8');
  const report = validateReport(JSON.parse(text), SNAPSHOT);
  assert.equal(text, serialiseReport(report), `${SNAPSHOT} is not in report:update's format (run npm run report:update)`);
  for (const entry of report.entries) {
    assert.ok(existsSync(path.join(REPO_ROOT, entry.example)), `${SNAPSHOT}: ${entry.example} does not exist (run npm run report:update to drop it)`);
  }
});
