// What Flux would apply to a cluster, rendered offline: the root Kustomization from
// flux-system/gotk-sync.yaml, then every Flux Kustomization it brings, following spec.path
// inside the repository, with the cluster's postBuild substitutions, recursively.
//
// It mirrors kustomize-controller where that changes what is applied: a directory without a
// kustomization file gets one generated (every YAML file, sub-directories with their own
// kustomization as a whole), kustomize runs with load restrictions off, spec fields that
// kustomize-controller adds to the kustomization (targetNamespace, namePrefix, nameSuffix,
// images, patches, components, commonMetadata) are applied the same way, and postBuild
// substitution uses the ${var}, ${var:=default} and ${var:-default} forms and $${var} escapes.
// The live tier runs the real controllers; this is the offline preview of it. The policy rules
// that need a whole cluster (a Service and the pods it selects) run over each render here.
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml, stringify } from 'yaml';
import { kustomizeBuild, BuildError, objectId, type K8sObject, type RenderedObject } from './kustomize.ts';
import { display, isYamlName, kustomizationFileIn, toPosix, walk, KUSTOMIZATION_FILES } from './tree.ts';
import { isObjectLike, locateObject, parseYamlFile } from './yaml.ts';
import { checkClusterPolicy } from '../checks/policy.ts';
import type { Finding } from './findings.ts';

export const KUSTOMIZATION_API = 'kustomize.toolkit.fluxcd.io';
export const SOURCE_API = 'source.toolkit.fluxcd.io';
export const HELM_API = 'helm.toolkit.fluxcd.io';

/** A repository Flux syncs from, found through a cluster's flux-system/gotk-sync.yaml. */
export interface FluxCluster {
  name: string;
  /** clusters/<name> */
  dir: string;
  /** The folder that is the root of the Git repository Flux reads. */
  repoRoot: string;
  gotkSync: string;
}

export interface AppliedKustomization {
  namespace: string;
  name: string;
  /** Absolute path of spec.path, or undefined for the root. */
  path: string;
  origin: string;
  objects: RenderedObject[];
  dependsOn: string[];
}

export interface ClusterRender {
  cluster: FluxCluster;
  kustomizations: AppliedKustomization[];
  /** Everything the cluster would end up with, in apply order. */
  objects: RenderedObject[];
  findings: Finding[];
}

interface FluxKustomizationSpec {
  path?: string;
  sourceRef?: { kind?: string; name?: string; namespace?: string };
  dependsOn?: Array<{ name: string; namespace?: string }>;
  targetNamespace?: string;
  namePrefix?: string;
  nameSuffix?: string;
  images?: unknown[];
  patches?: unknown[];
  components?: string[];
  commonMetadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
  postBuild?: {
    substitute?: Record<string, string>;
    substituteFrom?: Array<{ kind: 'ConfigMap' | 'Secret'; name: string; optional?: boolean }>;
  };
}

function group(apiVersion: string): string {
  return apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
}

export function isFluxKustomization(obj: K8sObject): boolean {
  return obj.kind === 'Kustomization' && group(obj.apiVersion) === KUSTOMIZATION_API;
}

/** Clusters under a tree: every `<cluster>/flux-system/gotk-sync.yaml`. */
export function findClusters(treeRoot: string): { clusters: FluxCluster[]; findings: Finding[] } {
  const clusters: FluxCluster[] = [];
  const findings: Finding[] = [];
  for (const file of walk(treeRoot).filter((f) => path.basename(f) === 'gotk-sync.yaml')) {
    const parsed = parseYamlFile(file);
    if (parsed.findings.length) continue; // the YAML check reports it
    const root = parsed.docs.map((d) => d.value).find((v) => isObjectLike(v) && isFluxKustomization(v as K8sObject)) as K8sObject | undefined;
    const clusterDir = path.dirname(path.dirname(file));
    const specPath = (root?.spec as FluxKustomizationSpec | undefined)?.path;
    if (!root || specPath === undefined) {
      findings.push({ check: 'flux', file: display(file), rule: 'root-kustomization', message: 'has no Flux Kustomization with a spec.path (flux bootstrap writes one)' });
      continue;
    }
    const rel = toPosix(path.normalize(specPath)).replace(/^\.\/?/, '').replace(/\/$/, '');
    const clusterPosix = toPosix(clusterDir);
    if (rel === '' || !clusterPosix.endsWith('/' + rel)) {
      findings.push({
        check: 'flux',
        file: display(file),
        line: locateObject(file, 'Kustomization', root.metadata?.name),
        rule: 'root-kustomization',
        message: `root Kustomization spec.path ${specPath} does not name the folder its gotk-sync.yaml is in (${display(clusterDir)})`,
      });
      continue;
    }
    const repoRoot = clusterDir.slice(0, clusterDir.length - rel.length - 1);
    clusters.push({ name: path.basename(clusterDir), dir: clusterDir, repoRoot, gotkSync: file });
  }
  return { clusters, findings };
}

/** The resources kustomize-controller's generated kustomization would list for a directory. */
export function generatedResources(dir: string): { resources: string[]; findings: Finding[] } {
  const resources: string[] = [];
  const findings: Finding[] = [];
  const visit = (d: string): void => {
    for (const entry of readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) {
        if (kustomizationFileIn(full)) resources.push(full);
        else visit(full);
      } else if (/\.ya?ml$/.test(entry.name)) {
        const parsed = parseYamlFile(full);
        if (parsed.findings.length) {
          findings.push(...parsed.findings);
          continue;
        }
        const bad = parsed.docs.find((doc) => doc.value !== null && !isObjectLike(doc.value));
        if (bad) {
          findings.push({ check: 'flux', file: display(full), line: bad.line, rule: 'not-kubernetes-yaml', message: 'is not a Kubernetes object (no apiVersion/kind); kustomize-controller fails to build a folder without a kustomization file that holds it' });
          continue;
        }
        resources.push(full);
      }
    }
  };
  visit(dir);
  return { resources, findings };
}

const VAR_NAME = /^[_a-zA-Z][_a-zA-Z0-9]*$/;

/**
 * Flux postBuild substitution over one object's YAML. Supports ${var}, ${var:=default},
 * ${var:-default}, ${var=default}, ${var-default}, and $${var} to keep a literal ${var}.
 * Unknown variables become '' as in Flux (reported through `missing`); other ${...} forms are
 * reported through `unsupported` rather than guessed.
 */
export function substitute(text: string, vars: Record<string, string>): { text: string; missing: string[]; unsupported: string[] } {
  const missing: string[] = [];
  const unsupported: string[] = [];
  const out = text.replace(/\$(\$)?\{([^}]*)\}/g, (whole: string, escape: string | undefined, body: string) => {
    if (escape) return whole.slice(1);
    const m = /^([_a-zA-Z][_a-zA-Z0-9]*)(?:(:?[=-])(.*))?$/s.exec(body);
    if (!m) {
      unsupported.push(whole);
      return whole;
    }
    const [, name, op, def] = m;
    const value = vars[name];
    if (op === undefined) {
      if (value === undefined) missing.push(name);
      return value ?? '';
    }
    // ":=" and ":-" use the default when unset or empty; "=" and "-" only when unset.
    const useDefault = op.startsWith(':') ? value === undefined || value === '' : value === undefined;
    return useDefault ? def : value;
  });
  return { text: out, missing, unsupported };
}

function substitutionDisabled(obj: K8sObject): boolean {
  const key = 'kustomize.toolkit.fluxcd.io/substitute';
  return obj.metadata?.annotations?.[key] === 'disabled' || obj.metadata?.labels?.[key] === 'disabled';
}

function dataOf(obj: K8sObject): Record<string, string> {
  const out: Record<string, string> = {};
  if (obj.kind === 'Secret') {
    for (const [k, v] of Object.entries((obj.data as Record<string, string>) ?? {})) out[k] = Buffer.from(String(v), 'base64').toString('utf8');
    Object.assign(out, (obj.stringData as Record<string, string>) ?? {});
  } else {
    Object.assign(out, (obj.data as Record<string, string>) ?? {});
  }
  return out;
}

/** Renders one cluster the way Flux would reconcile it. */
export async function renderCluster(cluster: FluxCluster, kubectl: string): Promise<ClusterRender> {
  const findings: Finding[] = [];
  const kustomizations: AppliedKustomization[] = [];
  const objects: RenderedObject[] = [];
  const seen = new Set<string>();
  const owners = new Map<string, string>();
  const sync = parseYamlFile(cluster.gotkSync).docs.map((d) => d.value as K8sObject);
  const rootKs = sync.find((o) => isObjectLike(o) && isFluxKustomization(o))!;
  const gitRepo = sync.find((o) => isObjectLike(o) && o.kind === 'GitRepository' && group(o.apiVersion) === SOURCE_API);
  const sourceName = gitRepo?.metadata?.name ?? 'flux-system';
  const sourceNamespace = gitRepo?.metadata?.namespace ?? 'flux-system';

  const rootKey = `${rootKs.metadata?.namespace ?? 'default'}/${rootKs.metadata?.name}`;
  const queue: Array<{ ks: K8sObject; origin: string }> = [{ ks: rootKs, origin: cluster.gotkSync }];
  while (queue.length) {
    const { ks, origin } = queue.shift()!;
    const ns = ks.metadata?.namespace ?? 'default';
    const name = ks.metadata?.name ?? '(no name)';
    const key = `${ns}/${name}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const spec = (ks.spec ?? {}) as FluxKustomizationSpec;
    const at = { file: display(origin), line: locateObject(origin, 'Kustomization', name), object: `Kustomization/${key}` };
    const src = spec.sourceRef ?? {};
    if (src.kind !== 'GitRepository' || src.name !== sourceName || (src.namespace ?? ns) !== sourceNamespace) {
      // Another repository: its paths are not in this tree, so there is nothing to follow.
      kustomizations.push({ namespace: ns, name, path: '', origin, objects: [], dependsOn: (spec.dependsOn ?? []).map((d) => `${d.namespace ?? ns}/${d.name}`) });
      continue;
    }
    const specPath = spec.path ?? './';
    const dir = path.resolve(cluster.repoRoot, specPath);
    if (path.isAbsolute(specPath) || (dir !== cluster.repoRoot && !dir.startsWith(cluster.repoRoot + path.sep))) {
      findings.push({ check: 'flux', ...at, rule: 'path-outside-repo', message: `spec.path ${specPath} leaves the repository root ${display(cluster.repoRoot)}` });
      continue;
    }
    if (!existsSync(dir) || !statSync(dir).isDirectory()) {
      findings.push({ check: 'flux', ...at, rule: 'path-missing', message: `spec.path ${specPath} does not exist in the repository ${display(cluster.repoRoot)} (cluster ${cluster.name})` });
      continue;
    }

    let resources: string[] | undefined;
    if (!kustomizationFileIn(dir)) {
      const gen = generatedResources(dir);
      findings.push(...gen.findings);
      if (gen.findings.length) continue;
      resources = gen.resources;
    }
    const extra: Record<string, unknown> = {};
    if (spec.targetNamespace) extra.namespace = spec.targetNamespace;
    if (spec.namePrefix) extra.namePrefix = spec.namePrefix;
    if (spec.nameSuffix) extra.nameSuffix = spec.nameSuffix;
    if (spec.images?.length) extra.images = spec.images;
    if (spec.patches?.length) extra.patches = spec.patches;
    if (spec.commonMetadata?.labels) extra.labels = [{ pairs: spec.commonMetadata.labels, includeSelectors: false }];
    if (spec.commonMetadata?.annotations) extra.commonAnnotations = spec.commonMetadata.annotations;
    let rendered: RenderedObject[];
    try {
      rendered = await kustomizeBuild(dir, {
        kubectl,
        resources: resources ?? [dir],
        loadRestrictionsNone: true,
        extra,
        components: spec.components?.map((c) => path.resolve(dir, c)),
        context: `cluster ${cluster.name}, Kustomization ${key} (${specPath})`,
      });
    } catch (err) {
      if (err instanceof BuildError) {
        findings.push({ ...err.finding, message: `${err.finding.message} (while rendering cluster ${cluster.name}, Kustomization ${key})` });
        continue;
      }
      throw err;
    }

    // postBuild: variables from ConfigMaps/Secrets already applied on this cluster, then inline ones.
    const post = spec.postBuild;
    if (post) {
      const vars: Record<string, string> = {};
      for (const ref of post.substituteFrom ?? []) {
        const found = objects.find((o) => o.obj.kind === ref.kind && o.obj.metadata?.name === ref.name && (o.obj.metadata?.namespace ?? 'default') === ns);
        if (!found) {
          if (!ref.optional) findings.push({ check: 'flux', ...at, rule: 'substitute-from-missing', message: `postBuild.substituteFrom ${ref.kind} ${ns}/${ref.name} is not applied on cluster ${cluster.name} before this Kustomization` });
          continue;
        }
        Object.assign(vars, dataOf(found.obj));
      }
      Object.assign(vars, post.substitute ?? {});
      for (const v of Object.keys(vars)) {
        if (!VAR_NAME.test(v)) findings.push({ check: 'flux', ...at, rule: 'substitute-name', message: `variable name "${v}" is not valid for postBuild substitution` });
      }
      rendered = rendered.map((r) => {
        if (substitutionDisabled(r.obj)) return r;
        const res = substitute(stringify(r.obj), vars);
        for (const m of new Set(res.missing)) {
          findings.push({ check: 'flux', file: display(r.origin), object: objectId(r.obj), rule: 'substitute-undefined', message: `\${${m}} has no value on cluster ${cluster.name} (Flux would put an empty string there)` });
        }
        for (const u of new Set(res.unsupported)) {
          findings.push({ check: 'flux', file: display(r.origin), object: objectId(r.obj), rule: 'substitute-unsupported', message: `${u} is a substitution form the static tier does not evaluate` });
        }
        return { ...r, obj: parseYaml(res.text) as K8sObject };
      });
    }

    kustomizations.push({ namespace: ns, name, path: dir, origin, objects: rendered, dependsOn: (spec.dependsOn ?? []).map((d) => `${d.namespace ?? ns}/${d.name}`) });
    // Two Kustomizations applying the same object fight over it (and one applying itself
    // replaces its own spec): each object must have one owner on a cluster.
    for (const r of rendered) {
      const id = `${r.obj.apiVersion.split('/')[0]}/${objectId(r.obj)}`;
      const owner = owners.get(id);
      if (owner !== undefined && owner !== key) {
        findings.push({ check: 'flux', file: display(r.origin), object: objectId(r.obj), rule: 'duplicate-object', message: `applied by both Kustomization ${owner} and ${key} on cluster ${cluster.name}` });
      }
      owners.set(id, key);
      if (key !== rootKey && isFluxKustomization(r.obj) && `${r.obj.metadata?.namespace ?? 'default'}/${r.obj.metadata?.name}` === key) {
        findings.push({ check: 'flux', file: display(r.origin), object: objectId(r.obj), rule: 'duplicate-object', message: `Kustomization ${key} applies an object with its own name, replacing its own spec (cluster ${cluster.name})` });
      }
    }
    objects.push(...rendered);
    for (const r of rendered) {
      if (isFluxKustomization(r.obj)) queue.push({ ks: r.obj, origin: r.origin });
      if (r.obj.kind === 'HelmRelease' && group(r.obj.apiVersion) === HELM_API) findings.push(...checkHelmChartPath(r, cluster, sourceName, sourceNamespace));
    }
  }

  // dependsOn must name Kustomizations this cluster has.
  const names = new Set(kustomizations.map((k) => `${k.namespace}/${k.name}`));
  for (const k of kustomizations) {
    for (const dep of k.dependsOn) {
      if (!names.has(dep)) {
        findings.push({ check: 'flux', file: display(k.origin), line: locateObject(k.origin, 'Kustomization', k.name), object: `Kustomization/${k.namespace}/${k.name}`, rule: 'depends-on-missing', message: `dependsOn ${dep}, which cluster ${cluster.name} does not have` });
      }
    }
  }
  // What needs the whole cluster (Services and the pods they select): the policy rules over
  // everything this cluster ends up with, whichever Kustomization and file each object comes from.
  findings.push(...checkClusterPolicy(cluster.name, objects));
  return { cluster, kustomizations, objects, findings };
}

/** A HelmRelease whose chart comes from this repository must name a folder with a Chart.yaml. */
function checkHelmChartPath(r: RenderedObject, cluster: FluxCluster, sourceName: string, sourceNamespace: string): Finding[] {
  const chartSpec = ((r.obj.spec as Record<string, unknown> | undefined)?.chart as { spec?: { chart?: string; sourceRef?: { kind?: string; name?: string; namespace?: string } } } | undefined)?.spec;
  const ref = chartSpec?.sourceRef;
  const ns = r.obj.metadata?.namespace ?? 'default';
  if (!chartSpec?.chart || ref?.kind !== 'GitRepository' || ref.name !== sourceName || (ref.namespace ?? ns) !== sourceNamespace) return [];
  const dir = path.resolve(cluster.repoRoot, chartSpec.chart);
  if (existsSync(path.join(dir, 'Chart.yaml'))) return [];
  return [{ check: 'flux', file: display(r.origin), line: locateObject(r.origin, 'HelmRelease', r.obj.metadata?.name), object: objectId(r.obj), rule: 'chart-path-missing', message: `spec.chart.spec.chart ${chartSpec.chart} has no Chart.yaml in the repository ${display(cluster.repoRoot)}` }];
}

/** Every YAML file in a folder that Flux reads, even when no Kustomization applies it. */
export function yamlFilesUnder(dir: string): string[] {
  return walk(dir).filter((f) => isYamlName(f) && !(KUSTOMIZATION_FILES as readonly string[]).includes(path.basename(f)));
}
