// A reporter for Node's built-in test runner that counts leaf tests only.
// Node reports a parent test after its subtests; counting parents too would
// double-count, so a test is a leaf unless the event just before it (in the
// same file) was one level deeper. The counts go to the reporter's
// destination as one JSON document that harness/cli/test.ts reads.
export default async function* countReporter(source) {
  const counts = { passed: 0, failed: 0, skipped: 0, skips: [], failures: [] };
  const lastNestingByFile = new Map();
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    const { name, nesting, file, skip, todo, details } = event.data;
    const key = file ?? '';
    const previous = lastNestingByFile.get(key);
    lastNestingByFile.set(key, nesting);
    if (previous !== undefined && previous > nesting) continue; // a parent
    const where = file ? `${file}: ${name}` : name;
    if (skip !== undefined || todo !== undefined) {
      counts.skipped += 1;
      const reason = typeof skip === 'string' ? skip : typeof todo === 'string' ? `todo: ${todo}` : 'no reason given';
      counts.skips.push({ test: where, reason });
    } else if (event.type === 'test:pass') {
      counts.passed += 1;
    } else {
      counts.failed += 1;
      const error = details?.error;
      const message = error?.cause?.message ?? error?.message ?? String(error);
      counts.failures.push({ test: where, message: message.split('\n').slice(0, 12).join('\n') });
    }
  }
  yield `${JSON.stringify(counts)}\n`;
}
