import { isActiveContent, parseFrenchNumber } from './numbers';

describe('parseFrenchNumber', () => {
  it.each([
    ['61', 61],
    ['12,5', 12.5],
    ['12.5', 12.5],
    ['0,1', 0.1],
    ['-3,5', -3.5],
    ['\u22123,5', -3.5],
    ['1 234', 1234],
    ['1 234,56', 1234.56],
    ['1\u00a0204\u00a0567,25', 1204567.25],
    ['12\u202f345', 12345],
    ['12\u2009345', 12345],
    ['45 %', 45],
    ['45%', 45],
    ['45,5\u00a0%', 45.5],
    ['1 234 %', 1234],
    ['007', 7],
    ['0', 0],
    ['123456789012345678901234', Number('123456789012345678901234')],
    ['0,1234567890123456789012345', Number('0.1234567890123456789012345')],
  ])('reads « %s » as %d', (text, expected) => {
    expect(parseFrenchNumber(text)).toBe(expected);
  });

  it.each([
    '12,5,3',
    '1.234,5',
    '1 23',
    '12 34',
    '1234 567',
    '1  234',
    '12,',
    ',5',
    '-',
    '%',
    '45 % %',
    '%45',
    '+33',
    '1e3',
    '12 €',
    '(12)',
    'abc',
    's',
    'nd',
    '=1+2',
    '@SUM(1)',
    '-1+2',
    '--1',
    '12,5 3',
    '',
  ])('refuses « %s »', (text) => {
    expect(parseFrenchNumber(text)).toBeNaN();
  });
});

describe('isActiveContent', () => {
  it('flags what a spreadsheet would run as a formula', () => {
    expect(['=1+2', '+33', '-1+2', '@SUM(1)', '\t=1', '\r=1'].map(isActiveContent)).toEqual([
      true,
      true,
      true,
      true,
      true,
      true,
    ]);
    expect(['12', 'ACI', ' =1'].map(isActiveContent)).toEqual([false, false, false]);
  });
});
