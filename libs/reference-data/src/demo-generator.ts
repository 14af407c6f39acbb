import { seededRandom, territoryCode } from '@cap-iae/shared';
import type { IndicatorFile, ReferenceValueFile } from './reference-files';

/** The eight départements of Île-de-France and their share of the région's IAE activity (2016 shares from seed 000
 * for 75, 77, 94 and 95; the four others share the remaining 47 %). */
export const IDF_DEPARTMENT_WEIGHTS: Record<string, number> = {
  '75': 23,
  '77': 14,
  '78': 9,
  '91': 11,
  '92': 11,
  '93': 16,
  '94': 7,
  '95': 9,
};

export const DEMO_YEARS = [2015, 2016, 2017, 2018, 2019, 2020, 2021, 2022];
export const DEMO_SEED = 20_190_910;
const SIAE_TYPES = ['ACI', 'AI', 'EI', 'ETTI', 'EITI'] as const;
type SiaeType = (typeof SIAE_TYPES)[number];

/** Shares by SIAE type: structures from the 2016 counts, everything else from the 2016 salariés (seed 000). */
const STRUCTURE_SHARES: Record<SiaeType, number> = { ACI: 153, AI: 69, EI: 154, ETTI: 23, EITI: 0 };
const ACTIVITY_SHARES: Record<SiaeType, number> = { ACI: 6333, AI: 13560, EI: 4181, ETTI: 3370, EITI: 0 };

/** Regional magnitudes for 2016 where no reference value exists (orders of size from the seeds). */
const BASE_2016: Record<string, number> = {
  SIAE_CREATIONS_NB: 18,
  ETP_CONVENTIONNES: 8200,
  ENTREES_NB: 14000,
  SORTIES_NB: 12500,
  CONTRATS_PASSERELLES_NB: 60,
  ETP_PERMANENTS: 1511,
  ETP_ACCOMPAGNEMENT_ENCADREMENT: 1100,
  ETP_CIP: 538,
  HEURES_FORMATION: 420000,
  CLAUSES_HEURES_INSERTION: 1_700_000,
  MARCHES_CLAUSES_NB: 1300,
  CONTRATS_PRO_INCLUSION_NB: 40,
  FIN_FORMATION_PIC: 3_000_000,
  CA_MARCHES_PUBLICS: 88_400_000,
  FIN_ETAT: 69_000_000,
  FIN_FDI: 2_500_000,
  FIN_CD: 24_000_000,
  FIN_CD_RSA_ACI: 6_500_000,
  FIN_REGION: 6_000_000,
  FIN_FSE: 5_000_000,
  FIN_COMMUNES_EPT: 9_000_000,
  SAL_INSERTION_NB: 27_500,
  ETP_INSERTION: 8033,
  SIAE_NB: 400,
};

const UNIT_DEFAULT: Record<string, number> = {
  count: 40,
  fte: 500,
  euro: 1_000_000,
  hours: 50_000,
  percent: 30,
};

/** What a rate is a share of, so that its denominator is a real demo count of the same territory and year. */
function denominatorOf(code: string): string {
  if (
    code === 'TAILLE_MOYENNE_SIAE_ETP' ||
    code.startsWith('TX_SIAE') ||
    (code.startsWith('SIAE_') && code.endsWith('_TX'))
  )
    return 'SIAE_NB';
  if (code.startsWith('TX_SORTIES')) return 'SORTIES_NB';
  if (code === 'TX_ETP_CIP_PERMANENTS' || code === 'SAL_PAR_PERMANENT') return 'ETP_PERMANENTS';
  if (code === 'AIDE_POSTE_PAR_ETP') return 'ETP_INSERTION';
  if (code.startsWith('PART_HEURES')) return 'HEURES_FORMATION';
  return 'SAL_INSERTION_NB';
}

const RATIO_DEFAULT: Record<string, number> = {
  TAILLE_MOYENNE_SIAE_ETP: 20,
  SAL_PAR_PERMANENT: 17,
  AIDE_POSTE_PAR_ETP: 11_500,
  SAL_INSERTION_PART_REGION: 12.5,
};

export interface DemoObservation {
  indicator: string;
  territory: string;
  period: string;
  dimensions: Record<string, string>;
  value?: number;
  numerator?: number;
  denominator?: number;
  status: 'provisional' | 'validated';
}

export interface DemoTarget {
  indicator: string;
  territory: string;
  year: number;
  value: number;
}

type Cell = Map<string, number>; // key: `${dep}|${year}|${type|''}`

/**
 * Deterministic département-level demo series 2015-2022 for Île-de-France. Counts are split from regional totals with
 * a largest-remainder rounding so that départements add up exactly to the région (and to its reference values where
 * the documents give them); rates are generated as numerator / denominator over the demo counts.
 */
export class DemoGenerator {
  private readonly random = seededRandom(DEMO_SEED);
  private readonly sums = new Map<string, Cell>();
  readonly observations: DemoObservation[] = [];
  readonly targets: DemoTarget[] = [];

  constructor(
    private readonly indicators: IndicatorFile[],
    private readonly references: ReferenceValueFile[],
  ) {}

  generate(): this {
    const sums = this.indicators.filter((i) => i.aggregation === 'sum');
    const ratios = this.indicators.filter((i) => i.aggregation === 'ratio');
    for (const i of sums) this.generateSum(i);
    for (const i of ratios) this.generateRatio(i);
    for (const i of this.indicators.filter((x) => x.aggregation === 'none')) this.generateFlat(i);
    return this;
  }

  private ref(indicator: string, year: number, type?: string, territory = '11'): number | undefined {
    return this.references.find(
      (r) =>
        r.indicator === indicator &&
        r.territory === territory &&
        r.year === year &&
        (type
          ? r.dimensions.siae_type === type && Object.keys(r.dimensions).length === 1
          : Object.keys(r.dimensions).length === 0),
    )?.value;
  }

  /** Regional total per year: reference values where given, interpolated between them, trended outside. */
  private regionalSeries(ind: IndicatorFile): Map<number, number> {
    const known = new Map<number, number>();
    for (const y of DEMO_YEARS) {
      const total = this.ref(ind.code, y) ?? this.typeRefSum(ind.code, y);
      if (total !== undefined) known.set(y, total);
    }
    if (known.size === 0) known.set(2016, BASE_2016[ind.code] ?? UNIT_DEFAULT[ind.unit] ?? 100);
    const years = [...known.keys()].sort((a, b) => a - b);
    const series = new Map<number, number>();
    const growth = ind.unit === 'euro' ? 0.04 : 0.025;
    for (const y of DEMO_YEARS) {
      const exact = known.get(y);
      if (exact !== undefined) {
        series.set(y, exact);
        continue;
      }
      const before = years.filter((k) => k < y).pop();
      const after = years.find((k) => k > y);
      let v: number;
      if (before !== undefined && after !== undefined) {
        const t = (y - before) / (after - before);
        v = known.get(before)! + t * (known.get(after)! - known.get(before)!);
      } else if (before !== undefined) v = known.get(before)! * Math.pow(1 + growth, y - before);
      else v = known.get(after!)! / Math.pow(1 + growth, after! - y);
      series.set(y, v * (0.98 + 0.04 * this.random()));
    }
    return series;
  }

  private typeRefSum(code: string, year: number): number | undefined {
    const parts = SIAE_TYPES.map((t) => this.ref(code, year, t)).filter((v): v is number => v !== undefined);
    return parts.length >= 4 ? parts.reduce((a, b) => a + b, 0) : undefined;
  }

  private typeShares(code: string, year: number): Record<SiaeType, number> {
    const base = code === 'SIAE_NB' || code === 'SIAE_CREATIONS_NB' ? STRUCTURE_SHARES : ACTIVITY_SHARES;
    // EITI is an experiment started in 2018: no activity before, a small and growing share after.
    const eiti = year < 2019 ? 0 : (year - 2018) * 0.004 * Object.values(base).reduce((a, b) => a + b, 0);
    return { ...base, EITI: eiti };
  }

  private generateSum(ind: IndicatorFile): void {
    const decimals = ind.decimals;
    const byType = ind.dimensions.includes('siae_type');
    const series = this.regionalSeries(ind);
    const cell: Cell = new Map();
    const depOffsets = this.departmentJitter();
    for (const year of DEMO_YEARS) {
      const total = series.get(year)!;
      const regionalByType = new Map<string, number>();
      if (byType) {
        const shares = this.typeShares(ind.code, year);
        const fixed = new Map<SiaeType, number>();
        for (const t of SIAE_TYPES) {
          const r = this.ref(ind.code, year, t);
          if (r !== undefined) fixed.set(t, r);
        }
        const free = SIAE_TYPES.filter((t) => !fixed.has(t));
        const rest = Math.max(0, total - [...fixed.values()].reduce((a, b) => a + b, 0));
        const split = apportion(
          rest,
          free.map((t) => shares[t]),
          decimals,
        );
        free.forEach((t, k) => regionalByType.set(t, split[k]));
        fixed.forEach((v, t) => regionalByType.set(t, v));
      } else {
        regionalByType.set('', round(total, decimals));
      }
      const deps = Object.keys(IDF_DEPARTMENT_WEIGHTS);
      const weights = deps.map((d) => IDF_DEPARTMENT_WEIGHTS[d] * depOffsets[d]);
      const splits = new Map<string, number[]>();
      for (const [type, regionalShare] of regionalByType) {
        const split = apportion(regionalShare, weights, decimals);
        // A département's own published figure replaces its share; the région then adds up what the départements hold.
        deps.forEach((dep, k) => {
          const fixed = this.ref(ind.code, year, type || undefined, dep);
          if (fixed !== undefined) split[k] = fixed;
        });
        splits.set(type, split);
      }
      if (byType) {
        // A published département total: its types are rescaled to add up to it.
        deps.forEach((dep, k) => {
          const fixedTotal = this.ref(ind.code, year, undefined, dep);
          if (fixedTotal === undefined) return;
          const types = [...splits.keys()];
          const parts = apportion(
            fixedTotal,
            types.map((t) => splits.get(t)![k]),
            decimals,
          );
          types.forEach((t, j) => (splits.get(t)![k] = parts[j]));
        });
      }
      let regionSum = 0;
      for (const [type, split] of splits) {
        const regional =
          this.ref(ind.code, year, type || undefined) ??
          round(
            split.reduce((a, b) => a + b, 0),
            decimals,
          );
        deps.forEach((dep, k) => {
          cell.set(`${dep}|${year}|${type}`, split[k]);
          if (type)
            cell.set(`${dep}|${year}|`, round((cell.get(`${dep}|${year}|`) ?? 0) + split[k], decimals));
          this.push(ind.code, dep, year, type, { value: split[k] });
        });
        regionSum += regional;
        this.push(ind.code, '11', year, type, { value: regional });
      }
      if (byType) {
        for (const dep of deps) this.push(ind.code, dep, year, '', { value: cell.get(`${dep}|${year}|`)! });
        this.push(ind.code, '11', year, '', { value: round(regionSum, decimals) });
      }
    }
    this.sums.set(ind.code, cell);
    this.addTargets(ind, series);
  }

  private generateRatio(ind: IndicatorFile): void {
    const den = this.sums.get(denominatorOf(ind.code)) ?? this.sums.get('SAL_INSERTION_NB')!;
    const scale = ind.unit === 'percent' ? 100 : 1;
    const byType = ind.dimensions.includes('siae_type');
    const offsets = this.departmentOffsets(ind.unit === 'percent' ? 6 : 0.12);
    const regional = new Map<number, number>();
    const refYears = DEMO_YEARS.filter((y) => this.ref(ind.code, y) !== undefined);
    for (const year of DEMO_YEARS) {
      const nearest = refYears.sort((a, b) => Math.abs(a - year) - Math.abs(b - year))[0];
      const base =
        nearest !== undefined
          ? this.ref(ind.code, nearest)!
          : (RATIO_DEFAULT[ind.code] ?? UNIT_DEFAULT.percent);
      const drift =
        nearest !== undefined
          ? (year - nearest) * (ind.direction === 'up' ? 0.4 : -0.4) * (scale === 100 ? 1 : base / 100)
          : 0;
      const target = this.ref(ind.code, year) ?? base + drift;
      regional.set(year, target);
      const types = byType ? SIAE_TYPES.filter((t) => (den.get(`75|${year}|${t}`) ?? 0) > 0) : [''];
      // Shift département rates together so that the recomputed regional rate lands on the regional value.
      const rate = (dep: string, shift: number) => {
        const r = target * (1 + offsets[dep]) + shift;
        return scale === 100 ? Math.min(99, Math.max(0.5, r)) : Math.max(0.01, r);
      };
      let shift = 0;
      for (let pass = 0; pass < 2; pass++) {
        let num = 0;
        let dsum = 0;
        for (const dep of Object.keys(IDF_DEPARTMENT_WEIGHTS)) {
          const d = den.get(`${dep}|${year}|`) ?? 0;
          num += (rate(dep, shift) / scale) * d;
          dsum += d;
        }
        if (dsum > 0) shift += target - (num / dsum) * scale;
      }
      const regionalParts = new Map<string, { n: number; d: number }>();
      for (const dep of Object.keys(IDF_DEPARTMENT_WEIGHTS)) {
        let numTotal = 0;
        let denTotal = 0;
        for (const type of types) {
          const d = den.get(`${dep}|${year}|${type}`) ?? 0;
          if (d <= 0) continue;
          const typeRate = type ? rate(dep, shift) * (0.9 + 0.2 * this.random()) : rate(dep, shift);
          // Rates are capped below 100 %; other ratios (€ per ETP, salariés per permanent) are not percentages.
          const capped = scale === 100 ? Math.min(type ? 99.5 : 99, typeRate) : typeRate;
          const n = Math.round((capped / scale) * d * 10) / 10;
          const numerator = scale === 100 ? Math.min(Math.round(n), d) : n;
          if (type) {
            this.push(ind.code, dep, year, type, { numerator, denominator: d });
            const acc = regionalParts.get(type) ?? { n: 0, d: 0 };
            regionalParts.set(type, { n: acc.n + numerator, d: acc.d + d });
          }
          numTotal += numerator;
          denTotal += d;
        }
        if (!byType) {
          const d = den.get(`${dep}|${year}|`) ?? 0;
          const n =
            scale === 100
              ? Math.min(Math.round((rate(dep, shift) / scale) * d), d)
              : Math.round((rate(dep, shift) / scale) * d * 10) / 10;
          numTotal = n;
          denTotal = d;
        }
        if (denTotal > 0) {
          this.push(ind.code, dep, year, '', {
            numerator: round(numTotal, 1),
            denominator: round(denTotal, 2),
          });
          const acc = regionalParts.get('') ?? { n: 0, d: 0 };
          regionalParts.set('', { n: acc.n + numTotal, d: acc.d + denTotal });
        }
      }
      for (const [type, { n, d }] of regionalParts) {
        if (d > 0)
          this.push(ind.code, '11', year, type, { numerator: round(n, 1), denominator: round(d, 2) });
      }
    }
    this.addTargets(ind, regional);
  }

  /** Indicators that do not roll up get the regional value everywhere (e.g. a national rule applied locally). */
  private generateFlat(ind: IndicatorFile): void {
    const series = this.regionalSeries(ind);
    for (const year of DEMO_YEARS) {
      const v = round(series.get(year)!, ind.decimals);
      for (const dep of ['11', ...Object.keys(IDF_DEPARTMENT_WEIGHTS)])
        this.push(ind.code, dep, year, '', { value: v });
    }
  }

  /** Targets over the strategies' years: the 2017 level moved 4 % a year (or 1 point for rates) the right way. */
  private addTargets(ind: IndicatorFile, regional: Map<number, number>): void {
    const start = regional.get(2017);
    if (start === undefined) return;
    const sign = ind.direction === 'up' ? 1 : -1;
    for (let year = 2018; year <= 2022; year++) {
      const k = year - 2017;
      const value =
        ind.unit === 'percent'
          ? Math.min(100, Math.max(0, start + sign * k))
          : Math.max(0, start * (1 + sign * 0.04 * k));
      this.targets.push({ indicator: ind.code, territory: '11', year, value: round(value, ind.decimals) });
      if (ind.aggregation === 'sum') {
        const split = apportion(value, Object.values(IDF_DEPARTMENT_WEIGHTS), ind.decimals);
        Object.keys(IDF_DEPARTMENT_WEIGHTS).forEach((dep, j) =>
          this.targets.push({ indicator: ind.code, territory: dep, year, value: split[j] }),
        );
      } else if (ind.unit === 'percent') {
        for (const dep of Object.keys(IDF_DEPARTMENT_WEIGHTS)) {
          this.targets.push({ indicator: ind.code, territory: dep, year, value: round(value, ind.decimals) });
        }
      }
    }
  }

  private departmentJitter(): Record<string, number> {
    return Object.fromEntries(
      Object.keys(IDF_DEPARTMENT_WEIGHTS).map((d) => [d, 0.85 + 0.3 * this.random()]),
    );
  }

  private departmentOffsets(spread: number): Record<string, number> {
    return Object.fromEntries(
      Object.keys(IDF_DEPARTMENT_WEIGHTS).map((d) => [
        d,
        ((this.random() * 2 - 1) * spread) / (spread > 1 ? 30 : 1),
      ]),
    );
  }

  private push(
    indicator: string,
    territory: string,
    year: number,
    type: string,
    value: { value?: number; numerator?: number; denominator?: number },
  ): void {
    const key = `${indicator}|${territory}|${year}|${type}`;
    // EITI is an experiment started in 2018: no series before it rather than zeros that would read as measured.
    if (this.seen.has(key) || (type === 'EITI' && year < 2019)) return;
    this.seen.add(key);
    this.observations.push({
      indicator,
      territory: territory === '11' ? territoryCode('region', '11') : territoryCode('department', territory),
      period: String(year),
      dimensions: type ? { siae_type: type } : {},
      ...value,
      // The latest year is still being consolidated, as it would be in real life.
      status: year === DEMO_YEARS[DEMO_YEARS.length - 1] ? 'provisional' : 'validated',
    });
  }

  private readonly seen = new Set<string>();
}

function round(v: number, decimals: number): number {
  const f = Math.pow(10, decimals);
  return Math.round(v * f) / f;
}

/** Splits `total` by `weights` into rounded parts that add up exactly to the rounded total (largest remainder). */
export function apportion(total: number, weights: number[], decimals = 0): number[] {
  const f = Math.pow(10, decimals);
  const units = Math.round(total * f);
  const sum = weights.reduce((a, b) => a + b, 0);
  if (sum <= 0 || weights.length === 0) return weights.map(() => 0);
  const exact = weights.map((w) => (units * w) / sum);
  const floors = exact.map(Math.floor);
  let left = units - floors.reduce((a, b) => a + b, 0);
  const order = exact
    .map((e, i) => [e - Math.floor(e), i] as const)
    .sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (const [, i] of order) {
    if (left <= 0) break;
    floors[i] += 1;
    left -= 1;
  }
  return floors.map((u) => u / f);
}
