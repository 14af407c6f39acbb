import { ObservationValidator, IndicatorRules, MAX_REPORTED_ISSUES } from './observation-validator';

const rules = new Map<string, IndicatorRules>([
  ['SIAE_NB', { code: 'SIAE_NB', unit: 'count', aggregation: 'sum', dimensions: ['siae_type'] }],
  ['PART_FEMMES', { code: 'PART_FEMMES', unit: 'percent', aggregation: 'ratio', dimensions: [] }],
  ['AIDE_POSTE_PAR_ETP', { code: 'AIDE_POSTE_PAR_ETP', unit: 'euro', aggregation: 'ratio', dimensions: [] }],
]);
const validator = new ObservationValidator(rules, (c) => ['REG-11', 'DEP-93'].includes(c));

describe('ObservationValidator', () => {
  it('normalises a valid record: period, dimension key, default status', () => {
    const { rows, issues } = validator.validate([
      {
        indicator: 'SIAE_NB',
        territory: 'DEP-93',
        period: 2021,
        dimensions: { siae_type: 'ACI' },
        value: 12,
      },
    ]);
    expect(issues).toEqual([]);
    expect(rows[0]).toMatchObject({
      period: '2021',
      dimensionKey: 'siae_type=ACI',
      value: 12,
      status: 'provisional',
    });
  });

  it('computes a rate from its numerator and denominator, and a non-percent ratio without scaling', () => {
    const { rows } = validator.validate([
      { indicator: 'PART_FEMMES', territory: 'REG-11', period: '2016', numerator: 39, denominator: 100 },
      {
        indicator: 'AIDE_POSTE_PAR_ETP',
        territory: 'REG-11',
        period: '2019',
        numerator: 19_897_000,
        denominator: 1000,
      },
    ]);
    expect(rows.map((r) => r.value)).toEqual([39, 19_897]);
  });

  it('refuses a value that contradicts its parts beyond rounding', () => {
    const ok = validator.validate([
      {
        indicator: 'PART_FEMMES',
        territory: 'REG-11',
        period: '2016',
        value: 35.6,
        numerator: 538,
        denominator: 1511,
      },
    ]);
    expect(ok.issues).toEqual([]);
    const bad = validator.validate([
      {
        indicator: 'PART_FEMMES',
        territory: 'REG-11',
        period: '2016',
        value: 40,
        numerator: 538,
        denominator: 1511,
      },
    ]);
    expect(bad.issues[0].field).toBe('records[0].value');
  });

  it('collects every problem of every record, including duplicates within the set', () => {
    const { issues, issueCount } = validator.validate(
      [
        { indicator: 'SIAE_NB', territory: 'DEP-93', period: '2021', value: 1 },
        { indicator: 'SIAE_NB', territory: 'DEP-93', period: '2021', value: 2 },
        { indicator: 'X', territory: 'DEP-99', period: '3000', value: -1 },
        { indicator: 'SIAE_NB', territory: 'DEP-93', period: '2020', value: -1 },
      ],
      (i) => `ligne ${i + 2}`,
    );
    expect(issues.map((i) => i.field)).toEqual([
      'ligne 3',
      'ligne 4.indicator',
      'ligne 4.territory',
      'ligne 4.period',
      'ligne 5.value',
    ]);
    expect(issueCount).toBe(5);
    expect(issues[0].message).toContain('ligne 2');
  });

  it('caps the report but still counts every issue', () => {
    const records = Array.from({ length: MAX_REPORTED_ISSUES + 10 }, () => ({
      indicator: 'NOPE',
      territory: 'DEP-93',
      period: '2021',
      value: 1,
    }));
    const { issues, issueCount } = validator.validate(records);
    expect(issues).toHaveLength(MAX_REPORTED_ISSUES);
    expect(issueCount).toBe(MAX_REPORTED_ISSUES + 10);
    expect(() => validator.validateOrThrow(records)).toThrow(/1010 erreur/);
  });
});
