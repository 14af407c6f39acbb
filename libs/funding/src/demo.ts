import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AUDIT_SINK, AuditSink, seededRandom } from '@cap-iae/shared';
import { inTransaction } from '@cap-iae/database';
import { aidePosteBaseFor } from './aide-au-poste';
import { Funder, FundingLine, FundingScheme } from './funding.entities';
import { AIDE_AU_POSTE_SCHEME, FundingReferenceSeeder, STATE_FUNDER } from './reference';

/**
 * Shares of the région's IAE activity by département: the same weights as the indicator demo data
 * (IDF_DEPARTMENT_WEIGHTS in libs/reference-data, which this library may not import), so that funding and
 * indicators tell the same story.
 */
export const FUNDING_DEMO_WEIGHTS: Record<string, number> = {
  '75': 23,
  '77': 14,
  '78': 9,
  '91': 11,
  '92': 11,
  '93': 16,
  '94': 7,
  '95': 9,
};

export const FUNDING_DEMO_YEARS = [2018, 2019, 2020, 2021, 2022];
export const FUNDING_DEMO_SEED = 20_181_126;

/**
 * ETP d'insertion of the région in 2018 by SIAE type. Chosen so that the State's aide au poste (ETP × base) plus its
 * FDI and training lines make the 79 M€ the regional strategy reports for 2018 (seed 000), with about 8 000 ETP as in
 * 2016; the split follows the activity of each type (the many part-time AI salariés weigh little in ETP).
 */
const ETP_2018: Record<'ACI' | 'AI' | 'EI' | 'ETTI', number> = { ACI: 2400, AI: 2800, EI: 1700, ETTI: 1100 };

/** Growth from 2018, year by year: steady, then the Pacte d'ambition's expansion from 2020. */
const GROWTH: Record<number, number> = { 2018: 1, 2019: 1.04, 2020: 1.1, 2021: 1.23, 2022: 1.35 };

/** 2018 regional totals from the strategy (seed 000): State 79 M€; conseils départementaux 26 M€ (7 M€ RSA CDDI). */
const STATE_TOTAL_2018 = 79_000_000;
const COUNCIL_LINES_2018: DemoSpec[] = [
  { scheme: 'CDDI_RSA', siaeType: 'ACI', amount: 7_000_000, etpCost: 5_800 },
  { scheme: 'CAOM', siaeType: 'ACI', amount: 11_000_000 },
  { scheme: 'AUTRE', siaeType: '', amount: 8_000_000 },
];
/** Other funders, regional amounts 2018 (orders of size from seeds 000 and 002). */
const OTHER_LINES_2018: (DemoSpec & { funder: string })[] = [
  { funder: 'REGION-11', scheme: 'GAMME_UP', siaeType: 'ACI', amount: 3_000_000 },
  { funder: 'REGION-11', scheme: 'GAMME_UP', siaeType: 'EI', amount: 1_500_000 },
  { funder: 'REGION-11', scheme: 'PM_UP', siaeType: 'EI', amount: 2_000_000 },
  { funder: 'FSE', scheme: 'FSE_INCLUSION', siaeType: 'ACI', amount: 5_000_000 },
  { funder: 'BLOC-COMMUNAL', scheme: 'AUTRE', siaeType: 'ACI', amount: 6_300_000 },
  { funder: 'BLOC-COMMUNAL', scheme: 'AUTRE', siaeType: '', amount: 2_700_000 },
  { funder: 'FRANCE-TRAVAIL', scheme: 'PIC_EDEC', siaeType: '', amount: 3_000_000 },
];

interface DemoSpec {
  scheme: string;
  siaeType: string;
  amount: number;
  /** For lines paying posts: cost of one ETP, to derive the ETP financed. */
  etpCost?: number;
}

interface DemoLine {
  funder: string;
  scheme: string;
  territory: string;
  year: number;
  siaeType: string;
  committed: number;
  paid: number;
  etp: number | null;
}

/**
 * Splits `total` by `weights` into amounts with `decimals` decimals that add up exactly to `total` (largest remainder),
 * so that the départements' lines always sum to the regional figure they were made from.
 */
export function apportion(total: number, weights: readonly number[], decimals = 0): number[] {
  const scale = 10 ** decimals;
  const units = Math.round(total * scale);
  const sum = weights.reduce((a, b) => a + b, 0);
  const raw = weights.map((w) => (w / sum) * units);
  const parts = raw.map((r) => Math.floor(r));
  let missing = units - parts.reduce((a, b) => a + b, 0);
  const order = raw.map((r, i) => ({ i, rest: r - parts[i] })).sort((a, b) => b.rest - a.rest || a.i - b.i);
  for (let k = 0; missing > 0; k = (k + 1) % order.length, missing--) parts[order[k].i] += 1;
  return parts.map((p) => p / scale);
}

/**
 * Deterministic funding lines 2018-2022 for the eight départements of Île-de-France. The 2018 regional totals are
 * exactly those of the strategy; the State's aide au poste is always ETP × the reference base of its type.
 */
export function generateFundingDemo(): DemoLine[] {
  const random = seededRandom(FUNDING_DEMO_SEED);
  const deps = Object.keys(FUNDING_DEMO_WEIGHTS);
  const out: DemoLine[] = [];
  // Each year, each département drifts a little from its 2018 weight, so that the comparison table is not flat.
  const weightsFor = (year: number) =>
    deps.map((d) => FUNDING_DEMO_WEIGHTS[d] * (year === 2018 ? 1 : 0.94 + 0.12 * random()));
  const paidOf = (committed: number, year: number) =>
    Math.round(committed * (year === 2022 ? 0.78 + 0.12 * random() : 0.93 + 0.07 * random()));

  for (const year of FUNDING_DEMO_YEARS) {
    const growth = GROWTH[year];
    let stateAid = 0;
    for (const [type, etp2018] of Object.entries(ETP_2018)) {
      const base = aidePosteBaseFor(type, year)!.amountPerEtp;
      const etps = apportion(Math.round(etp2018 * growth), weightsFor(year), 0);
      deps.forEach((dep, i) => {
        const committed = etps[i] * base;
        stateAid += committed;
        out.push({
          funder: STATE_FUNDER,
          scheme: AIDE_AU_POSTE_SCHEME,
          territory: `DEP-${dep}`,
          year,
          siaeType: type,
          committed,
          // The aide au poste is paid monthly on the posts actually filled: close to the commitment.
          paid: Math.round(committed * (year === 2022 ? 0.85 + 0.1 * random() : 0.96 + 0.04 * random())),
          etp: etps[i],
        });
      });
    }
    // The rest of the State's envelope: FDI and training (PIC / EDEC), 60 / 40.
    const stateRest = Math.round(STATE_TOTAL_2018 * growth) - stateAid;
    const fdi = Math.round(stateRest * 0.6);
    for (const [scheme, total] of [
      ['FDI', fdi],
      ['PIC_EDEC', stateRest - fdi],
    ] as const) {
      const amounts = apportion(total, weightsFor(year));
      deps.forEach((dep, i) =>
        out.push({
          funder: STATE_FUNDER,
          scheme,
          territory: `DEP-${dep}`,
          year,
          siaeType: '',
          committed: amounts[i],
          paid: paidOf(amounts[i], year),
          etp: null,
        }),
      );
    }
    // Each conseil départemental funds its own département only.
    for (const spec of COUNCIL_LINES_2018) {
      const amounts = apportion(Math.round(spec.amount * growth), weightsFor(year));
      deps.forEach((dep, i) =>
        out.push({
          funder: `CD-${dep}`,
          scheme: spec.scheme,
          territory: `DEP-${dep}`,
          year,
          siaeType: spec.siaeType,
          committed: amounts[i],
          paid: paidOf(amounts[i], year),
          etp: spec.etpCost ? Math.round((amounts[i] / spec.etpCost) * 10) / 10 : null,
        }),
      );
    }
    for (const spec of OTHER_LINES_2018) {
      const amounts = apportion(Math.round(spec.amount * growth), weightsFor(year));
      deps.forEach((dep, i) =>
        out.push({
          funder: spec.funder,
          scheme: spec.scheme,
          territory: `DEP-${dep}`,
          year,
          siaeType: spec.siaeType,
          committed: amounts[i],
          paid: paidOf(amounts[i], year),
          etp: null,
        }),
      );
    }
  }
  return out;
}

/**
 * Demonstration data for this library (financements), loaded once after the indicator demo data by the Bootstrapper.
 * Idempotent: it first makes sure the reference funders and schemes exist, then inserts the generated lines, skipping
 * any whose natural key is already taken (a line somebody typed is never replaced). Everything it adds is `is_demo`.
 */
@Injectable()
export class FundingDemoLoader {
  private readonly logger = new Logger('Démonstration');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly reference: FundingReferenceSeeder,
    @Optional() @Inject(AUDIT_SINK) private readonly audit?: AuditSink,
  ) {}

  async load(): Promise<number> {
    await this.reference.ensure();
    const lines = generateFundingDemo();
    const inserted = await inTransaction(this.dataSource, async (em) => {
      const funders = new Map((await em.getRepository(Funder).find()).map((f) => [f.code, f.id]));
      const schemes = new Map((await em.getRepository(FundingScheme).find()).map((s) => [s.code, s.id]));
      const territories = new Set(
        (await em.query<{ code: string }[]>('SELECT code FROM territory')).map((r) => r.code),
      );
      const before = await em.getRepository(FundingLine).count();
      const now = new Date().toISOString();
      const rows = lines
        .filter((l) => funders.has(l.funder) && schemes.has(l.scheme) && territories.has(l.territory))
        .map((l) => ({
          funderId: funders.get(l.funder)!,
          schemeId: schemes.get(l.scheme)!,
          territoryCode: l.territory,
          year: l.year,
          siaeType: l.siaeType,
          amountCommitted: l.committed,
          amountPaid: l.paid,
          etp: l.etp,
          // The line is marked by `is_demo` (badge on the page, column in the exports), not by its comment.
          comment: null,
          isDemo: true,
          createdBy: 'démonstration',
          createdAt: now,
          updatedBy: 'démonstration',
          updatedAt: now,
          version: 1,
        }));
      for (let i = 0; i < rows.length; i += 200) {
        await em
          .createQueryBuilder()
          .insert()
          .into(FundingLine)
          .values(rows.slice(i, i + 200))
          .orIgnore()
          // Skipped rows have no id to read back; nothing here needs the ids.
          .updateEntity(false)
          .execute();
      }
      return (await em.getRepository(FundingLine).count()) - before;
    });
    if (inserted > 0) {
      this.logger.log(`${inserted} lignes de financement de démonstration chargées`);
      await this.audit?.record({
        action: 'chargement de démonstration',
        objectType: 'lignes de financement',
        objectId: `demo-seed-${FUNDING_DEMO_SEED}`,
        summary: `${inserted} ligne(s) de financement de démonstration ajoutée(s)`,
      });
    }
    return inserted;
  }
}
