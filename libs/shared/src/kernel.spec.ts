import {
  dimensionIssues,
  dimensionKey,
  formatEuroFr,
  formatNumberFr,
  formatPercentFr,
  isTerritoryCodeWellFormed,
  levelOfTerritoryCode,
  parseDimensionKey,
  parsePeriod,
  periodIssue,
  seededRandom,
  territoryCode,
} from './index';

describe('periods', () => {
  it('reads years and quarters and refuses the rest', () => {
    expect(parsePeriod('2021')).toEqual({ year: 2021 });
    expect(parsePeriod('2021-T3')).toEqual({ year: 2021, quarter: 3 });
    expect(parsePeriod('2021-T5')).toBeUndefined();
    expect(parsePeriod('1979')).toBeUndefined();
    expect(periodIssue('period', '2101')?.message).toContain('entre 1980 et 2100');
    expect(periodIssue('period', 'vingt')?.message).toContain('n’est pas'.replace('’', "'"));
    expect(periodIssue('period', 2020)).toBeUndefined();
  });
});

describe('territory codes', () => {
  it('keep the level so that région 11 and département 11 differ', () => {
    expect(territoryCode('region', '11')).toBe('REG-11');
    expect(territoryCode('department', '11')).toBe('DEP-11');
    expect(levelOfTerritoryCode('DEP-2A')).toBe('department');
    expect(levelOfTerritoryCode('REG-11')).toBe('region');
    expect(isTerritoryCodeWellFormed('93')).toBe(false);
  });
});

describe('dimension keys', () => {
  it('are canonical whatever the order, and empty for the total', () => {
    expect(dimensionKey({ siae_type: 'ACI', sex: 'F' })).toBe('sex=F;siae_type=ACI');
    expect(dimensionKey({ sex: 'F', siae_type: 'ACI' })).toBe('sex=F;siae_type=ACI');
    expect(dimensionKey({})).toBe('');
    expect(parseDimensionKey('sex=F;siae_type=ACI')).toEqual({ sex: 'F', siae_type: 'ACI' });
  });

  it('name each faulty dimension in French', () => {
    const issues = dimensionIssues('d', { siae_type: 'XX', colour: 'red', sex: 'F' }, ['siae_type']);
    expect(issues.map((i) => i.field)).toEqual(['d.siae_type', 'd.colour', 'd.sex']);
    expect(issues[0].message).toContain('modalité inconnue');
  });
});

describe('fr-FR formatting', () => {
  it('writes numbers the French way', () => {
    expect(formatNumberFr(1234.5, 1)).toBe('1\u202f234,5');
    expect(formatPercentFr(45)).toBe('45\u00a0%');
    expect(formatEuroFr(19897)).toBe('19\u202f897\u00a0€');
  });
});

describe('seeded generator', () => {
  it('gives the same sequence for the same seed', () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const xs = [a(), a(), a()];
    expect([b(), b(), b()]).toEqual(xs);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
  });
});
