import { seededRandom } from '@cap-iae/shared';
import { largestRemainderShares, percent, ratio } from './shares';

/** Sum in tenths of a point, so that floating-point noise does not hide or fake a missing 0,1. */
const tenths = (shares: number[]) => shares.reduce((a, s) => a + Math.round(s * 10), 0);

describe('largestRemainderShares', () => {
  it('gives three equal thirds 33,4 + 33,3 + 33,3 = 100 (plain rounding would print 99,9)', () => {
    expect(largestRemainderShares([1, 1, 1])).toEqual([33.4, 33.3, 33.3]);
  });

  it('gives the missing tenth to the share that lost the most in the flooring', () => {
    // 2/3 = 66,666… and 1/3 = 33,333…: the first loses 0,0666, the second 0,0333.
    expect(largestRemainderShares([2, 1])).toEqual([66.7, 33.3]);
    // Exact shares are left alone.
    expect(largestRemainderShares([79, 21])).toEqual([79, 21]);
  });

  it('adds up to exactly 100 on real co-financing amounts', () => {
    const amounts = [79_000_000, 26_000_000, 6_500_000, 5_000_000, 9_000_000, 3_000_000];
    const shares = largestRemainderShares(amounts);
    expect(tenths(shares)).toBe(1000);
    expect(shares[0]).toBe(61.5); // 79 / 128,5 = 61,48…
  });

  it('adds up to exactly 100 on many random splits, and each share stays within 0,1 of its exact value', () => {
    const random = seededRandom(42);
    for (let run = 0; run < 500; run++) {
      const n = 1 + Math.floor(random() * 12);
      const values = Array.from({ length: n }, () => Math.round(random() * 10_000_000) / 100);
      const total = values.reduce((a, b) => a + b, 0);
      const shares = largestRemainderShares(values);
      if (total === 0) continue;
      expect(tenths(shares)).toBe(1000);
      values.forEach((v, i) => expect(Math.abs(shares[i] - (v / total) * 100)).toBeLessThan(0.1 + 1e-9));
    }
  });

  it('works with other precisions', () => {
    expect(largestRemainderShares([1, 1, 1], 0)).toEqual([34, 33, 33]);
    expect(largestRemainderShares([1, 1, 1], 2)).toEqual([33.34, 33.33, 33.33]);
  });

  it('gives 0 to nothing, to negative values, and everywhere when the total is 0', () => {
    expect(largestRemainderShares([0, 5, -3, Number.NaN])).toEqual([0, 100, 0, 0]);
    expect(largestRemainderShares([0, 0])).toEqual([0, 0]);
    expect(largestRemainderShares([])).toEqual([]);
  });
});

describe('ratio and percent', () => {
  it('divide sums, and answer null rather than dividing by zero', () => {
    expect(ratio(19_897 * 3 + 10_363, 4)).toBe(17_514);
    expect(ratio(5, 0)).toBeNull();
    expect(percent(1, 3)).toBe(33.3);
    expect(percent(1, 0)).toBeNull();
  });
});
