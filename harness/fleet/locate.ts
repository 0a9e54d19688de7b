// The line of one field inside an object of a YAML file, so a finding about a probe, a port or
// a selector points at the line to change rather than at the top of the object.
//
// A rendered object is traced back to the file it came from (kustomize's origin annotation), but
// a patch elsewhere may have set the field: the line is given only when the field in that file
// holds the rendered value; otherwise the caller falls back to the object's own line.
import { isDeepStrictEqual } from 'node:util';
import { isMap, isPair, isScalar, isSeq, type Node } from 'yaml';
import { objectDocuments } from './yaml.ts';

/** Keys of maps, indexes of lists, or `{ name }` for the list item with that name (containers, ports). */
export type FieldPath = ReadonlyArray<string | number | { name: string }>;

/** "spec.template.spec.containers[web].ports[0]" for messages and tests. */
export function formatFieldPath(path: FieldPath): string {
  return path
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : typeof p === 'string' ? `${i === 0 ? '' : '.'}${p}` : `[${p.name}]`))
    .join('');
}

/**
 * 1-based line of `path` inside the document of `file` that defines kind/name: the line of the
 * last key on the path (or of the list item, when the path ends at one). Undefined when the file
 * does not hold that object, the path is not in it, or (with `expected`) the value there differs.
 */
export function locateField(file: string, kind: string, name: string | undefined, path: FieldPath, expected?: unknown): number | undefined {
  for (const { contents, lineCounter } of objectDocuments(file, kind, name)) {
    let node: Node | null | undefined = contents;
    let offset: number | undefined = contents.range?.[0];
    for (const step of path) {
      if (typeof step === 'string') {
        if (!isMap(node)) return undefined;
        const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === step);
        if (!pair) return undefined;
        offset = (pair.key as Node).range?.[0];
        node = pair.value as Node | null;
      } else {
        if (!isSeq(node)) return undefined;
        const item: unknown =
          typeof step === 'number' ? node.items[step] : node.items.find((i) => isMap(i) && isDeepStrictEqual(i.get('name'), step.name));
        if (!item) return undefined;
        offset = (item as Node).range?.[0];
        node = item as Node;
      }
    }
    if (expected !== undefined) {
      const actual = node && typeof (node as { toJSON?: unknown }).toJSON === 'function' ? (node as unknown as { toJSON(): unknown }).toJSON() : node;
      if (!isDeepStrictEqual(actual, expected)) return undefined;
    }
    return offset === undefined ? undefined : lineCounter.linePos(offset).line;
  }
  return undefined;
}
