// A release rolls out without a failed request (docs/do/promoting-a-change.mdx, and the demo
// app's "laptop to production" page on probes and draining): while Flux rolls development's
// demo-app from 1.3.0 to 1.4.0, a client pod in the same namespace asks the Service for /version
// every 100 ms on a new connection each time. Every answer must be a 200, and the answers must
// move from the old version to the new one. That holds only when the pieces the fleet's
// manifests wire together really work: the readiness probe path and port, maxUnavailable: 0 and
// maxSurge: 1, the app still serving during preStopDelayMs while the EndpointSlice controller
// and kube-proxy take the terminating pod out, and the drain that follows. It needs pods that
// really run, so it runs on kind (and existing clusters) and skips on the local tier.
import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';
import type { KubeObject } from '../../harness/kube/kube';
import { requireRunningPods } from '../../harness/environment/providers';
import type { ScenarioCluster } from '../../harness/environment/clusters';
import { bootstrapFleetCluster, DEMO, deploymentImage, eventually, installReceiver, kubectl, waitApplied, waitForRollout } from '../../harness/environment/flux';
import { fakeCommit, repoFile, withRelease } from '../../harness/environment/repo';
import { fleetRepo, ScenarioFile, since } from './support/scenario';

const s = new ScenarioFile('rollout', { clusters: ['development'], repos: [fleetRepo()], needs: () => requireRunningPods() }, async (env) => {
  const sc = env.cluster('development');
  await bootstrapFleetCluster(env, sc);
  await installReceiver(env, sc);
});

const VERSION_FILE = 'apps/development/demo-app-version.yaml';
const CLIENT = 'rollout-client';
const RELEASE = '1.4.0';

// One request every 100 ms, each on its own connection (agent: false), so the answer comes from
// whichever pod kube-proxy picks at that moment, never from a kept-alive connection to a pod
// that is already gone. One line per request: "ok <version>" or "fail <reason>".
const CLIENT_SCRIPT = `
const http = require('node:http');
function once() {
  return new Promise((resolve) => {
    const req = http.get({ host: 'demo-app', port: 80, path: '/version', agent: false, timeout: 2000 }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => {
        if (res.statusCode !== 200) return resolve('fail status ' + res.statusCode);
        try { resolve('ok ' + JSON.parse(body).version); } catch { resolve('fail body ' + body.slice(0, 60)); }
      });
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (e) => resolve('fail ' + (e.code || e.message)));
  });
}
(async () => { for (;;) { const t = Date.now(); console.log(await once()); await new Promise((r) => setTimeout(r, Math.max(0, 100 - (Date.now() - t)))); } })();
`;

/** The client pod: the demo app's own image (already on the node), restricted like the app. */
function clientPod(image: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: CLIENT, namespace: DEMO.namespace, labels: { 'app.kubernetes.io/name': CLIENT } },
    spec: {
      restartPolicy: 'Never',
      automountServiceAccountToken: false,
      securityContext: { runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [{
        name: 'client',
        image,
        imagePullPolicy: 'IfNotPresent',
        command: ['node', '-e', CLIENT_SCRIPT],
        resources: { requests: { cpu: '20m', memory: '32Mi' }, limits: { cpu: '200m', memory: '64Mi' } },
        securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
      }],
    },
  };
}

async function clientLines(sc: ScenarioCluster): Promise<string[]> {
  const logs = await kubectl(sc, ['-n', DEMO.namespace, 'logs', CLIENT], { timeoutMs: 30_000 });
  return logs.output.split('\n').map((l: string) => l.trim()).filter(Boolean);
}

interface Tally { requests: number; failures: string[]; versions: string[] }

/** Counts the client's lines; `versions` lists each version in the order answers switched to it. */
function tally(lines: string[]): Tally {
  const failures = lines.filter((l) => !l.startsWith('ok '));
  const versions: string[] = [];
  for (const l of lines.filter((x) => x.startsWith('ok '))) {
    const v = l.slice(3);
    if (versions.at(-1) !== v) versions.push(v);
  }
  return { requests: lines.length, failures, versions };
}

describe('rollout: a release reaches every pod without one failed request', { skip: s.skip }, () => {
  before(() => s.start());
  after(() => s.stop());

  s.test(`development rolls from its version to ${RELEASE} while a client keeps asking`, [
    'examples/fleet/apps/base/demo-app/deployment.yaml',
    'examples/fleet/apps/base/demo-app/service.yaml',
    'examples/fleet/apps/development/demo-app-version.yaml',
  ], async (env, t) => {
    const sc = env.cluster('development');
    const oldImage = (await deploymentImage(sc))!;
    const oldVersion = oldImage.split(':').pop()!;
    await waitForRollout(sc, oldImage);
    await sc.kube.create(clientPod(oldImage));
    try {
      await eventually('the client answers from the old version', async () => {
        const lines = await clientLines(sc).catch(() => []);
        return lines.filter((l) => l === `ok ${oldVersion}`).length >= 20 || `${lines.length} lines so far`;
      }, { timeoutMs: 120_000, intervalMs: 1000 });

      const t0 = Date.now();
      const release = withRelease(repoFile(env.git, 'fleet', VERSION_FILE), { version: RELEASE, commit: fakeCommit(`rollout ${RELEASE}`) });
      const change = await env.git.pushCommit('fleet', { [VERSION_FILE]: release }, `Release demo-app ${RELEASE} to development`);
      await waitApplied(sc, 'apps', change);
      await waitForRollout(sc, `ghcr.io/gitops-field-guide/demo-app:${RELEASE}`);
      // Old pods keep draining after the rollout counts as complete; go on asking until none is left.
      await eventually('the old pods have terminated', async () => {
        const pods = await sc.kube.list('v1', 'Pod', DEMO.namespace, 'app.kubernetes.io/name=demo-app');
        const old = pods.filter((p) => p.spec.containers[0].image !== `ghcr.io/gitops-field-guide/demo-app:${RELEASE}`);
        return old.length === 0 || `${old.length} old pod(s) left`;
      }, { timeoutMs: 120_000, intervalMs: 1000 });
      await new Promise((r) => setTimeout(r, 3000));
      s.measure(t, 'commit to every pod replaced', since(t0));

      const result = tally(await clientLines(sc));
      t.diagnostic(`${result.requests} requests, ${result.failures.length} failed; versions in order: ${result.versions.join(' → ')}`);
      assert.ok(result.requests >= 100, `the client made ${result.requests} requests: too few to say anything`);
      assert.deepEqual(result.failures, [], 'every request during the rollout was answered with a 200');
      assert.equal(result.versions[0], oldVersion, 'answers began with the old version');
      assert.equal(result.versions.at(-1), RELEASE, 'answers ended with the release');
    } finally {
      await sc.kube.delete({ apiVersion: 'v1', kind: 'Pod', name: CLIENT, namespace: DEMO.namespace });
    }
  });
});
