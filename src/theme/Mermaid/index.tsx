/**
 * Wraps the theme's Mermaid component in two ways:
 *
 * - A figure that is already in the server-rendered HTML, so the browser
 *   tests can count the diagrams a page should show and check that each one
 *   became an SVG (Mermaid itself only draws in the browser).
 * - Drawing waits until the figure is near the viewport. Mermaid is several
 *   hundred kilobytes of JavaScript and each render blocks the main thread;
 *   a reader who never scrolls to a diagram should not pay for it.
 */
import {useEffect, useRef, useState, type ReactNode, type RefObject} from 'react';
import Mermaid from '@theme-original/Mermaid';
import type MermaidType from '@theme/Mermaid';
import type {WrapperProps} from '@docusaurus/types';

type Props = WrapperProps<typeof MermaidType>;

/** Start drawing this far ahead of the reader so the SVG is ready on arrival. */
const LOOKAHEAD = '600px 0px';

function useNearViewport(ref: RefObject<HTMLElement | null>): boolean {
  const [near, setNear] = useState(false);
  useEffect(() => {
    const element = ref.current;
    if (!element || typeof IntersectionObserver === 'undefined') {
      setNear(true);
      return undefined;
    }
    const observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((entry) => entry.isIntersecting)) {
          setNear(true);
          observer.disconnect();
        }
      },
      {rootMargin: LOOKAHEAD},
    );
    observer.observe(element);
    return () => observer.disconnect();
  }, [ref]);
  return near;
}

export default function MermaidWrapper(props: Props): ReactNode {
  const ref = useRef<HTMLElement>(null);
  const near = useNearViewport(ref);
  return (
    <figure ref={ref} className="diagram" data-diagram="mermaid">
      {near ? <Mermaid {...props} /> : <div className="diagram-placeholder" />}
    </figure>
  );
}
