import { isPluginError } from '@cap-iae/plugin-sdk';
import { describeConfig, parseFileConfig } from './config';

const LONG = {
  indicatorColumn: 'Indicateur',
  territoryColumn: 'Territoire',
  periodColumn: 'Année',
  valueColumn: 'Valeur',
};

function refusal(raw: Record<string, unknown>): string {
  try {
    parseFileConfig(raw);
  } catch (e) {
    if (isPluginError(e) && e.code === 'CONFIG_INVALID') return e.message;
    throw e;
  }
  throw new Error('configuration acceptée');
}

describe('parseFileConfig', () => {
  it('fills the defaults', () => {
    expect(parseFileConfig(LONG)).toEqual({
      indicatorColumn: 'Indicateur',
      indicator: undefined,
      territoryColumn: 'Territoire',
      territoryFormat: 'cap-iae',
      periodColumn: 'Année',
      period: undefined,
      valueColumn: 'Valeur',
      numeratorColumn: undefined,
      denominatorColumn: undefined,
      dimensionColumns: [],
      yearColumns: undefined,
      sheet: undefined,
      separator: undefined,
      encoding: undefined,
      headerRow: 1,
    });
  });

  it('reads the optional settings', () => {
    const c = parseFileConfig({
      indicator: ' SIAE_NB ',
      territoryColumn: 'B',
      territoryFormat: 'insee-departement',
      year: 2021,
      numeratorColumn: 'C',
      denominatorColumn: 'D',
      dimensionColumns: { siae_type: 'Type de structure', sex: 'E' },
      sheet: 'Données',
      separator: 'tab',
      encoding: 'Latin1',
      headerRow: 3,
    });
    expect(c).toMatchObject({
      indicator: 'SIAE_NB',
      period: '2021',
      dimensionColumns: [
        ['siae_type', 'Type de structure'],
        ['sex', 'E'],
      ],
      separator: '\t',
      encoding: 'windows-1252',
      headerRow: 3,
    });
    expect(
      parseFileConfig({ indicator: 'X', territoryColumn: 'A', yearColumns: ['2020', '2021'] }).yearColumns,
    ).toEqual(['2020', '2021']);
  });

  it.each<[string, Record<string, unknown>, string]>([
    [
      'territory',
      { ...LONG, territoryColumn: undefined },
      '« territoryColumn » (colonne du territoire) est obligatoire',
    ],
    [
      'indicator',
      { ...LONG, indicatorColumn: undefined },
      "indiquez la colonne de l'indicateur (« indicatorColumn ») ou un indicateur fixe (« indicator »)",
    ],
    [
      'both indicators',
      { ...LONG, indicator: 'X' },
      "« indicatorColumn » et « indicator » s'excluent : une colonne d'indicateur ou un indicateur fixe",
    ],
    [
      'period',
      { ...LONG, periodColumn: undefined },
      'indiquez la colonne de la période (« periodColumn »), une année fixe (« year ») ou « yearColumns »',
    ],
    [
      'both periods',
      { ...LONG, year: 2021 },
      "« periodColumn » et « year » s'excluent : une colonne de période ou une année fixe",
    ],
    [
      'year range',
      { ...LONG, periodColumn: undefined, year: 1850 },
      '« year » (année fixe) doit être une année entre 1980 et 2100',
    ],
    [
      'value',
      { ...LONG, valueColumn: undefined },
      'indiquez la colonne de la valeur (« valueColumn ») ou du numérateur et du dénominateur',
    ],
    [
      'ratio',
      { ...LONG, numeratorColumn: 'N' },
      '« numeratorColumn » et « denominatorColumn » vont ensemble',
    ],
    [
      'format',
      { ...LONG, territoryFormat: 'nuts' },
      '« territoryFormat » inconnu « nuts » (attendu : cap-iae = code Cap IAE (DEP-93, REG-11) ; insee-departement = code INSEE de département (93, 2A, 971) ; insee-region = code INSEE de région (11, 84))',
    ],
    ['unknown key', { ...LONG, valeur: 'X' }, 'paramètre(s) inconnu(s) : valeur'],
    [
      'column type',
      { ...LONG, valueColumn: 3 },
      '« valueColumn » (colonne de la valeur) doit être un nom de colonne ou une lettre',
    ],
    [
      'dimension name',
      { ...LONG, dimensionColumns: { 'Type de structure': 'siae_type' } },
      "« dimensionColumns » : « Type de structure » n'est pas un nom de dimension (ex. siae_type, public, sex, age_band)",
    ],
    [
      'dimension shape',
      { ...LONG, dimensionColumns: ['A'] },
      '« dimensionColumns » doit associer une dimension à une colonne, ex. { "siae_type": "Type de structure" }',
    ],
    [
      'separator',
      { ...LONG, separator: '|' },
      '« separator » inconnu « | » (attendu : auto, ;, « , » ou tab)',
    ],
    [
      'encoding',
      { ...LONG, encoding: 'ebcdic' },
      '« encoding » inconnu « ebcdic » (attendu : auto, utf-8 ou windows-1252)',
    ],
    [
      'header row',
      { ...LONG, headerRow: 0 },
      "« headerRow » (ligne d'en-tête) doit être un entier entre 1 et 1000",
    ],
    [
      'wide and long',
      { ...LONG, yearColumns: true },
      "présentation large (« yearColumns ») : la période et la valeur viennent des colonnes d'années, retirez « periodColumn », « valueColumn »",
    ],
    [
      'wide shape',
      { ...LONG, periodColumn: undefined, valueColumn: undefined, yearColumns: 'oui' },
      '« yearColumns » doit valoir true ou une liste de colonnes dont l’en-tête est une année',
    ],
  ])('refuses a mapping without a valid %s', (_, raw, message) => {
    expect(refusal(raw)).toBe(message);
  });

  it('describes the mapping in French', () => {
    expect(
      describeConfig(
        parseFileConfig({
          ...LONG,
          territoryFormat: 'insee-departement',
          dimensionColumns: { siae_type: 'Type de structure' },
        }),
      ),
    ).toBe(
      'indicateur : colonne « Indicateur » ; territoire : colonne « Territoire » (code INSEE de département (93, 2A, 971)) ; ' +
        'période : colonne « Année » ; valeur : colonne « Valeur » ; ventilations : siae_type ← colonne « Type de structure » ; ' +
        'en-tête ligne 1 ; séparateur détecté ; encodage détecté',
    );
  });
});
