import { INestApplication, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { AppConfig } from '@cap-iae/config';
import { Bootstrapper } from '@cap-iae/core';
import { AppModule } from './app.module';

const LEVELS: Record<AppConfig['logLevel'], LogLevel[]> = {
  error: ['fatal', 'error'],
  warn: ['fatal', 'error', 'warn'],
  log: ['fatal', 'error', 'warn', 'log'],
  debug: ['fatal', 'error', 'warn', 'log', 'debug'],
};

export function buildOpenApi(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Cap IAE — API')
    .setDescription(
      "API de la plateforme Cap IAE : référentiel (territoires, stratégies, Pacte d'ambition), indicateurs, cibles et valeurs. " +
        'Les erreurs sont décrites en français, champ par champ.',
    )
    .setVersion('1')
    .build();
  return SwaggerModule.createDocument(app, config);
}

/** Builds the HTTP app (used by main and by the e2e tests, so that tests exercise the real wiring). */
export async function createApp(
  config: AppConfig,
  options: { prepare?: boolean; demo?: boolean } = {},
): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    logger: LEVELS[config.logLevel],
    bodyParser: false,
  });
  app.useBodyParser('json', { limit: '20mb' });
  app.disable('x-powered-by');
  app.enableShutdownHooks();
  if (options.prepare ?? true) await app.get(Bootstrapper).prepare({ demo: options.demo });
  // The Swagger UI assets come from the swagger-ui-dist package and are served by the app itself (no CDN).
  SwaggerModule.setup('api/docs', app, buildOpenApi(app), {
    jsonDocumentUrl: 'api/docs-json',
    customSiteTitle: 'Cap IAE — API',
  });
  return app;
}
