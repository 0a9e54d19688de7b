// Checks that the checklist, goal and roadmap data only claim what exists in the working tree:
// every example path is a file or folder, every page id is a doc, every anchor is a heading.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {existsSync, readFileSync, readdirSync, statSync} from 'node:fs';
import path from 'node:path';
import {checklists, itemIds} from './checklists';
import {goals, goalGroups} from './goals';
import {roadmap} from './roadmap';
import {REPO_ROOT, REPORT_SNAPSHOT} from '../../contracts/paths';

const root = REPO_ROOT;
const docsDir = path.join(root, 'docs');

/** docs/<id>.mdx, allowing the number prefixes Docusaurus strips ("01-what-is-gitops"). */
function docFile(docId: string): string | undefined {
  const parts = docId.split('/');
  let dir = docsDir;
  for (const [i, part] of parts.entries()) {
    if (!existsSync(dir)) return undefined;
    const last = i === parts.length - 1;
    const match = readdirSync(dir).find((name) => {
      const bare = name.replace(/^\d+-/, '');
      return last ? bare === `${part}.mdx` || bare === `${part}.md` : bare === part && statSync(path.join(dir, name)).isDirectory();
    });
    if (!match) return undefined;
    dir = path.join(dir, match);
  }
  return dir;
}

/** Heading anchors of a doc, as Docusaurus makes them (explicit {#id} wins). */
function anchors(file: string): Set<string> {
  const found = new Set<string>();
  let fenced = false;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
    if (fenced) continue;
    const heading = /^#{1,6}\s+(.*?)\s*$/.exec(line);
    if (!heading) continue;
    const explicit = /\{#([^}]+)\}\s*$/.exec(heading[1]);
    if (explicit) {
      found.add(explicit[1]);
      continue;
    }
    const slug = heading[1]
      .toLowerCase()
      .replace(/<[^>]+>/g, '')
      .replace(/[`*_~[\]()]/g, '')
      .replace(/[^\p{L}\p{N}\s-]/gu, '')
      .trim()
      .replace(/\s/g, '-');
    found.add(slug);
  }
  return found;
}

/** Problems are collected so one run lists every bad reference, not just the first. */
function checkExample(problems: string[], where: string, examplePath: string): void {
  if (!examplePath.startsWith('examples/')) problems.push(`${where}: "${examplePath}" must be a path under examples/`);
  else if (!existsSync(path.join(root, examplePath))) problems.push(`${where}: example "${examplePath}" does not exist in the working tree`);
}

function checkPage(problems: string[], where: string, page: {id: string; anchor?: string}): void {
  const file = docFile(page.id);
  if (!file) problems.push(`${where}: page "${page.id}" has no docs/${page.id}.mdx`);
  else if (page.anchor && !anchors(file).has(page.anchor)) {
    problems.push(`${where}: ${path.relative(root, file)} has no heading with anchor #${page.anchor}`);
  }
}

function assertNone(problems: string[]): void {
  if (problems.length > 0) assert.fail(`${problems.length} bad reference(s):\n${problems.join('\n')}`);
}

test('checklist ids are unique and storage-safe', () => {
  for (const checklist of Object.values(checklists)) {
    const ids = itemIds(checklist);
    assert.equal(new Set(ids).size, ids.length, `${checklist.id}: duplicate item ids`);
    for (const id of ids) assert.match(id, /^[a-z0-9][a-z0-9-]*$/, `${checklist.id}: item id "${id}" must be lowercase with dashes (it goes into share links)`);
  }
});

test('checklist items point at existing examples and pages', () => {
  const problems: string[] = [];
  for (const checklist of Object.values(checklists)) {
    for (const section of checklist.sections) {
      for (const item of section.items) {
        const where = `src/data/checklists.ts ${checklist.id}/${item.id}`;
        if (item.example) checkExample(problems, where, item.example);
        if (item.page) checkPage(problems, where, item.page);
      }
    }
  }
  assertNone(problems);
});

test('every goal has a unique id, a known group and parent, an existing page and examples', () => {
  const problems: string[] = [];
  const ids = new Set<string>();
  const groups = new Set(goalGroups.map((group) => group.id));
  for (const goal of goals) {
    const where = `src/data/goals.ts ${goal.id}`;
    assert.ok(!ids.has(goal.id), `${where}: duplicate id`);
    ids.add(goal.id);
    assert.ok(groups.has(goal.group), `${where}: unknown group ${goal.group}`);
    if (goal.parent) assert.ok(ids.has(goal.parent), `${where}: parent "${goal.parent}" must be listed before it`);
    checkPage(problems, where, goal.page);
    for (const example of goal.examples) checkExample(problems, where, example);
  }
  assertNone(problems);
});

test('roadmap rows: present layers name existing paths, planned ones claim no tier', () => {
  const problems: string[] = [];
  for (const layer of roadmap) {
    const where = `src/data/roadmap.ts ${layer.id}`;
    if (layer.status === 'present') {
      assert.ok(layer.examples.length > 0, `${where}: a present layer needs at least one example path`);
      for (const example of layer.examples) checkExample(problems, where, example);
    } else {
      assert.equal(layer.tiers.length, 0, `${where}: a planned layer cannot claim a verifying tier`);
    }
    if (layer.page) checkPage(problems, where, layer.page);
  }
  assertNone(problems);
});

test('roadmap rows claim a live tier only where the committed report holds a passed verdict in it', () => {
  const report = JSON.parse(readFileSync(path.join(root, REPORT_SNAPSHOT), 'utf8')) as {
    entries: Array<{example: string; tier: string; result: string}>;
  };
  const covers = (layerExample: string, entryExample: string) =>
    entryExample === layerExample || entryExample.startsWith(`${layerExample}/`) || layerExample.startsWith(`${entryExample}/`);
  const problems: string[] = [];
  for (const layer of roadmap) {
    for (const tier of layer.tiers.filter((t) => t !== 'static')) {
      const backed = report.entries.some((e) => e.tier === tier && e.result === 'passed' && layer.examples.some((x) => covers(x, e.example)));
      if (!backed) problems.push(`src/data/roadmap.ts ${layer.id}: claims tier ${tier}, but no passed ${tier} verdict covers ${layer.examples.join(', ')}`);
    }
  }
  assertNone(problems);
});
