/**
 * What the tutorial runner (test/tutorials/) and the tutorial-output remark plugin agree on:
 * the words a tutorial's code fence carries in its meta string, the hash that ties a recorded
 * run to one version of a page, and the shape of a recorded run.
 *
 *   ```bash runnable expect="kustomization/apps .*True" timeout=300 id="wait-apps"
 *   ```bash kind-only
 *   ```bash local-only
 *   ```bash docker-only
 */
import {createHash} from 'node:crypto';

/** Flags a tutorial block may carry (bare words in the meta string). */
export const TUTORIAL_FLAGS = ['runnable', 'kind-only', 'local-only', 'docker-only'] as const;
export type TutorialFlag = (typeof TUTORIAL_FLAGS)[number];

/** key=value words that belong to the tutorial machinery (never shown to readers). */
export const TUTORIAL_KEYS = ['expect', 'timeout', 'id'] as const;
export type TutorialKey = (typeof TUTORIAL_KEYS)[number];

/**
 * Flags of an `expect` pattern: ^ and $ match at line ends, and . also matches a newline, so
 * "apps.*True" may span lines. Note that Markdown drops a backslash before punctuation in a
 * fence's info string (CommonMark backslash escapes): write [.] [+] [(] rather than \. \+ \(
 * (\s, \S, \d and \w are not punctuation and pass through).
 */
export const EXPECT_FLAGS = 'ms';

/** The compiled `expect` pattern of a block. */
export function expectPattern(expect: string): RegExp {
  return new RegExp(expect, EXPECT_FLAGS);
}

/** Seconds a runnable block may take when its meta gives no timeout. */
export const DEFAULT_BLOCK_TIMEOUT_SECONDS = 120;

export interface MetaToken {
  /** The token exactly as written (kept verbatim when it is not ours). */
  raw: string;
  key: string;
  /** Unquoted value for key=value tokens; undefined for bare words. */
  value?: string;
}

/**
 * Splits a code fence's meta string into tokens: bare words, key=value and key="quoted value"
 * (inside quotes, \" is a quote and \\ a backslash; every other backslash is kept, so a regular
 * expression such as expect="\s+True" needs no doubling). `{1,3}` highlight ranges are one token.
 */
export function tokenizeMeta(meta: string | null | undefined): MetaToken[] {
  const text = meta ?? '';
  const tokens: MetaToken[] = [];
  let i = 0;
  while (i < text.length) {
    while (i < text.length && /\s/.test(text[i])) i++;
    if (i >= text.length) break;
    const start = i;
    let key = '';
    let value: string | undefined;
    if (text[i] === '{') {
      const end = text.indexOf('}', i);
      i = end < 0 ? text.length : end + 1;
      key = text.slice(start, i);
    } else {
      while (i < text.length && !/[\s=]/.test(text[i])) key += text[i++];
      if (text[i] === '=') {
        i++;
        if (text[i] === '"' || text[i] === "'") {
          const quote = text[i++];
          value = '';
          while (i < text.length && text[i] !== quote) {
            if (text[i] === '\\' && (text[i + 1] === quote || text[i + 1] === '\\')) {
              value += text[i + 1];
              i += 2;
            } else value += text[i++];
          }
          if (i >= text.length) throw new Error(`unterminated ${quote} in code meta: ${text}`);
          i++; // closing quote
        } else {
          value = '';
          while (i < text.length && !/\s/.test(text[i])) value += text[i++];
        }
      }
    }
    tokens.push({raw: text.slice(start, i), key, value});
  }
  return tokens;
}

export interface TutorialBlockMeta {
  runnable: boolean;
  kindOnly: boolean;
  localOnly: boolean;
  dockerOnly: boolean;
  /** Regular expression (flags EXPECT_FLAGS) the block's output must match. */
  expect?: string;
  timeoutSeconds: number;
  id?: string;
  /** The meta string without the tutorial words: what Docusaurus and readers get. */
  displayMeta: string;
  /** True when any tutorial word was present. */
  isTutorialBlock: boolean;
}

function isFlag(word: string): word is TutorialFlag {
  return (TUTORIAL_FLAGS as readonly string[]).includes(word);
}

function isKey(word: string): word is TutorialKey {
  return (TUTORIAL_KEYS as readonly string[]).includes(word);
}

/** Reads the tutorial words of a code fence's meta; throws on malformed values. */
export function parseTutorialMeta(meta: string | null | undefined): TutorialBlockMeta {
  const result: TutorialBlockMeta = {
    runnable: false,
    kindOnly: false,
    localOnly: false,
    dockerOnly: false,
    timeoutSeconds: DEFAULT_BLOCK_TIMEOUT_SECONDS,
    displayMeta: '',
    isTutorialBlock: false,
  };
  const kept: string[] = [];
  for (const token of tokenizeMeta(meta)) {
    if (token.value === undefined && isFlag(token.key)) {
      result.isTutorialBlock = true;
      if (token.key === 'runnable') result.runnable = true;
      if (token.key === 'kind-only') result.kindOnly = true;
      if (token.key === 'local-only') result.localOnly = true;
      if (token.key === 'docker-only') result.dockerOnly = true;
    } else if (token.value !== undefined && isKey(token.key)) {
      result.isTutorialBlock = true;
      if (token.key === 'expect') {
        try {
          expectPattern(token.value);
        } catch (error) {
          throw new Error(`expect="${token.value}" is not a valid regular expression: ${(error as Error).message}`, {cause: error});
        }
        result.expect = token.value;
      } else if (token.key === 'timeout') {
        const seconds = Number(token.value);
        if (!Number.isInteger(seconds) || seconds <= 0) throw new Error(`timeout=${token.value} is not a whole number of seconds`);
        result.timeoutSeconds = seconds;
      } else {
        if (!/^[a-z0-9][a-z0-9-]*$/.test(token.value)) throw new Error(`id="${token.value}" must be lower-case letters, digits and dashes`);
        result.id = token.value;
      }
    } else {
      kept.push(token.raw);
    }
  }
  if (result.kindOnly && result.localOnly) throw new Error('a block cannot be both kind-only and local-only');
  if ((result.expect !== undefined || result.id !== undefined) && !result.runnable) {
    throw new Error('expect= and id= only make sense on a runnable block');
  }
  result.displayMeta = kept.join(' ');
  return result;
}

/** True when the harness runs the block (runnable, and not tied to kind or Docker). */
export function harnessRuns(meta: TutorialBlockMeta): boolean {
  return meta.runnable && !meta.kindOnly && !meta.dockerOnly;
}

/** The page hash a recorded run carries: sha256 of the page source (line endings normalised). */
export function pageHash(source: string): string {
  return createHash('sha256').update(source.replace(/\r\n/g, '\n')).digest('hex').slice(0, 16);
}

/** A page's id: its file name without the extension (how runs are filed). */
export function pageIdOf(pagePath: string): string {
  const base = pagePath.replace(/^.*[\\/]/, '');
  return base.replace(/\.mdx?$/, '');
}

export interface RecordedBlock {
  /** 1-based position among the blocks the harness runs, in page order. */
  index: number;
  id?: string;
  /** Line of the code fence in the page. */
  line: number;
  command: string;
  exitCode: number;
  seconds: number;
  /** Output after harness/tutorials/normalize.ts. */
  output: string;
}

export interface TutorialRun {
  page: string;
  pageId: string;
  pageHash: string;
  status: 'passed' | 'failed';
  /** ISO date (YYYY-MM-DD) of the run. */
  date: string;
  /** Commit of the guide the run used. */
  commit: string;
  /** True when the working tree had uncommitted changes (the page itself is pinned by pageHash). */
  dirty?: boolean;
  kubernetesVersion: string;
  fluxVersion: string;
  provider: string;
  /** Seconds the whole tutorial took, environment start and teardown included. */
  seconds: number;
  blocks: RecordedBlock[];
}
