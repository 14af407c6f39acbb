import { consistencyTolerance, rollup, RollupCell, RollupInput } from './rollup';

const DEPS = ['DEP-75', 'DEP-77', 'DEP-78', 'DEP-91', 'DEP-92', 'DEP-93', 'DEP-94', 'DEP-95'];

const count = (value: number, status: RollupCell['status'] = 'validated'): RollupCell => ({
  value,
  numerator: null,
  denominator: null,
  status,
});
const rate = (
  numerator: number,
  denominator: number,
  status: RollupCell['status'] = 'validated',
): RollupCell => ({
  value: (numerator / denominator) * 100,
  numerator,
  denominator,
  status,
});

function sumInput(values: (number | null)[], direct: RollupCell | null = null): RollupInput {
  return {
    aggregation: 'sum',
    unit: 'count',
    decimals: 0,
    direct,
    parts: DEPS.map((territory, i) => ({
      territory,
      cell: values[i] === null || values[i] === undefined ? null : count(values[i]),
    })),
  };
}

describe('rollup — sums', () => {
  it('adds up the eight départements when the région has no value of its own', () => {
    const r = rollup(sumInput([100, 60, 40, 50, 50, 70, 30, 40]));
    expect(r).toMatchObject({
      value: 440,
      method: 'sum',
      status: 'validated',
      complete: true,
      provenance: 'somme des départements',
      coverage: { reported: 8, expected: 8, missing: [] },
      consistency: null,
      warnings: [],
    });
  });

  it('gives the sum of the départements that reported, marked partial, with the missing ones named', () => {
    const r = rollup(sumInput([100, null, 40, 50, 50, 70, null, 40]));
    expect(r.value).toBe(350);
    expect(r.complete).toBe(false);
    expect(r.coverage).toEqual({ reported: 6, expected: 8, missing: ['DEP-77', 'DEP-94'] });
    expect(r.provenance).toBe('somme des départements, partiel (6 sur 8)');
    expect(r.warnings[0]).toContain('Valeur partielle : 6 départements sur 8');
    expect(r.warnings[0]).toContain('DEP-77, DEP-94');
  });

  it('is provisional as soon as one part is', () => {
    const input = sumInput([1, 1, 1, 1, 1, 1, 1, 1]);
    input.parts[3].cell = count(1, 'provisional');
    expect(rollup(input).status).toBe('provisional');
  });

  it('prefers the direct regional value and keeps silent when the départements agree within tolerance', () => {
    // 440 ± max(0,5 % × 441, 1) = 2,2: a difference of 1 is rounding.
    const r = rollup(sumInput([100, 60, 40, 50, 50, 70, 30, 40], count(441)));
    expect(r).toMatchObject({ value: 441, method: 'direct', provenance: 'valeur régionale observée' });
    expect(r.computed?.value).toBe(440);
    expect(r.consistency).toMatchObject({ regional: 441, computed: 440, difference: 1, consistent: true });
    expect(r.warnings).toEqual([]);
  });

  it('warns in French when the direct value and the sum of the départements disagree', () => {
    const r = rollup(sumInput([100, 60, 40, 50, 50, 70, 30, 40], count(500)));
    expect(r.value).toBe(500);
    expect(r.consistency).toMatchObject({ difference: 60, tolerance: 2.5, consistent: false });
    expect(r.consistency?.warning).toMatch(
      /^Incohérence : la valeur régionale \(500\) et la somme des départements \(440\)/,
    );
    expect(r.warnings).toHaveLength(1);
  });

  it('takes the direct value’s status, not that of the départements', () => {
    const input = sumInput([1, 1, 1, 1, 1, 1, 1, 1], count(8, 'provisional'));
    expect(rollup(input)).toMatchObject({ value: 8, status: 'provisional', method: 'direct' });
  });

  it('with départements missing, warns only when their partial sum already exceeds the région', () => {
    const lower = rollup(sumInput([100, null, 40, 50, 50, 70, 30, 40], count(440)));
    expect(lower.consistency?.consistent).toBe(true);
    const higher = rollup(sumInput([100, null, 40, 50, 50, 70, 30, 40], count(300)));
    expect(higher.consistency?.consistent).toBe(false);
    expect(higher.warnings[0]).toContain('la somme des seuls départements renseignés');
  });

  it('has a floor of one unit, so that small counts do not warn on rounding', () => {
    expect(consistencyTolerance('count', 'sum', 0, 12)).toBe(1);
    expect(consistencyTolerance('count', 'sum', 0, 10_000)).toBe(50);
    expect(consistencyTolerance('euro', 'sum', 0, 88_400_000)).toBe(442_000);
  });

  it('returns no value when nothing is known', () => {
    const r = rollup(sumInput([null, null, null, null, null, null, null, null]));
    expect(r).toMatchObject({
      value: null,
      status: null,
      method: null,
      complete: false,
      provenance: 'aucune valeur',
    });
  });
});

describe('rollup — ratios', () => {
  /**
   * Paris: 90 / 100 = 90 %; Seine-et-Marne: 10 / 900 ≈ 1,1 %. The mean of the two rates is about 45,6 %, the rate of
   * the two together is 100 / 1 000 = 10 %: only the second is the rate of the région.
   */
  const parts = [
    { territory: 'DEP-75', cell: rate(90, 100) },
    { territory: 'DEP-77', cell: rate(10, 900) },
  ];
  const input: RollupInput = { aggregation: 'ratio', unit: 'percent', decimals: 1, direct: null, parts };

  it('recomputes the rate from summed numerators and denominators, never averaging the rates', () => {
    const r = rollup(input);
    const meanOfRates = (90 + (10 / 900) * 100) / 2;
    expect(meanOfRates).toBeCloseTo(45.56, 2);
    expect(r.value).toBe(10);
    expect(r.value).not.toBeCloseTo(meanOfRates, 0);
    expect(r.computed).toMatchObject({ numerator: 100, denominator: 1000, method: 'ratio' });
    expect(r.method).toBe('ratio');
    expect(r.provenance).toContain('ratio recomputé');
    expect(r.complete).toBe(true);
  });

  it('does not scale a ratio that is not a percentage (euros per ETP)', () => {
    const r = rollup({
      aggregation: 'ratio',
      unit: 'euro',
      decimals: 0,
      direct: null,
      parts: [
        {
          territory: 'DEP-75',
          cell: { value: 10_000, numerator: 1_000_000, denominator: 100, status: 'validated' },
        },
        {
          territory: 'DEP-93',
          cell: { value: 20_000, numerator: 600_000, denominator: 30, status: 'validated' },
        },
      ],
    });
    expect(r.value).toBeCloseTo(1_600_000 / 130, 6);
  });

  it('leaves out a rate published without its numerator and denominator, and says so', () => {
    const r = rollup({
      ...input,
      parts: [
        ...parts,
        { territory: 'DEP-93', cell: { value: 50, numerator: null, denominator: null, status: 'validated' } },
      ],
    });
    expect(r.value).toBe(10);
    expect(r.coverage).toEqual({ reported: 2, expected: 3, missing: ['DEP-93'] });
    expect(r.complete).toBe(false);
    expect(r.parts[2]).toMatchObject({ used: false, value: 50 });
    expect(r.parts[2].note).toContain('ne peut pas entrer dans le recalcul');
  });

  it('lets a direct regional rate win, and checks it against the recomputed rate in points', () => {
    const agreeing = rollup({ ...input, direct: rate(102, 1000) });
    expect(agreeing).toMatchObject({ value: 10.2, method: 'direct' });
    expect(agreeing.consistency).toMatchObject({ tolerance: 0.5, consistent: true });

    const disagreeing = rollup({ ...input, direct: rate(450, 1000) });
    expect(disagreeing.value).toBe(45);
    expect(disagreeing.consistency).toMatchObject({ difference: 35, consistent: false });
    expect(disagreeing.warnings[0]).toContain('le taux recomputé à partir des départements (10,0\u00a0%)');
    expect(disagreeing.warnings[0]).toContain('+35,0\u00a0points');
  });

  it('prints a difference just over the tolerance with enough decimals to tell them apart', () => {
    const r = rollup({
      ...input,
      direct: { value: 10.54, numerator: null, denominator: null, status: 'validated' },
    });
    expect(r.consistency?.consistent).toBe(false);
    expect(r.warnings[0]).toContain(
      'diffèrent de +0,54\u00a0point, au-delà de la tolérance (0,50\u00a0point)',
    );
  });

  it('does not judge a direct rate against a rate over some départements only', () => {
    const r = rollup({
      ...input,
      direct: rate(450, 1000),
      parts: [...parts, { territory: 'DEP-93', cell: null }],
    });
    expect(r.consistency?.consistent).toBeNull();
    expect(r.warnings).toEqual([]);
  });
});

describe('rollup — indicators that do not add up', () => {
  it('gives the direct value only', () => {
    const base: RollupInput = {
      aggregation: 'none',
      unit: 'euro',
      decimals: 0,
      direct: null,
      parts: [
        { territory: 'DEP-75', cell: count(19_897) },
        { territory: 'DEP-93', cell: count(19_897) },
      ],
    };
    const r = rollup(base);
    expect(r.value).toBeNull();
    expect(r.computed).toBeNull();
    expect(r.warnings[0]).toContain("ne s'agrège pas");
    expect(rollup({ ...base, direct: count(19_897) })).toMatchObject({ value: 19_897, method: 'direct' });
  });
});
