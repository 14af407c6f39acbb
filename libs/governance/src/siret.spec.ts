import { formatSiret, isValidSiret, normaliseSiret, withSiretKey } from './siret';

describe('SIRET', () => {
  it('accepts a valid key and refuses a typo', () => {
    expect(isValidSiret('12000203500019')).toBe(false);
    const valid = withSiretKey('7328299940001');
    expect(isValidSiret(valid)).toBe(true);
    const typo = `${valid.slice(0, 5)}${(Number(valid[5]) + 1) % 10}${valid.slice(6)}`;
    expect(isValidSiret(typo)).toBe(false);
  });

  it('applies the La Poste rule (sum of digits multiple of 5)', () => {
    expect(isValidSiret('35600000000048')).toBe(true); // head office, Luhn-valid too
    expect(isValidSiret('35600000000010')).toBe(true);
    expect(isValidSiret('35600000000011')).toBe(false);
  });

  it('reads a SIRET typed with spaces and prints it grouped', () => {
    expect(normaliseSiret('732 829 320 00074')).toBe('73282932000074');
    expect(normaliseSiret('7328293200007')).toBeUndefined();
    expect(formatSiret('73282932000074')).toBe('732 829 320 00074');
    expect(isValidSiret('73282932000074')).toBe(true);
  });
});
