import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { loadConfig } from '@cap-iae/config';
import {
  assertViewModel,
  BilanGenerator,
  BilanViewModel,
  extractSommaire,
  renderBilanHtml,
  TemplateStore,
} from '@cap-iae/reporting';
import { repoPath, runInContext } from '@cap-iae/shared';
import { BilanNarrativesService } from '@cap-iae/reporting';
import { startTestApp } from '../support/test-app';
import { testDbKind } from '../support/test-database';

/**
 * Golden files of the two bilans' HTML, rendered from fixed view-models (test/fixtures/golden/*.view-model.json)
 * with a fixed edition date: any change to a template, a partial, a style sheet or a chart shows here as a diff to
 * review. `UPDATE_GOLDEN=1` rebuilds the view-models from the demo data and rewrites every file.
 * Embedded files (fonts) are replaced by their hash, so that the golden files stay readable. The HTML is kept as
 * rendered (`.html.golden`: not reformatted by Prettier), the view-models as Prettier writes JSON.
 */
const GOLDEN = repoPath('test', 'fixtures', 'golden');
const EDITED_AT = new Date('2022-03-15T09:30:00Z');
const update = process.env.UPDATE_GOLDEN === '1';
const BILANS = [
  { kind: 'cor-iae', territory: 'REG-11' },
  { kind: 'cdiae', territory: 'DEP-93' },
] as const;

function readable(html: string): string {
  return html.replace(/data:([\w/+.-]+);base64,([A-Za-z0-9+/=]+)/g, (_, mime: string, data: string) => {
    const hash = createHash('sha256').update(data).digest('hex').slice(0, 16);
    return `data:${mime};sha256-${hash}`;
  });
}

async function render(vm: BilanViewModel): Promise<string> {
  const template = new TemplateStore(repoPath('templates')).load(vm.kind, vm.kind);
  // The sommaire as in the first layout: every entry, with its placeholder number.
  const entries = extractSommaire(await renderBilanHtml(vm, template, EDITED_AT)).map((e) => ({
    ...e,
    page: '00',
  }));
  return readable(await renderBilanHtml(vm, template, EDITED_AT, entries));
}

const run = testDbKind() === 'sqlite' ? describe : describe.skip;

run('golden HTML of the bilans', () => {
  if (update) {
    it('rebuilds the view-models from the demo data and rewrites the golden files', async () => {
      const t = await startTestApp({
        demo: true,
        checkAudit: false,
        config: { reporting: loadConfig({ NODE_ENV: 'test' }).reporting },
      });
      try {
        const generator = t.app.get(BilanGenerator);
        fs.mkdirSync(GOLDEN, { recursive: true });
        for (const b of BILANS) {
          const key = { kind: b.kind, territory: b.territory, strategy: 'IDF-2021-2022', year: 2021 };
          await runInContext({ actor: 'redactrice@test.cap-iae.fr', channel: 'system' }, () =>
            t.app.get(BilanNarrativesService).save(
              key,
              [
                {
                  ref: 'synthese',
                  text: 'Premier paragraphe de la synthèse.\n\nSecond paragraphe, avec « guillemets » & esperluette.',
                },
                { ref: 'objectif:1.1', text: 'Un texte court pour l’objectif 1.1.' },
              ],
              'redactrice@test.cap-iae.fr',
            ),
          );
          const { vm } = await generator.viewModel(key);
          const file = path.join(GOLDEN, `${b.kind}.view-model.json`);
          fs.writeFileSync(file, JSON.stringify(vm));
          // Prettier runs in its own process: its ES modules do not load inside Jest.
          execFileSync(process.execPath, [
            repoPath('node_modules', 'prettier', 'bin', 'prettier.cjs'),
            '--write',
            file,
          ]);
          fs.writeFileSync(path.join(GOLDEN, `${b.kind}.html.golden`), await render(vm));
        }
      } finally {
        await t.close();
      }
    }, 120_000);
    return;
  }

  it.each(BILANS.map((b) => b.kind))('renders the bilan %s as its golden file', async (kind) => {
    const vm = JSON.parse(
      fs.readFileSync(path.join(GOLDEN, `${kind}.view-model.json`), 'utf8'),
    ) as BilanViewModel;
    assertViewModel(vm, kind);
    const html = await render(vm);
    const expected = fs.readFileSync(path.join(GOLDEN, `${kind}.html.golden`), 'utf8');
    if (html !== expected) {
      const actual = repoPath('test', 'artifacts', `golden-${kind}.html`);
      fs.mkdirSync(path.dirname(actual), { recursive: true });
      fs.writeFileSync(actual, html);
      const a = html.split('\n');
      const e = expected.split('\n');
      const line = a.findIndex((l, i) => l !== e[i]);
      throw new Error(
        `Le rendu HTML du bilan ${kind} a changé (ligne ${line + 1}) :\n  attendu : ${e[line]?.slice(0, 200)}\n  obtenu  : ${a[line]?.slice(0, 200)}\n` +
          `Rendu complet : ${actual}. Si le changement est voulu : UPDATE_GOLDEN=1 npx jest test/e2e/bilans-golden.`,
      );
    }
    expect(html).toContain('<html lang="fr">');
  });
});
