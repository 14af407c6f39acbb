import { apportion, DemoGenerator } from './demo-generator';
import { readReferenceJson } from './repo-path';
import type { IndicatorFile, ReferenceValueFile } from './reference-files';

describe('apportion', () => {
  it('splits into rounded parts that add up exactly', () => {
    const parts = apportion(153, [23, 14, 9, 11, 11, 16, 7, 9]);
    expect(parts.reduce((a, b) => a + b, 0)).toBe(153);
    expect(parts.every(Number.isInteger)).toBe(true);
    const decimals = apportion(8033.5, [1, 1, 1], 1);
    expect(Math.round(decimals.reduce((a, b) => a + b, 0) * 10) / 10).toBe(8033.5);
  });
});

describe('DemoGenerator', () => {
  const generate = () =>
    new DemoGenerator(
      readReferenceJson<IndicatorFile[]>('indicators.json'),
      readReferenceJson<ReferenceValueFile[]>('reference-values.json'),
    ).generate();

  it('is deterministic', () => {
    expect(generate().observations).toEqual(generate().observations);
  });

  it('never invents EITI figures before the experiment began', () => {
    const early = generate().observations.filter(
      (o) => o.dimensions.siae_type === 'EITI' && Number(o.period) < 2019,
    );
    expect(early).toEqual([]);
  });
});
