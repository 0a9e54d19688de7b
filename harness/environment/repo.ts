// Building the repositories a scenario serves from examples/, and editing them the way a person
// does (a file changed in the working clone, committed and pushed through the git server).
//
// Two rewrites happen while a repo is built, both of them what a reader does on their own host:
// - URLs: the examples name their repositories under https://git.example.invalid/gitops-field-guide/
//   (never resolvable); they are pointed at the loopback server, and every gotk-sync.yaml at the
//   repo itself, as `flux bootstrap` writes the real URL into the repo it commits to.
// - The sync interval, only when a scenario asks: `flux bootstrap --interval=<d>` writes the
//   GitRepository interval into gotk-sync.yaml, and so does `gitInterval` here. Patching the
//   GitRepository in the cluster instead would not last: the root Kustomization applies
//   gotk-sync.yaml again at every new commit and puts the interval from Git back.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { runCommand } from '../cluster/process';
import type { GitServer } from '../gitserver';
import { gitEnv, type FileTransform } from '../gitserver/server';
import { setGitRepositoryUrl } from './bootstrap';

export const PLACEHOLDER_GIT_BASE = 'https://git.example.invalid/gitops-field-guide';

export interface RepoTransformOptions {
  /** spec.interval of the GitRepository in every gotk-sync.yaml (as `flux bootstrap --interval`). */
  gitInterval?: string;
  /** Further rewrites, applied after the URL ones. */
  extra?: FileTransform;
}

const GOTK_SYNC = /(^|\/)flux-system\/gotk-sync\.yaml$/;

/** Sets spec.interval of every GitRepository in a YAML text, keeping comments and layout. */
export function setGitRepositoryInterval(text: string, interval: string): string {
  const docs = parseAllDocuments(text);
  let changed = false;
  for (const doc of docs) {
    if (doc.get('kind') === 'GitRepository' && doc.hasIn(['spec', 'interval'])) {
      doc.setIn(['spec', 'interval'], interval);
      changed = true;
    }
  }
  return changed ? docs.map((d) => d.toString()).join('') : text;
}

/** The transform createRepoFrom applies to a repo named `repo` on `git`. */
export function repoTransform(git: Pick<GitServer, 'url' | 'repoUrl'>, repo: string, opts: RepoTransformOptions = {}): FileTransform {
  return (path, content) => {
    if (!/\.ya?ml$/.test(path)) return opts.extra?.(path, content);
    let text = content.toString('utf8');
    const original = text;
    if (text.includes(PLACEHOLDER_GIT_BASE)) text = text.split(PLACEHOLDER_GIT_BASE).join(git.url);
    if (GOTK_SYNC.test(path)) {
      text = setGitRepositoryUrl(text, git.repoUrl(repo));
      if (opts.gitInterval) text = setGitRepositoryInterval(text, opts.gitInterval);
    }
    const extra = opts.extra?.(path, Buffer.from(text));
    if (extra !== undefined) return extra;
    return text === original ? undefined : text;
  };
}

/** A file of the repo's working clone, as the last commit left it. */
export function repoFile(git: GitServer, repo: string, path: string): string {
  return readFileSync(join(git.workdir(repo), path), 'utf8');
}

/** A release of the demo app: the image tag and the commit it was built from. */
export interface Release {
  version: string;
  commit: string;
}

/** The release a promotion file (apps/<env>/demo-app-version.yaml) names. */
export function releaseOf(promotionFile: string): Release {
  const version = /image: \S+:(\S+)/.exec(promotionFile)?.[1];
  const commit = /gitops-field-guide\.dev\/commit: "([0-9a-f]{40})"/.exec(promotionFile)?.[1];
  if (!version || !commit) throw new Error(`not a promotion file (no image tag or commit annotation):\n${promotionFile}`);
  return { version, commit };
}

/**
 * What a release pipeline writes into a promotion file: the tag, the version label and the
 * commit annotation move together (the `sed` of docs/do/promoting-a-change.mdx).
 */
export function withRelease(promotionFile: string, release: Release): string {
  const current = releaseOf(promotionFile);
  return promotionFile.split(current.version).join(release.version).split(current.commit).join(release.commit);
}

/**
 * The promotion the fleet README documents: copy the file of the environment before over this
 * one, and fix the environment named in its comment.
 */
export function promotedFile(fromFile: string, fromEnv: string, toEnv: string): string {
  return fromFile.replace(`Promotion file for ${fromEnv}`, `Promotion file for ${toEnv}`);
}

/** A fake 40-hex commit id for release n (the examples' commit annotations are illustrative too). */
export function fakeCommit(seed: string): string {
  let out = '';
  let h = 0x811c9dc5;
  while (out.length < 40) {
    for (const ch of `${seed}:${out.length}`) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
    out += h.toString(16).padStart(8, '0');
  }
  return out.slice(0, 40);
}

/** Runs git in the working clone of `repo` (the server's identity and config); resolves to stdout. */
export async function gitIn(git: GitServer, repo: string, args: string[]): Promise<string> {
  const result = await runCommand('git', args, { cwd: git.workdir(repo), env: gitEnv(join(git.root, 'home')), timeoutMs: 60_000 });
  if (result.code !== 0) throw new Error(`git ${args.join(' ')} (in ${git.workdir(repo)}) exited ${result.code}:\n${result.output}`);
  return result.output.trim();
}

/**
 * `git revert --no-edit <commit>` and `git push` in the working clone, as a person rolls back;
 * resolves to the revert commit. The push goes through the server, so its webhooks fire.
 */
export async function revertAndPush(git: GitServer, repo: string, commit = 'HEAD', branch = 'main'): Promise<string> {
  await gitIn(git, repo, ['revert', '--no-edit', commit]);
  await gitIn(git, repo, ['push', '--quiet', 'origin', `HEAD:refs/heads/${branch}`]);
  return gitIn(git, repo, ['rev-parse', 'HEAD']);
}
