// Generates flux2's cmd/flux/manifests/*.yaml locally, the way upstream's
// manifests/scripts/bundle.sh does, but from the pinned controllers' config/ folders in the
// module cache instead of release assets downloaded from GitHub.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { run } from './goexec';

/** A release-asset URL in a flux2 base, e.g. .../releases/download/v1.9.5/source-controller.crds.yaml */
const RELEASE_ASSET = /^https:\/\/github\.com\/fluxcd\/[^/]+\/releases\/download\/[^/]+\/([^/]+\.yaml)$/;

/** Rewrites `resources:` release-asset URLs to local file names; returns the new YAML text. */
export function localizeKustomization(text: string): { yaml: string; assets: string[] } {
  const doc = parse(text) as { resources?: string[] };
  const assets: string[] = [];
  doc.resources = (doc.resources ?? []).map((r) => {
    const m = RELEASE_ASSET.exec(r);
    if (!m) return r;
    assets.push(m[1]);
    return m[1];
  });
  return { yaml: stringify(doc), assets };
}

async function kustomize(kubectl: string, dir: string): Promise<string> {
  const { stdout } = await run(kubectl, ['kustomize', dir]);
  return stdout;
}

/**
 * Writes the release assets a base names (`<c>.crds.yaml`, `<c>.deployment.yaml`) from the
 * controller module's config/crd and config/manager, then builds the base into `<c>.yaml`.
 */
async function bundleController(kubectl: string, baseDir: string, controllerDir: string, outFile: string): Promise<void> {
  const kfile = join(baseDir, 'kustomization.yaml');
  const { yaml, assets } = localizeKustomization(readFileSync(kfile, 'utf8'));
  for (const asset of assets) {
    const part = asset.endsWith('.crds.yaml') ? 'crd' : asset.endsWith('.deployment.yaml') ? 'manager' : undefined;
    if (!part) throw new Error(`${kfile}: unexpected release asset ${asset}`);
    writeFileSync(join(baseDir, asset), await kustomize(kubectl, join(controllerDir, 'config', part)));
  }
  writeFileSync(kfile, yaml);
  writeFileSync(outFile, await kustomize(kubectl, baseDir));
}

/**
 * Fills `<srcDir>/cmd/flux/manifests/` for the controllers given (name → module dir), plus
 * rbac.yaml and policies.yaml. Bases of controllers not given (image automation, source-watcher)
 * are left out: `flux install`'s default components are exactly the four pinned controllers.
 */
export async function generateFluxManifests(
  srcDir: string,
  kubectl: string,
  controllers: Record<string, string>,
  log: (line: string) => void,
): Promise<string[]> {
  const out = join(srcDir, 'cmd', 'flux', 'manifests');
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const bases = join(srcDir, 'manifests', 'bases');
  const skipped: string[] = [];
  for (const name of readdirSync(bases).sort()) {
    const dir = controllers[name];
    if (!dir) {
      skipped.push(name);
      continue;
    }
    await bundleController(kubectl, join(bases, name), dir, join(out, `${name}.yaml`));
  }
  for (const extra of ['rbac', 'policies']) {
    const dir = join(srcDir, 'manifests', extra);
    if (existsSync(dir)) writeFileSync(join(out, `${extra}.yaml`), await kustomize(kubectl, dir));
  }
  if (skipped.length) log(`      flux manifests: left out ${skipped.join(', ')} (not pinned)`);
  return readdirSync(out).sort();
}
