// Everything the examples render to, through the static tier's own code: every kustomization
// folder built on its own, every cluster entry point rendered the way Flux applies it (root
// Kustomization from flux-system/gotk-sync.yaml, then each Flux Kustomization's path with its
// postBuild substitutions), and plain YAML files outside any kustomization; plus the kinds Helm
// chart templates write literally. The result is the list of apiVersion/kind pairs the canary
// checks against each server, and the objects it dry-run applies there.
import { readFileSync } from 'node:fs';
import { analyze } from '../checks/analyze.ts';
import { objectId, type RenderedObject } from '../fleet/kustomize.ts';
import { isSopsEncrypted } from '../checks/policy.ts';
import { display, EXAMPLES_DIR, walk } from '../fleet/tree.ts';
import { mergeUses, templateApis, type ApiUse } from './discovery';

export interface ExampleRender {
  /** Distinct rendered objects, each with the example file it is written in. */
  objects: RenderedObject[];
  uses: ApiUse[];
  /** Cluster entry point (repository path) → the example files its render reads. */
  clusterFiles: Record<string, string[]>;
  /** Chart template files scanned for literal apiVersion/kind. */
  chartTemplates: string[];
  /** Kustomization folders and cluster entry points rendered. */
  builds: string[];
  clusters: string[];
}

/** Uses of each apiVersion/kind among rendered objects (files = where each object is written). */
export function usesOf(objects: RenderedObject[]): ApiUse[] {
  return mergeUses(objects.map((r) => ({ apiVersion: r.obj.apiVersion, kind: r.obj.kind, files: [display(r.origin)], objects: [objectId(r.obj)] })));
}

/** Renders all of examples/ with the pinned kubectl (kustomize is not versioned with the server). */
export async function renderExamples(kubectl: string, root = EXAMPLES_DIR): Promise<ExampleRender> {
  const analysis = await analyze(root, { kubectl });
  const clusterObjects = analysis.clusters.flatMap((c) => c.objects);
  const all = [...clusterObjects, ...[...analysis.builds.values()].flat(), ...analysis.standalone];
  const seen = new Set<string>();
  const objects = all.filter((r) => {
    const key = `${r.origin}\u0000${JSON.stringify(r.obj)}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const chartTemplates = walk(root).filter((f) => /(^|\/)charts\/[^/]+\/templates\/[^/]+\.ya?ml$/.test(f));
  const templateUses: ApiUse[] = chartTemplates.flatMap((f) => templateApis(readFileSync(f, 'utf8')).map((a) => ({ ...a, files: [display(f)], objects: [] })));
  const clusterFiles: Record<string, string[]> = {};
  for (const c of analysis.clusters) {
    clusterFiles[display(c.cluster.dir)] = [...new Set(c.objects.map((o) => display(o.origin)))].sort();
  }
  return {
    objects,
    uses: mergeUses([...usesOf(objects), ...templateUses]),
    clusterFiles,
    chartTemplates: chartTemplates.map(display),
    builds: [...analysis.builds.keys()].map(display).sort(),
    clusters: analysis.clusters.map((c) => display(c.cluster.dir)).sort(),
  };
}

/** Why an object is not dry-run applied, or undefined when it is. */
export function dryRunSkipReason(r: RenderedObject): string | undefined {
  if (isSopsEncrypted(r.obj)) return 'SOPS-encrypted: only kustomize-controller can decrypt it (its apiVersion is still checked)';
  if (/\$\{[A-Za-z_][A-Za-z0-9_]*(?::?[=-][^}]*)?\}/.test(JSON.stringify(r.obj))) return 'holds ${…} variables that only a Flux postBuild fills in (the rendered cluster copies are applied instead)';
  return undefined;
}

/**
 * The objects to dry-run apply: every distinct object once, cluster renders (substituted) first,
 * so the same object from a plain folder build is dropped when a cluster applies it.
 */
export function dryRunSet(objects: RenderedObject[]): { apply: RenderedObject[]; skipped: Array<{ object: string; file: string; reason: string }> } {
  const apply: RenderedObject[] = [];
  const skipped: Array<{ object: string; file: string; reason: string }> = [];
  const seen = new Set<string>();
  for (const r of objects) {
    const key = JSON.stringify(r.obj);
    if (seen.has(key)) continue;
    seen.add(key);
    const reason = dryRunSkipReason(r);
    if (reason) skipped.push({ object: objectId(r.obj), file: display(r.origin), reason });
    else apply.push(r);
  }
  return { apply, skipped };
}

/** Namespaces the objects need (their own metadata.namespace), sorted. */
export function namespacesNeeded(objects: RenderedObject[]): string[] {
  return [...new Set(objects.map((r) => r.obj.metadata?.namespace).filter((n): n is string => typeof n === 'string' && n !== ''))].sort();
}
