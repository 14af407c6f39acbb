import { Controller, Get, Header } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { StrategiesService } from '@cap-iae/strategy';
import { Access } from './access/access.decorator';

function escapeHtml(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}

/** Landing page until the dashboard lands: what the platform holds and where its API is documented. */
@ApiExcludeController()
@Access('reference', 'read')
@Controller()
export class HomeController {
  constructor(private readonly strategies: StrategiesService) {}

  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  async home(): Promise<string> {
    const strategies = await this.strategies.list();
    const list = strategies
      .map(
        (s) =>
          `<li><strong>${escapeHtml(s.title)}</strong> (${s.startYear}-${s.endYear}) : ${s.axes.length} axes, ` +
          `${s.axes.reduce((n, a) => n + a.objectives.length, 0)} objectifs</li>`,
      )
      .join('');
    return `<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Cap IAE</title>
<style>body{font-family:system-ui,sans-serif;max-width:48rem;margin:2rem auto;padding:0 1rem;color:#161616;line-height:1.5}
a{color:#000091}a:focus{outline:2px solid #0a76f6;outline-offset:2px}</style></head>
<body><header><p><a href="#contenu">Aller au contenu</a></p><h1>Cap IAE</h1>
<p>Pilotage de la stratégie régionale de l’insertion par l’activité économique.</p></header>
<main id="contenu"><h2>Stratégies suivies</h2><ul>${list}</ul>
<h2>Interface de programmation</h2><p><a href="/api/docs">Documentation de l’API (OpenAPI)</a></p></main></body></html>`;
  }
}
