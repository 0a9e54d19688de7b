// A repository path in <code>, with line-break opportunities after each slash so long paths
// wrap at folder boundaries instead of in the middle of a name (or not at all) on small screens.
import React, {type ReactNode} from 'react';

export default function PathCode({path}: {path: string}): ReactNode {
  const segments = path.split('/');
  return (
    <code>
      {segments.map((segment, index) => (
        <React.Fragment key={index}>
          {segment}
          {index < segments.length - 1 && (
            <>
              /<wbr />
            </>
          )}
        </React.Fragment>
      ))}
    </code>
  );
}
