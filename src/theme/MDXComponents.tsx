/**
 * Markdown tables go into a scrolling wrapper that keyboard users can focus
 * (axe: scrollable-region-focusable), so a wide table never widens the page.
 */
import type {ComponentProps, ReactNode} from 'react';
import MDXComponents from '@theme-original/MDXComponents';

function Table(props: ComponentProps<'table'>): ReactNode {
  return (
    // tabIndex: a region that scrolls must be reachable from the keyboard.
    <div className="table-scroll" role="region" aria-label="Table, scrolls sideways when wide" tabIndex={0}>
      <table {...props} />
    </div>
  );
}

export default {...MDXComponents, table: Table};
