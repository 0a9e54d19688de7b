// <GoalStatus />: every goal of src/data/goals.ts with the verification status of the examples
// that prove it. A goal passes only when each of its examples has a fresh passing result; goals
// about ideas (no examples) say so instead of claiming anything.
import React, {type ReactNode} from 'react';
import clsx from 'clsx';
import Link from '@docusaurus/Link';
import {goals} from '@site/src/data/goals';
import {useDocPath} from '../Checklist/hooks';
import {STATE_LABELS, goalRows} from './status';
import {StatusBadge} from './VerificationBadge';
import {useVerification} from './useVerification';
import styles from './styles.module.css';

export default function GoalStatus(): ReactNode {
  const {report, options, checked} = useVerification();
  const docPath = useDocPath();
  const rows = goalRows(goals, report, options);
  const counts = rows.reduce<Record<string, number>>((acc, row) => ({...acc, [row.state]: (acc[row.state] ?? 0) + 1}), {});
  return (
    <div className={styles.goalStatus}>
      <p className={styles.summary}>
        {(['passed', 'failed', 'stale', 'not-verified'] as const).map((state) => `${counts[state] ?? 0} ${STATE_LABELS[state]}`).join(', ')}
        {`, ${counts['no-examples'] ?? 0} about ideas only`}
        {report.updatedAt ? ` (report updated ${report.updatedAt.slice(0, 10)})` : ' (no results recorded yet)'}
        {!checked && ' — this build could not compare results with the examples, so none counts as verified.'}
      </p>
      <table className={styles.table}>
        <thead>
          <tr>
            <th scope="col">Goal</th>
            <th scope="col">Status</th>
            <th scope="col">Examples</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(({goal, state, examples}) => {
            const page = docPath(goal.page.id, goal.page.anchor);
            return (
              <tr key={goal.id} id={`status-${goal.id}`}>
                <td data-label="Goal">{page ? <Link to={page}>{goal.text}</Link> : goal.text}</td>
                <td data-label="Status">
                  {state === 'no-examples' ? (
                    <span className={clsx(styles.badge, styles.ideas)}>no files to run</span>
                  ) : (
                    <span className={clsx(styles.badge, styles[state])} data-state={state}>
                      {STATE_LABELS[state]}
                    </span>
                  )}
                </td>
                <td data-label="Examples">
                  {examples.length === 0
                    ? '—'
                    : examples.map((status) => (
                        <div key={status.example} className={styles.exampleLine}>
                          <code>{status.example}</code> <StatusBadge status={status} />
                        </div>
                      ))}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
