// Pure state logic of the interactive checklists: no React, no DOM, no storage access.
// Everything here is unit-tested in state.test.ts (node:test + tsx).
//
// A checklist's state is the set of item ids that are ticked. It lives in two places:
// - localStorage, under a key namespaced per checklist (see storageKey);
// - a share link, as the query parameter `done` holding a comma-separated list of ids
//   (`?done=liveness-probe,readiness-probe`). An empty `done=` is a valid link to
//   "nothing ticked".
// When a page is opened with a share link, the link wins over what was stored, because the
// reader asked for exactly that state; the component then stores it and removes the
// parameter from the address bar so a reload falls back to storage.

/** Name of the query parameter that carries ticked item ids in a share link. */
export const SHARE_PARAM = 'done';

/** Prefix of every localStorage key this site writes for checklists. */
export const STORAGE_PREFIX = 'gitops-field-guide:checklist:';

/** Bump when the stored format changes; old keys are then simply ignored. */
export const STORAGE_VERSION = 1;

/** The localStorage key for one checklist, e.g. `gitops-field-guide:checklist:application:v1`. */
export function storageKey(checklistId: string): string {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(checklistId)) {
    throw new Error(`checklist id "${checklistId}" must be lowercase letters, digits and dashes`);
  }
  return `${STORAGE_PREFIX}${checklistId}:v${STORAGE_VERSION}`;
}

/**
 * Keeps only ids that belong to the checklist, without duplicates, in the checklist's own
 * order. Unknown ids (from an old link or a typo) are dropped silently.
 */
export function normalize(ids: Iterable<string>, validIds: readonly string[]): string[] {
  const wanted = new Set<string>();
  for (const id of ids) wanted.add(id.trim());
  return validIds.filter((id) => wanted.has(id));
}

/**
 * Reads the ticked ids from a URL's query string (`location.search`, with or without the
 * leading `?`). Returns `null` when the link carries no `done` parameter at all, so the
 * caller can tell "no shared state" from "shared state with nothing ticked".
 */
export function parseShareParam(search: string, validIds: readonly string[]): string[] | null {
  const params = new URLSearchParams(search.startsWith('?') ? search.slice(1) : search);
  if (!params.has(SHARE_PARAM)) return null;
  const raw = params.getAll(SHARE_PARAM).join(',');
  const ids = raw.split(',').filter((part) => part.trim() !== '');
  return normalize(ids, validIds);
}

/**
 * Builds the share link for a state: the given page URL with `done` set to the ticked ids
 * in checklist order. Other query parameters are kept; the fragment is kept too, so a link
 * can still point at a heading. Commas are left readable (they are legal in a query).
 */
export function buildShareUrl(pageUrl: string, done: Iterable<string>, validIds: readonly string[]): string {
  const url = new URL(pageUrl);
  url.searchParams.delete(SHARE_PARAM);
  const ids = normalize(done, validIds);
  const rest = url.searchParams.toString();
  const share = `${SHARE_PARAM}=${ids.map(encodeURIComponent).join(',')}`;
  url.search = rest ? `?${rest}&${share}` : `?${share}`;
  return url.toString();
}

/** The same URL without the `done` parameter (what the address bar shows after restoring). */
export function stripShareParam(pageUrl: string): string {
  const url = new URL(pageUrl);
  url.searchParams.delete(SHARE_PARAM);
  return url.toString();
}

/** Serializes a state for localStorage: a JSON array of ids in checklist order. */
export function serializeStored(done: Iterable<string>, validIds: readonly string[]): string {
  return JSON.stringify(normalize(done, validIds));
}

/**
 * Parses what localStorage held. Anything unreadable (missing, not JSON, not an array of
 * strings) counts as "nothing stored" rather than breaking the page.
 */
export function parseStored(raw: string | null | undefined, validIds: readonly string[]): string[] {
  if (raw == null || raw === '') return [];
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return [];
  }
  if (!Array.isArray(value)) return [];
  return normalize(value.filter((v): v is string => typeof v === 'string'), validIds);
}

/**
 * Decides the state a page starts with: the shared link if there is one, else what was
 * stored. `fromUrl` is the result of parseShareParam (null = no link state).
 */
export function mergeInitialState(
  stored: readonly string[],
  fromUrl: readonly string[] | null,
  validIds: readonly string[],
): { done: string[]; source: 'link' | 'storage' } {
  if (fromUrl !== null) return { done: normalize(fromUrl, validIds), source: 'link' };
  return { done: normalize(stored, validIds), source: 'storage' };
}

/** Ticks or unticks one item and returns the new state in checklist order. */
export function toggle(done: readonly string[], id: string, validIds: readonly string[]): string[] {
  const set = new Set(done);
  if (set.has(id)) set.delete(id);
  else set.add(id);
  return normalize(set, validIds);
}

/** "3 of 14" style progress numbers. */
export function progress(done: readonly string[], validIds: readonly string[]): { done: number; total: number } {
  return { done: normalize(done, validIds).length, total: validIds.length };
}
