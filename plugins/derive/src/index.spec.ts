import * as path from 'node:path';
import {
  batchesOf,
  isPluginError,
  runContractKit,
  type FetchRequest,
  type KnownValue,
  type PluginContext,
  type RecordBatch,
} from '@cap-iae/plugin-sdk';
import plugin from './index';
import type { DeriveConfig } from './config';

const known = (
  indicator: string,
  territory: string,
  period: string,
  value: number | null,
  dimensions: Record<string, string> = {},
): KnownValue => ({ indicator, territory, period, dimensions, value, numerator: null, denominator: null });

const TX = {
  indicator: 'TX_SORTIES_DYNAMIQUES',
  formula: '100 * SORTIES_DYN / SORTIES_NB',
  asRatio: { numerator: 'SORTIES_DYN', denominator: 'SORTIES_NB' },
};

function parse(raw: Record<string, unknown>): DeriveConfig {
  return plugin.parseConfig!(raw);
}

function configError(raw: Record<string, unknown>): string {
  try {
    parse(raw);
  } catch (e) {
    if (isPluginError(e) && e.code === 'CONFIG_INVALID') return e.message;
    throw e;
  }
  throw new Error('la configuration devait être refusée');
}

async function run(raw: Record<string, unknown>, request: FetchRequest): Promise<RecordBatch> {
  const config = parse(raw);
  const ctx: PluginContext<DeriveConfig> = {
    config,
    secrets: {},
    logger: { info: () => undefined, warn: () => undefined, error: () => undefined },
    signal: new AbortController().signal,
    fetch,
    progress: () => undefined,
  };
  const all: RecordBatch = { records: [], warnings: [] };
  for await (const batch of batchesOf(plugin.fetchValues(request, ctx))) {
    all.records.push(...batch.records);
    all.warnings.push(...batch.warnings);
  }
  return all;
}

describe('plugin derive', () => {
  it('passes the contract kit', async () => {
    const report = await runContractKit(path.resolve(__dirname, '..'), {
      config: { formulas: [TX] },
      request: {
        values: [known('SORTIES_DYN', 'DEP-93', '2021', 30), known('SORTIES_NB', 'DEP-93', '2021', 120)],
      },
    });
    expect(report.problems).toEqual([]);
    expect(report.records).toEqual([
      {
        indicator: 'TX_SORTIES_DYNAMIQUES',
        territory: 'DEP-93',
        period: '2021',
        numerator: 30,
        denominator: 120,
        sourceRef: 'formule : 100 * SORTIES_DYN / SORTIES_NB',
        line: 1,
      },
    ]);
  });

  it('declares only the external inputs, sorted', () => {
    const config = parse({
      formulas: [
        { indicator: 'FIN_TOTAL', formula: 'somme(FIN_ETAT, FIN_CD, FIN_REGION)' },
        { indicator: 'FIN_PAR_ETP', formula: 'FIN_TOTAL / ETP_INSERTION' },
      ],
    });
    expect(plugin.inputsOf!(config)).toEqual({
      indicators: ['ETP_INSERTION', 'FIN_CD', 'FIN_ETAT', 'FIN_REGION'],
    });
  });

  it('orders formulas after the formulas they read, and refuses cycles', () => {
    const config = parse({
      formulas: [
        { indicator: 'C', formula: 'B + 1' },
        { indicator: 'B', formula: 'A * 2' },
        { indicator: 'D', formula: 'X' },
        { indicator: 'A', formula: 'X + Y' },
      ],
    });
    expect(config.formulas.map((f) => f.indicator)).toEqual(['A', 'B', 'C', 'D']);
    expect(config.inputs).toEqual(['X', 'Y']);

    expect(
      configError({
        formulas: [
          { indicator: 'A', formula: 'B + X' },
          { indicator: 'B', formula: 'A * 2' },
        ],
      }),
    ).toBe('cycle : A → B → A');
    expect(
      configError({
        formulas: [
          { indicator: 'Z', formula: 'A' },
          { indicator: 'A', formula: 'B' },
          { indicator: 'B', formula: 'C' },
          { indicator: 'C', formula: 'somme(A, X)' },
        ],
      }),
    ).toBe('cycle : A → B → C → A');
    expect(configError({ formulas: [{ indicator: 'A', formula: 'A + 1' }] })).toBe('cycle : A → A');
    expect(
      configError({
        formulas: [{ indicator: 'R', formula: 'X / Y', asRatio: { numerator: 'R', denominator: 'Y' } }],
      }),
    ).toBe('cycle : R → R');
  });

  it('computes chained formulas from the values of the same run', async () => {
    const { records, warnings } = await run(
      {
        formulas: [
          { indicator: 'FIN_PAR_ETP', formula: 'FIN_TOTAL / ETP_INSERTION' },
          { indicator: 'FIN_TOTAL', formula: 'somme(FIN_ETAT, FIN_CD)' },
        ],
      },
      {
        values: [
          known('FIN_ETAT', 'REG-11', '2021', 1000),
          known('FIN_CD', 'REG-11', '2021', 500),
          known('ETP_INSERTION', 'REG-11', '2021', 10),
          // A stale value of a computed indicator is not used: the run recomputes it.
          known('FIN_TOTAL', 'REG-11', '2021', 999_999),
        ],
      },
    );
    expect(warnings).toEqual([]);
    expect(records.map((r) => [r.indicator, r.value, r.line])).toEqual([
      ['FIN_TOTAL', 1500, 2],
      ['FIN_PAR_ETP', 150, 1],
    ]);
  });

  it('matches values by territory, period and dimension set, in a stable order', async () => {
    const values = [
      known('SORTIES_NB', 'DEP-93', '2021-T3', 40, { siae_type: 'ACI' }),
      known('SORTIES_DYN', 'DEP-93', '2021-T3', 10, { siae_type: 'ACI' }),
      known('SORTIES_NB', 'DEP-75', '2021', 200),
      known('SORTIES_DYN', 'DEP-75', '2021', 50),
      known('SORTIES_NB', 'DEP-93', '2021-T3', 60, { siae_type: 'EI' }),
      known('SORTIES_DYN', 'DEP-93', '2021-T3', 30, { siae_type: 'EI' }),
    ];
    const first = await run({ formulas: [TX] }, { values });
    const second = await run({ formulas: [TX] }, { values: [...values].reverse() });
    expect(first).toEqual(second);
    expect(
      first.records.map((r) => [r.territory, r.period, r.dimensions, r.numerator, r.denominator]),
    ).toEqual([
      ['DEP-75', '2021', undefined, 50, 200],
      ['DEP-93', '2021-T3', { siae_type: 'ACI' }, 10, 40],
      ['DEP-93', '2021-T3', { siae_type: 'EI' }, 30, 60],
    ]);
    expect(first.records.every((r) => r.value === undefined)).toBe(true);
  });

  it('skips a combination with a missing input or a division by zero, with a warning', async () => {
    const { records, warnings } = await run(
      { formulas: [TX, { indicator: 'ECART', formula: 'SORTIES_NB - SORTIES_DYN' }] },
      {
        values: [
          known('SORTIES_DYN', 'DEP-93', '2021', 10),
          known('SORTIES_NB', 'DEP-93', '2021', 0),
          known('SORTIES_DYN', 'DEP-94', '2021', 10),
          known('SORTIES_NB', 'DEP-95', '2021', null),
          known('SORTIES_DYN', 'DEP-95', '2021', 3),
        ],
      },
    );
    expect(warnings).toEqual([
      {
        line: 1,
        message:
          'TX_SORTIES_DYNAMIQUES (DEP-93, 2021, total) non calculé : division par zéro (SORTIES_NB vaut 0)',
      },
      {
        line: 1,
        message: 'TX_SORTIES_DYNAMIQUES (DEP-94, 2021, total) non calculé : valeur de SORTIES_NB absente',
      },
      {
        line: 1,
        message: 'TX_SORTIES_DYNAMIQUES (DEP-95, 2021, total) non calculé : valeur de SORTIES_NB absente',
      },
      { line: 2, message: 'ECART (DEP-94, 2021, total) non calculé : valeur de SORTIES_NB absente' },
      { line: 2, message: 'ECART (DEP-95, 2021, total) non calculé : valeur de SORTIES_NB absente' },
    ]);
    expect(records).toEqual([
      {
        indicator: 'ECART',
        territory: 'DEP-93',
        period: '2021',
        value: -10,
        sourceRef: 'formule : SORTIES_NB - SORTIES_DYN',
        line: 2,
      },
    ]);
  });

  it('refuses a rate whose parts the host would refuse, or that contradict the formula', async () => {
    const { records, warnings } = await run(
      {
        formulas: [
          {
            indicator: 'TX_A',
            formula: '100 * (A - B) / C',
            asRatio: { numerator: 'A - B', denominator: 'C' },
          },
          { indicator: 'TX_B', formula: 'A / C', asRatio: { numerator: 'A', denominator: 'C - A' } },
        ],
      },
      {
        values: [
          known('A', 'REG-11', '2022', 5),
          known('B', 'REG-11', '2022', 8),
          known('C', 'REG-11', '2022', 10),
        ],
      },
    );
    expect(records).toEqual([]);
    expect(warnings.map((w) => w.message)).toEqual([
      'TX_A (REG-11, 2022, total) non calculé : numérateur A - B = -3 (positif ou nul attendu)',
      'TX_B (REG-11, 2022, total) non calculé : la formule donne 0.5, le rapport numérateur / dénominateur 1 (ni égal, ni × 100)',
    ]);
  });

  it('caps the warnings of one formula', async () => {
    const values = Array.from({ length: 150 }, (_, i) =>
      known('A', `DEP-${String(i + 1).padStart(3, '0')}`, '2021', 1),
    );
    const { warnings } = await run({ formulas: [{ indicator: 'X', formula: 'A / B' }] }, { values });
    expect(warnings).toHaveLength(101);
    expect(warnings[100].message).toBe('X : 50 autre(s) combinaison(s) non calculée(s)');
  });

  it('honours the limits of the request on the records it returns', async () => {
    const values = ['2020', '2021', '2021-T2', '2022'].flatMap((p) => [
      known('A', 'DEP-93', p, 1),
      known('A', 'DEP-94', p, 2),
    ]);
    const { records } = await run(
      { formulas: [{ indicator: 'B', formula: 'A * 2' }] },
      { values, territories: ['DEP-94'], periodFrom: '2021', periodTo: '2021' },
    );
    expect(records.map((r) => [r.territory, r.period, r.value])).toEqual([
      ['DEP-94', '2021', 4],
      ['DEP-94', '2021-T2', 4],
    ]);
  });

  it('says so when the host passed no input values', async () => {
    const { records, warnings } = await run({ formulas: [TX] }, {});
    expect(records).toEqual([]);
    expect(warnings[0].message).toBe("aucune valeur d'entrée reçue (attendues : SORTIES_DYN, SORTIES_NB)");
  });

  it('refuses injection attempts and malformed configurations with CONFIG_INVALID', () => {
    expect(configError({ formulas: [{ indicator: 'X', formula: 'process.exit()' }] })).toBe(
      "formule 1 (X) : nom inconnu « process » : les indicateurs s'écrivent en MAJUSCULES_AVEC_SOULIGNÉS, les fonctions permises sont somme, min et max (position 1)",
    );
    expect(configError({ formulas: [{ indicator: 'X', formula: 'A.constructor' }] })).toContain(
      'caractère inattendu « . »',
    );
    expect(configError({ formulas: [{ indicator: 'X', formula: 'constructor' }] })).toContain(
      'nom inconnu « constructor »',
    );
    expect(
      configError({
        formulas: [{ indicator: 'X', formula: 'A', asRatio: { numerator: 'A', denominator: '__proto__' } }],
      }),
    ).toContain('formule 1 (X), dénominateur : nom inconnu « __proto__ »');
    expect(configError({ formulas: [{ indicator: 'x', formula: 'A' }] })).toContain("code d'indicateur");
    expect(configError({ formulas: [{ indicator: 'X', formula: '2 * 3' }] })).toContain(
      'au moins un indicateur',
    );
    expect(
      configError({
        formulas: [
          { indicator: 'X', formula: 'A' },
          { indicator: 'X', formula: 'B' },
        ],
      }),
    ).toContain('déjà calculé par la formule 1');
    expect(configError({ formulas: [] })).toContain('liste non vide');
    expect(configError({ formulas: [{ indicator: 'X', formule: 'A' }] })).toContain(
      'champ(s) inconnu(s) formule',
    );
  });

  it('the values pool is keyed safely: an indicator named like an Object property is plain data', async () => {
    const { records } = await run(
      { formulas: [{ indicator: 'X', formula: 'CONSTRUCTOR + TO_STRING' }] },
      { values: [known('CONSTRUCTOR', 'DEP-93', '2021', 1), known('TO_STRING', 'DEP-93', '2021', 2)] },
    );
    expect(records.map((r) => r.value)).toEqual([3]);
  });
});
