// npm run report:update — copies the latest run's results into the committed snapshot
// src/data/verification-report.json, which the site's verification badges read.
//
// Only entries a run actually recorded go in (newest per example/test/tier/versions); snapshot
// entries the run did not touch stay as they were, with their own dates and commits (the site
// shows them stale once they are old or the example changed). Entries for examples that no
// longer exist are dropped. Nothing is derived or invented.
//
//   npx tsx harness/cli/report-update.ts [--from <run report>] [--to <snapshot>] [--check]
//   --check: change nothing; exit 1 when the snapshot would change.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { emptyReport, mergeIntoSnapshot, serialiseReport, validateReport } from '../../contracts/report/merge';
import { rebuildRunReport, readRunReport, runReportPath } from '../report/record';
import type { VerificationEntry } from '../../contracts/report/schema';
import { REPORT_SNAPSHOT } from '../../contracts/paths.ts';
import { REPO_ROOT } from '../../contracts/paths.ts';

export const SNAPSHOT_PATH = path.join(REPO_ROOT, REPORT_SNAPSHOT);

function describe(e: VerificationEntry): string {
  const versions = e.kubernetesVersions.length ? ` on ${e.kubernetesVersions.join(', ')}` : '';
  return `${e.result.padEnd(7)} ${e.tier.padEnd(8)} ${e.example} — ${e.test}${versions}`;
}

function main(): number {
  const { values } = parseArgs({
    options: { from: { type: 'string' }, to: { type: 'string' }, check: { type: 'boolean', default: false } },
  });
  const to = path.resolve(values.to ?? SNAPSHOT_PATH);
  let run;
  if (values.from) {
    const from = path.resolve(values.from);
    if (!existsSync(from)) throw new Error(`${from} does not exist`);
    run = validateReport(JSON.parse(readFileSync(from, 'utf8')), from);
  } else {
    // The log of recorded lines is the source of truth; rebuild in case a writer was interrupted.
    if (existsSync(path.join(path.dirname(runReportPath()), 'entries.jsonl'))) rebuildRunReport();
    run = readRunReport();
  }
  const snapshot = existsSync(to) ? validateReport(JSON.parse(readFileSync(to, 'utf8')), to) : emptyReport();
  const result = mergeIntoSnapshot(snapshot, run, {
    now: new Date().toISOString(),
    exists: (example) => existsSync(path.join(REPO_ROOT, example)),
  });
  for (const e of result.added) console.log(`added    ${describe(e)}`);
  for (const e of result.updated) console.log(`updated  ${describe(e)}`);
  for (const e of result.pruned) console.log(`dropped  ${describe(e)} (the example no longer exists)`);
  for (const e of result.ignoredOlder) console.log(`ignored  ${describe(e)} (the snapshot holds a newer result)`);
  const changed = result.added.length + result.updated.length + result.pruned.length > 0;
  console.log(
    `${path.relative(process.cwd(), to) || to}: ${result.added.length} added, ${result.updated.length} updated, ` +
      `${result.pruned.length} dropped, ${result.kept} kept${changed ? '' : ' (unchanged)'}`,
  );
  if (values.check) return changed ? 1 : 0;
  if (changed) writeFileSync(to, serialiseReport(result.report));
  return 0;
}

try {
  process.exitCode = main();
} catch (error) {
  console.error(`report:update: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
