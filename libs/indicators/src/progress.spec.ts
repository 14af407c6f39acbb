import {
  assessProgress,
  chooseBaseline,
  chooseLatest,
  chooseTarget,
  ProgressInput,
  reachTolerance,
  YearValue,
} from './progress';

/** Strategy 2021-2022: baseline 2020, target 2022, assessed in 2021 (half way). */
const count = (latest: number | null, overrides: Partial<ProgressInput> = {}): ProgressInput => ({
  direction: 'up',
  unit: 'count',
  decimals: 0,
  baseline: { year: 2020, value: 400 },
  target: { year: 2022, value: 480 },
  latest: latest === null ? null : { year: 2021, value: latest },
  ...overrides,
});

describe('assessProgress — counts', () => {
  it('is « atteint » once the value reaches the target in the desired direction', () => {
    expect(assessProgress(count(480)).status).toBe('atteint');
    expect(assessProgress(count(495)).status).toBe('atteint');
    expect(assessProgress(count(480)).explanation).toContain('la cible de 480 fixée pour 2022 est atteinte');
  });

  it('is « en bonne voie » from 90 % of the progress expected at the date', () => {
    // Expected in 2021: 400 + (480 − 400) × 1/2 = 440, i.e. +40; 90 % of it is +36.
    const a = assessProgress(count(436));
    expect(a).toMatchObject({ status: 'en_bonne_voie', expected: 440, expectedChange: 40, actualChange: 36 });
    expect(a.share).toBeCloseTo(0.9, 10);
    expect(a.explanation).toContain('436 en 2021 ; valeur attendue à cette date : 440');
    expect(a.explanation).toContain(
      '+36, contre une évolution prévue de +40, soit 90\u00a0% de la progression attendue',
    );
  });

  it('is « en retard » below 90 %', () => {
    const a = assessProgress(count(435));
    expect(a.status).toBe('en_retard');
    expect(a.share).toBeCloseTo(35 / 40, 10);
  });

  it('is « en retard » when the value moved away from the target', () => {
    const a = assessProgress(count(390));
    expect(a.status).toBe('en_retard');
    expect(a.explanation).toContain(
      '−10, contre une évolution prévue de +40, soit une évolution dans le sens contraire',
    );
  });

  it('is « non renseigné » without value, without target, or without a baseline before the latest value', () => {
    expect(assessProgress(count(null)).status).toBe('non_renseigne');
    expect(assessProgress(count(450, { target: null })).status).toBe('non_renseigne');
    expect(assessProgress(count(450, { baseline: null })).status).toBe('non_renseigne');
    expect(assessProgress(count(450, { baseline: { year: 2021, value: 450 } })).status).toBe('non_renseigne');
    // …but a reached target needs no baseline.
    expect(assessProgress(count(480, { baseline: null })).status).toBe('atteint');
  });

  it('once the target year has come, is « en retard » short of the target however close', () => {
    const a = assessProgress(count(478, { latest: { year: 2022, value: 478 } }));
    expect(a).toMatchObject({ status: 'en_retard', expected: 480, expectedChange: 80, actualChange: 78 });
    expect(a.explanation).toContain('échéance 2022 passée : cible non atteinte');
    const later = assessProgress(count(478, { latest: { year: 2023, value: 478 } }));
    expect(later).toMatchObject({ status: 'en_retard', expected: 480 });
  });

  it('is « en retard » when a target already reached at the start is lost', () => {
    const a = assessProgress(count(395, { baseline: { year: 2020, value: 500 } }));
    expect(a.status).toBe('en_retard');
  });
});

describe('assessProgress — a fall is wanted', () => {
  // Sorties sans solution: 20 % in 2020, target 14 % in 2022; expected 17 % in 2021.
  const down = (latest: number): ProgressInput => ({
    direction: 'down',
    unit: 'percent',
    decimals: 1,
    baseline: { year: 2020, value: 20 },
    target: { year: 2022, value: 14 },
    latest: { year: 2021, value: latest },
  });

  it('counts progress downwards, in points', () => {
    const onTrack = assessProgress(down(17.3));
    expect(onTrack.status).toBe('en_bonne_voie');
    expect(onTrack.expected).toBe(17);
    expect(onTrack.share).toBeCloseTo(2.7 / 3, 10);
    expect(onTrack.explanation).toContain(
      '−2,7\u00a0points, contre une évolution prévue de −3,0\u00a0points, soit 90\u00a0%',
    );
    expect(assessProgress(down(18)).status).toBe('en_retard');
    expect(assessProgress(down(14)).status).toBe('atteint');
    expect(assessProgress(down(13.2)).status).toBe('atteint');
  });

  it('treats a value printing as the target as reached (half a unit of the last decimal)', () => {
    expect(reachTolerance(1)).toBeCloseTo(0.05, 12);
    expect(assessProgress(down(14.04)).status).toBe('atteint');
    expect(assessProgress(down(14.06)).status).not.toBe('atteint');
  });
});

describe('assessProgress — rates are measured in points, not in relative change', () => {
  it('a rate going from 30 % to 31 % on a 30 % → 34 % trajectory achieves half of the 2 points expected in 2021', () => {
    const a = assessProgress({
      direction: 'up',
      unit: 'percent',
      decimals: 1,
      baseline: { year: 2020, value: 30 },
      target: { year: 2022, value: 34 },
      latest: { year: 2021, value: 31 },
    });
    // Expected +2 points in 2021 (half of +4); +1 point is 50 %, whatever the relative change (3,3 %).
    expect(a).toMatchObject({
      status: 'en_retard',
      expected: 32,
      expectedChange: 2,
      actualChange: 1,
      share: 0.5,
    });
  });
});

describe('choosing baseline, latest value and target', () => {
  const series: YearValue[] = [
    { year: 2019, value: 1 },
    { year: 2020, value: 2 },
    { year: 2021, value: 3 },
    { year: 2022, value: 4 },
  ];

  it('takes the year before the strategy as baseline, else the first available during it', () => {
    expect(chooseBaseline(series, 2021, 2022)).toEqual({ year: 2020, value: 2 });
    expect(
      chooseBaseline(
        series.filter((v) => v.year !== 2020),
        2021,
        2022,
      ),
    ).toEqual({ year: 2021, value: 3 });
    // Older years predate the strategy's decisions: not a baseline.
    expect(chooseBaseline([{ year: 2015, value: 9 }], 2021, 2022)).toBeNull();
  });

  it('takes the latest value up to the year assessed', () => {
    expect(chooseLatest(series, 2021)).toEqual({ year: 2021, value: 3 });
    expect(chooseLatest([], 2021)).toBeNull();
  });

  it('takes the target of the last year, else the latest one set within the strategy', () => {
    const targets = [
      { year: 2021, value: 10 },
      { year: 2022, value: 12 },
    ];
    expect(chooseTarget(targets, 2021, 2022)).toEqual({ year: 2022, value: 12 });
    expect(chooseTarget(targets.slice(0, 1), 2021, 2022)).toEqual({ year: 2021, value: 10 });
    expect(chooseTarget([{ year: 2019, value: 8 }], 2021, 2022)).toBeNull();
  });
});
