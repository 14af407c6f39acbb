import { departementFromPostalCode, normalizeDepartement } from './departement';

describe('départements', () => {
  it('normalises the codes the API writes', () => {
    expect(normalizeDepartement('93')).toBe('93');
    expect(normalizeDepartement('1')).toBe('01');
    expect(normalizeDepartement(1)).toBe('01');
    expect(normalizeDepartement('2a')).toBe('2A');
    expect(normalizeDepartement(' 2B ')).toBe('2B');
    expect(normalizeDepartement('971')).toBe('971');
    expect(normalizeDepartement('976')).toBe('976');
    expect(normalizeDepartement('20')).toBeNull();
    expect(normalizeDepartement('979')).toBeNull();
    expect(normalizeDepartement('')).toBeNull();
    expect(normalizeDepartement(null)).toBeNull();
  });

  it('derives the département from a postal code', () => {
    expect(departementFromPostalCode('75011')).toBe('75');
    expect(departementFromPostalCode('93200')).toBe('93');
    expect(departementFromPostalCode('01000')).toBe('01');
    expect(departementFromPostalCode(1000)).toBe('01');
    expect(departementFromPostalCode('97411')).toBe('974');
    expect(departementFromPostalCode('97600')).toBe('976');
    expect(departementFromPostalCode('20000')).toBe('2A');
    expect(departementFromPostalCode('20137')).toBe('2A');
    expect(departementFromPostalCode('20200')).toBe('2B');
    expect(departementFromPostalCode('20600')).toBe('2B');
    expect(departementFromPostalCode('98000')).toBeNull();
    expect(departementFromPostalCode('7501')).toBeNull();
    expect(departementFromPostalCode(null)).toBeNull();
  });
});
