import { existsSync } from 'node:fs';
import { ConfigError, loadConfig } from './config/config';
import { createApp } from './app';
import { createLogger } from './logging/logger';

async function main(): Promise<void> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  const config = loadConfig(process.env);
  const logger = createLogger(config.logLevel);
  const app = await createApp(config, logger);
  await app.listen();

  const shutdown = async (signal: string): Promise<void> => {
    logger.info({ signal }, 'shutting down: finishing in-flight turns');
    await app.close();
    logger.info('stopped');
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((err: unknown) => {
  // Configuration errors name the variable; print them plainly so an operator sees them at once.
  const message = err instanceof ConfigError ? err.message : err instanceof Error ? (err.stack ?? err.message) : String(err);
  process.stderr.write(`${JSON.stringify({ level: 'fatal', msg: 'startup failed', error: message })}\n`);
  process.exit(1);
});
