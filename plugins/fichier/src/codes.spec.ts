import { periodCode, periodOfNumber, territoryCode } from './codes';

describe('territoryCode', () => {
  it('reads Cap IAE codes, whatever the case and spaces', () => {
    expect(territoryCode('DEP-93', 'cap-iae')).toBe('DEP-93');
    expect(territoryCode(' dep-2a ', 'cap-iae')).toBe('DEP-2A');
    expect(territoryCode('REG-11', 'cap-iae')).toBe('REG-11');
    expect(territoryCode('DEP-971', 'cap-iae')).toBe('DEP-971');
    for (const bad of ['99', 'DEP-9', 'DEP-123', 'REG-1', 'FR', 'Seine-Saint-Denis', '']) {
      expect(territoryCode(bad, 'cap-iae')).toBeUndefined();
    }
  });

  it('reads INSEE department codes, with their label or a lost leading zero', () => {
    expect(territoryCode('93', 'insee-departement')).toBe('DEP-93');
    expect(territoryCode('1', 'insee-departement')).toBe('DEP-01');
    expect(territoryCode('2a', 'insee-departement')).toBe('DEP-2A');
    expect(territoryCode('971', 'insee-departement')).toBe('DEP-971');
    expect(territoryCode('93 - Seine-Saint-Denis', 'insee-departement')).toBe('DEP-93');
    expect(territoryCode('75 Paris', 'insee-departement')).toBe('DEP-75');
    for (const bad of ['Total', '123', '2C', 'DEP-93', '93x', '']) {
      expect(territoryCode(bad, 'insee-departement')).toBeUndefined();
    }
  });

  it('reads INSEE region codes', () => {
    expect(territoryCode('11', 'insee-region')).toBe('REG-11');
    expect(territoryCode('1', 'insee-region')).toBe('REG-01');
    expect(territoryCode('84 - Auvergne-Rhône-Alpes', 'insee-region')).toBe('REG-84');
    for (const bad of ['Île-de-France', '111', 'REG-11', ''])
      expect(territoryCode(bad, 'insee-region')).toBeUndefined();
  });
});

describe('periodCode', () => {
  it.each([
    ['2021', '2021'],
    [' 2021 ', '2021'],
    ['2021-T3', '2021-T3'],
    ['2021-t3', '2021-T3'],
    ['2021T3', '2021-T3'],
    ['2021 T3', '2021-T3'],
    ['T3 2021', '2021-T3'],
    ['T3-2021', '2021-T3'],
    ['31/12/2021', '2021'],
    ['2021-12-31', '2021'],
    ['2021-12-31T00:00:00Z', '2021'],
  ])('reads « %s » as %s', (text, expected) => {
    expect(periodCode(text)).toBe(expected);
  });

  it.each(['', '21', '1850', '2150', '2021-T5', '2021-Q3', 'S1 2021', 'Évolution 2020-2021', '2020-2021'])(
    'refuses « %s »',
    (text) => {
      expect(periodCode(text)).toBeUndefined();
    },
  );

  it('reads numbers as years, and unformatted date serials as their year', () => {
    expect(periodOfNumber(2021)).toBe('2021');
    expect(periodOfNumber(44561)).toBe('2021'); // 31/12/2021
    expect(periodOfNumber(2021.5)).toBeUndefined();
    expect(periodOfNumber(12)).toBeUndefined();
  });
});
