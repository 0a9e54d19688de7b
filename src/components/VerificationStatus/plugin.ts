/**
 * Docusaurus plugin "verification-status": at build time, looks at every example path the
 * committed report (src/data/verification-report.json) mentions and records what the checkout
 * holds now: whether the path exists, its content digest, and its last commit. The badges
 * compare these with what each result was recorded against, so an example edited after its
 * last verification shows "stale" instead of "verified".
 *
 * Register in docusaurus.config.ts:  plugins: [..., verificationStatusPlugin]
 * (import verificationStatusPlugin from './src/components/VerificationStatus/plugin').
 * Without it the badges cannot compare anything and show every result as stale.
 *
 * Node-only: components must import types from here, never values.
 */
import {existsSync, readFileSync} from 'node:fs';
import path from 'node:path';
import type {LoadContext, Plugin} from '@docusaurus/types';
import {exampleDigest, filesInExample} from '../../../contracts/report/digest';
import {goals} from '../../data/goals';
import {lastCommitFor} from '../../../contracts/report/git';
import {validateReport} from '../../../contracts/report/merge';
import type {CurrentExample} from './status';
import {DEFAULT_MAX_AGE_DAYS} from './status';
import {REPORT_SNAPSHOT} from '../../../contracts/paths';

export const PLUGIN_NAME = 'verification-status';
export const SNAPSHOT = REPORT_SNAPSHOT;

export interface VerificationPluginData {
  /** Build time (ms since epoch): the "now" of server rendering. */
  builtAt: number;
  maxAgeDays: number;
  /** Example path -> what the checkout holds now. */
  current: Record<string, CurrentExample>;
}

export interface VerificationPluginOptions {
  maxAgeDays?: number;
}

/** Reads the snapshot and the checkout; pure apart from file and git reads. */
/** Files a folder's verdict waits for: everything but prose (READMEs and other Markdown). */
export function needsOwnResult(file: string): boolean {
  return !/\.(md|mdx)$/i.test(file);
}

/** The goals' example paths (src/data/goals.ts); the files among them list nothing below. */
function goalExamples(): string[] {
  return goals.flatMap((g) => g.examples);
}

export function loadVerificationData(
  siteDir: string,
  options: VerificationPluginOptions = {},
  now = Date.now(),
  folders: string[] = goalExamples(),
): VerificationPluginData {
  const file = path.join(siteDir, SNAPSHOT);
  const report = existsSync(file)
    ? validateReport(JSON.parse(readFileSync(file, 'utf8')), file)
    : {schemaVersion: 1 as const, updatedAt: null, entries: []};
  const current: Record<string, CurrentExample> = {};
  for (const example of new Set(report.entries.map((e) => e.example))) {
    const digest = exampleDigest(siteDir, example);
    const lastCommit = digest ? lastCommitFor(siteDir, example) : undefined;
    current[example] = {exists: digest !== undefined, ...(digest ? {digest} : {}), ...(lastCommit ? {lastCommit} : {})};
  }
  // A goal's example folder is verified file by file when no result covers it whole.
  for (const folder of new Set(folders)) {
    const files = filesInExample(siteDir, folder).filter(needsOwnResult);
    if (files.length === 0) continue;
    current[folder] = {...(current[folder] ?? {exists: true}), files};
  }
  return {builtAt: now, maxAgeDays: options.maxAgeDays ?? DEFAULT_MAX_AGE_DAYS, current};
}

/** Plugin options as the config gives them (untyped there): only a numeric maxAgeDays is accepted. */
function pluginOptions(raw: unknown): VerificationPluginOptions {
  if (raw === undefined || raw === null) return {};
  const {maxAgeDays, ...rest} = raw as Record<string, unknown>;
  const unknownKeys = Object.keys(rest).filter((k) => k !== 'id');
  if (unknownKeys.length) throw new Error(`${PLUGIN_NAME}: unknown option(s) ${unknownKeys.join(', ')} (only maxAgeDays)`);
  if (maxAgeDays !== undefined && (typeof maxAgeDays !== 'number' || !(maxAgeDays > 0))) {
    throw new Error(`${PLUGIN_NAME}: maxAgeDays must be a positive number of days, not ${JSON.stringify(maxAgeDays)}`);
  }
  return maxAgeDays === undefined ? {} : {maxAgeDays};
}

export default function verificationStatusPlugin(context: LoadContext, rawOptions?: unknown): Plugin {
  const options = pluginOptions(rawOptions);
  return {
    name: PLUGIN_NAME,
    async loadContent() {
      return loadVerificationData(context.siteDir, options);
    },
    async contentLoaded({content, actions}) {
      actions.setGlobalData(content);
    },
    getPathsToWatch() {
      return [path.join(context.siteDir, SNAPSHOT), path.join(context.siteDir, 'examples', '**', '*')];
    },
  };
}
