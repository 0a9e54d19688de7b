// scripts/runc-capfit, run with a stand-in for runc (REAL_RUNC=/bin/true) on bundle files like the
// ones containerd and Docker write: what reaches runc is what these machines can grant.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../../contracts/paths.ts';

const WRAPPER = join(REPO_ROOT, 'scripts', 'runc-capfit');
const jqMissing = (() => {
  try {
    execFileSync('jq', ['--version'], { stdio: 'ignore' });
    return undefined;
  } catch {
    return 'jq is not installed (scripts/docker-engine.sh installs it with the engine)';
  }
})();

const ALL_SETS = ['bounding', 'effective', 'permitted', 'inheritable', 'ambient'];
const caps = (list: string[]) => Object.fromEntries(ALL_SETS.map((set) => [set, list]));

/** Runs the wrapper on a bundle holding `config`, returns the config runc would have read. */
function wrapCreate(config: object): { process: { oomScoreAdj?: number; capabilities?: Record<string, string[]> } } {
  const bundle = mkdtempSync(join(tmpdir(), 'capfit-'));
  writeFileSync(join(bundle, 'config.json'), JSON.stringify(config));
  execFileSync('sh', [WRAPPER, '--root', '/run/runc', 'create', '--bundle', bundle, 'id'], { env: { ...process.env, REAL_RUNC: '/bin/true' } });
  return JSON.parse(readFileSync(join(bundle, 'config.json'), 'utf8'));
}

function ownOomScore(): number {
  return Number(readFileSync('/proc/self/oom_score_adj', 'utf8').trim());
}

test('create: CAP_SYS_RESOURCE leaves every capability set, the others stay', { skip: jqMissing }, () => {
  const out = wrapCreate({ process: { capabilities: caps(['CAP_CHOWN', 'CAP_SYS_RESOURCE', 'CAP_NET_ADMIN']) } });
  for (const set of ALL_SETS) assert.deepEqual(out.process.capabilities?.[set], ['CAP_CHOWN', 'CAP_NET_ADMIN'], set);
});

test('create: an oom score below the wrapper\'s own is raised to it; higher ones and none pass unchanged', { skip: jqMissing }, () => {
  const own = ownOomScore();
  assert.equal(wrapCreate({ process: { oomScoreAdj: -998 } }).process.oomScoreAdj, Math.max(own, -998));
  assert.equal(wrapCreate({ process: { oomScoreAdj: 1000 } }).process.oomScoreAdj, 1000);
  assert.equal('oomScoreAdj' in wrapCreate({ process: {} }).process, false);
});

test('exec: the process file loses CAP_SYS_RESOURCE', { skip: jqMissing }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'capfit-'));
  const file = join(dir, 'process.json');
  writeFileSync(file, JSON.stringify({ args: ['sh'], capabilities: caps(['CAP_SYS_RESOURCE', 'CAP_KILL']) }));
  execFileSync('sh', [WRAPPER, 'exec', '--process', file, 'id'], { env: { ...process.env, REAL_RUNC: '/bin/true' } });
  const out = JSON.parse(readFileSync(file, 'utf8')) as { capabilities: Record<string, string[]> };
  for (const set of ALL_SETS) assert.deepEqual(out.capabilities[set], ['CAP_KILL'], set);
});
