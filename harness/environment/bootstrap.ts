// What `flux bootstrap` leaves in a cluster, done by the harness: the Git credentials Secret and
// the cluster's gotk-sync.yaml (GitRepository + root Kustomization) pointing at our git server.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { GitServer } from '../gitserver';
import type { FileTransform } from '../gitserver/server';
import { applyObjects, applyYaml } from '../kube/apply';
import type { Kube, KubeObject } from '../kube/kube';

export const FLUX_NAMESPACE = 'flux-system';

/** Sets spec.url of every GitRepository in a YAML text, keeping comments and layout. */
export function setGitRepositoryUrl(text: string, url: string): string {
  const docs = parseAllDocuments(text);
  let changed = false;
  for (const doc of docs) {
    if (doc.get('kind') === 'GitRepository' && doc.hasIn(['spec', 'url'])) {
      doc.setIn(['spec', 'url'], url);
      changed = true;
    }
  }
  if (!changed) return text;
  return docs.map((d) => d.toString()).join('');
}

/**
 * A createRepoFrom transform that points every cluster's flux-system/gotk-sync.yaml at `url`,
 * as `flux bootstrap` writes the real URL into the repo it commits to. Without it the root
 * Kustomization would re-apply the placeholder URL from Git and break its own source.
 */
export function gotkSyncUrlTransform(url: string): FileTransform {
  return (path, content) => (/(^|\/)flux-system\/gotk-sync\.yaml$/.test(path) ? setGitRepositoryUrl(content.toString('utf8'), url) : undefined);
}

/** The Secret the GitRepository's secretRef names: basic-auth credentials of the git server. */
export function gitCredentialsSecret(git: Pick<GitServer, 'credentials'>, name = 'flux-system'): KubeObject {
  const creds = git.credentials;
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace: FLUX_NAMESPACE },
    type: 'Opaque',
    stringData: creds ? { username: creds.username, password: creds.password } : {},
  };
}

export interface BootstrapOptions {
  /** Repository name on the git server (its working clone holds the URL-rewritten files). */
  repo: string;
  /** Folder of the cluster inside the repo, e.g. clusters/staging. */
  clusterPath: string;
}

/**
 * Applies the credentials Secret and the cluster's flux-system/gotk-sync.yaml from the repo as
 * pushed (so the applied objects equal what the root Kustomization will reconcile from Git).
 * Resolves to the commit the repo's main branch is at.
 */
export async function bootstrapFromGit(kube: Kube, git: GitServer, opts: BootstrapOptions): Promise<{ sha: string; objects: KubeObject[] }> {
  await applyObjects(kube, [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: FLUX_NAMESPACE } }, gitCredentialsSecret(git)]);
  const syncFile = join(git.workdir(opts.repo), opts.clusterPath, 'flux-system', 'gotk-sync.yaml');
  const objects = await applyYaml(kube, readFileSync(syncFile, 'utf8'), { source: syncFile });
  return { sha: git.head(opts.repo), objects };
}
