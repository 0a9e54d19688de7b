// `npm run kind:images [-- --kubernetes 1.37]`: makes (or finds cached) everything the kind tier
// runs, with progress: the kind node image for a Kubernetes version (with kubeadm's and Flux's
// images inside) and the demo app's images. KIND_IMAGES=upstream makes only the demo app's, since
// the node and Flux images are then pulled by kind and `flux install`.
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { kindNodeImage, resolveNodeImage } from '../cluster/kind';
import { defaultKubernetesVersion, kindImageSource } from '../cluster/select';
import { demoAppArchive } from '../cluster/images/demo-app';

export async function buildKindImages(kubernetesVersion: string | undefined, log: (line: string) => void): Promise<string[]> {
  const started = Date.now();
  const source = kindImageSource();
  const node = kindNodeImage(kubernetesVersion, source);
  log(`kind images (${source}): node for Kubernetes ${node.kubernetesVersion}, demo app`);
  const nodeRef = await resolveNodeImage(node, log);
  const demo = [await demoAppArchive(log, { source })];
  log(`kind images ready in ${((Date.now() - started) / 1000).toFixed(1)}s: ${nodeRef}, ${demo.map((d) => d.ref).join(', ')}`);
  return [nodeRef, ...demo.map((d) => d.ref)];
}

async function main(): Promise<void> {
  const { values } = parseArgs({ args: process.argv.slice(2), options: { kubernetes: { type: 'string' } }, strict: true });
  await buildKindImages(values.kubernetes ?? defaultKubernetesVersion(), (line) => console.log(line));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((error: Error) => {
    console.error(`kind:images failed: ${error.message}`);
    process.exit(1);
  });
}
