// examples/secrets: SOPS with age, end to end, with a key made for this run only.
// age-keygen and sops are the toolchain's pinned builds (filippo.io/age, getsops/sops).
// Nothing here is committed: the key, the Secret and its ciphertext live in a temp folder.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { checkPolicy, isSopsEncrypted } from '../../harness/checks/policy.ts';
import type { K8sObject } from '../../harness/fleet/kustomize.ts';
import { EXAMPLES_DIR } from '../../harness/fleet/tree.ts';
import { parseYamlFile } from '../../harness/fleet/yaml.ts';
import { withTools } from '../../harness/checks/tools.ts';

const DIR = path.join(EXAMPLES_DIR, 'secrets');
const PLACEHOLDER = 'AGE_PUBLIC_KEY_OF_THE_CLUSTER';

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}, cwd?: string): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', cwd, env: { ...process.env, ...env } });
  assert.equal(r.status, 0, `${path.basename(cmd)} ${args.join(' ')} failed: ${r.stderr || r.error?.message}`);
  return r.stdout;
}

test('the Flux Kustomization decrypts with SOPS and the age key in Secret sops-age', () => {
  const [ks] = parseYamlFile(path.join(DIR, 'flux-kustomization.yaml')).docs.map((d) => d.value as K8sObject);
  assert.equal(ks.kind, 'Kustomization');
  assert.deepEqual((ks.spec as { decryption: unknown }).decryption, { provider: 'sops', secretRef: { name: 'sops-age' } });
});

test('.sops.yaml encrypts only data and stringData, for an age recipient the reader supplies', () => {
  const config = parse(readFileSync(path.join(DIR, '.sops.yaml'), 'utf8')) as { creation_rules: Array<Record<string, string>> };
  const [rule] = config.creation_rules;
  assert.equal(rule.encrypted_regex, '^(data|stringData)$');
  assert.equal(rule.age, PLACEHOLDER, 'no real key in the repository: the recipient is a placeholder the reader replaces');
});

test('a generated Secret encrypted with sops has no plaintext value, passes policy, and decrypts back', async (t) => {
  await withTools(t, ['sops', 'age-keygen'], (tools) => {
    const work = mkdtempSync(path.join(tmpdir(), 'static-sops-'));
    try {
      // 1. A key for this run only.
      const keyFile = path.join(work, 'age.agekey');
      run(tools['age-keygen'], ['-o', keyFile]);
      const publicKey = run(tools['age-keygen'], ['-y', keyFile]).trim();
      assert.match(publicKey, /^age1[0-9a-z]{58}$/);

      // 2. The example's creation rule with that recipient.
      writeFileSync(path.join(work, '.sops.yaml'), readFileSync(path.join(DIR, '.sops.yaml'), 'utf8').replace(PLACEHOLDER, publicKey));

      // 3. A Secret with values that exist nowhere else.
      const password = randomBytes(18).toString('base64url');
      const token = randomBytes(18).toString('hex');
      const secret: K8sObject = {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'database', namespace: 'demo-app' },
        type: 'Opaque',
        stringData: { username: 'demo', password },
        data: { token: Buffer.from(token).toString('base64') },
      };
      const plainFile = path.join(work, 'database.sops.yaml');
      writeFileSync(plainFile, stringify(secret));
      assert.ok(checkPolicy([{ obj: secret, origin: plainFile, context: 'test' }]).some((f) => f.rule === 'no-plaintext-secret'), 'the plaintext Secret is rejected by policy');

      // 4. Encrypt in place, as a reader would before committing.
      run(tools.sops, ['--encrypt', '--in-place', 'database.sops.yaml'], {}, work);
      const cipherText = readFileSync(plainFile, 'utf8');
      for (const plain of [password, token, Buffer.from(token).toString('base64')]) assert.ok(!cipherText.includes(plain), 'a secret value survives in the ciphertext');
      const encrypted = parse(cipherText) as K8sObject;
      assert.ok(isSopsEncrypted(encrypted), 'every value is ENC[...] and the sops block is there');
      assert.equal(encrypted.metadata?.name, 'database', 'metadata stays readable');
      assert.equal((encrypted.sops as { age: Array<{ recipient: string }> }).age[0].recipient, publicKey);
      assert.deepEqual(checkPolicy([{ obj: encrypted, origin: plainFile, context: 'test' }]), [], 'the encrypted Secret passes policy');

      // 5. Decrypt with the private key, as kustomize-controller does with Secret sops-age.
      const decrypted = parse(run(tools.sops, ['--decrypt', 'database.sops.yaml'], { SOPS_AGE_KEY_FILE: keyFile }, work)) as K8sObject;
      assert.deepEqual(decrypted, secret);

      // 6. Without the key it does not decrypt.
      const noKey = spawnSync(tools.sops, ['--decrypt', 'database.sops.yaml'], { cwd: work, encoding: 'utf8', env: { ...process.env, SOPS_AGE_KEY_FILE: path.join(work, 'missing'), SOPS_AGE_KEY: '', HOME: work, XDG_CONFIG_HOME: work } });
      assert.notEqual(noKey.status, 0, 'sops decrypted without the key');
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
});
