// The static tier in one function: run every check over a tree (examples/, or one fixture of
// test/fixtures/) and return what it found. The tests over examples/ and over the fixtures call
// this same code, so a fixture is rejected by exactly the checks that guard the examples.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { findClusters, renderCluster, type ClusterRender } from '../fleet/render.ts';
import { kustomizeBuild, BuildError, type K8sObject, type RenderedObject } from '../fleet/kustomize.ts';
import { checkPolicy, isSopsEncrypted, scanSecrets } from './policy.ts';
import type { SchemaSet } from './schemas.ts';
import { display, isYamlName, kustomizationDirs, kustomizationFileIn, notYamlReason, walk } from '../fleet/tree.ts';
import { validateObjects, type ValidationResult } from './validate.ts';
import { isObjectLike, parseYamlFile, type ParsedFile } from '../fleet/yaml.ts';
import type { CheckName, Finding } from '../fleet/findings.ts';

export interface Tools {
  kubectl: string;
  /** Without it (or without schemas) the schema check does not run. */
  kubeconform?: string;
}

export interface Analysis {
  root: string;
  findings: Finding[];
  /** YAML files parsed, and the ones left out with the reason. */
  yamlFiles: ParsedFile[];
  notYaml: Array<{ file: string; reason: string }>;
  /** Output of every kustomization directory, built on its own. */
  builds: Map<string, RenderedObject[]>;
  /** Kustomization directories not built on their own (components), with the reason. */
  notBuilt: Array<{ dir: string; reason: string }>;
  clusters: ClusterRender[];
  /** Objects in YAML files that no kustomization directory holds. */
  standalone: RenderedObject[];
  validation?: ValidationResult;
}

export function findingsOf(a: Analysis, check: CheckName): Finding[] {
  return a.findings.filter((f) => f.check === check);
}

/** Text files the secret scan reads (YAML, JSON, scripts, docs): not lock files or binaries. */
function isScannable(file: string): boolean {
  const base = path.basename(file);
  if (base === 'package-lock.json') return false;
  return /\.(ya?ml|json|md|mdx|sh|ts|js|mjs|env|txt|toml|tpl|conf|ini)$/i.test(base) || base === 'Kustomization' || base.startsWith('.');
}

/** What schema validation sees of a SOPS-encrypted object: the object after decryption. */
function forValidation(r: RenderedObject): RenderedObject {
  if (!isSopsEncrypted(r.obj)) return r;
  const copy = structuredClone(r.obj) as K8sObject;
  delete copy.sops;
  return { ...r, obj: copy };
}

/** Parse, build and render everything under `root`. Schema checks need `schemas`. */
export async function analyze(root: string, tools: Tools, schemas?: SchemaSet): Promise<Analysis> {
  const findings: Finding[] = [];
  const files = walk(root);

  // 1. YAML
  const yamlFiles: ParsedFile[] = [];
  const notYaml: Array<{ file: string; reason: string }> = [];
  for (const f of files.filter(isYamlName)) {
    const reason = notYamlReason(root, f);
    if (reason) {
      notYaml.push({ file: display(f), reason });
      continue;
    }
    const parsed = parseYamlFile(f);
    yamlFiles.push(parsed);
    findings.push(...parsed.findings);
  }
  const brokenYaml = new Set(yamlFiles.filter((p) => p.findings.length).map((p) => p.file));

  // 2. every kustomization directory on its own
  const builds = new Map<string, RenderedObject[]>();
  const notBuilt: Array<{ dir: string; reason: string }> = [];
  const kdirs = kustomizationDirs(root);
  const toBuild: string[] = [];
  for (const dir of kdirs) {
    const kfile = kustomizationFileIn(dir)!;
    const parsed = yamlFiles.find((p) => p.file === kfile);
    const kind = (parsed?.docs[0]?.value as { kind?: string } | undefined)?.kind;
    if (kind === 'Component') {
      notBuilt.push({ dir: display(dir), reason: 'a kustomize Component is built as part of the kustomizations that use it' });
      continue;
    }
    if (brokenYaml.has(kfile)) continue; // reported by the YAML check
    toBuild.push(dir);
  }
  // 3. every cluster, the way Flux applies it (builds of both steps run side by side)
  const found = findClusters(root);
  findings.push(...found.findings);
  const [built, clusters] = await Promise.all([
    Promise.all(
      toBuild.map(async (dir) => {
        try {
          return { dir, objects: await kustomizeBuild(dir, { kubectl: tools.kubectl }) };
        } catch (err) {
          if (err instanceof BuildError) return { dir, finding: err.finding };
          throw err;
        }
      }),
    ),
    Promise.all(found.clusters.map((c) => renderCluster(c, tools.kubectl))),
  ]);
  for (const b of built) {
    if ('objects' in b && b.objects) builds.set(b.dir, b.objects);
    else if (b.finding) findings.push(b.finding);
  }
  for (const c of clusters) findings.push(...c.findings);

  // 4. objects in YAML files outside any kustomization directory (Flux objects, plain manifests)
  const insideKustomization = (f: string): boolean => kdirs.some((d) => f.startsWith(d + path.sep));
  const standalone: RenderedObject[] = [];
  for (const p of yamlFiles) {
    if (insideKustomization(p.file)) continue;
    for (const d of p.docs) if (isObjectLike(d.value)) standalone.push({ obj: d.value as K8sObject, origin: p.file, context: `file ${display(p.file)}` });
  }

  // 5. schemas and policy over everything rendered (each distinct object once)
  const all = dedupe([...[...builds.values()].flat(), ...clusters.flatMap((c) => c.objects), ...standalone]);
  let validation: ValidationResult | undefined;
  if (schemas && tools.kubeconform) {
    validation = validateObjects(all.map(forValidation), schemas, tools.kubeconform);
    findings.push(...validation.findings);
  }
  findings.push(...checkPolicy(all));

  // 6. secret patterns in every text file
  for (const f of files.filter(isScannable)) findings.push(...scanSecrets(f, readFileSync(f, 'utf8')));

  return { root, findings: dedupeFindings(findings), yamlFiles, notYaml, builds, notBuilt, clusters, standalone, validation };
}

function dedupe(objects: RenderedObject[]): RenderedObject[] {
  const seen = new Set<string>();
  return objects.filter((r) => {
    const key = `${r.origin}|${JSON.stringify(r.obj)}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function dedupeFindings(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const key = JSON.stringify(f);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
