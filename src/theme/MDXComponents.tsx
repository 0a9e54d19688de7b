/**
 * Components every MDX page gets without importing them:
 * - Markdown tables go into a scrolling wrapper that keyboard users can focus
 *   (axe: scrollable-region-focusable), so a wide table never widens the page;
 * - VerificationBadge, which the ExampleFile remark plugin puts under each example's code block;
 * - GoalStatus, the goals page's verification table;
 * - ScenarioProof, which the Scenario remark plugin makes of <Scenario file=…/>.
 */
import type {ComponentProps, ReactNode} from 'react';
import MDXComponents from '@theme-original/MDXComponents';
import {GoalStatus, VerificationBadge} from '@site/src/components/VerificationStatus';
import ScenarioProof from '@site/src/components/ScenarioProof';

function Table(props: ComponentProps<'table'>): ReactNode {
  return (
    // tabIndex: a region that scrolls must be reachable from the keyboard.
    <div className="table-scroll" role="region" aria-label="Table, scrolls sideways when wide" tabIndex={0}>
      <table {...props} />
    </div>
  );
}

export default {...MDXComponents, table: Table, VerificationBadge, GoalStatus, ScenarioProof};
