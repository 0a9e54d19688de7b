// <ScenarioProof file suite tests/>: what the Scenario remark plugin (src/remark/scenario.ts)
// turns <Scenario file="test/scenarios/….test.ts"/> into. It names the live test that proves a
// page's workflow, links its source and lists the checks the file really holds.
import React, {type ReactNode} from 'react';
import Admonition from '@theme/Admonition';
import CodeBlock from '@theme/CodeBlock';
import useDocusaurusContext from '@docusaurus/useDocusaurusContext';
import type {ScenarioCheck} from '@site/src/remark/scenario';
import styles from './styles.module.css';

interface Props {
  file: string;
  suite: string;
  /** JSON of ScenarioCheck[] (MDX attributes are strings). */
  checks: string;
}

function useSourceUrl(file: string): string {
  const {siteConfig} = useDocusaurusContext();
  return `https://github.com/${siteConfig.organizationName}/${siteConfig.projectName}/blob/main/${file}`;
}

/** A test title with its `backticked` parts as inline code, as the test file writes them. */
function Title({text}: {text: string}): ReactNode {
  return text.split('`').map((part, i) => (i % 2 === 1 ? <code key={i}>{part}</code> : part));
}

export default function ScenarioProof({file, suite, checks: checksJson}: Props): ReactNode {
  const url = useSourceUrl(file);
  const checks = JSON.parse(checksJson) as ScenarioCheck[];
  return (
    <Admonition type="info" title="Proved by a live test" className={styles.proof}>
      <p>
        <a href={url}>
          <code>{file}</code>
        </a>{' '}
        performs this workflow on a fresh local cluster (a real Kubernetes control plane with
        simulated nodes) each time <code>npm test</code> runs:{' '}
        <em>
          <Title text={suite} />
        </em>
        .
      </p>
      {checks.length > 0 && (
        <ul>
          {checks.map((check, i) => (
            <li key={i}>
              <Title text={check.title} />
              {check.steps.length > 0 && (
                <ul>
                  {check.steps.map((step, j) => (
                    <li key={j}>
                      <Title text={step} />
                    </li>
                  ))}
                </ul>
              )}
            </li>
          ))}
        </ul>
      )}
      <p>Run it yourself from a clone of this site's repository:</p>
      <CodeBlock language="bash">{`npm run cluster:build\nnpm run test:scenario -- ${file}`}</CodeBlock>
    </Admonition>
  );
}
