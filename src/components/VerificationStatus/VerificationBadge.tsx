// <VerificationBadge example="examples/fleet/clusters/staging/apps.yaml" />
//
// Shows whether the harness verified an example: "verified" (with tiers, Kubernetes versions,
// date and commit), "failing", "stale" (changed since, or too old), or "not yet verified".
// A missing or stale result is never shown as passing.
import React, {type ReactNode} from 'react';
import clsx from 'clsx';
import useDocusaurusContext from '@docusaurus/useDocusaurusContext';
import {exampleStatus, shortCommit, shortDate, type ExampleState, type ExampleStatus} from './status';
import {useVerification} from './useVerification';
import styles from './styles.module.css';

const ICONS: Record<ExampleState, string> = {
  passed: '✓',
  failed: '✗',
  stale: '!',
  'not-verified': '?',
};

/** Hook: GitHub URL of a commit of this site's repository. */
export function useCommitUrl(): (sha: string) => string {
  const {siteConfig} = useDocusaurusContext();
  const org = siteConfig.organizationName ?? 'gitops-field-guide';
  const repo = siteConfig.projectName ?? 'gitops-field-guide';
  return (sha: string) => `https://github.com/${org}/${repo}/commit/${sha}`;
}

/** The badge for an already computed status (GoalStatus reuses it). */
export function StatusBadge({status, compact = false}: {status: ExampleStatus; compact?: boolean}): ReactNode {
  const commitUrl = useCommitUrl();
  const {latest} = status;
  return (
    <span className={clsx(styles.badge, styles[status.state])} data-state={status.state} title={status.detail}>
      <span className={styles.label}>
        <span aria-hidden="true">{ICONS[status.state]} </span>
        {status.label}
      </span>
      {latest && !compact && (
        <span className={styles.meta}>
          {status.tiers.join(', ')}
          {status.kubernetesVersions.length > 0 && <> · Kubernetes {status.kubernetesVersions.join(', ')}</>}
          {latest.fluxVersion && <> · Flux {latest.fluxVersion}</>} · {shortDate(latest.date)} ·{' '}
          <a href={commitUrl(latest.commit)}>
            <code>{shortCommit(latest.commit)}</code>
          </a>
          {latest.dirty && ' with local changes'}
        </span>
      )}
      {status.state !== 'passed' && !compact && <span className={styles.detail}>{status.detail}</span>}
    </span>
  );
}

export default function VerificationBadge({example}: {example: string}): ReactNode {
  const {report, options} = useVerification();
  const status = exampleStatus(report, example, options);
  return (
    <div className={styles.badgeRow} data-example={status.example}>
      <span className={styles.caption}>Harness:</span> <StatusBadge status={status} />
    </div>
  );
}
