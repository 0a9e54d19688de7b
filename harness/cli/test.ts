// `npm test`: runs every tier (or those named with --tier a,b), prints each
// tier's outcome and every skip reason, and ends with the one line CI reads.
import { parseArgs } from 'node:util';
import { tiers, type Tier } from '../runner/tiers.ts';
import { resetRunReport } from '../report/record.ts';
import { addResults, skippedTier, summaryLine, type TierResult } from '../runner/result.ts';

function selectTiers(names: string | undefined): Tier[] {
  if (!names) return tiers;
  const wanted = names.split(',').map((name) => name.trim()).filter(Boolean);
  const unknown = wanted.filter((name) => !tiers.some((tier) => tier.name === name));
  if (unknown.length > 0) {
    throw new Error(`unknown tier(s): ${unknown.join(', ')}; known: ${tiers.map((t) => t.name).join(', ')}`);
  }
  return tiers.filter((tier) => wanted.includes(tier.name));
}

async function runTier(tier: Tier, failedTiers: Set<string>): Promise<TierResult> {
  const blockedBy = (tier.needs ?? []).filter((name) => failedTiers.has(name));
  if (blockedBy.length > 0) return skippedTier(tier.name, `needs ${blockedBy.join(', ')}, which failed`);
  const reason = tier.skipReason?.();
  if (reason) return skippedTier(tier.name, reason);
  const started = performance.now();
  const result = await tier.run();
  result.seconds = (performance.now() - started) / 1000;
  return result;
}

function printTierOutcome(name: string, result: TierResult): void {
  console.log(`\n■ ${name}: ${summaryLine(result)} (${result.seconds.toFixed(1)} s)`);
  for (const skip of result.skips) console.log(`  SKIPPED ${skip.test}: ${skip.reason}`);
  for (const failure of result.failures) console.log(`  FAILED ${failure.test}\n    ${failure.message.replaceAll('\n', '\n    ')}`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { tier: { type: 'string' }, list: { type: 'boolean' } } });
  const selected = selectTiers(values.tier);
  if (values.list) {
    for (const tier of tiers) console.log(`${tier.name.padEnd(14)} ${tier.description}`);
    return;
  }
  // The verification report describes this run only; older results live in
  // the committed snapshot (npm run report:update).
  resetRunReport();
  const results = new Map<string, TierResult>();
  const failedTiers = new Set<string>();
  for (const tier of selected) {
    console.log(`\n▶ ${tier.name}: ${tier.description}`);
    const result = await runTier(tier, failedTiers);
    if (result.failed > 0) failedTiers.add(tier.name);
    results.set(tier.name, result);
    printTierOutcome(tier.name, result);
  }
  console.log('\nSummary by tier:');
  for (const [name, result] of results) console.log(`  ${name.padEnd(14)} ${summaryLine(result)}`);
  const total = addResults([...results.values()]);
  if (total.skips.length > 0) {
    console.log('\nSkipped, with reasons:');
    for (const skip of total.skips) console.log(`  ${skip.test}: ${skip.reason}`);
  }
  console.log(`\n${summaryLine(total)}`);
  process.exitCode = total.failed > 0 ? 1 : 0;
}

await main();
