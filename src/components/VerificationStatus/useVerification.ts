// Hook: the committed report plus the build's view of the checkout, as StatusOptions.
// Server rendering and the first client render use the build time as "now" (so the markup
// hydrates identically); after mounting, the browser's clock takes over, so a site left
// unbuilt for weeks still turns old results stale.
import {useEffect, useMemo, useState} from 'react';
import {usePluginData} from '@docusaurus/useGlobalData';
import snapshot from '@site/src/data/verification-report.json';
import type {VerificationPluginData} from './plugin';
import {DEFAULT_MAX_AGE_DAYS, type StatusOptions, type VerificationReport} from './status';

export const report = snapshot as unknown as VerificationReport;

export function useVerification(): {report: VerificationReport; options: StatusOptions; checked: boolean} {
  const data = usePluginData('verification-status') as VerificationPluginData | undefined;
  const initialNow = data?.builtAt ?? (report.updatedAt ? Date.parse(report.updatedAt) : 0);
  const [now, setNow] = useState(initialNow);
  useEffect(() => setNow(Date.now()), []);
  const options = useMemo<StatusOptions>(
    () => ({
      now,
      maxAgeDays: data?.maxAgeDays ?? DEFAULT_MAX_AGE_DAYS,
      current: (example) => data?.current[example],
    }),
    [now, data],
  );
  return {report, options, checked: Boolean(data)};
}
