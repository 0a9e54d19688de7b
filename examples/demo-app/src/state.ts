// The mutable state the endpoints report on. One object, owned by main.ts,
// changed only by the config watcher and the shutdown sequence.
import type { AppConfig } from './config.js';

export interface AppState {
  config: AppConfig;
  /** Whether the file on disk is the config in use (false after a rejected reload). */
  configStatus: { ok: boolean; loadedAt: string; error?: string };
  shuttingDown: boolean;
}

export function createState(config: AppConfig): AppState {
  return {
    config,
    configStatus: { ok: true, loadedAt: new Date().toISOString() },
    shuttingDown: false,
  };
}
