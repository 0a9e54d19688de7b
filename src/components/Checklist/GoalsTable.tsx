// The goals table on docs/check/goals.mdx: every goal of the whitepaper's checklist with the
// page that covers it and the examples that prove it (data in src/data/goals.ts).
import React, {type ReactNode} from 'react';
import Link from '@docusaurus/Link';
import {goalGroups, goals, type Goal} from '@site/src/data/goals';
import {useDocPath, useDocTitle, useSourceUrl} from './hooks';
import PathCode from './PathCode';
import styles from './styles.module.css';

const whitepaperLabel: Record<Goal['whitepaper'], string> = {
  done: 'covered',
  partial: 'partly covered',
  open: 'open',
};

export default function GoalsTable(): ReactNode {
  const docPath = useDocPath();
  const docTitle = useDocTitle();
  const source = useSourceUrl();
  return (
    <>
      {goalGroups.map((group) => (
        <section key={group.id}>
          <h2 id={`goals-${group.id}`}>{group.title}</h2>
          <table className={styles.table}>
            <thead>
              <tr>
                <th scope="col">Goal</th>
                <th scope="col">In the whitepaper</th>
                <th scope="col">Covered by</th>
                <th scope="col">Proved by</th>
              </tr>
            </thead>
            <tbody>
              {goals
                .filter((goal) => goal.group === group.id)
                .map((goal) => {
                  const url = docPath(goal.page.id, goal.page.anchor);
                  const title = docTitle(goal.page.id) ?? goal.page.id;
                  return (
                    <tr key={goal.id} id={`goal-${goal.id}`}>
                      <td data-label="Goal">
                        {goal.parent ? <span aria-hidden="true">↳ </span> : null}
                        {goal.text}
                      </td>
                      <td data-label="In the whitepaper">{whitepaperLabel[goal.whitepaper]}</td>
                      <td data-label="Covered by">{url ? <Link to={url}>{title}</Link> : title}</td>
                      <td data-label="Proved by">
                        {goal.examples.length === 0
                          ? (goal.note ?? 'no files: a page of ideas')
                          : goal.examples.map((example, index) => (
                              <React.Fragment key={example}>
                                {index > 0 && ', '}
                                <a href={source(example)} className={styles.path}>
                                  <PathCode path={example} />
                                </a>
                              </React.Fragment>
                            ))}
                      </td>
                    </tr>
                  );
                })}
            </tbody>
          </table>
        </section>
      ))}
    </>
  );
}
