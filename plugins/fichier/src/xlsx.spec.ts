import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import ExcelJS from 'exceljs';
import { failureOf, readAll } from './spec-helpers';

const CONFIG = {
  indicatorColumn: 'Indicateur',
  territoryColumn: 'Département',
  territoryFormat: 'insee-departement',
  periodColumn: 'Date',
  valueColumn: 'Valeur',
  dimensionColumns: { siae_type: 'Type' },
  sheet: 'donnees',
};

describe('XLSX', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cap-iae-fichier-xlsx-'));
  const file = path.join(tmp, 'bilan.xlsx');
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  beforeAll(async () => {
    const wb = new ExcelJS.Workbook();
    // A first sheet of notes, as bilans have: the configured sheet is the second one.
    const notes = wb.addWorksheet('Notes');
    notes.addRow(['Source : DARES, extraction ASP']);
    const sheet = wb.addWorksheet('Données');
    sheet.addRow(['Indicateur', 'Département', 'Date', 'Valeur', 'Type']);
    sheet.addRow(['SIAE_NB', 93, new Date(Date.UTC(2021, 11, 31)), 61, 'ACI']);
    sheet.getCell('C2').numFmt = 'dd/mm/yyyy';
    sheet.addRow(['SIAE_NB', '2A', 2022, '1 234,5', 'EI']);
    // A formula with a cached result: the result must not be used.
    sheet.addRow(['SIAE_NB', '75', 2021, { formula: 'D2*2', result: 122 }, 'AI']);
    sheet.addRow(['SIAE_NB', '92', 2021, 10, { formula: '"A"&"CI"', result: 'ACI' }]);
    sheet.addRow(['TAUX_SORTIE_DYNAMIQUE', 1, 'T3 2021', 0.452, null]);
    sheet.getCell('D6').numFmt = '0.0%';
    sheet.addRow(['SIAE_NB', '91', 2021, '=1+1', 'ETTI']);
    sheet.addRow([]);
    sheet.addRow(['SIAE_NB', '91', 2021, 'abc', 'ETTI']);
    sheet.addRow(['SIAE_NB', 'Essonne', 2021, 3, 'ETTI']);
    sheet.addRow([null, null, null, null, null, 'Note en marge']);
    await wb.xlsx.writeFile(file);
  });

  it('reads the configured sheet with the same rules, formulas never evaluated', async () => {
    const { records, warnings } = await readAll(file, CONFIG);
    const ref = (line: number) => ({ sourceRef: `bilan.xlsx, feuille Données, ligne ${line}`, line });
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
        territory: 'DEP-2A',
        period: '2022',
        dimensions: { siae_type: 'EI' },
        value: 1234.5,
        ...ref(3),
      },
      // The formula's text is kept as plain text, never its cached « ACI ».
      {
        indicator: 'SIAE_NB',
        territory: 'DEP-92',
        period: '2021',
        dimensions: { siae_type: '="A"&"CI"' },
        value: 10,
        ...ref(5),
      },
      // 0.452 shown as « 45,2 % » is stored as 45.2, like « 45,2 % » typed in a CSV.
      { indicator: 'TAUX_SORTIE_DYNAMIQUE', territory: 'DEP-01', period: '2021-T3', value: 45.2, ...ref(6) },
    ]);
    expect(warnings).toEqual([
      {
        line: 4,
        column: 'Valeur',
        message: 'valeur « =D2*2 » refusée : formule non évaluée, nombre attendu',
      },
      { line: 5, column: 'Type', message: 'formule « ="A"&"CI" » lue comme texte, jamais calculée' },
      { line: 7, column: 'Valeur', message: 'valeur « =1+1 » refusée : formule non évaluée, nombre attendu' },
      { line: 9, column: 'Valeur', message: 'valeur « abc » illisible : nombre attendu' },
      {
        line: 10,
        column: 'Département',
        message: 'territoire « Essonne » inconnu : code INSEE de département attendu (93, 2A, 971)',
      },
    ]);
  });

  it('reads the first sheet by default', async () => {
    expect(await failureOf(file, { ...CONFIG, sheet: undefined })).toEqual({
      code: 'INPUT_INVALID',
      message:
        "colonne « Indicateur » (indicateur) introuvable dans l'en-tête ligne 1 ; colonnes présentes : « Source : DARES, extraction ASP »",
    });
  });

  it('names the sheets when the configured one is missing', async () => {
    expect(await failureOf(file, { ...CONFIG, sheet: 'Bilan 2021' })).toEqual({
      code: 'INPUT_INVALID',
      message: 'feuille « Bilan 2021 » introuvable ; feuilles du classeur : « Notes », « Données »',
    });
  });

  it('refuses a damaged workbook', async () => {
    const broken = path.join(tmp, 'broken.xlsx');
    fs.writeFileSync(broken, Buffer.concat([Buffer.from('PK\u0003\u0004'), Buffer.alloc(64, 7)]));
    expect(await failureOf(broken, CONFIG)).toMatchObject({
      code: 'INPUT_INVALID',
      message: expect.stringMatching(/^classeur Excel illisible : /) as string,
    });
  });
});
