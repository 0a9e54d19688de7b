// Process settings come from environment variables: they describe *where* the
// process runs (port, paths, build identity). Behaviour that operators change
// at runtime lives in the mounted config file instead (see config.ts).
import { LOG_LEVELS } from './config.js';

export interface Settings {
  port: number;
  host: string;
  configPath: string;
  /** fs.watch on the config directory; turn off where inotify is unavailable. */
  configWatch: boolean;
  /** Poll fallback for missed watch events; 0 disables polling. */
  configPollIntervalMs: number;
  logLevel: string;
  version: string;
  commit: string;
  /** Tracing is on only when the standard OTLP endpoint variable is set. */
  otlpEndpoint: string | undefined;
}

export class SettingsError extends Error {}

type Env = Record<string, string | undefined>;

export function readSettings(env: Env = process.env): Settings {
  return {
    port: intVar(env, 'PORT', 8080, 0, 65535),
    host: nonEmpty(env.HOST) ?? '0.0.0.0',
    configPath: nonEmpty(env.CONFIG_PATH) ?? '/etc/demo-app/config.json',
    configWatch: boolVar(env, 'CONFIG_WATCH', true),
    configPollIntervalMs: intVar(env, 'CONFIG_POLL_INTERVAL_MS', 10_000, 0, 3_600_000),
    logLevel: logLevel(env),
    version: nonEmpty(env.APP_VERSION) ?? '0.0.0-dev',
    commit: nonEmpty(env.APP_COMMIT) ?? 'unknown',
    otlpEndpoint: nonEmpty(env.OTEL_EXPORTER_OTLP_ENDPOINT),
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

function intVar(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = nonEmpty(env[name]);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new SettingsError(`env ${name}: must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

function boolVar(env: Env, name: string, fallback: boolean): boolean {
  const raw = nonEmpty(env[name])?.toLowerCase();
  if (raw === undefined) return fallback;
  if (raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0') return false;
  throw new SettingsError(`env ${name}: must be true or false, got "${env[name]}"`);
}

function logLevel(env: Env): string {
  const raw = nonEmpty(env.LOG_LEVEL)?.toLowerCase() ?? 'info';
  if (!LOG_LEVELS.includes(raw)) {
    throw new SettingsError(`env LOG_LEVEL: must be one of ${LOG_LEVELS.join(', ')}, got "${env.LOG_LEVEL}"`);
  }
  return raw;
}
