// JSON lines on stdout: the container runtime collects stdout, and a log
// pipeline can index the fields without parsing free text.
import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(opts: { level: string; version: string }): Logger {
  return pino({
    level: opts.level,
    base: { service: 'demo-app', version: opts.version },
    timestamp: pino.stdTimeFunctions.isoTime,
    // "level":"info" reads better in a log viewer than pino's numeric 30.
    formatters: { level: (label) => ({ level: label }) },
  });
}
