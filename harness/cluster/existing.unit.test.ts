import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import {
  assertWritable,
  writeSkipReason,
  existingSettings,
  existingUnavailableReason,
  loadExistingKubeconfig,
  minifiedKubeconfig,
  startExistingCluster,
  writeRefusal,
} from './existing';

const dir = mkdtempSync(path.join(tmpdir(), 'existing-provider-'));
process.env.FIELD_GUIDE_LIVE_DIR = path.join(dir, 'live');
after(() => rmSync(dir, { recursive: true, force: true }));

function kubeconfig(file: string, contexts: { name: string; server: string }[], current: string): string {
  const full = path.join(dir, file);
  for (const c of contexts) writeFileSync(path.join(dir, `ca-${c.name}.crt`), 'not a real certificate\n');
  writeFileSync(
    full,
    [
      'apiVersion: v1',
      'kind: Config',
      `current-context: ${current}`,
      'clusters:',
      // A plain-HTTP test server needs insecure-skip-tls-verify (client-node refuses http otherwise).
      ...contexts.map((c) => `- name: ${c.name}\n  cluster:\n    server: ${c.server}\n` +
        (c.server.startsWith('http:') ? '    insecure-skip-tls-verify: true' : `    certificate-authority: ca-${c.name}.crt`)),
      'users:',
      ...contexts.map((c) => `- name: ${c.name}\n  user:\n    token: token-${c.name}`),
      'contexts:',
      ...contexts.map((c) => `- name: ${c.name}\n  context:\n    cluster: ${c.name}\n    user: ${c.name}`),
      '',
    ].join('\n'),
  );
  return full;
}

test('settings come from EXISTING_KUBECONFIG first, then KUBECONFIG; missing ones give a reason', () => {
  const a = kubeconfig('a.yaml', [{ name: 'a', server: 'https://127.0.0.1:1' }], 'a');
  assert.match(existingUnavailableReason({})!, /needs EXISTING_KUBECONFIG \(or KUBECONFIG\)/);
  assert.match(existingUnavailableReason({ KUBECONFIG: path.join(dir, 'nope') })!, /KUBECONFIG names kubeconfig file\(s\) that do not exist/);
  assert.equal(existingUnavailableReason({ KUBECONFIG: a }), undefined);
  const s = existingSettings({ EXISTING_KUBECONFIG: a, KUBECONFIG: '/elsewhere', EXISTING_CONTEXT: 'a' });
  assert.deepEqual(s, { kubeconfigPaths: [a], source: 'EXISTING_KUBECONFIG', context: 'a', allowWrites: false });
  assert.equal(existingSettings({ KUBECONFIG: a, EXISTING_CLUSTER_ALLOW_WRITES: '1' }).allowWrites, true);
  assert.equal(existingSettings({ KUBECONFIG: a, EXISTING_CLUSTER_ALLOW_WRITES: 'yes' }).allowWrites, false);
});

test('a merged kubeconfig list is reduced to the chosen context, with absolute file paths', () => {
  const one = kubeconfig('one.yaml', [{ name: 'dev', server: 'https://127.0.0.1:1' }], 'dev');
  const two = kubeconfig('two.yaml', [{ name: 'prod', server: 'https://127.0.0.1:2' }], 'prod');
  const kc = loadExistingKubeconfig(existingSettings({ KUBECONFIG: `${one}${path.delimiter}${two}`, EXISTING_CONTEXT: 'prod' }));
  const minified = parseYaml(minifiedKubeconfig(kc));
  assert.equal(minified['current-context'], 'prod');
  assert.deepEqual(minified.contexts.map((c: { name: string }) => c.name), ['prod']);
  assert.equal(minified.clusters.length, 1);
  assert.equal(minified.clusters[0].cluster.server, 'https://127.0.0.1:2');
  assert.equal(minified.clusters[0].cluster['certificate-authority'], path.join(dir, 'ca-prod.crt'));
  assert.equal(minified.users[0].user.token, 'token-prod');
  assert.throws(() => loadExistingKubeconfig(existingSettings({ KUBECONFIG: one, EXISTING_CONTEXT: 'missing' })), /context "missing" not found \(contexts: dev\)/);
});

test('writes are refused unless EXISTING_CLUSTER_ALLOW_WRITES=1', () => {
  assert.match(writeRefusal({ allowWrites: false }, 'prod')!, /context prod.*set EXISTING_CLUSTER_ALLOW_WRITES=1/);
  assert.equal(writeRefusal({ allowWrites: true }, 'prod'), undefined);
  assert.throws(() => assertWritable({ writeRefusal: 'read-only' } as never), /read-only/);
  assertWritable({} as never);
  assert.equal(writeSkipReason({ provider: 'local' } as never), undefined);
  assert.equal(writeSkipReason({ writeRefusal: 'read-only' } as never), 'read-only');
});

test('start() checks reachability, never changes the cluster, and stop() removes only its own copy', async () => {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ major: '1', minor: '35', gitVersion: 'v1.35.2', platform: 'linux/amd64' }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  try {
    const file = kubeconfig('live.yaml', [{ name: 'live', server: `http://127.0.0.1:${port}` }], 'live');
    const before = readFileSync(file, 'utf8');
    const cluster = await startExistingCluster({ name: 'staging' }, { EXISTING_KUBECONFIG: file });
    assert.equal(cluster.provider, 'existing');
    assert.equal(cluster.kubernetesVersion, 'v1.35.2');
    assert.equal(cluster.apiServerUrl, `http://127.0.0.1:${port}`);
    assert.match(cluster.writeRefusal!, /EXISTING_CLUSTER_ALLOW_WRITES=1/);
    assert.equal(statSync(cluster.kubeconfigPath).mode & 0o777, 0o600);
    assert.equal(parseYaml(readFileSync(cluster.kubeconfigPath, 'utf8'))['current-context'], 'live');
    await cluster.stop();
    assert.ok(!existsSync(cluster.kubeconfigPath));
    assert.equal(readFileSync(file, 'utf8'), before);
    assert.deepEqual(requests, ['GET /version']);

    const writable = await startExistingCluster({ name: 'x' }, { EXISTING_KUBECONFIG: file, EXISTING_CLUSTER_ALLOW_WRITES: '1' });
    assert.equal(writable.writeRefusal, undefined);
    await writable.stop();
  } finally {
    server.close();
  }
  const closed = kubeconfig('closed.yaml', [{ name: 'closed', server: `http://127.0.0.1:${port}` }], 'closed');
  await assert.rejects(startExistingCluster({ name: 'y' }, { EXISTING_KUBECONFIG: closed }), /existing cluster \(context closed, http:\/\/127\.0\.0\.1:\d+\) is not reachable/);
});
