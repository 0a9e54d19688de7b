// The platform roadmap table on docs/check/platform-roadmap.mdx (data in src/data/roadmap.ts).
import React, {type ReactNode} from 'react';
import Link from '@docusaurus/Link';
import {roadmap, tierNames} from '@site/src/data/roadmap';
import {useDocPath, useSourceUrl} from './hooks';
import PathCode from './PathCode';
import styles from './styles.module.css';

export default function RoadmapTable(): ReactNode {
  const docPath = useDocPath();
  const source = useSourceUrl();
  return (
    <table className={styles.table}>
      <thead>
        <tr>
          <th scope="col">Layer</th>
          <th scope="col">Declared in</th>
          <th scope="col">Verified by</th>
          <th scope="col">Notes</th>
        </tr>
      </thead>
      <tbody>
        {roadmap.map((layer) => {
          const url = layer.page ? docPath(layer.page.id, layer.page.anchor) : undefined;
          return (
            <tr key={layer.id} id={`layer-${layer.id}`}>
              <td data-label="Layer">
                <strong>{layer.layer}</strong>
                <br />
                {layer.tools}
                {url && (
                  <>
                    {' '}
                    (<Link to={url}>explained</Link>)
                  </>
                )}
              </td>
              <td data-label="Declared in">
                {layer.status === 'planned' ? (
                  <em>planned</em>
                ) : (
                  layer.examples.map((example, index) => (
                    <React.Fragment key={example}>
                      {index > 0 && <br />}
                      <a href={source(example)} className={styles.path}>
                        <PathCode path={example} />
                      </a>
                    </React.Fragment>
                  ))
                )}
              </td>
              <td data-label="Verified by">
                {layer.tiers.length === 0
                  ? '—'
                  : layer.tiers.map((tier) => (
                      <span key={tier} className={styles.tier} title={tierNames[tier]}>
                        {tier}
                      </span>
                    ))}
              </td>
              <td data-label="Notes">{layer.note}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
