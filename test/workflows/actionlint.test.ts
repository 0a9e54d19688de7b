// The GitHub Actions workflows are checked like code:
// - actionlint (the pinned build from harness/toolchain) reports nothing for .github/workflows/*;
// - every `uses:` is pinned to a full 40-hex commit with a `# vX.Y.Z` comment naming the release.
// Both checks also run over test/fixtures/workflows/broken.yml and must report its two
// deliberate mistakes, which proves they are not vacuous.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { globSync } from 'tinyglobby';
import { parse as parseYaml } from 'yaml';
import { ensureTools, hasTool, toolPath } from '../../harness/toolchain/binaries';
import { ACTIONLINT_VERSION } from '../../harness/toolchain/versions';
import { REPO_ROOT } from '../../contracts/paths.ts';

const WORKFLOWS = globSync(['.github/workflows/*.yml', '.github/workflows/*.yaml'], { cwd: REPO_ROOT }).sort();
const FIXTURE = 'test/fixtures/workflows/broken.yml';

export interface Finding {
  file: string;
  line: number;
  column: number;
  message: string;
  kind: string;
}

export function formatFinding(f: Finding): string {
  return `${f.file}:${f.line}:${f.column}: ${f.message} [${f.kind}]`;
}

function formatAll(findings: Finding[]): string {
  return findings.map(formatFinding).join('\n');
}

// --- actionlint -------------------------------------------------------------------------------

function goAvailable(): boolean {
  try {
    execFileSync('go', ['version'], { stdio: 'ignore', timeout: 20_000 });
    return true;
  } catch {
    return false;
  }
}

/** The actionlint binary (built on demand when Go is there), or the reason there is none. */
async function findActionlint(): Promise<{ path: string } | { skip: string }> {
  if (hasTool('actionlint')) return { path: toolPath('actionlint') };
  if (!goAvailable()) {
    return { skip: `actionlint ${ACTIONLINT_VERSION} is not built and there is no Go toolchain to build it (npm run cluster:build -- --tools actionlint)` };
  }
  try {
    await ensureTools(['actionlint'], { log: (line) => console.log(line) });
  } catch (error) {
    return { skip: `could not build actionlint ${ACTIONLINT_VERSION}: ${(error as Error).message.split('\n')[0]}` };
  }
  return hasTool('actionlint') ? { path: toolPath('actionlint') } : { skip: 'actionlint build finished without a binary' };
}

interface ActionlintJson {
  message: string;
  filepath: string;
  line: number;
  column: number;
  kind: string;
}

/** Runs actionlint on files (relative to the repo) and returns its findings. */
export function runActionlint(binary: string, files: string[]): Finding[] {
  const result = spawnSync(binary, ['-no-color', '-format', '{{json .}}', ...files], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 120_000 });
  if (result.error) throw result.error;
  // Exit 0: no problems; 1: problems found; anything else: actionlint itself failed.
  if (result.status !== 0 && result.status !== 1) {
    throw new Error(`actionlint exited ${result.status}:\n${result.stderr}${result.stdout}`);
  }
  const out = result.stdout.trim();
  const parsed = (out ? JSON.parse(out) : []) as ActionlintJson[] | null;
  return (parsed ?? []).map((e) => ({ file: e.filepath, line: e.line, column: e.column, message: e.message, kind: e.kind }));
}

// --- pinned actions ---------------------------------------------------------------------------

const USES_LINE = /^(\s*-?\s*)uses:\s*(['"]?)([^\s'"#]+)\2\s*(?:#\s*(.*))?$/;

/** Every `uses:` value of a workflow as parsed YAML (steps and reusable-workflow jobs). */
export function usesValues(workflow: unknown): string[] {
  const values: string[] = [];
  const jobs = (workflow as { jobs?: Record<string, { uses?: unknown; steps?: { uses?: unknown }[] }> })?.jobs ?? {};
  for (const job of Object.values(jobs)) {
    if (typeof job?.uses === 'string') values.push(job.uses);
    for (const step of job?.steps ?? []) if (typeof step?.uses === 'string') values.push(step.uses);
  }
  return values;
}

/**
 * Pin findings for one workflow file: a `uses:` that is not `owner/repo[/path]@<40 hex>` with a
 * `# vX.Y.Z` comment. Local actions (`./…`) are part of the commit and need no pin; a
 * `docker://` image must be pinned by digest.
 */
export function pinFindings(file: string, text: string): Finding[] {
  const findings: Finding[] = [];
  const seen: string[] = [];
  text.split('\n').forEach((raw, index) => {
    const match = USES_LINE.exec(raw);
    if (!match) return;
    const [, indent, , ref, comment] = match;
    seen.push(ref);
    const at = { file, line: index + 1, column: indent.length + 1, kind: 'pin' };
    if (ref.startsWith('./')) return;
    if (ref.startsWith('docker://')) {
      if (!/@sha256:[0-9a-f]{64}$/.test(ref)) findings.push({ ...at, message: `"${ref}" must be pinned by image digest (@sha256:…)` });
      return;
    }
    const pinned = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+(\/[^@\s]+)?@([0-9a-f]{40})$/.exec(ref);
    if (!pinned) {
      findings.push({ ...at, message: `"${ref}" is not pinned to a full 40-hex commit SHA` });
    } else if (!comment || !/^v\d+\.\d+\.\d+\b/.test(comment.trim())) {
      findings.push({ ...at, message: `"${ref}" needs a "# vX.Y.Z" comment naming the release the commit belongs to` });
    }
  });
  // A `uses:` the line scan did not see (flow style, anchors) must not slip through unchecked.
  let parsed: unknown;
  try {
    parsed = parseYaml(text);
  } catch (error) {
    return [...findings, { file, line: 1, column: 1, kind: 'pin', message: `not YAML: ${(error as Error).message}` }];
  }
  for (const value of usesValues(parsed)) {
    if (!seen.includes(value)) findings.push({ file, line: 1, column: 1, kind: 'pin', message: `uses "${value}" is not on a line of its own; write it as "uses: owner/repo@<sha> # vX.Y.Z"` });
  }
  return findings;
}

function pinFindingsOf(files: string[]): Finding[] {
  return files.flatMap((file) => pinFindings(file, readFileSync(path.join(REPO_ROOT, file), 'utf8')));
}

// --- tests ------------------------------------------------------------------------------------

test('there are workflows to check', () => {
  assert.ok(WORKFLOWS.includes('.github/workflows/ci.yml'), `expected .github/workflows/ci.yml; found ${WORKFLOWS.join(', ') || 'nothing'}`);
});

test('every uses: in .github/workflows is pinned to a commit SHA with a # vX.Y.Z comment', () => {
  const findings = pinFindingsOf(WORKFLOWS);
  assert.equal(findings.length, 0, `unpinned actions:\n${formatAll(findings)}`);
});

test('the pin check rejects the broken fixture (not vacuous)', () => {
  const findings = pinFindingsOf([FIXTURE]);
  assert.deepEqual(findings.map(formatFinding), [`${FIXTURE}:21:9: "actions/checkout@v4" is not pinned to a full 40-hex commit SHA [pin]`]);
  // And the other shapes it must reject or accept:
  const sha = 'a'.repeat(40);
  const check = (line: string) => pinFindings('w.yml', `jobs:\n  j:\n    steps:\n${line}\n`).map((f) => f.message);
  assert.deepEqual(check(`      - uses: actions/cache@${sha} # v5.0.5`), []);
  assert.deepEqual(check(`      - uses: ./local-action`), []);
  assert.match(check(`      - uses: actions/cache@${sha}`)[0], /needs a "# vX\.Y\.Z" comment/);
  assert.match(check(`      - uses: actions/cache@${sha.slice(0, 12)} # v5.0.5`)[0], /not pinned/);
  assert.match(check(`      - uses: docker://alpine:3`)[0], /image digest/);
  assert.match(check(`      - {uses: actions/cache@v5}`)[0], /not on a line of its own/);
});

const actionlint = await findActionlint();
const skip = 'skip' in actionlint ? actionlint.skip : undefined;

test('actionlint finds nothing in .github/workflows', { skip }, (t) => {
  if ('skip' in actionlint) return;
  const findings = runActionlint(actionlint.path, WORKFLOWS);
  assert.equal(findings.length, 0, `actionlint ${ACTIONLINT_VERSION} found ${findings.length} problem(s):\n${formatAll(findings)}`);
  t.diagnostic(`actionlint ${ACTIONLINT_VERSION}: ${WORKFLOWS.join(', ')} clean`);
});

test('actionlint reports the broken fixture with file:line:col (not vacuous)', { skip }, () => {
  if ('skip' in actionlint) return;
  const findings = runActionlint(actionlint.path, [FIXTURE]);
  const typo = findings.find((f) => f.kind === 'expression' && /kubernets/.test(f.message));
  assert.ok(typo, `expected actionlint to report matrix.kubernets in ${FIXTURE}; got:\n${formatAll(findings) || '(nothing)'}`);
  assert.equal(`${typo.file}:${typo.line}`, `${FIXTURE}:23`);
});
