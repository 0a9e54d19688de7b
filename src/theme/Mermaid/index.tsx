/**
 * Wraps the theme's Mermaid component in a figure that is already present in
 * the server-rendered HTML. Mermaid itself only draws in the browser, so the
 * wrapper is what lets the browser tests count the diagrams a page should
 * show and check that each one became an SVG.
 */
import type {ReactNode} from 'react';
import Mermaid from '@theme-original/Mermaid';
import type MermaidType from '@theme/Mermaid';
import type {WrapperProps} from '@docusaurus/types';

type Props = WrapperProps<typeof MermaidType>;

export default function MermaidWrapper(props: Props): ReactNode {
  return (
    <figure className="diagram" data-diagram="mermaid">
      <Mermaid {...props} />
    </figure>
  );
}
