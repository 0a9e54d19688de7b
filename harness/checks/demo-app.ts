// What the demo app itself says about how it is reached, read from its source, so the static
// tier can hold the manifests that run it to the truth:
// - the paths it serves: the route table `routes` that examples/demo-app/src/routes.ts exports
//   and its server dispatches on (the module is imported: its only imports are types);
// - the port it listens on: `readSettings()` of examples/demo-app/src/settings.ts given the
//   environment the container has (the image's ENV from the Dockerfile's last stage, then the
//   container's own env).
// A probe path or a containerPort that does not match these passes every check that only reads
// the manifests, and fails only once kubelet probes a real pod.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { EXAMPLES_DIR } from '../fleet/tree.ts';

export const DEMO_APP_DIR = path.join(EXAMPLES_DIR, 'demo-app');
export const DEMO_APP_IMAGE = 'ghcr.io/gitops-field-guide/demo-app';
export const DEMO_APP_ROUTES_FILE = path.join(DEMO_APP_DIR, 'src', 'routes.ts');
export const DEMO_APP_SETTINGS_FILE = path.join(DEMO_APP_DIR, 'src', 'settings.ts');
export const DEMO_APP_DOCKERFILE = path.join(DEMO_APP_DIR, 'Dockerfile');

/** An image reference to the demo app (any tag or digest). */
export function isDemoAppImage(image: string | undefined): boolean {
  return typeof image === 'string' && (image.startsWith(`${DEMO_APP_IMAGE}:`) || image.startsWith(`${DEMO_APP_IMAGE}@`));
}

// Imported by a computed URL so the site's type-check does not pull the demo app (which has its
// own tsconfig and dependencies) into its program.
const routesModule = (await import(pathToFileURL(DEMO_APP_ROUTES_FILE).href)) as { routes?: unknown };
const settingsModule = (await import(pathToFileURL(DEMO_APP_SETTINGS_FILE).href)) as { readSettings?: unknown };

function routeTable(): readonly string[] {
  const table = routesModule.routes;
  if (!table || typeof table !== 'object' || Object.keys(table).length === 0 || !Object.keys(table).every((k) => k.startsWith('/'))) {
    throw new Error(`${path.relative(EXAMPLES_DIR, DEMO_APP_ROUTES_FILE)} no longer exports its route table as \`routes\` (path → handler); the probe path check reads it`);
  }
  return Object.keys(table).sort();
}

/** Every path the demo app answers (its route table). */
export const DEMO_APP_ROUTES: readonly string[] = routeTable();

/**
 * The ENV of the last stage of a Dockerfile, literal values only: a value built from an ARG
 * (`${APP_VERSION}`) depends on the build and is left out.
 */
export function dockerfileEnv(text: string): Record<string, string> {
  const lines = text
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  let env: Record<string, string> = {};
  for (const line of lines) {
    const [instruction, ...rest] = line.split(/\s+/);
    const args = rest.join(' ');
    if (/^FROM$/i.test(instruction)) env = {};
    if (!/^ENV$/i.test(instruction)) continue;
    const pairs = [...args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("(?:[^"\\]|\\.)*"|'[^']*'|\S*)/g)];
    // The legacy form `ENV KEY value` sets one variable to the rest of the line.
    const entries = pairs.length ? pairs.map((m) => [m[1], m[2]] as const) : [[rest[0], rest.slice(1).join(' ')] as const];
    for (const [key, raw] of entries) {
      const value = raw.replace(/^"(.*)"$/s, '$1').replace(/^'(.*)'$/s, '$1');
      if (value.includes('$')) delete env[key];
      else env[key] = value;
    }
  }
  return env;
}

const IMAGE_ENV = dockerfileEnv(readFileSync(DEMO_APP_DOCKERFILE, 'utf8'));

/**
 * The port the demo app listens on in a container with this env (`env` of the container spec:
 * literal values; one from valueFrom makes the port unknown). A port the app would refuse is an
 * error with the app's own message.
 */
export function demoAppPort(containerEnv: ReadonlyArray<{ name?: string; value?: unknown; valueFrom?: unknown }> = []): { port: number } | { unknown: string } | { error: string } {
  const env: Record<string, string | undefined> = { ...IMAGE_ENV };
  for (const e of containerEnv) {
    if (!e.name) continue;
    if (e.valueFrom !== undefined) {
      if (e.name === 'PORT') return { unknown: 'PORT comes from valueFrom' };
      continue;
    }
    env[e.name] = e.value === undefined ? '' : String(e.value);
  }
  const readSettings = settingsModule.readSettings as ((env: Record<string, string | undefined>) => { port: number }) | undefined;
  if (typeof readSettings !== 'function') throw new Error(`${path.relative(EXAMPLES_DIR, DEMO_APP_SETTINGS_FILE)} no longer exports readSettings(env); the port check reads it`);
  try {
    return { port: readSettings(env).port };
  } catch (err) {
    return { error: (err as Error).message };
  }
}
