// Unit tests for the pure parts of the toolchain: paths, wrapper go.mod generation, ldflags,
// build planning and CLI parsing. Nothing here runs `go` or builds anything.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildHint, cacheRoot, requireTool, toolDir, toolPath, toolVersion } from './binaries';
import { DEFAULT_TOOLS, KIND_ONLY_TOOLS, toolSpec } from './catalog';
import {
  checkGoVersion,
  compareGoVersions,
  composeLdflags,
  dependencyReplaces,
  kubernetesReplaces,
  kubernetesVersionLdflags,
  renderGoMod,
  stagingModules,
  stagingModulesFromDir,
  stagingVersion,
  type GoModJson,
} from './gomod';
import { planBuild, staleReason, wrapperDir, type Stamp } from './builder';
import { parseCli, requestsFor } from '../cli/toolchain-build';
import { localizeKustomization } from './fluxManifests';
import { CANARY_KUBERNETES_VERSIONS, FLUX_CONTROLLER_VERSIONS, KUBERNETES_VERSION } from './versions';

function withCache<T>(fn: (root: string) => T): T {
  const root = mkdtempSync(join(tmpdir(), 'toolchain-test-'));
  const saved = process.env.FIELD_GUIDE_CACHE_DIR;
  process.env.FIELD_GUIDE_CACHE_DIR = root;
  try {
    return fn(root);
  } finally {
    if (saved === undefined) delete process.env.FIELD_GUIDE_CACHE_DIR;
    else process.env.FIELD_GUIDE_CACHE_DIR = saved;
    rmSync(root, { recursive: true, force: true });
  }
}

test('toolPath: <cache>/bin/<tool>@<version>/<tool>, absolute', () => {
  withCache((root) => {
    assert.equal(toolPath('kube-apiserver'), join(root, 'bin', `kube-apiserver@${KUBERNETES_VERSION}`, 'kube-apiserver'));
    assert.equal(toolPath('etcd'), join(root, 'bin', 'etcd@v3.6.8', 'etcd'));
    assert.equal(
      toolPath('source-controller'),
      join(root, 'bin', `source-controller@${FLUX_CONTROLLER_VERSIONS['source-controller']}`, 'source-controller'),
    );
    assert.equal(toolPath('age-keygen'), join(root, 'bin', 'age-keygen@v1.3.2', 'age-keygen'));
  });
});

test('toolPath: kubernetesVersion moves only the Kubernetes tools', () => {
  withCache((root) => {
    const o = { kubernetesVersion: 'v1.35.4' };
    assert.equal(toolPath('kube-scheduler', o), join(root, 'bin', 'kube-scheduler@v1.35.4', 'kube-scheduler'));
    assert.equal(toolPath('kubectl', o), join(root, 'bin', 'kubectl@v1.35.4', 'kubectl'));
    assert.equal(toolPath('etcd', o), toolPath('etcd'));
    assert.equal(toolVersion('flux', o), 'v2.9.5');
  });
});

test('cacheRoot defaults to the repo .cache folder', () => {
  assert.match(cacheRoot({}), /[/\\]\.cache$/);
  assert.equal(toolDir('kind', {}, '/x'), join('/x', 'bin', 'kind@v0.33.0'));
});

test('requireTool names the tool, the path and the build command', () => {
  withCache(() => {
    assert.throws(() => requireTool('kube-apiserver'), (err: Error) => {
      assert.match(err.message, /kube-apiserver/);
      assert.ok(err.message.includes(toolPath('kube-apiserver')));
      assert.match(err.message, /run: npm run cluster:build/);
      return true;
    });
    assert.equal(buildHint('kube-apiserver', { kubernetesVersion: 'v1.35.4' }), 'npm run cluster:build -- --kubernetes v1.35.4');
    assert.equal(buildHint('kind'), 'npm run cluster:build -- --kind');
  });
});

test('requireTool returns the path of an executable binary', () => {
  withCache(() => {
    const p = toolPath('kubeconform');
    mkdirSync(join(p, '..'), { recursive: true });
    writeFileSync(p, '#!/bin/sh\n', { mode: 0o755 });
    assert.equal(requireTool('kubeconform'), p);
  });
});

test('stagingVersion: v1.X.Y -> v0.X.Y', () => {
  assert.equal(stagingVersion('v1.36.3'), 'v0.36.3');
  assert.equal(stagingVersion('v1.34.4'), 'v0.34.4');
  assert.throws(() => stagingVersion('1.36.3'), /not a Kubernetes/);
});

const fakeKubernetesGoMod: GoModJson = {
  Module: { Path: 'k8s.io/kubernetes' },
  Go: '1.26.0',
  Require: [{ Path: 'k8s.io/api', Version: 'v0.0.0' }],
  Replace: [
    { Old: { Path: 'k8s.io/api' }, New: { Path: './staging/src/k8s.io/api' } },
    { Old: { Path: 'k8s.io/client-go' }, New: { Path: './staging/src/k8s.io/client-go' } },
  ],
};

test('replace list from a fake staging/src/k8s.io folder', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fake-k8s-'));
  try {
    for (const m of ['client-go', 'api', 'kubectl']) mkdirSync(join(dir, 'staging', 'src', 'k8s.io', m), { recursive: true });
    writeFileSync(join(dir, 'staging', 'src', 'k8s.io', 'README.md'), 'not a module');
    assert.deepEqual(stagingModulesFromDir(dir), ['k8s.io/api', 'k8s.io/client-go', 'k8s.io/kubectl']);
    const { modules, source } = stagingModules(dir, fakeKubernetesGoMod);
    assert.equal(source, 'staging/src/k8s.io folder');
    assert.deepEqual(kubernetesReplaces(modules, 'v1.36.3'), [
      { old: 'k8s.io/api', new: 'k8s.io/api', newVersion: 'v0.36.3' },
      { old: 'k8s.io/client-go', new: 'k8s.io/client-go', newVersion: 'v0.36.3' },
      { old: 'k8s.io/kubectl', new: 'k8s.io/kubectl', newVersion: 'v0.36.3' },
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('replace list falls back to the go.mod replace block when the zip has no staging folder', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fake-k8s-'));
  try {
    const { modules, source } = stagingModules(dir, fakeKubernetesGoMod);
    assert.deepEqual(modules, ['k8s.io/api', 'k8s.io/client-go']);
    assert.match(source, /go\.mod/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('staging folder missing a module go.mod replaces is an error', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fake-k8s-'));
  try {
    mkdirSync(join(dir, 'staging', 'src', 'k8s.io', 'api'), { recursive: true });
    assert.throws(() => stagingModules(dir, fakeKubernetesGoMod), /k8s\.io\/client-go/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('dependencyReplaces: siblings pinned to the tag, guards dropped, module replaces repeated', () => {
  const etcd: GoModJson = {
    Module: { Path: 'go.etcd.io/etcd/server/v3' },
    Require: [{ Path: 'go.etcd.io/etcd/api/v3', Version: 'v3.6.8' }],
    Replace: [
      { Old: { Path: 'go.etcd.io/etcd/api/v3' }, New: { Path: '../api' } },
      { Old: { Path: 'go.etcd.io/etcd' }, New: { Path: './FORBIDDEN_DEPENDENCY' } },
      { Old: { Path: 'gopkg.in/yaml.v3' }, New: { Path: 'gopkg.in/yaml.v3', Version: 'v3.0.1' } },
    ],
  };
  assert.deepEqual(dependencyReplaces(etcd, 'v3.6.8'), [
    { old: 'go.etcd.io/etcd/api/v3', new: 'go.etcd.io/etcd/api/v3', newVersion: 'v3.6.8' },
    { old: 'gopkg.in/yaml.v3', oldVersion: undefined, new: 'gopkg.in/yaml.v3', newVersion: 'v3.0.1' },
  ]);
});

test('renderGoMod: stable, sorted wrapper module', () => {
  const text = renderGoMod({
    module: 'example.local/w',
    go: '1.26.0',
    require: [
      { path: 'github.com/fluxcd/source-controller/api', version: 'v1.9.5' },
      { path: 'github.com/fluxcd/source-controller', version: 'v1.9.5' },
    ],
    replace: [
      { old: 'github.com/fluxcd/source-controller/api', new: 'github.com/fluxcd/source-controller/api', newVersion: 'v1.9.5' },
      { old: 'github.com/opencontainers/go-digest', new: 'github.com/opencontainers/go-digest', newVersion: 'v1.0.1-x' },
    ],
    godebug: [{ key: 'default', value: 'go1.26' }],
  });
  assert.equal(
    text,
    [
      '// Generated by harness/toolchain (npm run cluster:build). Do not edit; do not commit.',
      'module example.local/w',
      '',
      'go 1.26.0',
      '',
      'godebug (',
      '\tdefault=go1.26',
      ')',
      '',
      'require (',
      '\tgithub.com/fluxcd/source-controller v1.9.5',
      '\tgithub.com/fluxcd/source-controller/api v1.9.5',
      ')',
      '',
      'replace (',
      '\tgithub.com/fluxcd/source-controller/api => github.com/fluxcd/source-controller/api v1.9.5',
      '\tgithub.com/opencontainers/go-digest => github.com/opencontainers/go-digest v1.0.1-x',
      ')',
      '',
    ].join('\n'),
  );
});

test('ldflags: Kubernetes binaries report their version, others their own', () => {
  assert.deepEqual(kubernetesVersionLdflags('v1.36.3'), [
    '-X k8s.io/component-base/version.gitVersion=v1.36.3',
    '-X k8s.io/component-base/version.gitMajor=1',
    '-X k8s.io/component-base/version.gitMinor=36',
    '-X k8s.io/component-base/version.gitTreeState=clean',
  ]);
  const api = composeLdflags('kube-apiserver', 'v1.35.4');
  assert.match(api, /^-s -w /);
  assert.match(api, /gitVersion=v1\.35\.4 /);
  assert.match(api, /gitMinor=35/);
  assert.equal(composeLdflags('flux', 'v2.9.5'), '-s -w -X main.VERSION=2.9.5-fieldguide');
  assert.equal(composeLdflags('kwokctl', 'v0.8.0'), '-s -w -X sigs.k8s.io/kwok/pkg/consts.Version=0.8.0');
  assert.equal(composeLdflags('etcd', 'v3.6.8'), '-s -w');
});

test('Go version check refuses a module that needs a newer Go', () => {
  assert.ok(compareGoVersions('1.26.0', 'go1.26.8') < 0);
  assert.ok(compareGoVersions('1.27', 'go1.26.8') > 0);
  assert.equal(compareGoVersions('1.26', '1.26.0'), 0);
  assert.doesNotThrow(() => checkGoVersion('m', '1.26.0', 'go1.26.8'));
  assert.throws(() => checkGoVersion('example.com/m@v1', '1.27.1', 'go1.26.8'), /needs Go 1\.27\.1.*go1\.26\.8.*not switching/);
});

test('catalog: Kubernetes tools come from k8s.io/kubernetes/cmd at the requested version', () => {
  assert.deepEqual(toolSpec('kubectl', 'v1.34.4'), {
    tool: 'kubectl',
    module: 'k8s.io/kubernetes',
    version: 'v1.34.4',
    pkg: 'k8s.io/kubernetes/cmd/kubectl',
    recipe: 'kubernetes',
  });
  assert.equal(toolSpec('helm-controller').recipe, 'flux-controller');
  assert.equal(toolSpec('flux').pkg, 'github.com/fluxcd/flux2/v2/cmd/flux');
  assert.ok(!DEFAULT_TOOLS.includes('kind'));
  assert.equal(DEFAULT_TOOLS.length, 17);
  assert.ok(DEFAULT_TOOLS.includes('etcd'), 'the local control plane needs etcd');
  for (const t of KIND_ONLY_TOOLS) assert.ok(!DEFAULT_TOOLS.includes(t), `${t} is built only for kind`);
});

test('planBuild: build order, de-duplicated, flux pulls in kubectl', () => {
  const plan = planBuild([{ tool: 'flux' }, { tool: 'etcd' }, { tool: 'kubeconform' }, { tool: 'etcd' }]);
  assert.deepEqual(plan.map((r) => r.tool), ['kubectl', 'kubeconform', 'etcd', 'flux']);
  const canary = planBuild(CANARY_KUBERNETES_VERSIONS.map((v) => ({ tool: 'kube-apiserver' as const, kubernetesVersion: v })));
  assert.deepEqual(canary.map((r) => r.kubernetesVersion), ['v1.36.3', 'v1.35.4', 'v1.37.2']);
});

test('wrapperDir: one folder per module and version under <cache>/build', () => {
  assert.equal(wrapperDir(toolSpec('kube-apiserver'), '/c'), join('/c', 'build', `k8s.io_kubernetes@${KUBERNETES_VERSION}`));
  assert.equal(wrapperDir(toolSpec('age-keygen'), '/c'), join('/c', 'build', 'filippo.io_age@v1.3.2'));
});

test('CLI: default set, --tools, --kubernetes, --canary, --kind', () => {
  assert.equal(requestsFor(parseCli([])).length, 17);
  assert.deepEqual(requestsFor(parseCli(['--tools', 'kubectl,kubeconform'])).map((r) => r.tool), ['kubectl', 'kubeconform']);
  const k = requestsFor(parseCli(['--kubernetes', 'v1.35.4']));
  assert.deepEqual(k.map((r) => `${r.tool}@${r.kubernetesVersion}`), [
    'kube-apiserver@v1.35.4',
    'kube-controller-manager@v1.35.4',
    'kube-scheduler@v1.35.4',
  ]);
  assert.equal(requestsFor(parseCli(['--canary'])).length, 3 * CANARY_KUBERNETES_VERSIONS.length);
  const kind = requestsFor(parseCli(['--kind', '--kubernetes', 'v1.37.2']));
  for (const tool of ['kind', 'flux', 'kustomize-controller', 'containerd', 'coredns', 'cni-bridge', 'etcd']) {
    assert.ok(kind.some((r) => r.tool === tool), `--kind builds ${tool}`);
  }
  assert.deepEqual(
    kind.filter((r) => r.tool === 'kubelet' || r.tool === 'kubeadm').map((r) => r.kubernetesVersion),
    ['v1.37.2', 'v1.37.2'],
    'node tools follow --kubernetes',
  );
  assert.throws(() => requestsFor(parseCli(['--tools', 'kubelett'])), /unknown tool\(s\): kubelett/);
  assert.throws(() => parseCli(['--bogus']));
});

test('flux manifests: release-asset URLs become local files', () => {
  const { yaml, assets } = localizeKustomization(
    [
      'apiVersion: kustomize.config.k8s.io/v1beta1',
      'kind: Kustomization',
      'resources:',
      '- https://github.com/fluxcd/source-controller/releases/download/v1.9.5/source-controller.crds.yaml',
      '- https://github.com/fluxcd/source-controller/releases/download/v1.9.5/source-controller.deployment.yaml',
      '- account.yaml',
    ].join('\n'),
  );
  assert.deepEqual(assets, ['source-controller.crds.yaml', 'source-controller.deployment.yaml']);
  assert.match(yaml, /- source-controller\.crds\.yaml\n\s*- source-controller\.deployment\.yaml\n\s*- account\.yaml/);
  assert.doesNotMatch(yaml, /https:/);
});

test('staleReason: missing, unstamped or differently stamped binaries are rebuilt', () => {
  const req = { tool: 'kubectl' as const };
  const stamp: Stamp = {
    tool: 'kubectl',
    version: KUBERNETES_VERSION,
    module: 'k8s.io/kubernetes',
    package: 'k8s.io/kubernetes/cmd/kubectl',
    go: 'go1.26.8',
    builtAt: '2026-01-01T00:00:00Z',
    buildSeconds: 1,
    ldflags: composeLdflags('kubectl', KUBERNETES_VERSION),
  };
  assert.equal(staleReason(req, stamp, true), undefined);
  assert.equal(staleReason(req, stamp, false), 'missing');
  assert.equal(staleReason(req, undefined, true), 'no stamp');
  assert.match(staleReason(req, { ...stamp, ldflags: '-s -w' }, true) ?? '', /^ldflags changed/);
});
