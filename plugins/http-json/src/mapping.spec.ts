import { parseJsonPath, readPath } from './json-path';
import { toNumber, toPeriod, toTerritory } from './mapping';

describe('JSON paths', () => {
  const doc = { data: { results: [{ code: '93' }, { code: '75' }] }, meta: { 'total-count': 2, 'a.b': 1 } };

  it('reads dotted paths with indexes and quoted keys', () => {
    const read = (text: string) => readPath(doc, parseJsonPath(text)!);
    expect(read('data.results[1].code')).toBe('75');
    expect(read('$.data.results[0].code')).toBe('93');
    expect(read('meta.total-count')).toBe(2);
    expect(read('meta["a.b"]')).toBe(1);
    expect(read('')).toBe(doc);
    expect(read('$')).toBe(doc);
    expect(read('data.absent.code')).toBeUndefined();
    expect(read('data.results[5]')).toBeUndefined();
    expect(read('data[0]')).toBeUndefined();
  });

  it('refuses what it does not understand', () => {
    expect(parseJsonPath('data..results')).toBeNull();
    expect(parseJsonPath('data.results[*]')).toBeNull();
    expect(parseJsonPath('data results')).toBeNull();
  });
});

describe('value conversions', () => {
  it('turns source territory codes into Cap IAE codes', () => {
    expect(toTerritory('93', 'insee-departement')).toBe('DEP-93');
    expect(toTerritory(1, 'insee-departement')).toBe('DEP-01');
    expect(toTerritory('2a', 'insee-departement')).toBe('DEP-2A');
    expect(toTerritory('971', 'insee-departement')).toBe('DEP-971');
    expect(toTerritory('20', 'insee-departement')).toBeNull();
    expect(toTerritory('11', 'insee-region')).toBe('REG-11');
    expect(toTerritory(4, 'insee-region')).toBe('REG-04');
    expect(toTerritory('dep-93', 'cap-iae')).toBe('DEP-93');
    expect(toTerritory('FR', 'cap-iae')).toBe('FR');
    expect(toTerritory('93', 'cap-iae')).toBeNull();
    expect(toTerritory(null, 'insee-departement')).toBeNull();
  });

  it('reads periods', () => {
    expect(toPeriod(2021)).toBe('2021');
    expect(toPeriod('2021-T3')).toBe('2021-T3');
    expect(toPeriod('2021t3')).toBe('2021-T3');
    expect(toPeriod('2021-Q2')).toBe('2021-T2');
    expect(toPeriod('2021-13')).toBeNull();
    expect(toPeriod(2021.5)).toBeNull();
  });

  it('reads numbers written the French way, and tells absent from empty', () => {
    expect(toNumber(12)).toBe(12);
    expect(toNumber('1 234,5')).toBe(1234.5);
    expect(toNumber('1\u202f234')).toBe(1234);
    expect(toNumber('-3.25')).toBe(-3.25);
    expect(toNumber('')).toBeNull();
    expect(toNumber(null)).toBeNull();
    expect(toNumber(undefined)).toBeUndefined();
    expect(toNumber('12 %')).toBe('invalid');
    expect(toNumber(true)).toBe('invalid');
    expect(toNumber(Number.NaN)).toBe('invalid');
  });
});
