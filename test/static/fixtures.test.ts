// Bad input: each folder of test/fixtures/ holds one deliberate mistake, and the static tier
// (the same analyze() that checks examples/) must reject it naming the file and the reason.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { analyze, type Analysis } from '../../harness/checks/analyze.ts';
import { formatFinding, formatFindings, type CheckName } from '../../harness/fleet/findings.ts';
import { staticSetup } from './setup.ts';
import { FIXTURES_DIR } from '../../harness/fleet/tree.ts';

interface Expectation {
  fixture: string;
  /** What the mistake is, for the test name. */
  what: string;
  check: CheckName;
  /** The file the finding must name, relative to the fixture folder. */
  file: string;
  rule?: string;
  line?: number;
  /** The reason must match this. */
  reason: RegExp;
}

export const EXPECTATIONS: readonly Expectation[] = [
  { fixture: 'bad-yaml', what: 'a YAML syntax error', check: 'yaml', file: 'broken.yaml', line: 7, reason: /Flow sequence|end with a \]/ },
  { fixture: 'unknown-field', what: 'an unknown field', check: 'schema', file: 'deployment.yaml', reason: /\/spec: additional properties 'replica' not allowed/ },
  { fixture: 'wrong-api-version', what: 'a wrong apiVersion', check: 'schema', file: 'deployment.yaml', reason: /apps\/v1beta1 Deployment .*could not find schema for Deployment/ },
  { fixture: 'selector-mismatch', what: 'a selector that does not match the template labels', check: 'policy', rule: 'selector-matches-template', file: 'deployment.yaml', reason: /selector app\.kubernetes\.io\/name=web but the pod template has app\.kubernetes\.io\/name=website/ },
  { fixture: 'missing-file', what: 'a kustomization naming a missing file', check: 'kustomize', file: 'kustomization.yaml', reason: /service\.yaml.*no such file or directory/ },
  { fixture: 'privileged-pod', what: 'a privileged container', check: 'policy', rule: 'pss-privileged', file: 'pod.yaml', reason: /must not be privileged.*\(container shell\)/ },
  { fixture: 'privileged-pod', what: 'a pod on the host network', check: 'policy', rule: 'pss-host-namespaces', file: 'pod.yaml', reason: /host network/ },
  { fixture: 'privileged-pod', what: 'a container running as root', check: 'policy', rule: 'pss-run-as-non-root', file: 'pod.yaml', reason: /run as non-root/ },
  { fixture: 'privileged-pod', what: 'a container keeping its capabilities', check: 'policy', rule: 'pss-capabilities', file: 'pod.yaml', reason: /drop ALL capabilities/ },
  { fixture: 'plaintext-secret', what: 'a plaintext Secret', check: 'policy', rule: 'no-plaintext-secret', file: 'secret.yaml', reason: /keys username, password are in plain text/ },
  { fixture: 'secret-pattern', what: 'a credential pattern in a file', check: 'secrets', rule: 'secret-aws-access-key', file: 'configmap.yaml', line: 6, reason: /AWS access key/ },
  { fixture: 'latest-image', what: 'an image on :latest', check: 'policy', rule: 'image-tag', file: 'deployment.yaml', reason: /uses :latest/ },
  { fixture: 'latest-image', what: 'a Deployment without probes', check: 'policy', rule: 'probes', file: 'deployment.yaml', reason: /has no livenessProbe.*has no readinessProbe/ },
  { fixture: 'flux-duplicate-object', what: 'two Flux Kustomizations applying the same object', check: 'flux', rule: 'duplicate-object', file: 'apps/two/settings.yaml', reason: /applied by both Kustomization flux-system\/one and flux-system\/two/ },
  { fixture: 'probe-port-typo', what: 'a probe on a port name the container does not declare', check: 'policy', rule: 'probe-port', file: 'deployment.yaml', line: 37, reason: /container web: readinessProbe\.httpGet\.port htp is not the name of a port of the container \(its ports: http=8080\)/ },
  { fixture: 'unknown-probe-path', what: 'a demo app probe on a path the app does not serve', check: 'policy', rule: 'demo-app-probe-path', file: 'deployment.yaml', line: 36, reason: /container web: readinessProbe\.httpGet\.path \/ready is not a route of the app/ },
  { fixture: 'wrong-container-port', what: 'a demo app containerPort the app does not listen on', check: 'policy', rule: 'demo-app-port', file: 'deployment.yaml', line: 29, reason: /container web: containerPort 8081 \(http\) is not the port the app listens on, 8080/ },
  { fixture: 'service-selects-nothing', what: 'a Service whose selector matches no pod of its cluster', check: 'policy', rule: 'service-selects-pods', file: 'apps/web/service.yaml', line: 8, reason: /cluster test: selector app\.kubernetes\.io\/name=website matches no pod template in namespace web: Deployment\/web has app\.kubernetes\.io\/name=web/ },
  { fixture: 'service-target-port', what: 'a Service targetPort the selected pods do not declare', check: 'policy', rule: 'service-target-port', file: 'apps/web/service.yaml', line: 12, reason: /cluster test: port http targets 8081, which Deployment\/web \(ports: http=8080\) does not declare/ },
  { fixture: 'flux-path-missing', what: 'a Flux Kustomization whose path does not exist', check: 'flux', rule: 'path-missing', file: 'clusters/test/apps.yaml', reason: /spec\.path \.\/apps\/test does not exist/ },
];

const setup = await staticSetup();
const skip = 'skip' in setup ? setup.skip : undefined;
const schemaSkip = skip ?? ('schemaSkip' in setup ? setup.schemaSkip : undefined);

const analyses = new Map<string, Analysis>();
if (!('skip' in setup)) {
  const { tools, schemas } = setup;
  const fixtures = [...new Set(EXPECTATIONS.map((e) => e.fixture))];
  const results = await Promise.all(fixtures.map((f) => analyze(path.join(FIXTURES_DIR, f), tools, schemas)));
  fixtures.forEach((f, i) => analyses.set(f, results[i]));
}
function analysisOf(fixture: string): Analysis {
  const a = analyses.get(fixture);
  if (!a) throw new Error(`fixture ${fixture} was not analysed`);
  return a;
}

for (const e of EXPECTATIONS) {
  test(`fixture ${e.fixture}: ${e.what} is rejected by the ${e.check} check, naming the file and the reason`, { skip: e.check === 'schema' ? schemaSkip : skip }, (t) => {
    const a = analysisOf(e.fixture);
    const file = path.posix.join('test/fixtures', e.fixture, e.file);
    const hit = a.findings.find((f) => f.check === e.check && f.file === file && (!e.rule || f.rule === e.rule) && e.reason.test(f.message));
    assert.ok(hit, `expected a ${e.check}${e.rule ? `/${e.rule}` : ''} finding for ${file} matching ${e.reason}; got:\n${formatFindings(a.findings) || '(nothing)'}`);
    if (e.line) assert.equal(hit.line, e.line, `expected line ${e.line}: ${formatFinding(hit)}`);
    t.diagnostic(formatFinding(hit));
  });
}

test('every fixture folder has an expectation, and only the expected checks fire', { skip }, () => {
  const folders = new Set(EXPECTATIONS.map((e) => e.fixture));
  for (const fixture of folders) {
    const a = analysisOf(fixture);
    const allowed = new Set(EXPECTATIONS.filter((e) => e.fixture === fixture).map((e) => `${e.check}/${e.rule ?? ''}`));
    const unexpected = a.findings.filter((f) => !allowed.has(`${f.check}/${f.rule ?? ''}`) && !allowed.has(`${f.check}/`));
    // A privileged root pod breaks more rules than the ones listed; that is fine.
    if (fixture === 'privileged-pod') continue;
    assert.equal(unexpected.length, 0, `fixture ${fixture} also reported:\n${formatFindings(unexpected)}`);
  }
});
