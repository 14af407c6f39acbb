import { INestApplication, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import cookieParser from 'cookie-parser';
import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import { repoPath, runInContext } from '@cap-iae/shared';
import { registerViewHelpers } from './pages/view-helpers';
import { vendorAssets } from './dashboard/vendor-assets';
import type { AppRequest } from './access/request-principal';
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
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: "Jeton d'API (capiae_…)" })
    .addCookieAuth('capiae_session')
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
  app.useBodyParser('urlencoded', { extended: false, limit: '1mb' });
  app.use(cookieParser());
  // Each request runs in its own context; the access guard fills in who is calling, the audit trail reads it.
  app.use((req: AppRequest, _res: unknown, next: () => void) => {
    req.requestId = randomUUID();
    runInContext({ actor: 'public', channel: 'web', requestId: req.requestId }, next);
  });
  app.disable('x-powered-by');
  // Behind a reverse proxy, req.secure and req.ip come from X-Forwarded-* (Secure cookies, throttling per address).
  app.set('trust proxy', config.trustProxy);
  app.enableShutdownHooks();
  // Pages: server-rendered Handlebars with the State's design system, every asset served by the app itself.
  const views = repoPath('apps', 'server', 'views');
  registerViewHelpers(views);
  app.setBaseViewsDir(views);
  app.setViewEngine('hbs');
  app.set('view options', { layout: 'layouts/main' });
  app.useStaticAssets(path.dirname(require.resolve('@gouvfr/dsfr/dist/dsfr.min.css')), {
    prefix: '/dsfr',
    maxAge: '7d',
  });
  app.useStaticAssets(repoPath('apps', 'server', 'static'), { prefix: '/static', maxAge: '1h' });
  // Charts and map of the dashboard (ECharts, département outlines), from the installed packages.
  app.use(vendorAssets);
  if (options.prepare ?? true) await app.get(Bootstrapper).prepare({ demo: options.demo });
  // The Swagger UI assets come from the swagger-ui-dist package and are served by the app itself (no CDN).
  SwaggerModule.setup('api/docs', app, buildOpenApi(app), {
    jsonDocumentUrl: 'api/docs-json',
    customSiteTitle: 'Cap IAE — API',
  });
  return app;
}
