// A Flux Kustomization's inventory (.status.inventory.entries): what it applied and will prune.
// Entry ids are "<namespace>_<name>_<group>_<kind>"; namespace and group may be empty, and a
// colon in a name (RBAC objects) is written as "__".
import type { KubeObject } from './kube';

export interface InventoryEntry {
  namespace: string;
  name: string;
  group: string;
  kind: string;
  /** API version (entry field `v`). */
  version: string;
}

/** Parses one inventory id: namespace is up to the first "_", kind after the last, group before it. */
export function parseInventoryId(id: string, version = ''): InventoryEntry {
  const first = id.indexOf('_');
  const last = id.lastIndexOf('_');
  if (first < 0 || last <= first) throw new Error(`not a Flux inventory id: ${JSON.stringify(id)}`);
  const namespace = id.slice(0, first);
  const kind = id.slice(last + 1);
  const middle = id.slice(first + 1, last);
  const groupSep = middle.lastIndexOf('_');
  if (groupSep < 0 || !kind) throw new Error(`not a Flux inventory id: ${JSON.stringify(id)}`);
  const name = middle.slice(0, groupSep).replaceAll('__', ':');
  const group = middle.slice(groupSep + 1);
  return { namespace, name, group, kind, version };
}

/** The inventory of a Kustomization object (empty when it has none yet). */
export function inventoryOf(ks: KubeObject): InventoryEntry[] {
  const entries = ks.status?.inventory?.entries;
  if (!Array.isArray(entries)) return [];
  return entries.map((e: { id: string; v?: string }) => parseInventoryId(e.id, e.v ?? ''));
}

/** "Kind namespace/name" per entry, sorted: easy to compare and to print. */
export function inventoryKeys(entries: InventoryEntry[]): string[] {
  return entries.map((e) => `${e.kind} ${e.namespace ? `${e.namespace}/` : ''}${e.name}`).sort();
}

/** apiVersion of an entry ("v1" for the core group). */
export function entryApiVersion(entry: InventoryEntry): string {
  return entry.group ? `${entry.group}/${entry.version}` : entry.version;
}
