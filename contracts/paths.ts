// Where things are in this repository, written once. The site's plugins, the harness, the
// suites and the benchmarks all import these, so moving a folder means editing one line.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's root (this file lives one level below it). */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The committed verification report, relative to the root (the site imports it by this path). */
export const REPORT_SNAPSHOT = path.join('src', 'data', 'verification-report.json');

/** Recorded tutorial output the pages show, relative to the root. */
export const TUTORIAL_RUNS = path.join('src', 'data', 'tutorial-runs');
