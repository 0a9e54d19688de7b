import type {ReactNode} from 'react';
import Link from '@docusaurus/Link';
import useBaseUrl from '@docusaurus/useBaseUrl';
import useDocusaurusContext from '@docusaurus/useDocusaurusContext';
import {useLayoutDocsSidebar} from '@docusaurus/plugin-content-docs/client';
import Layout from '@theme/Layout';
import Heading from '@theme/Heading';

import styles from './index.module.css';

type ReadingPath = {
  sidebarId: 'understand' | 'do' | 'check';
  title: string;
  kicker: string;
  text: string;
};

const READING_PATHS: ReadingPath[] = [
  {
    sidebarId: 'understand',
    title: 'Understand',
    kicker: 'The whitepaper chapters',
    text: 'What GitOps asks of you, why Flux pulls instead of being pushed to, and how to lay out repositories, promote releases and run short-lived environments.',
  },
  {
    sidebarId: 'do',
    title: 'Do',
    kicker: 'Tutorials',
    text: 'Step-by-step exercises on a local cluster, from a first reconcile loop to rollbacks and multi-repo promotion. CI runs every command before a page goes live.',
  },
  {
    sidebarId: 'check',
    title: 'Check',
    kicker: 'Goals, checklists and status',
    text: 'The goals the guide sets itself, production checklists for applications and clusters, and which claims the test suite has verified so far.',
  },
];

/** The first page of a sidebar, so the cards follow the content as it grows. */
function PathCard({sidebarId, title, kicker, text}: ReadingPath): ReactNode {
  const target = useLayoutDocsSidebar(sidebarId).link?.path;
  if (!target) throw new Error(`sidebar "${sidebarId}" has no page to link to`);
  return (
    <li className={styles.card}>
      <p className={styles.kicker}>{kicker}</p>
      <Heading as="h2" className={styles.cardTitle}>
        {/* The link's ::after covers the card, so the whole card is clickable. */}
        <Link to={target} className={styles.cardLink}>
          {title}
        </Link>
      </Heading>
      <p className={styles.cardText}>{text}</p>
    </li>
  );
}

export default function Home(): ReactNode {
  const {siteConfig} = useDocusaurusContext();
  const logo = useBaseUrl('/img/logo.svg');
  return (
    <Layout title="GitOps with Flux, tested" description={siteConfig.tagline}>
      <main className={styles.home}>
        <div className="container">
          <header className={styles.intro}>
            <img src={logo} alt="" width={72} height={72} className={styles.logo} />
            <Heading as="h1" className={styles.title}>
              {siteConfig.title}
            </Heading>
            <p className={styles.summary}>
              A practical guide to running Kubernetes the GitOps way with Flux. Every manifest and
              command on these pages is a file in the repository that the test suite applies to a
              real API server, so what you read is what was tested.
            </p>
          </header>
          <nav aria-label="Reading paths">
            <ul className={styles.cards}>
              {READING_PATHS.map((path) => (
                <PathCard key={path.sidebarId} {...path} />
              ))}
            </ul>
          </nav>
        </div>
      </main>
    </Layout>
  );
}
