// Docusaurus hooks for the checklist, goals and roadmap tables: they only read site context.
import useDocusaurusContext from '@docusaurus/useDocusaurusContext';
import {useAllDocsData, useDocsVersion} from '@docusaurus/plugin-content-docs/client';
import {sourceUrl} from './paths';

/** Hook: a function that turns a repository path into its GitHub URL for this site's repository. */
export function useSourceUrl(): (repoPath: string) => string {
  const {siteConfig} = useDocusaurusContext();
  const org = siteConfig.organizationName ?? 'gitops-field-guide';
  const repo = siteConfig.projectName ?? 'gitops-field-guide';
  return (repoPath: string) => sourceUrl(org, repo, repoPath);
}

/** Hook: a function that resolves a doc id (docs/<id>.mdx) to its URL, or undefined if there is no such doc. */
export function useDocPath(): (docId: string, anchor?: string) => string | undefined {
  const all = useAllDocsData();
  const paths = new Map<string, string>();
  for (const plugin of Object.values(all)) {
    for (const version of plugin.versions) {
      for (const doc of version.docs) {
        if (!paths.has(doc.id)) paths.set(doc.id, doc.path);
      }
    }
  }
  return (docId: string, anchor?: string) => {
    const found = paths.get(docId);
    if (!found) return undefined;
    return anchor ? `${found}#${anchor}` : found;
  };
}

/**
 * Hook: a function that gives a doc's title, or undefined. Only works on doc pages (it reads
 * the docs version context), which is where the goals and roadmap tables are used.
 */
export function useDocTitle(): (docId: string) => string | undefined {
  const version = useDocsVersion();
  return (docId: string) => version.docs[docId]?.title;
}
