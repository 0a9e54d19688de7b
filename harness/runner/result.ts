/** What one tier reports back to the runner. */
export interface TierResult {
  passed: number;
  failed: number;
  skipped: number;
  /** Every skip with its reason: a skip is never silent. */
  skips: { test: string; reason: string }[];
  failures: { test: string; message: string }[];
  seconds: number;
}

export function emptyResult(): TierResult {
  return { passed: 0, failed: 0, skipped: 0, skips: [], failures: [], seconds: 0 };
}

/** A whole tier that did not run, counted once as skipped with its reason. */
export function skippedTier(tier: string, reason: string): TierResult {
  return { ...emptyResult(), skipped: 1, skips: [{ test: tier, reason }] };
}

export function addResults(results: TierResult[]): TierResult {
  const total = emptyResult();
  for (const result of results) {
    total.passed += result.passed;
    total.failed += result.failed;
    total.skipped += result.skipped;
    total.skips.push(...result.skips);
    total.failures.push(...result.failures);
    total.seconds += result.seconds;
  }
  return total;
}

/** The one closing line that CI reads. */
export function summaryLine(result: TierResult): string {
  return `${result.passed} passed, ${result.failed} failed, ${result.skipped} skipped`;
}
