import assert from 'node:assert/strict';
import { test } from 'node:test';
import { entryApiVersion, inventoryKeys, inventoryOf, parseInventoryId } from './inventory';
import type { KubeObject } from './kube';

test('parses namespaced, core-group, cluster-scoped and RBAC inventory ids', () => {
  assert.deepEqual(parseInventoryId('demo-app_demo-app_apps_Deployment', 'v1'), {
    namespace: 'demo-app', name: 'demo-app', group: 'apps', kind: 'Deployment', version: 'v1',
  });
  assert.deepEqual(parseInventoryId('demo-app_demo-app__ServiceAccount', 'v1'), {
    namespace: 'demo-app', name: 'demo-app', group: '', kind: 'ServiceAccount', version: 'v1',
  });
  assert.deepEqual(parseInventoryId('_demo-app__Namespace', 'v1'), {
    namespace: '', name: 'demo-app', group: '', kind: 'Namespace', version: 'v1',
  });
  assert.equal(parseInventoryId('_system__reader_rbac.authorization.k8s.io_ClusterRole').name, 'system:reader');
  assert.throws(() => parseInventoryId('nonsense'), /not a Flux inventory id/);
});

test('reads a Kustomization inventory and prints sorted keys', () => {
  const ks = {
    apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
    kind: 'Kustomization',
    metadata: { name: 'apps', namespace: 'flux-system' },
    status: {
      inventory: {
        entries: [
          { id: 'demo-app_demo-app_apps_Deployment', v: 'v1' },
          { id: 'demo-app_demo-app__Service', v: 'v1' },
        ],
      },
    },
  } as KubeObject;
  const entries = inventoryOf(ks);
  assert.deepEqual(inventoryKeys(entries), ['Deployment demo-app/demo-app', 'Service demo-app/demo-app']);
  assert.equal(entryApiVersion(entries[0]), 'apps/v1');
  assert.equal(entryApiVersion(entries[1]), 'v1');
  assert.deepEqual(inventoryOf({ ...ks, status: {} }), []);
});
