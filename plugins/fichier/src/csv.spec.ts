import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { RecordBatch } from '@cap-iae/plugin-sdk';
import { parseFileConfig } from './config';
import { readCsv } from './csv-reader';
import { contextOf, failureOf, FIXTURES, readAll } from './spec-helpers';

const BILAN = 'bilan-departements-utf8-bom.csv';
const BILAN_CONFIG = {
  indicatorColumn: 'Indicateur',
  territoryColumn: 'territoire',
  periodColumn: 'PERIODE',
  valueColumn: 'Valeur',
  dimensionColumns: { siae_type: 'Type de structure' },
};

const REGIONS = 'sorties-regions-cp1252.csv';
const REGIONS_CONFIG = {
  indicator: 'TAUX_ACCES_EMPLOI',
  territoryColumn: 'REGION',
  territoryFormat: 'insee-region',
  periodColumn: 'annee',
  // Straight apostrophes: the file has curly ones (Windows-1252 0x92).
  valueColumn: "Taux d'acces a l'emploi (%)",
  dimensionColumns: { sex: 'Sexe' },
};

const TRIMESTRES = 'sorties-trimestres.tsv';
const TRIMESTRES_CONFIG = {
  indicator: 'TAUX_SORTIE_DYNAMIQUE',
  territoryColumn: 'A',
  territoryFormat: 'insee-departement',
  periodColumn: 'Trimestre',
  numeratorColumn: 'Sorties dynamiques',
  denominatorColumn: 'F',
  dimensionColumns: { public: 'Public' },
};

const LARGE = 'bilan-large.csv';
const LARGE_CONFIG = {
  indicator: 'SALARIES_NB',
  territoryColumn: 'Code',
  territoryFormat: 'insee-departement',
  yearColumns: true,
  headerRow: 3,
};

const INJECTION = 'injection.csv';
const INJECTION_CONFIG = {
  indicatorColumn: 'Indicateur',
  territoryColumn: 'Territoire',
  periodColumn: 'Année',
  valueColumn: 'Valeur',
  dimensionColumns: { siae_type: 'Type de structure' },
};

describe('CSV « ; », UTF-8 with BOM, CRLF, French numbers', () => {
  it('reads every good row and reports every bad one with its line and column', async () => {
    const { records, warnings } = await readAll(BILAN, BILAN_CONFIG);
    const ref = (line: number) => ({ sourceRef: `${BILAN}, ligne ${line}`, line });
    expect(records).toEqual([
      {
        indicator: 'SIAE_NB',
        territory: 'DEP-93',
        period: '2021',
        dimensions: { siae_type: 'ACI' },
        value: 61,
        ...ref(2),
      },
      {
        indicator: 'SIAE_NB',
        territory: 'DEP-93',
        period: '2021',
        dimensions: { siae_type: 'EI' },
        value: 12,
        ...ref(3),
      },
      { indicator: 'ETP_CONVENTIONNES', territory: 'DEP-93', period: '2021', value: 1234.5, ...ref(4) },
      {
        indicator: 'ETP_CONVENTIONNES',
        territory: 'DEP-75',
        period: '2021-T3',
        value: 1204567.25,
        ...ref(5),
      },
      {
        indicator: 'SALARIES_NB',
        territory: 'REG-11',
        period: '2021',
        dimensions: { siae_type: 'AI' },
        value: 12345,
        ...ref(6),
      },
      { indicator: 'TAUX_SORTIE_DYNAMIQUE', territory: 'DEP-92', period: '2022', value: 45, ...ref(7) },
      { indicator: 'TAUX_SORTIE_DYNAMIQUE', territory: 'DEP-94', period: '2022', value: -3.5, ...ref(8) },
      {
        indicator: 'SIAE_NB',
        territory: 'DEP-2A',
        period: '2021',
        dimensions: { siae_type: 'EI' },
        value: 1002,
        ...ref(15),
      },
    ]);
    expect(warnings).toEqual([
      { line: 9, column: 'Valeur', message: 'valeur « 12,5,3 » illisible : nombre attendu' },
      {
        line: 10,
        column: 'Territoire',
        message: 'territoire « 99 » inconnu : code attendu comme DEP-93 ou REG-11',
      },
      { line: 11, column: 'Période', message: 'période manquante' },
      { line: 12, column: 'Valeur', message: 'valeur manquante' },
      // Lines 13 (empty) and 14 (« ;;;; ») are layout, skipped silently.
      { line: 16, column: 'Indicateur', message: 'indicateur manquant' },
      { line: 17, column: 'Valeur', message: 'valeur « 1 23 » illisible : nombre attendu' },
      // The note under the table fills the indicator column only.
      { line: 18, column: 'Territoire', message: 'territoire manquant' },
      { line: 18, column: 'Période', message: 'période manquante' },
    ]);
  });

  it('gives the same result whatever the read chunk size (characters and quotes split across chunks)', async () => {
    const expected = await readAll(BILAN, BILAN_CONFIG);
    for (const [file, raw] of [
      [BILAN, BILAN_CONFIG],
      [REGIONS, REGIONS_CONFIG],
      [TRIMESTRES, TRIMESTRES_CONFIG],
      [LARGE, LARGE_CONFIG],
    ] as const) {
      const whole = await readAll(file, raw);
      for (const size of [1, 2, 3, 7, 31]) {
        const ctx = contextOf(raw);
        const filePath = path.join(FIXTURES, file);
        const info = { path: filePath, name: file, size: fs.statSync(filePath).size };
        const records = [];
        const warnings = [];
        for await (const batch of readCsv(info, ctx.config, {}, ctx, size)) {
          records.push(...batch.records);
          warnings.push(...batch.warnings);
        }
        expect({ file, size, records, warnings }).toEqual({
          file,
          size,
          records: whole.records,
          warnings: whole.warnings,
        });
      }
    }
    expect(expected.records).toHaveLength(8);
  });

  it('honours the caller’s limits on indicators, territories and periods', async () => {
    const { records } = await readAll(BILAN, BILAN_CONFIG, {
      indicators: ['SIAE_NB', 'ETP_CONVENTIONNES'],
      territories: ['DEP-93', 'DEP-75'],
      periodFrom: '2021',
      periodTo: '2021',
    });
    expect(records.map((r) => r.line)).toEqual([2, 3, 4, 5]);
  });
});

describe('CSV « , », Windows-1252, accents in the headers', () => {
  it('detects the encoding and matches headers without case, accents or curly apostrophes', async () => {
    const { records, warnings } = await readAll(REGIONS, REGIONS_CONFIG);
    const base = { indicator: 'TAUX_ACCES_EMPLOI', period: '2021' };
    const ref = (line: number) => ({ sourceRef: `${REGIONS}, ligne ${line}`, line });
    expect(records).toEqual([
      { ...base, territory: 'REG-11', dimensions: { sex: 'F' }, value: 45.2, ...ref(2) },
      { ...base, territory: 'REG-11', dimensions: { sex: 'H' }, value: 38.5, ...ref(3) },
      { ...base, territory: 'REG-84', dimensions: { sex: 'F' }, value: 47, ...ref(4) },
      { ...base, territory: 'REG-01', dimensions: { sex: 'F' }, value: 52, ...ref(5) },
      { ...base, territory: 'REG-11', value: 44.1, ...ref(7) },
    ]);
    const column = 'Taux d’accès à l’emploi (%)';
    expect(warnings).toEqual([
      {
        line: 6,
        column: 'Région',
        message: 'territoire « Île-de-France » inconnu : code INSEE de région attendu (11, 84)',
      },
      { line: 8, column, message: 'valeur « 45,2,1 » illisible : nombre attendu' },
      { line: 9, column, message: 'valeur « 1 200 € » illisible : nombre attendu' },
    ]);
  });

  it('reads the same file as UTF-8 when told so, and then the accented headers no longer match', async () => {
    expect(await failureOf(REGIONS, { ...REGIONS_CONFIG, encoding: 'utf-8' })).toEqual({
      code: 'INPUT_INVALID',
      message: expect.stringMatching(
        /^colonne « REGION » \(territoire\) introuvable dans l'en-tête ligne 1/,
      ) as string,
    });
  });
});

describe('CSV TAB, quarters, numerator and denominator, multi-line cell', () => {
  it('numbers lines as a spreadsheet shows them, a quoted line break staying in its row', async () => {
    const { records, warnings } = await readAll(TRIMESTRES, TRIMESTRES_CONFIG);
    const base = { indicator: 'TAUX_SORTIE_DYNAMIQUE' };
    const ref = (line: number) => ({ sourceRef: `${TRIMESTRES}, ligne ${line}`, line });
    expect(records).toEqual([
      {
        ...base,
        territory: 'DEP-93',
        period: '2021-T3',
        dimensions: { public: 'RSA' },
        numerator: 120,
        denominator: 300,
        ...ref(2),
      },
      {
        ...base,
        territory: 'DEP-01',
        period: '2021-T4',
        dimensions: { public: 'DELD' },
        numerator: 15,
        denominator: 40,
        ...ref(3),
      },
      { ...base, territory: 'DEP-2A', period: '2022-T1', numerator: 8, denominator: 20, ...ref(4) },
      {
        ...base,
        territory: 'DEP-976',
        period: '2022-T1',
        dimensions: { public: 'JEUNES' },
        numerator: 2,
        denominator: 5,
        ...ref(6),
      },
      { ...base, territory: 'DEP-75', period: '2022-T1', numerator: 50, denominator: 100, ...ref(7) },
    ]);
    expect(warnings).toEqual([
      {
        line: 5,
        column: 'Trimestre',
        message: 'période « 2022-T5 » invalide : année (2021) ou trimestre (2021-T3) attendu',
      },
    ]);
  });
});

describe('wide layout: one row per territory, one column per year', () => {
  it('reads every year column under a title block, skips empty cells and blank rows', async () => {
    const { records, warnings } = await readAll(LARGE, LARGE_CONFIG);
    const rec = (territory: string, period: string, value: number, line: number) => ({
      indicator: 'SALARIES_NB',
      territory,
      period,
      value,
      sourceRef: `${LARGE}, ligne ${line}, colonne ${period}`,
      line,
    });
    expect(records).toEqual([
      rec('DEP-75', '2019', 1204, 4),
      rec('DEP-75', '2020', 1310, 4),
      rec('DEP-75', '2021', 1402, 4),
      rec('DEP-93', '2019', 2010, 5),
      rec('DEP-93', '2020', 2154, 5),
      rec('DEP-93', '2021', 2301, 5),
      rec('DEP-01', '2019', 310, 6),
      rec('DEP-01', '2021', 352, 6),
      rec('DEP-2A', '2019', 45, 7),
      rec('DEP-2A', '2021', 51, 7),
    ]);
    expect(warnings).toEqual([
      { line: 7, column: '2020', message: 'valeur « s » illisible : nombre attendu' },
      {
        line: 8,
        column: 'Code',
        message: 'territoire « Total » inconnu : code INSEE de département attendu (93, 2A, 971)',
      },
    ]);
  });

  it('reads only the year columns listed, by header or letter', async () => {
    const { records } = await readAll(LARGE, {
      ...LARGE_CONFIG,
      yearColumns: ['2020', 'E'],
      dimensionColumns: {},
    });
    expect(records.filter((r) => r.territory === 'DEP-75').map((r) => [r.period, r.value])).toEqual([
      ['2020', 1310],
      ['2021', 1402],
    ]);
  });

  it('refuses a listed column whose header is not a year', async () => {
    expect(await failureOf(LARGE, { ...LARGE_CONFIG, yearColumns: ['Évolution 2020-2021'] })).toEqual({
      code: 'INPUT_INVALID',
      message:
        "présentation large : l'en-tête « Évolution 2020-2021 » de la colonne désignée par « Évolution 2020-2021 » n'est pas une année (2021) ou un trimestre (2021-T3)",
    });
  });
});

describe('formulas and CSV injection', () => {
  it('never evaluates them: bad rows in numeric columns, plain text elsewhere', async () => {
    const { records, warnings } = await readAll(INJECTION, INJECTION_CONFIG);
    const ref = (line: number) => ({ sourceRef: `${INJECTION}, ligne ${line}`, line });
    expect(records).toEqual([
      {
        indicator: 'SIAE_NB',
        territory: 'DEP-93',
        period: '2021',
        dimensions: { siae_type: 'ETTI' },
        value: -2,
        ...ref(5),
      },
      {
        indicator: 'SIAE_NB',
        territory: 'DEP-93',
        period: '2022',
        dimensions: { siae_type: '=1+2' },
        value: 7,
        ...ref(7),
      },
      // Kept as text for the host to refuse as an unknown indicator.
      { indicator: '@SUM(1)', territory: 'DEP-93', period: '2022', value: 5, ...ref(8) },
    ]);
    expect(warnings).toEqual([
      {
        line: 2,
        column: 'Valeur',
        message:
          'valeur « =HYPERLINK("http://exemple.invalid/";"clic") » refusée : formule non évaluée, nombre attendu',
      },
      {
        line: 3,
        column: 'Valeur',
        message: 'valeur « @SUM(1) » refusée : formule non évaluée, nombre attendu',
      },
      { line: 4, column: 'Valeur', message: 'valeur « +33 » refusée : formule non évaluée, nombre attendu' },
      { line: 6, column: 'Valeur', message: 'valeur « -1+2 » refusée : formule non évaluée, nombre attendu' },
    ]);
  });
});

describe('files that cannot be read', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cap-iae-fichier-'));
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const write = (name: string, content: string | Buffer) => {
    const p = path.join(tmp, name);
    fs.writeFileSync(p, content);
    return p;
  };

  it.each<[string, string | Buffer, Record<string, unknown>, string]>([
    ['empty.csv', '', BILAN_CONFIG, 'fichier « empty.csv » vide'],
    ['blank.csv', '\n\n', BILAN_CONFIG, "ligne d'en-tête 1 vide"],
    [
      'short.csv',
      'Indicateur;Territoire\n',
      { ...BILAN_CONFIG, headerRow: 4 },
      "ligne d'en-tête 4 absente : le fichier est plus court",
    ],
    [
      'nosep.csv',
      'Indicateur Territoire\n',
      BILAN_CONFIG,
      "séparateur de colonnes introuvable dans la ligne d'en-tête 1 (point-virgule, virgule ou tabulation attendu)",
    ],
    [
      'missing.csv',
      'Indicateur;Territoire;Période;Valeur\n',
      BILAN_CONFIG,
      "colonne « Type de structure » (ventilation siae_type) introuvable dans l'en-tête ligne 1 ; colonnes présentes : « Indicateur », « Territoire », « Période », « Valeur »",
    ],
    [
      'twice.csv',
      'Indicateur;Territoire;Période;Valeur;valeur;Type de structure\n',
      BILAN_CONFIG,
      "la colonne « Valeur » (valeur) apparaît 2 fois dans l'en-tête (colonnes D, E) : désignez-la par sa lettre",
    ],
    [
      'quote.csv',
      'Indicateur;Territoire;Période;Valeur;Type de structure\nSIAE_NB;"DEP-93;2021;4;ACI\n',
      BILAN_CONFIG,
      'fichier CSV illisible : guillemet ouvert ligne 2 et jamais fermé',
    ],
    [
      'old.xls',
      Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]),
      BILAN_CONFIG,
      '« old.xls » est un classeur Excel 97-2003 (.xls) : enregistrez-le au format .xlsx ou .csv',
    ],
    [
      'bilan.pdf',
      '%PDF-1.7\n',
      BILAN_CONFIG,
      '« bilan.pdf » est un PDF : téléchargez le bilan au format CSV ou XLSX',
    ],
  ])('%s', async (name, content, raw, message) => {
    expect(await failureOf(write(name, content), raw)).toEqual({ code: 'INPUT_INVALID', message });
  });

  it('refuses a mapping that uses one column twice', async () => {
    const file = write('same.csv', 'Indicateur;Territoire;Période;Valeur\n');
    expect(await failureOf(file, { ...BILAN_CONFIG, dimensionColumns: { siae_type: 'D' } })).toEqual({
      code: 'CONFIG_INVALID',
      message:
        'la colonne « Valeur » sert deux fois dans la correspondance (valeur et ventilation siae_type)',
    });
  });

  it('refuses an absent file or no file at all', async () => {
    expect(await failureOf(path.join(tmp, 'absent.csv'), BILAN_CONFIG)).toEqual({
      code: 'INPUT_INVALID',
      message: 'fichier « absent.csv » introuvable',
    });
    const ctx = contextOf(BILAN_CONFIG);
    const { default: plugin } = await import('./index');
    const run = async () => {
      for await (const _ of plugin.fetchValues({}, ctx) as AsyncIterable<RecordBatch>) void _;
    };
    await expect(run()).rejects.toMatchObject({
      code: 'INPUT_INVALID',
      message: 'aucun fichier transmis : déposez un fichier CSV ou XLSX',
    });
  });

  it('accepts a forced separator and a file without final line break', async () => {
    // More commas than semicolons in the header: detection would pick the comma.
    const header =
      'Indicateur, code;Territoire;Période;Valeur, en nombre, arrondie;Type de structure, si connu, sinon vide';
    const file = write('forced.csv', `${header}\nA,B;DEP-93;2021;4;ACI`);
    const { records } = await readAll(file, {
      ...BILAN_CONFIG,
      indicatorColumn: 'A',
      valueColumn: 'valeur, en nombre, arrondie',
      dimensionColumns: { siae_type: 'E' },
      separator: ';',
    });
    expect(records).toEqual([
      {
        indicator: 'A,B',
        territory: 'DEP-93',
        period: '2021',
        dimensions: { siae_type: 'ACI' },
        value: 4,
        sourceRef: 'forced.csv, ligne 2',
        line: 2,
      },
    ]);
  });
});

it('uses a parsed configuration', () => {
  expect(parseFileConfig(BILAN_CONFIG).territoryColumn).toBe('territoire');
});
