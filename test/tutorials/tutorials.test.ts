// One test per tutorial page in docs/do/: a fresh cluster (or several) from CLUSTER_PROVIDER with Flux and a git
// server, the page's runnable blocks in one shell, each block's exit status and `expect` checked.
// Runs are recorded in .tmp/tutorial-runs/; `npm run tutorials:update` files the passed ones for
// the site. TUTORIAL=<page-id>[,<page-id>] runs only those pages.
import { test } from 'node:test';
import { environmentUnavailableReason } from '../../harness/tutorials/environment.ts';
import { tutorialPages } from '../../harness/tutorials/pages.ts';
import { runTutorial } from '../../harness/tutorials/runner.ts';
import type { TutorialPage } from '../../harness/tutorials/parse.ts';
import { verify } from '../../harness/report/record.ts';
import { providerName } from '../../harness/cluster/select.ts';
import { FLUX_VERSION, KUBERNETES_VERSION } from '../../harness/toolchain/versions.ts';
import { setting } from '../../contracts/settings.ts';

const runPage = (page: TutorialPage) => runTutorial(page, { log: (line) => console.log(line) });

const only = (setting('TUTORIAL') ?? '').split(',').map((s) => s.trim()).filter(Boolean);
const pages = tutorialPages();

test('docs/do holds the tutorials', (t) => {
  if (pages.length === 0) throw new Error('no page in docs/do/ has a runnable block');
  t.diagnostic(`${pages.length} tutorial pages: ${pages.map((p) => p.pageId).join(', ')}`);
});

for (const page of pages) {
  const skip = only.length > 0 && !only.includes(page.pageId) ? `not selected by TUTORIAL=${only.join(',')}` : await environmentUnavailableReason(page.environment);
  test(`tutorial ${page.pageId}: ${page.title} (${page.runnable.length} runnable blocks)`, { skip }, async (t) => {
    const meta = {
      examples: page.verifies,
      test: `test/tutorials/tutorials.test.ts: tutorial ${page.pageId} (${page.page})`,
      // The verdict is filed under the provider the clusters came from (CLUSTER_PROVIDER).
      tier: providerName(),
      kubernetesVersions: [page.environment.kubernetesVersion ?? KUBERNETES_VERSION],
      fluxVersion: FLUX_VERSION,
    };
    // The run's verdict holds for what the page says it proves (front matter tutorial.verifies).
    const run = page.verifies.length ? await verify(meta, () => runPage(page)) : await runPage(page);
    t.diagnostic(`${page.pageId}: ${run.blocks.length} blocks passed in ${run.seconds}s`);
  });
}
