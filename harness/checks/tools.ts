// The static tier's only way to find its binaries: the toolchain's pinned builds.
import type { TestContext } from 'node:test';
import { hasTool, requireTool, type Tool } from '../toolchain/binaries.ts';
import { setting } from '../../contracts/settings.ts';

/**
 * Path of a pinned tool, or a skip reason. On CI (CI=true) a missing tool is a failure, not a
 * skip: the toolchain tier runs first there and must have built it.
 */
export function toolOrSkip(tool: Tool): { path: string } | { skip: string } {
  if (hasTool(tool) || setting('CI') === 'true') return { path: requireTool(tool) };
  try {
    return { path: requireTool(tool) };
  } catch (err) {
    return { skip: (err as Error).message };
  }
}

/** Paths of all tools, or the reason the first missing one gives. */
export function toolsOrSkip(tools: Tool[]): { paths: Record<string, string> } | { skip: string } {
  const paths: Record<string, string> = {};
  for (const tool of tools) {
    const r = toolOrSkip(tool);
    if ('skip' in r) return { skip: r.skip };
    paths[tool] = r.path;
  }
  return { paths };
}

/** Runs `fn` with the tools' paths, or marks the test skipped with the reason. */
export async function withTools<T>(t: TestContext, tools: Tool[], fn: (paths: Record<string, string>) => Promise<T> | T): Promise<T | undefined> {
  const r = toolsOrSkip(tools);
  if ('skip' in r) {
    t.skip(r.skip);
    return undefined;
  }
  return fn(r.paths);
}
