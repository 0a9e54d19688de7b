// The settings table in contracts/settings.ts and the one in the README say the same thing, and
// nothing in the tree reads an environment variable the table does not list.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { globSync } from 'tinyglobby';
import { REPO_ROOT } from './paths.ts';
import { SETTINGS, rawSetting, setting, settingOn } from './settings.ts';

const NAMES = new Set<string>(SETTINGS.map((s) => s.name));

function readmeRows(): Map<string, string> {
  const readme = readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
  const rows = new Map<string, string>();
  for (const line of readme.split('\n')) {
    const match = /^\| `([A-Z_]+)` \|(.*)\|$/.exec(line);
    if (match && NAMES.has(match[1])) rows.set(match[1], line);
  }
  return rows;
}

test('the README lists every setting with the values, default and effect settings.ts gives', () => {
  const rows = readmeRows();
  for (const s of SETTINGS) {
    assert.equal(rows.get(s.name), `| \`${s.name}\` | ${s.values} | ${s.unset} | ${s.effect} |`, `README.md: row for ${s.name}`);
  }
});

test('no code reads an environment variable the settings table does not list', () => {
  // Passing the environment on to a child process (PATH, HOME, …) is not reading a setting.
  const passThrough = new Set(['PATH', 'HOME', 'CONTENT_LENGTH', 'GIT_PROTOCOL', 'HTTP_CONTENT_ENCODING']);
  const files = globSync(['{src,contracts,harness,bench,test}/**/*.{ts,tsx}', '*.ts'], { cwd: REPO_ROOT, ignore: ['**/node_modules/**', 'test/fixtures/**', '**/*.unit.test.ts'] });
  const unknown: string[] = [];
  for (const file of files) {
    const lines = readFileSync(path.join(REPO_ROOT, file), 'utf8').split('\n');
    lines.forEach((line, i) => {
      for (const m of line.matchAll(/process\.env\.([A-Z][A-Z0-9_]*)|process\.env\[['"]([A-Z0-9_]+)['"]\]/g)) {
        const name = m[1] ?? m[2];
        if (!NAMES.has(name) && !passThrough.has(name)) unknown.push(`${file}:${i + 1}: ${name}`);
      }
    });
  }
  assert.deepEqual(unknown, []);
});

test('setting() trims and treats blank as unset; settingOn() wants exactly 1; rawSetting() keeps an empty value', () => {
  const env = { CLUSTER_PROVIDER: '  kind ', TUTORIAL: '   ', RUN_CANARY: 'yes', BASE_URL: '' };
  assert.equal(setting('CLUSTER_PROVIDER', env), 'kind');
  assert.equal(setting('TUTORIAL', env), undefined);
  assert.equal(settingOn('RUN_CANARY', env), false);
  assert.equal(settingOn('RUN_CANARY', { RUN_CANARY: '1' }), true);
  assert.equal(rawSetting('BASE_URL', env), '');
});
