import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { repoPath } from '@cap-iae/shared';
import { axisLabelFr, territoryBarsOption } from './charts/chart-options';
import { departmentsSvgTree } from './charts/departments-map';
import { renderChartSvg } from './charts/svg-renderer';
import { extractSommaire } from './pdf/pdf-renderer';
import { pdfDate, readPdfStructure, setPdfDates } from './pdf/pdf-structure';
import { parseManifest } from './templates/report-manifest';
import { TemplateError } from './templates/template-error';
import { TemplateStore } from './templates/template-store';
import { canonicalJson, sha256Hex } from './view-model/canonical-json';
import { assertViewModel, missingValues } from './view-model/view-model-validation';
import type { BilanViewModel } from './view-model/bilan-view-model';

/** A small PDF laid out like Chromium's: classic cross-reference table, page tree, named destinations. */
function tinyPdf(): Buffer {
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R /Dests 6 0 R >>',
    '<< /Type /Pages /Kids [3 0 R 7 0 R] /Count 3 >>',
    '<< /Type /Page /Parent 2 0 R >>',
    '<< /Type /Page /Parent 7 0 R >>',
    '<< /Type /Page /Parent 7 0 R >>',
    '<< /synthese [4 0 R /XYZ 0 800 0] /axe#2D2 [5 0 R /XYZ 0 800 0] >>',
    '<< /Type /Pages /Kids [4 0 R 5 0 R] /Count 2 >>',
  ];
  let text = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(Buffer.byteLength(text, 'latin1'));
    text += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = Buffer.byteLength(text, 'latin1');
  text += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const o of offsets) text += `${String(o).padStart(10, '0')} 00000 n \n`;
  text += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R /Info 8 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  text = text.replace('/Dests 6 0 R >>', "/Dests 6 0 R /CreationDate (D:20261123193336+00'00') >>");
  return Buffer.from(text, 'latin1');
}

describe('PDF structure', () => {
  it('reads the page order through nested page trees and the page of each named destination', () => {
    const pdf = tinyPdf();
    const s = readPdfStructure(pdf);
    expect(s.pageCount).toBe(3);
    expect(s.destinations.get('synthese')).toBe(2);
    expect(s.destinations.get('axe-2')).toBe(3);
  });

  it('sets the creation date without changing the file length', () => {
    const pdf = tinyPdf();
    const dated = setPdfDates(pdf, new Date('2021-12-31T10:00:00Z'));
    expect(dated.length).toBe(pdf.length);
    expect(dated.toString('latin1')).toContain(
      `/CreationDate (${pdfDate(new Date('2021-12-31T10:00:00Z'))})`,
    );
    expect(pdfDate(new Date('2021-12-31T10:00:00Z'))).toBe("D:20211231100000+00'00'");
  });
});

describe('sommaire', () => {
  it('lists the headings marked data-toc, with their level and text', () => {
    const entries = extractSommaire(
      '<h2 id="synthese" data-toc="1">Synthèse</h2><h3>Pas au sommaire</h3>' +
        '<h3 id="axe-1" data-toc="2">Axe 1 — L&#x27;attractivité &amp; <em>la visibilité</em></h3>',
    );
    expect(entries).toEqual([
      { id: 'synthese', level: 1, title: 'Synthèse', page: '' },
      { id: 'axe-1', level: 2, title: "Axe 1 — L'attractivité & la visibilité", page: '' },
    ]);
  });
});

describe('canonical JSON and hash', () => {
  it('does not depend on key order, and refuses values without a JSON form', () => {
    expect(canonicalJson({ b: 1, a: [true, null, 'x'] })).toBe('{"a":[true,null,"x"],"b":1}');
    expect(sha256Hex(canonicalJson({ a: 1, b: 2 }))).toBe(sha256Hex(canonicalJson({ b: 2, a: 1 })));
    expect(() => canonicalJson({ a: undefined })).toThrow('$.a');
    expect(() => canonicalJson({ a: Number.NaN })).toThrow('nombre non fini');
  });
});

describe('view-model validation', () => {
  it('names every missing value and the template, in French', () => {
    const vm = {
      kind: 'cdiae',
      territory: { code: 'DEP-93' },
      axes: [{ objectives: [{ value: undefined }] }],
    };
    expect(missingValues(vm)).toEqual(['axes[0].objectives[0].value']);
    expect(() => assertViewModel(vm as unknown as BilanViewModel, 'cdiae')).toThrow(
      /Bilan CDIAE \(modèle « cdiae »\) : données incomplètes, valeur manquante pour .*« bilan\.region »/,
    );
    try {
      assertViewModel(vm as unknown as BilanViewModel, 'cdiae');
    } catch (e) {
      expect((e as { issues: { field: string }[] }).issues.map((i) => i.field)).toContain(
        'bilan.axes[0].objectives[0].value',
      );
    }
  });
});

describe('report.json', () => {
  it('accepts the shipped templates', () => {
    for (const id of ['cor-iae', 'cdiae']) {
      const raw: unknown = JSON.parse(
        fs.readFileSync(repoPath('templates', 'bilans', id, 'report.json'), 'utf8'),
      );
      expect(parseManifest(id, raw).issues).toEqual([]);
    }
  });

  it('lists every problem with its field', () => {
    const { issues } = parseManifest('x', {
      title: '',
      kind: 'cor-iae',
      sections: [{ id: 'inconnue', title: 'A' }],
      options: { accentColor: 'bleu', couleur: 1 },
    });
    expect(issues).toEqual([
      '« title » : texte obligatoire',
      expect.stringContaining('« sections[0] ».id : « inconnue » inconnu'),
      '« options.accentColor » : couleur #rrggbb attendue',
      expect.stringContaining('« options.couleur » inconnue'),
    ]);
  });
});

describe('templates', () => {
  let root: string;
  const write = (rel: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text);
  };
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'cap-iae-modeles-'));
    write('layouts/document.hbs', '<html lang="fr"><title>{{document.title}}</title>{{body}}</html>');
    write('layouts/header.hbs', '<span></span>');
    write('layouts/footer.hbs', '<span>{{document.title}}</span>');
    write('styles/print.css', 'body { color: black; }');
    write(
      'bilans/essai/report.json',
      JSON.stringify({ title: 'Essai', kind: 'cdiae', sections: [{ id: 'synthese', title: 'Synthèse' }] }),
    );
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  const context = (bilan: unknown) =>
    ({
      bilan,
      document: { templateId: 'essai', title: 'Essai' },
      sommaire: [],
      charts: {},
    }) as unknown as Parameters<ReturnType<TemplateStore['load']>['renderDocument']>[0];

  it('names the template, the file, the line and the whole path of a field the data lacks', () => {
    write('bilans/essai/report.hbs', '<p>\n  {{bilan.synthese.total}}\n</p>');
    const template = new TemplateStore(root).load('essai', 'cdiae');
    expect(() => template.renderDocument(context({ synthese: {} }))).toThrow(
      `Modèle de bilan « essai » (${path.basename(root)}/bilans/essai/report.hbs, ligne 2) : le champ « bilan.synthese.total » n’existe pas dans les données du bilan`,
    );
    expect(template.renderDocument(context({ synthese: { total: 3 } }))).toContain('3');
  });

  it('names the partial a missing field is in', () => {
    write('partials/bloc.hbs', '{{bilan.absent}}');
    write('bilans/essai/report.hbs', '{{> bloc}}');
    const template = new TemplateStore(root).load('essai');
    expect(() => template.renderDocument(context({}))).toThrow(
      /partials\/bloc\.hbs, ligne 1\) : le champ « bilan\.absent »/,
    );
  });

  it('reports a syntax error at load, with its line', () => {
    write('bilans/essai/report.hbs', '<p>\n{{#each bilan.lignes}}\n{{this}}\n');
    expect(() => new TemplateStore(root).load('essai')).toThrow(TemplateError);
    expect(() => new TemplateStore(root).load('essai')).toThrow(
      /report\.hbs, ligne \d\) : erreur de syntaxe Handlebars/,
    );
  });

  it('refuses a template of another kind, and a missing folder', () => {
    write('bilans/essai/report.hbs', 'x');
    expect(() => new TemplateStore(root).load('essai', 'cor-iae')).toThrow(
      'ce modèle est un bilan « cdiae », pas « cor-iae »',
    );
    expect(() => new TemplateStore(root).load('absent')).toThrow(/Modèle de bilan « absent »/);
  });

  it('inlines local assets as data URIs and leaves remote ones to the renderer, which blocks them', () => {
    write('fonts/essai.woff2', 'police');
    write(
      'styles/fonts.css',
      "@font-face { src: url('../fonts/essai.woff2'); } .x { background: url(http://example.org/x.png); }",
    );
    write('bilans/essai/report.hbs', 'corps');
    write('layouts/document.hbs', '{{styles}}');
    const html = new TemplateStore(root).load('essai').renderDocument(context({}));
    expect(html).toContain(`url("data:font/woff2;base64,${Buffer.from('police').toString('base64')}")`);
    expect(html).toContain('url(http://example.org/x.png)');
  });

  it('recompiles a template whose file changed', () => {
    write('bilans/essai/report.hbs', 'un');
    const store = new TemplateStore(root);
    expect(store.load('essai').renderDocument(context({}))).toContain('un');
    write('bilans/essai/report.hbs', 'deux, plus long');
    expect(store.load('essai').renderDocument(context({}))).toContain('deux');
  });
});

describe('charts', () => {
  it('labels axes in French and bars with the French text they are given', () => {
    expect(axisLabelFr(12_500_000, 'euro')).toBe('12,5\u00a0M€');
    expect(axisLabelFr(45, 'percent')).toBe('45\u00a0%');
    expect(axisLabelFr(1500, 'number')).toBe('1\u202f500');
    expect(axisLabelFr(-3.2, 'points')).toBe('−3,2');
    const option = territoryBarsOption({
      format: 'number',
      horizontal: true,
      bars: [{ label: '75', value: 1200, text: '1 200' }],
    });
    const series = option.series as { data: { label: { formatter: string; position: string } }[] }[];
    expect(series[0].data[0].label).toMatchObject({ formatter: '1 200', position: 'right' });
  });

  it('renders the same SVG for the same chart, with ids of its own', () => {
    const chart = {
      id: 'essai',
      width: 400,
      height: 200,
      option: territoryBarsOption({ format: 'number', bars: [{ label: '75', value: 1200, text: '1 200' }] }),
    };
    const a = renderChartSvg(chart);
    expect(renderChartSvg(chart)).toBe(a);
    expect(a).toContain('essai-');
    expect(a).not.toMatch(/\bzr\d+-/);
    expect(a).toContain('1 200');
  });

  it('draws the départements of a région from the map package, named by INSEE code', () => {
    const { drawn } = departmentsSvgTree(['75', '93', '971']);
    expect(drawn).toEqual(['75', '93']);
  });
});
