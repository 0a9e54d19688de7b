// Pure link helpers shared by the checklist, goals and roadmap tables (tested in paths.test.ts).

/** The branch the site links source files on. */
export const SOURCE_BRANCH = 'main';

/** True for paths whose last segment has no file extension (treated as folders). */
export function looksLikeFolder(repoPath: string): boolean {
  const last = repoPath.replace(/\/+$/, '').split('/').pop() ?? '';
  return !/\.[A-Za-z0-9]+$/.test(last);
}

/** GitHub URL of a file or folder in this repository, e.g. examples/fleet → …/tree/main/examples/fleet. */
export function sourceUrl(organizationName: string, projectName: string, repoPath: string, branch = SOURCE_BRANCH): string {
  const clean = repoPath.replace(/^\.?\/+/, '').replace(/\/+$/, '');
  if (clean.split('/').some((segment) => segment === '..' || segment === '')) {
    throw new Error(`"${repoPath}" is not a plain path inside the repository`);
  }
  const kind = looksLikeFolder(clean) ? 'tree' : 'blob';
  const encoded = clean.split('/').map(encodeURIComponent).join('/');
  return `https://github.com/${organizationName}/${projectName}/${kind}/${branch}/${encoded}`;
}
