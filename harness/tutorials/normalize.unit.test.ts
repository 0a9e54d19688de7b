// normalize.ts: every rule on the kind of output the tutorials print, and tables re-aligned.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cleanTerminalOutput, fullShasIn, normalizeOutput, normalizeText, parseTableHeader, TEXT_RULES } from './normalize.ts';

test('commit hashes: full, short, in Flux revisions and in push ranges', () => {
  assert.equal(normalizeText('applied revision main@sha1:9f1c2e4b7a3d5c6e8f0a1b2c3d4e5f60718293a4'), 'applied revision main@sha1:<sha>');
  assert.equal(normalizeText('[main 1a2b3c4] Greet the reader'), '[main <sha>] Greet the reader');
  assert.equal(normalizeText('   4b8d0e2..9f1c2e4  main -> main'), '   <sha>..<sha>  main -> main');
  assert.equal(normalizeText('7d3f9a1 (HEAD -> main) Revert "x"'), '<sha> (HEAD -> main) Revert "x"');
  assert.equal(normalizeText('commit 9f1c2e4b7a3d5c6e8f0a1b2c3d4e5f60718293a4'), 'commit <sha>');
  // Words and plain numbers that merely look hexadecimal stay.
  assert.equal(normalizeText('words: deadbeef 1234567 added decade'), 'words: deadbeef 1234567 added decade');
});

test('timestamps, durations and ages', () => {
  assert.equal(normalizeText('at 2026-11-25T22:14:03Z and 2026-11-25T22:14:03.123456+00:00'), 'at <time> and <time>');
  assert.equal(normalizeText('2026-11-25 22:14:03 +0000 UTC'), '<time>');
  assert.equal(normalizeText('Health check passed in 1.02s; reconciliation finished in 43.2ms, next run in 10m0s'), 'Health check passed in <duration>; reconciliation finished in <duration>, next run in <duration>');
  assert.equal(normalizeText('added 12 packages in 3s'), 'added 12 packages in <duration>');
  // CPU quantities and names with digits are not durations.
  assert.equal(normalizeText('cpu: 250m, k8s, v1.36.3, 64Mi'), 'cpu: 250m, k8s, v1.36.3, 64Mi');
});

test('ports, paths, uids, addresses and generated names', () => {
  assert.equal(normalizeText('To http://127.0.0.1:41235/fleet.git'), 'To http://127.0.0.1:<port>/fleet.git');
  assert.equal(normalizeText('wrote /tmp/tmp.Xy12/age.agekey'), 'wrote <tmp>');
  assert.equal(normalizeText('uid 0b3e8a9c-1d2e-4f5a-8b7c-6d5e4f3a2b1c'), 'uid <uid>');
  assert.equal(normalizeText('ClusterIP 10.96.12.7 and 127.0.0.1'), 'ClusterIP <ip> and 127.0.0.1');
  assert.equal(normalizeText('configmap/demo-app-config-8k2f7g9h4t created'), 'configmap/demo-app-config-<hash> created');
  assert.equal(normalizeText('pod/demo-app-5d8f7b9c4-x2zq7 ready'), 'pod/demo-app-<hash>-<id> ready');
  assert.equal(normalizeText('replicaset.apps/demo-app-5d8f7b9c4'), 'replicaset.apps/demo-app-<hash>');
  // A readable name with a dash is not a hash.
  assert.equal(normalizeText('kustomization/infra-controllers'), 'kustomization/infra-controllers');
});

test('keys and ciphertext from age and SOPS', () => {
  const pub = `age1${'q'.repeat(58)}`;
  assert.equal(normalizeText(`Public key: ${pub}`), 'Public key: age1<public-key>');
  assert.equal(normalizeText('AGE-SECRET-KEY-1QQQQ7Z9ABCDEF'), 'AGE-SECRET-KEY-1<secret>');
  assert.equal(
    normalizeText('password: ENC[AES256_GCM,data:abc=,iv:def=,tag:ghi==,type:str]'),
    'password: ENC[AES256_GCM,data:<ciphertext>,iv:<iv>,tag:<tag>,type:str]',
  );
});

test('context: secrets never survive, known paths become their variable names', () => {
  const context = { secrets: ['hunter2hunter2'], replacements: { '/work/main/.tmp/live/git-server-1/work/fleet': '$GIT_WORKDIR', '/work/main': '<guide>' } };
  assert.equal(
    normalizeText('cloned http://flux:hunter2hunter2@127.0.0.1:4000/fleet.git into /work/main/.tmp/live/git-server-1/work/fleet/clusters', context),
    'cloned http://flux:<secret>@127.0.0.1:<port>/fleet.git into $GIT_WORKDIR/clusters',
  );
  assert.equal(normalizeText('see /work/main/examples/fleet', context), 'see <guide>/examples/fleet');
});

test('every rule has a name and a global pattern', () => {
  for (const rule of TEXT_RULES) {
    assert.ok(rule.name.length > 0);
    assert.ok(rule.pattern.global, `${rule.name} must replace every occurrence`);
  }
});

test('table headers are recognised by their column names', () => {
  assert.deepEqual(parseTableHeader('NAME       READY   UP-TO-DATE   AVAILABLE   AGE')?.map((c) => c.name), ['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE']);
  assert.deepEqual(parseTableHeader('LAST SEEN   TYPE     REASON')?.map((c) => c.start), [0, 12, 21]);
  assert.equal(parseTableHeader('► applying changes'), undefined);
  assert.equal(parseTableHeader('NAME'), undefined);
});

test('tables: ages become <age>, revisions normalised, columns re-aligned', () => {
  const kubectl = [
    'NAME       READY   UP-TO-DATE   AVAILABLE   AGE',
    'demo-app   1/1     1            1           2m13s',
  ].join('\n');
  assert.equal(normalizeOutput(kubectl), [
    'NAME       READY   UP-TO-DATE   AVAILABLE   AGE',
    'demo-app   1/1     1            1           <age>',
  ].join('\n'));
  const fluxGet = [
    'NAME   REVISION                                             SUSPENDED   READY   MESSAGE',
    'apps   main@sha1:9f1c2e4b7a3d5c6e8f0a1b2c3d4e5f60718293a4   False       True    Applied revision: main@sha1:9f1c2e4b7a3d5c6e8f0a1b2c3d4e5f60718293a4',
  ].join('\n');
  assert.equal(normalizeOutput(fluxGet), [
    'NAME   REVISION          SUSPENDED   READY   MESSAGE',
    'apps   main@sha1:<sha>   False       True    Applied revision: main@sha1:<sha>',
  ].join('\n'));
  const events = [
    'LAST SEEN   TYPE     REASON                    OBJECT               MESSAGE',
    '12s         Normal   ReconciliationSucceeded   Kustomization/apps   Reconciliation finished in 1.5s',
    '3m4s        Normal   Progressing               Kustomization/apps   Deployment/demo-app/demo-app configured',
  ].join('\n');
  assert.equal(normalizeOutput(events), [
    'LAST SEEN   TYPE     REASON                    OBJECT               MESSAGE',
    '<age>       Normal   ReconciliationSucceeded   Kustomization/apps   Reconciliation finished in <duration>',
    '<age>       Normal   Progressing               Kustomization/apps   Deployment/demo-app/demo-app configured',
  ].join('\n'));
});

test('terminal noise: colours, carriage returns and blank edges are removed', () => {
  assert.equal(cleanTerminalOutput('\n\u001b[32mok\u001b[0m  \r\nstep 1\rstep 2\n\n'), 'ok\nstep 2');
});

test('flux tables: tab-separated cells become an aligned table', () => {
  const raw = [
    'NAME             \tREVISION          \tSUSPENDED\tREADY\tMESSAGE',
    'apps             \tmain@sha1:9f1c2e4b7a3d5c6e8f0a1b2c3d4e5f60718293a4\tFalse    \tTrue \tApplied revision: main@sha1:9f1c2e4b7a3d5c6e8f0a1b2c3d4e5f60718293a4',
    'infra-controllers\tmain@sha1:9f1c2e4b7a3d5c6e8f0a1b2c3d4e5f60718293a4\tFalse    \tTrue \tApplied revision: main@sha1:9f1c2e4b7a3d5c6e8f0a1b2c3d4e5f60718293a4',
  ].join('\n');
  assert.equal(normalizeOutput(raw), [
    'NAME                REVISION          SUSPENDED   READY   MESSAGE',
    'apps                main@sha1:<sha>   False       True    Applied revision: main@sha1:<sha>',
    'infra-controllers   main@sha1:<sha>   False       True    Applied revision: main@sha1:<sha>',
  ].join('\n'));
});

test('git dates', () => {
  assert.equal(normalizeText(' Date: Wed Nov 25 22:45:25 2026 +0000'), ' Date: <time>');
});

test('hashes that are content (in examples/ or the page) are kept', () => {
  const sha = '9f1c2e4b7a3d5c6e8f0a1b2c3d4e5f60718293a4';
  const other = '0123456789abcdef0123456789abcdef01234567';
  const keep = fullShasIn(`annotations:\n  commit: "${sha}"\n`);
  assert.deepEqual(keep, [sha]);
  assert.equal(normalizeText(`- ${sha}\n+ ${other}`, { keep }), `- ${sha}\n+ <sha>`);
  assert.equal(normalizeText(`main@sha1:${other}`, { keep }), 'main@sha1:<sha>');
});

test('hashes made only of digits, where only a hash can stand', () => {
  assert.equal(normalizeText('[main 7603707] Revert "x"'), '[main <sha>] Revert "x"');
  assert.equal(normalizeText('[feature/new-greeting (root-commit) 1234567] first'), '[feature/new-greeting (root-commit) <sha>] first');
  assert.equal(normalizeText('7603707 Revert "x"'), '<sha> Revert "x"');
  assert.equal(normalizeText('Applied revision: main@sha1:76037073'), 'Applied revision: main@sha1:<sha>');
  assert.equal(normalizeText('index 1234567..89abcde 100644'), 'index <sha>..<sha> 100644');
});

test('repeated events in LAST SEEN', () => {
  const events = [
    'LAST SEEN           TYPE     REASON               OBJECT                MESSAGE',
    '25s (x3 over 35s)   Normal   DependencyNotReady   Kustomization/hello   Dependencies do not meet ready condition',
  ].join('\n');
  assert.match(normalizeOutput(events).split('\n')[1], /^<age> \(repeated\) +Normal/);
});

test('paths under the session TMPDIR become <tmp>', () => {
  const context = { replacements: { '/r/run-1/tmp': '<tmp>', '/r/run-1': '<run>' } };
  assert.equal(normalizeText('diff -u -N /r/run-1/tmp/LIVE-123/apps.v1.Deployment /r/run-1/tmp/MERGED-9/x', context), 'diff -u -N <tmp> <tmp>');
});

test('the armored age data key in a SOPS file keeps its indentation', () => {
  const raw = [
    '    age:',
    '        - enc: |',
    '            -----BEGIN AGE ENCRYPTED FILE-----',
    '            YWdlLWVuY3J5cHRpb24ub3JnL3YxCi0+IFgyNTUxOSB2c2ZpN1g0a2h1UER1ajJT',
    '            wPxHs5jbFtzYLsSv0RLHptE7AgeGdAvr5lpNnpHA69y8j6V5TeMHtw==',
    '            -----END AGE ENCRYPTED FILE-----',
    `          recipient: age1${'q'.repeat(58)}`,
  ].join('\n');
  assert.equal(normalizeOutput(raw), [
    '    age:',
    '        - enc: |',
    '            -----BEGIN AGE ENCRYPTED FILE-----',
    '            <encrypted data key>',
    '            -----END AGE ENCRYPTED FILE-----',
    '          recipient: age1<public-key>',
  ].join('\n'));
});
