// Recent events of a namespace, oldest first: what the controllers said while a wait ran.
import type { Kube, KubeObject, ObjectRef } from './kube';

export interface EventLine {
  time: string;
  type: string;
  reason: string;
  object: string;
  message: string;
  count: number;
}

/** The best timestamp an Event carries (they differ by which API wrote them). */
export function eventTime(event: KubeObject): string {
  const e = event as KubeObject & Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- Event fields
  const value = e.lastTimestamp ?? e.series?.lastObservedTime ?? e.eventTime ?? e.firstTimestamp ?? e.metadata.creationTimestamp;
  return value instanceof Date ? value.toISOString() : String(value ?? '');
}

/** Event objects to lines sorted by time, optionally only those about one object. */
export function toEventLines(events: KubeObject[], about?: Pick<ObjectRef, 'kind' | 'name'>): EventLine[] {
  return events
    .map((event) => {
      const e = event as KubeObject & Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- Event fields
      const involved = e.involvedObject ?? e.regarding ?? {};
      return {
        time: eventTime(event),
        type: String(e.type ?? ''),
        reason: String(e.reason ?? ''),
        object: `${involved.kind ?? '?'}/${involved.name ?? '?'}`,
        message: String(e.message ?? e.note ?? '').trim(),
        count: Number(e.count ?? e.series?.count ?? 1),
      };
    })
    .filter((line) => !about || line.object === `${about.kind}/${about.name}`)
    .sort((a, b) => a.time.localeCompare(b.time));
}

export function formatEventLines(lines: EventLine[]): string {
  if (lines.length === 0) return '  (no events)';
  return lines
    .map((l) => `  ${l.time} ${l.type} ${l.reason} ${l.object}${l.count > 1 ? ` (x${l.count})` : ''}: ${l.message}`)
    .join('\n');
}

/** The last `limit` events of a namespace, oldest first. */
export async function recentEvents(kube: Kube, namespace: string, limit = 15, about?: Pick<ObjectRef, 'kind' | 'name'>): Promise<EventLine[]> {
  const events = await kube.list('v1', 'Event', namespace);
  return toEventLines(events, about).slice(-limit);
}
