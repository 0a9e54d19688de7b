// Pages and examples stay bound: every <ExampleFile path> exists, and every example file is
// shown by a page or listed in examples/UNSHOWN.md with its reason; every live scenario is linked
// by a page that describes its workflow.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { checkBinding, exampleFilesIn, globToRegExp, parseUnshown, scenarioLinks, scenarioLinksIn } from '../../harness/checks/docs-binding.ts';
import { REPO_ROOT } from '../../contracts/paths.ts';
import { formatFindings } from '../../harness/fleet/findings.ts';

const binding = checkBinding();

test('every <ExampleFile path="…"/> in docs/ names a file under examples/ that exists', (t) => {
  t.diagnostic(`${binding.shown.length} <ExampleFile> elements, ${new Set(binding.shown.map((s) => s.path)).size} distinct files`);
  const bad = binding.findings.filter((f) => f.rule === 'example-missing' || f.rule === 'example-path');
  assert.equal(bad.length, 0, `\n${formatFindings(bad)}\n`);
});

test('every file under examples/ is shown by a page or listed in examples/UNSHOWN.md with a reason', (t) => {
  const shown = new Set(binding.shown.map((s) => s.path));
  t.diagnostic(`${binding.files.length} example files: ${binding.files.filter((f) => shown.has(f)).length} shown, the rest listed as unshown`);
  for (const l of binding.listedButShown) t.diagnostic(`examples/UNSHOWN.md lists ${l.file}, which ${l.page} now shows: delete that line`);
  const bad = binding.findings.filter((f) => f.rule === 'unshown' || f.rule === 'unshown-reason' || f.rule === 'unshown-stale');
  assert.equal(bad.length, 0, `\n${formatFindings(bad)}\n`);
});

test('ExampleFile elements are read outside code fences only, in either quote style', () => {
  const page = ['<ExampleFile path="examples/a.yaml" />', '```mdx', '<ExampleFile path="examples/in-fence.yaml" />', '```', "<ExampleFile highlight='1' path='examples/b.yaml'/>"].join('\n');
  assert.deepEqual(exampleFilesIn(page, 'p.mdx').map((s) => [s.path, s.line]), [['examples/a.yaml', 1], ['examples/b.yaml', 5]]);
});

test('UNSHOWN.md entries need a reason, and globs match as documented', () => {
  const { entries, findings } = parseUnshown('- `examples/a/**` — generated files nobody reads\n- `examples/b.yaml`\n');
  assert.deepEqual(entries.map((e) => e.pattern), ['examples/a/**']);
  assert.equal(findings.length, 1);
  assert.ok(globToRegExp('examples/*/README.md').test('examples/fleet/README.md'));
  assert.ok(!globToRegExp('examples/*/README.md').test('examples/promotion/multi-repo/README.md'));
  assert.ok(globToRegExp('examples/demo-app/test/**').test('examples/demo-app/test/x/y.ts'));
});

test('every live scenario in test/scenarios/ is linked by a page with <Scenario file="…"/>', (t) => {
  const scenarios = readdirSync(path.join(REPO_ROOT, 'test', 'scenarios')).filter((f) => f.endsWith('.test.ts')).map((f) => `test/scenarios/${f}`);
  const links = scenarioLinks();
  t.diagnostic(`${scenarios.length} scenario files, ${links.length} <Scenario> elements on ${new Set(links.map((l) => l.page)).size} pages`);
  const linked = new Set(links.map((l) => l.path));
  assert.deepEqual(scenarios.filter((f) => !linked.has(f)), [], 'scenario files no page links');
});

test('Scenario elements are read like ExampleFile ones', () => {
  const page = ['<Scenario file="test/scenarios/a.test.ts" />', '```mdx', '<Scenario file="test/scenarios/in-fence.test.ts" />', '```', 'Write `<Scenario file="test/scenarios/quoted.test.ts" />` on a line.'].join('\n');
  assert.deepEqual(scenarioLinksIn(page, 'p.mdx').map((s) => [s.path, s.line]), [['test/scenarios/a.test.ts', 1]]);
});
