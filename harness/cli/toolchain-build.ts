// `npm run cluster:build [-- --tools a,b] [--kubernetes v1.35.4] [--canary] [--kind]`
// Builds the pinned Go binaries the static and live tiers need into .cache/bin/.
// With no flags: every tool except kind, at the pinned versions.
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { CONTROL_PLANE_TOOLS, DEFAULT_TOOLS, FLUX_CONTROLLERS, KIND_NODE_KUBERNETES_TOOLS, KIND_NODE_TOOLS, isTool, type Tool } from '../toolchain/catalog';
import { buildTools, type BuildRequest } from '../toolchain/builder';
import { CANARY_KUBERNETES_VERSIONS } from '../toolchain/versions';

export interface CliOptions {
  tools?: string;
  kubernetes?: string;
  canary?: boolean;
  kind?: boolean;
}

export function parseCli(argv: string[]): CliOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      tools: { type: 'string' },
      kubernetes: { type: 'string' },
      canary: { type: 'boolean' },
      kind: { type: 'boolean' },
    },
    strict: true,
  });
  return values;
}

function toolList(csv: string): Tool[] {
  const names = csv.split(',').map((s) => s.trim()).filter(Boolean);
  const bad = names.filter((n) => !isTool(n));
  if (bad.length) throw new Error(`unknown tool(s): ${bad.join(', ')}`);
  return names as Tool[];
}

/**
 * What to build. `--tools` picks tools (default: DEFAULT_TOOLS unless only --kubernetes/--canary/--kind
 * were given, which then build just what they name). `--kubernetes vX` builds the control plane at vX.
 */
export function requestsFor(cli: CliOptions): BuildRequest[] {
  const extras = Boolean(cli.kubernetes || cli.canary || cli.kind);
  const base: Tool[] = cli.tools ? toolList(cli.tools) : extras ? [] : [...DEFAULT_TOOLS];
  const reqs: BuildRequest[] = base.map((tool) => ({ tool, kubernetesVersion: cli.kubernetes }));
  if (cli.kubernetes && !cli.tools) {
    reqs.push(...CONTROL_PLANE_TOOLS.map((tool) => ({ tool, kubernetesVersion: cli.kubernetes })));
  }
  if (cli.canary) {
    for (const v of CANARY_KUBERNETES_VERSIONS) {
      reqs.push(...CONTROL_PLANE_TOOLS.map((tool) => ({ tool, kubernetesVersion: v })));
    }
  }
  if (cli.kind) {
    // kind itself, and everything a kind node image and Flux's images are made of here
    // (harness/cluster/images/): node agent, runtime, CNI, CoreDNS, control plane, controllers.
    reqs.push({ tool: 'kind' }, { tool: 'flux' }, ...FLUX_CONTROLLERS.map((tool) => ({ tool })));
    reqs.push(...KIND_NODE_TOOLS.map((tool) => ({ tool })));
    reqs.push(...KIND_NODE_KUBERNETES_TOOLS.map((tool) => ({ tool, kubernetesVersion: cli.kubernetes })));
  }
  return reqs;
}

async function main(): Promise<void> {
  const cli = parseCli(process.argv.slice(2));
  await buildTools(requestsFor(cli), { log: (line) => console.log(line) });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((err: Error) => {
    console.error(`cluster:build failed: ${err.message}`);
    process.exit(1);
  });
}
