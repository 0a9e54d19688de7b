// Reloads the config file when it changes, without a pod restart.
//
// A ConfigMap volume does not rewrite config.json in place: the kubelet
// writes a new timestamped directory and atomically swaps the `..data`
// symlink that config.json points through. Watching the file itself would
// miss that (its inode never changes), so we watch the *directory* and
// re-read on any event. inotify is not available everywhere (some network
// and overlay filesystems), so a slow poll backs the watcher up. Both paths
// funnel into one serialised check that compares content, so duplicate or
// spurious events cost one small read.
import { watch, type FSWatcher } from 'node:fs';
import { dirname } from 'node:path';
import { parseConfig, readConfigFile, type AppConfig } from './config.js';

export interface ConfigWatcherOptions {
  file: string;
  /** Content of the file as loaded at start, so the first check is a no-op. */
  initialText: string;
  watch: boolean;
  pollIntervalMs: number;
  onReload: (config: AppConfig) => void;
  onInvalid: (error: Error) => void;
  onWatchError: (error: Error) => void;
}

export interface ConfigWatcher {
  /** Re-read now; resolves when the check (and any queued one) is done. */
  check(): Promise<void>;
  close(): void;
}

// Bursts of events (the kubelet swap fires several) collapse into one read.
const DEBOUNCE_MS = 50;

export function watchConfig(opts: ConfigWatcherOptions): ConfigWatcher {
  let lastText = opts.initialText;
  let running: Promise<void> | undefined;
  let again = false;
  let debounce: NodeJS.Timeout | undefined;

  async function readOnce(): Promise<void> {
    let text: string;
    try {
      text = await readConfigFile(opts.file);
    } catch (err) {
      // A marker no real file content can equal: reports an unreadable file
      // once, and makes the next successful read count as a change.
      const marker = `\0unreadable: ${(err as Error).message}`;
      if (marker === lastText) return;
      lastText = marker;
      return opts.onInvalid(err as Error);
    }
    if (text === lastText) return;
    // Remember invalid content too, so a bad file is reported once, not on every poll.
    lastText = text;
    try {
      opts.onReload(parseConfig(text, opts.file));
    } catch (err) {
      opts.onInvalid(err as Error);
    }
  }

  function check(): Promise<void> {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        await readOnce();
      } while (again);
    })().finally(() => (running = undefined));
    return running;
  }

  function schedule(): void {
    clearTimeout(debounce);
    debounce = setTimeout(() => void check(), DEBOUNCE_MS);
    debounce.unref();
  }

  const watcher = opts.watch ? startWatcher(dirname(opts.file), schedule, opts.onWatchError) : undefined;
  const poll = opts.pollIntervalMs > 0 ? setInterval(() => void check(), opts.pollIntervalMs) : undefined;
  // Timers must not keep the process alive during shutdown.
  poll?.unref();

  return {
    check,
    close() {
      watcher?.close();
      clearInterval(poll);
      clearTimeout(debounce);
    },
  };
}

function startWatcher(dir: string, onEvent: () => void, onError: (e: Error) => void): FSWatcher | undefined {
  try {
    const watcher = watch(dir, { persistent: false }, onEvent);
    // After an error the watcher is dead; the poll keeps reloads working.
    watcher.on('error', (err) => {
      watcher.close();
      onError(err);
    });
    return watcher;
  } catch (err) {
    onError(err as Error);
    return undefined;
  }
}
