import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deploymentReadiness, fluxReadiness, formatConditions, revisionMatches } from './conditions';
import type { KubeObject } from './kube';

const SHA = '84b8c4b60035dc0ce28f8dee6320cef80db4083b';

function gitRepo(over: { generation?: number; observed?: number; status?: string; revision?: string; condGen?: number }): KubeObject {
  return {
    apiVersion: 'source.toolkit.fluxcd.io/v1',
    kind: 'GitRepository',
    metadata: { name: 'flux-system', namespace: 'flux-system', generation: over.generation ?? 2 },
    status: {
      observedGeneration: over.observed ?? 2,
      artifact: { revision: over.revision ?? `main@sha1:${SHA}` },
      conditions: [
        { type: 'Ready', status: over.status ?? 'True', reason: 'Succeeded', message: 'stored artifact', observedGeneration: over.condGen ?? 2 },
      ],
    },
  };
}

test('Flux object is ready only with Ready=True for its current generation', () => {
  assert.equal(fluxReadiness(gitRepo({})).ready, true);
  assert.match(fluxReadiness(gitRepo({ observed: 1 })).reason, /observedGeneration 1 != generation 2/);
  assert.match(fluxReadiness(gitRepo({ condGen: 1 })).reason, /Ready condition is for generation 1/);
  assert.match(fluxReadiness(gitRepo({ status: 'False' })).reason, /Ready=False/);
  assert.match(fluxReadiness(undefined).reason, /does not exist/);
});

test('a GitRepository must also report the expected commit', () => {
  assert.equal(fluxReadiness(gitRepo({}), { revision: SHA }).ready, true);
  assert.equal(fluxReadiness(gitRepo({}), { revision: SHA.slice(0, 7) }).ready, true);
  const old = fluxReadiness(gitRepo({ revision: 'main@sha1:1111111111111111111111111111111111111111' }), { revision: SHA });
  assert.equal(old.ready, false);
  assert.match(old.reason, /waiting for 84b8c4b/);
});

test('revision formats: branch@sha1:, bare sha, refs/heads/…@sha1:', () => {
  assert.ok(revisionMatches(`main@sha1:${SHA}`, SHA));
  assert.ok(revisionMatches(`refs/heads/main@sha1:${SHA}`, SHA));
  assert.ok(revisionMatches(SHA, SHA));
  assert.ok(!revisionMatches(undefined, SHA));
  assert.ok(!revisionMatches(`main@sha1:${SHA}`, 'deadbeef'));
});

test('conditions are printed one per line with reason, generation and message', () => {
  assert.equal(formatConditions(gitRepo({ status: 'False' })), '  Ready=False (Succeeded) [gen 2]: stored artifact');
  assert.equal(formatConditions({ status: {} }), '  (no conditions yet)');
});

function deployment(replicas: number, status: Record<string, unknown>, available = 'True'): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'demo-app', namespace: 'demo-app', generation: 3 },
    spec: { replicas },
    status: { observedGeneration: 3, conditions: [{ type: 'Available', status: available }], ...status },
  };
}

test('a Deployment is available when every replica is updated, ready and available', () => {
  const full = { replicas: 2, updatedReplicas: 2, readyReplicas: 2, availableReplicas: 2 };
  assert.equal(deploymentReadiness(deployment(2, full)).ready, true);
  assert.match(deploymentReadiness(deployment(2, { ...full, availableReplicas: 1 })).reason, /availableReplicas 1 != 2/);
  assert.match(deploymentReadiness(deployment(2, full, 'False')).reason, /Available=False/);
  assert.match(deploymentReadiness(deployment(1, { ...full, replicas: 1, updatedReplicas: 1, readyReplicas: 1, availableReplicas: 1 }), { replicas: 2 }).reason, /spec.replicas 1 != expected 2/);
});

test('Stalled=True for the current generation means waiting cannot help', () => {
  const obj = gitRepo({ status: 'False' });
  obj.status.conditions.push({ type: 'Stalled', status: 'True', reason: 'RetriesExceeded', observedGeneration: 2 });
  const r = fluxReadiness(obj);
  assert.equal(r.stalled, true);
  assert.match(r.reason, /Stalled \(RetriesExceeded\)/);
  assert.equal(fluxReadiness(gitRepo({ status: 'False' })).stalled, undefined);
});
