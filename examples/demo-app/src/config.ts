// The runtime config is a JSON file mounted from a ConfigMap. Validation
// collects every problem at once so one failed rollout shows all mistakes,
// and every message names the file, because the operator reading a crash
// log needs to know which mount to fix.
import { readFile } from 'node:fs/promises';

export interface AppConfig {
  /** Shown by GET /. */
  greeting: string;
  /** Free-form environment name (staging, production, ...), shown by GET /. */
  environment: string;
  /** Which cluster and region serve the request, shown by GET / when set. */
  cluster?: string;
  region?: string;
  /** Overrides env LOG_LEVEL, and takes effect on reload without a restart. */
  logLevel?: string;
  shutdown: {
    /** Keep serving while endpoints controllers remove the pod from Services. */
    preStopDelayMs: number;
    /** Upper bound for in-flight requests to finish after the listener closes. */
    drainTimeoutMs: number;
  };
  /** Enables GET /slow?ms=N, used to demonstrate and test draining. */
  enableSlowEndpoint: boolean;
}

export class ConfigError extends Error {
  constructor(readonly file: string, problem: string) {
    super(`invalid config file ${file}: ${problem}`);
  }
}

const DEFAULTS = {
  environment: 'unknown',
  preStopDelayMs: 5_000,
  drainTimeoutMs: 20_000,
  enableSlowEndpoint: false,
};

const TOP_KEYS = ['greeting', 'environment', 'cluster', 'region', 'logLevel', 'shutdown', 'enableSlowEndpoint'];
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
const SHUTDOWN_KEYS = ['preStopDelayMs', 'drainTimeoutMs'];
const MAX_DELAY_MS = 600_000;

export async function readConfigFile(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    throw new ConfigError(file, `cannot read it (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
}

export function parseConfig(text: string, file: string): AppConfig {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(file, `not valid JSON (${(err as Error).message})`);
  }
  const problems: string[] = [];
  const config = validate(value, problems);
  if (!config || problems.length > 0) throw new ConfigError(file, problems.join('; '));
  return config;
}

export async function loadConfig(file: string): Promise<{ config: AppConfig; text: string }> {
  const text = await readConfigFile(file);
  return { config: parseConfig(text, file), text };
}

function validate(value: unknown, problems: string[]): AppConfig | undefined {
  if (!isObject(value)) {
    problems.push('top level must be a JSON object');
    return undefined;
  }
  rejectUnknownKeys(value, TOP_KEYS, '', problems);
  const shutdown = value.shutdown ?? {};
  if (!isObject(shutdown)) problems.push('shutdown: must be an object');
  else rejectUnknownKeys(shutdown, SHUTDOWN_KEYS, 'shutdown.', problems);
  const s = isObject(shutdown) ? shutdown : {};
  return {
    greeting: text(value.greeting, 'greeting', problems) ?? '',
    environment: text(value.environment, 'environment', problems, DEFAULTS.environment) ?? '',
    ...optionalText(value, 'cluster', problems),
    ...optionalText(value, 'region', problems),
    ...logLevel(value.logLevel, problems),
    shutdown: {
      preStopDelayMs: millis(s.preStopDelayMs, 'shutdown.preStopDelayMs', DEFAULTS.preStopDelayMs, problems),
      drainTimeoutMs: millis(s.drainTimeoutMs, 'shutdown.drainTimeoutMs', DEFAULTS.drainTimeoutMs, problems),
    },
    enableSlowEndpoint: flag(value.enableSlowEndpoint, 'enableSlowEndpoint', DEFAULTS.enableSlowEndpoint, problems),
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// A misspelt key would otherwise be ignored silently and its default used.
function rejectUnknownKeys(obj: Record<string, unknown>, allowed: string[], prefix: string, problems: string[]): void {
  for (const key of Object.keys(obj)) {
    if (!allowed.includes(key)) problems.push(`${prefix}${key}: unknown key (allowed: ${allowed.join(', ')})`);
  }
}

// Without a fallback the key is required.
function text(value: unknown, path: string, problems: string[], fallback?: string): string | undefined {
  if (value === undefined && fallback !== undefined) return fallback;
  if (typeof value !== 'string' || value.trim() === '' || value.length > 200) {
    problems.push(`${path}: must be a non-empty string of at most 200 characters`);
    return undefined;
  }
  return value;
}

// Absent keys stay absent, so GET / shows only what the operator set.
function optionalText(obj: Record<string, unknown>, key: 'cluster' | 'region', problems: string[]): Partial<AppConfig> {
  if (obj[key] === undefined) return {};
  const value = text(obj[key], key, problems);
  return value === undefined ? {} : { [key]: value };
}

function logLevel(value: unknown, problems: string[]): Partial<AppConfig> {
  if (value === undefined) return {};
  if (typeof value !== 'string' || !LOG_LEVELS.includes(value)) {
    problems.push(`logLevel: must be one of ${LOG_LEVELS.join(', ')}`);
    return {};
  }
  return { logLevel: value };
}

function millis(value: unknown, path: string, fallback: number, problems: string[]): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_DELAY_MS) {
    problems.push(`${path}: must be an integer number of milliseconds from 0 to ${MAX_DELAY_MS}`);
    return fallback;
  }
  return value;
}

function flag(value: unknown, path: string, fallback: boolean, problems: string[]): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') {
    problems.push(`${path}: must be true or false`);
    return fallback;
  }
  return value;
}
