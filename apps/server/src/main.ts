import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { ConfigError, loadConfig } from '@cap-iae/config';
import { tuneGarbageCollector } from '@cap-iae/shared';
import { SourceScheduler } from '@cap-iae/plugin-host';
import { createApp } from './create-app';

async function main(): Promise<void> {
  tuneGarbageCollector();
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const app = await createApp(config);
  // Scheduled sources run in the server process only (the CLI and the tests drive runs themselves).
  app.get(SourceScheduler).start();
  await app.listen(config.port, config.host);
  const shown = config.host === '0.0.0.0' ? 'localhost' : config.host;
  new Logger('Cap IAE').log(`Application prête : http://${shown}:${config.port}`);
}

main().catch((error: unknown) => {
  process.stderr.write(`Échec du démarrage : ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
