// The API server's own record of deprecated API use: the gauge
// `apiserver_requested_deprecated_apis{group,version,resource,subresource,removed_release} 1`
// in its Prometheus /metrics text. It counts every client (controllers included), so the canary
// reads it after the bootstrap and before its own probes. Pure parsing, no I/O.

export const DEPRECATED_APIS_METRIC = 'apiserver_requested_deprecated_apis';

export interface DeprecatedApiRequest {
  group: string;
  version: string;
  resource: string;
  subresource: string;
  /** `1.26` when the API has a removal release, '' when none is planned. */
  removedRelease: string;
}

/** Label set of one Prometheus sample: `{a="x",b="y\"z"}` → {a: 'x', b: 'y"z'}. */
export function parseLabels(text: string): Record<string, string> {
  const labels: Record<string, string> = {};
  const re = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;
  for (const m of text.matchAll(re)) {
    labels[m[1]] = m[2].replace(/\\n/g, '\n').replace(/\\(.)/g, '$1');
  }
  return labels;
}

/** Every sample of the deprecated-API gauge whose value is not 0, sorted, without duplicates. */
export function parseDeprecatedApiMetric(metricsText: string): DeprecatedApiRequest[] {
  const rows = new Map<string, DeprecatedApiRequest>();
  for (const line of metricsText.split('\n')) {
    if (!line.startsWith(`${DEPRECATED_APIS_METRIC}{`) && !line.startsWith(`${DEPRECATED_APIS_METRIC} `)) continue;
    const m = /^[a-z_]+(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!m || Number(m[2]) === 0) continue;
    const l = parseLabels(m[1] ?? '');
    const row: DeprecatedApiRequest = {
      group: l.group ?? '',
      version: l.version ?? '',
      resource: l.resource ?? '',
      subresource: l.subresource ?? '',
      removedRelease: l.removed_release ?? '',
    };
    rows.set(JSON.stringify(row), row);
  }
  return [...rows.values()].sort((a, b) => requestKey(a).localeCompare(requestKey(b)));
}

/** `group/version resource[/subresource]` (`v1 endpoints` for the core group). */
export function requestKey(r: Pick<DeprecatedApiRequest, 'group' | 'version' | 'resource' | 'subresource'>): string {
  const gv = r.group ? `${r.group}/${r.version}` : r.version;
  return `${gv} ${r.resource}${r.subresource ? `/${r.subresource}` : ''}`;
}
