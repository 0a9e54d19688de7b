// Entry point: validate settings and config (fail fast), then serve.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConfig, type AppConfig } from './config.js';
import { watchConfig, type ConfigWatcher } from './config-watcher.js';
import { createLogger, type Logger } from './logger.js';
import { createMetrics, type Metrics } from './metrics.js';
import { createAppServer } from './server.js';
import { readSettings, type Settings } from './settings.js';
import { installShutdown } from './shutdown.js';
import { createState, type AppState } from './state.js';
import { startTracing } from './tracing.js';

async function main(): Promise<void> {
  const settings = settingsOrExit();
  const log = createLogger({ level: settings.logLevel, version: settings.version });
  installCrashHandlers(log);
  const { config, text } = await loadConfig(settings.configPath).catch((err: Error) => exitFatal(log, err));
  applyLogLevel(log, config, settings);
  log.info({ configPath: settings.configPath, environment: config.environment }, 'config loaded');
  const build = { version: settings.version, commit: settings.commit };
  const tracing = await startTracing({ otlpEndpoint: settings.otlpEndpoint, version: settings.version }, log);
  const metrics = createMetrics(build);
  const state = createState(config);
  const watcher = startConfigWatcher(settings, text, state, metrics, log);
  const server = createAppServer({ state, metrics, log, build });
  const cleanup = async () => {
    watcher.close();
    await tracing.shutdown();
  };
  installShutdown({ server, state, log, cleanup });
  await listen(server, settings, log).catch((err: Error) => exitFatal(log, err));
}

// Settings are read before the logger exists (LOG_LEVEL is one of them).
function settingsOrExit(): Settings {
  try {
    return readSettings();
  } catch (err) {
    exitFatal(createLogger({ level: 'info', version: process.env.APP_VERSION ?? 'unknown' }), err as Error);
  }
}

function exitFatal(log: Logger, err: Error): never {
  // pino writes synchronously to stdout by default, so this line is not lost.
  log.fatal({ error: err.message }, `cannot start: ${err.message}`);
  process.exit(1);
}

// Log crashes as JSON too, so the pipeline that reads our logs sees them.
function installCrashHandlers(log: Logger): void {
  process.on('uncaughtException', (err) => exitFatal(log, err));
  process.on('unhandledRejection', (reason) => exitFatal(log, reason instanceof Error ? reason : new Error(String(reason))));
}

function startConfigWatcher(settings: Settings, text: string, state: AppState, metrics: Metrics, log: Logger): ConfigWatcher {
  metrics.configLastReloadOk.set(1);
  return watchConfig({
    file: settings.configPath,
    initialText: text,
    watch: settings.configWatch,
    pollIntervalMs: settings.configPollIntervalMs,
    onReload(config) {
      state.config = config;
      applyLogLevel(log, config, settings);
      state.configStatus = { ok: true, loadedAt: new Date().toISOString() };
      metrics.configReloads.inc({ result: 'success' });
      metrics.configLastReloadOk.set(1);
      log.info({ configPath: settings.configPath, environment: config.environment }, 'config reloaded');
    },
    onInvalid(err) {
      state.configStatus = { ...state.configStatus, ok: false, error: err.message };
      metrics.configReloads.inc({ result: 'failure' });
      metrics.configLastReloadOk.set(0);
      log.error({ configPath: settings.configPath, error: err.message }, 'config reload rejected; keeping the previous config');
    },
    onWatchError(err) {
      log.warn({ error: err.message }, 'config directory watch failed; relying on polling');
    },
  });
}

// The config file's logLevel wins over env LOG_LEVEL, so an operator can turn
// on debug logging with a ConfigMap edit and no restart.
function applyLogLevel(log: Logger, config: AppConfig, settings: Settings): void {
  log.level = config.logLevel ?? settings.logLevel;
}

function listen(server: Server, settings: Settings, log: Logger): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(settings.port, settings.host, () => {
      const { address, port } = server.address() as AddressInfo;
      log.info({ host: address, port }, 'listening');
      resolve();
    });
  });
}

await main();
