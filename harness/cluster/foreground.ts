// For commands that keep an environment up in the foreground (npm run cluster:up,
// npm run tutorial:up): Ctrl-C or SIGTERM stops it, removes the state files that announced it,
// and exits (1 when stopping failed).
import { rmSync } from 'node:fs';

export interface ForegroundOptions {
  /** What is stopping, for the message. */
  label: string;
  /** Stops the environment; may be called before it exists (then it has nothing to stop). */
  stop: () => Promise<unknown> | undefined;
  /** Files to remove once stopped (state and env files). */
  files: string[];
}

export function stopOnSignals({ label, stop, files }: ForegroundOptions): void {
  const shutdown = async (signal: string) => {
    console.log(`\n${signal}: stopping ${label} …`);
    try {
      await stop();
      console.log('stopped; nothing left running.');
    } catch (error) {
      console.error(error instanceof Error ? error.message : String(error));
      process.exitCode = 1;
    } finally {
      for (const file of files) rmSync(file, { force: true });
      process.exit();
    }
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}
