// npm run test:scenario -- test/scenarios/drift.test.ts [more files]
//
// Runs the named live scenario files one after another, as the live tier does, without the rest
// of the suite. Without a file it says which ones exist instead of running everything.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../../contracts/paths.ts';

const SCENARIOS = 'test/scenarios';

function scenarioFiles(): string[] {
  return readdirSync(path.join(REPO_ROOT, SCENARIOS)).filter((f) => f.endsWith('.test.ts')).map((f) => `${SCENARIOS}/${f}`);
}

function usage(problem: string): never {
  console.error(`${problem}\nusage: npm run test:scenario -- <file> [<file> …], one of:\n${scenarioFiles().map((f) => `  ${f}`).join('\n')}`);
  process.exit(2);
}

const files = process.argv.slice(2);
if (files.length === 0) usage('name the scenario file(s) to run');
for (const file of files) {
  const relative = path.relative(REPO_ROOT, path.resolve(file)).split(path.sep).join('/');
  if (!relative.startsWith(`${SCENARIOS}/`) || !relative.endsWith('.test.ts')) usage(`${file} is not a scenario file under ${SCENARIOS}/`);
  if (!existsSync(path.join(REPO_ROOT, relative))) usage(`${file} does not exist`);
}
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=1', ...files], { cwd: REPO_ROOT, stdio: 'inherit' });
process.exit(result.status ?? 1);
