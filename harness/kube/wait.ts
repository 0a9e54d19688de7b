// Polling with a deadline. A wait that times out says what it waited for, the last thing it
// saw, and (through `explain`) whatever else helps: conditions, events, log tails.

export interface Probe<T> {
  done: boolean;
  /** One line about the current state, kept for the timeout message. */
  detail: string;
  /** Set when waiting longer cannot help (e.g. Stalled=True): the wait fails at once. */
  fail?: string;
  value?: T;
}

export interface WaitOptions {
  timeoutMs?: number;
  intervalMs?: number;
  /** Builds the extra part of the timeout message (conditions, events, logs). */
  explain?: () => Promise<string>;
}

export class WaitTimeoutError extends Error {
  constructor(message: string, readonly lastDetail: string) {
    super(message);
    this.name = 'WaitTimeoutError';
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Calls `probe` until it reports done, or throws WaitTimeoutError after timeoutMs. Errors thrown
 * by the probe count as "not yet" (an API server can be briefly unavailable) and are reported.
 */
export async function waitUntil<T>(what: string, probe: () => Promise<Probe<T>>, opts: WaitOptions = {}): Promise<T | undefined> {
  const timeoutMs = opts.timeoutMs ?? 120_000;
  const intervalMs = opts.intervalMs ?? 500;
  const start = Date.now();
  let detail = 'not checked yet';
  let failure: string | undefined;
  for (;;) {
    try {
      const result = await probe();
      if (result.done) return result.value;
      detail = result.detail;
      if (result.fail) {
        failure = result.fail;
        break;
      }
    } catch (error) {
      detail = `probe failed: ${error instanceof Error ? error.message : String(error)}`;
    }
    if (Date.now() - start >= timeoutMs) break;
    await sleep(intervalMs);
  }
  const seconds = Math.round((Date.now() - start) / 1000);
  let message = failure
    ? `gave up after ${seconds}s waiting for ${what}: ${failure}\n  last state: ${detail}`
    : `timed out after ${seconds}s waiting for ${what}\n  last state: ${detail}`;
  if (opts.explain) {
    try {
      message += `\n${await opts.explain()}`;
    } catch (error) {
      message += `\n  (could not collect diagnostics: ${error instanceof Error ? error.message : String(error)})`;
    }
  }
  throw new WaitTimeoutError(message, detail);
}
