import { byFunderOf, evolutionOf, perEtpOf, totalsOf } from './conference';
import { apportion, FUNDING_DEMO_WEIGHTS, generateFundingDemo } from './demo';
import type { FunderKind } from './funding.entities';

function line(
  funder: string,
  kind: FunderKind,
  scheme: string,
  siaeType: string | null,
  committed: number,
  etp: number | null,
  year = 2021,
) {
  return {
    funder,
    funderLabel: funder,
    funderKind: kind,
    scheme,
    schemeLabel: scheme,
    territory: 'DEP-77',
    year,
    siaeType,
    committed,
    paid: null,
    etp,
  };
}

describe('conférence des financeurs: computations', () => {
  it('computes € per ETP as a sum over a sum, never as the mean of the lines’ ratios', () => {
    // Two ACI lines: 100 ETP at 20 000 € and 10 ETP at 10 000 €. Mean of ratios: 15 000; sum / sum: 19 091.
    const lines = [
      line('ETAT', 'state', 'AIDE_POSTE', 'ACI', 2_000_000, 100),
      line('ETAT', 'state', 'AIDE_POSTE', 'ACI', 100_000, 10, 2022),
      line('CD-77', 'departmental_council', 'CDDI_RSA', 'ACI', 550_000, 40),
    ];
    const aci = perEtpOf(lines, 2021).find((r) => r.siaeType === 'ACI')!;
    expect(aci.aidEtp).toBe(110);
    expect(aci.aidPerEtp).toBe(19_091);
    expect(aci.base).toBe(19_897);
    expect(aci.gapPercent).toBe(-4.1);
    // Every funder's money over the posts of the aide au poste: the co-financed ETP are not counted twice.
    expect(aci.allPerEtp).toBe(Math.round(2_650_000 / 110));
    const all = perEtpOf(lines, 2021).find((r) => r.siaeType === null)!;
    expect(all.aidEtp).toBe(110);
  });

  it('says « — » (null) rather than dividing by zero, and keeps untyped lines out of the typed rows', () => {
    const lines = [line('ETAT', 'state', 'FDI', null, 500_000, null)];
    const rows = perEtpOf(lines, 2021);
    expect(rows.find((r) => r.siaeType === 'ACI')).toMatchObject({
      aidEtp: 0,
      aidPerEtp: null,
      allCommitted: 0,
    });
    expect(rows[rows.length - 1]).toMatchObject({ siaeType: null, allCommitted: 500_000, allPerEtp: null });
    expect(totalsOf(lines)).toMatchObject({ committed: 500_000, paid: 0, paidRate: 0, aidPerEtp: null });
  });

  it('sums amounts in cents, so that many lines do not drift', () => {
    const lines = Array.from({ length: 1000 }, () => line('ETAT', 'state', 'FDI', null, 0.1, null));
    expect(totalsOf(lines).committed).toBe(100);
    expect(byFunderOf(lines)[0]).toMatchObject({ committed: 100, share: 100, etp: null });
  });

  it('gives the change from one year to the next, and an empty year as zero', () => {
    const lines = [
      line('ETAT', 'state', 'FDI', null, 100, null, 2020),
      line('ETAT', 'state', 'FDI', null, 150, null, 2022),
    ];
    const evolution = evolutionOf(lines, [2020, 2021, 2022]);
    expect(evolution.rows.map((r) => [r.year, r.committed, r.change])).toEqual([
      [2020, 100, null],
      [2021, 0, -100],
      [2022, 150, null],
    ]);
  });
});

describe('funding demo data', () => {
  it('apportions exactly', () => {
    expect(apportion(100, [1, 1, 1])).toEqual([34, 33, 33]);
    expect(apportion(7_000_000, Object.values(FUNDING_DEMO_WEIGHTS)).reduce((a, b) => a + b, 0)).toBe(
      7_000_000,
    );
  });

  it('is deterministic and matches the 2018 regional totals of the strategy', () => {
    const a = generateFundingDemo();
    expect(generateFundingDemo()).toEqual(a);
    const sum = (pick: (l: (typeof a)[number]) => boolean) =>
      a.filter(pick).reduce((acc, l) => acc + l.committed, 0);
    expect(sum((l) => l.year === 2018 && l.funder === 'ETAT')).toBe(79_000_000);
    expect(sum((l) => l.year === 2018 && l.funder.startsWith('CD-'))).toBe(26_000_000);
    expect(sum((l) => l.year === 2018 && l.scheme === 'CDDI_RSA' && l.siaeType === 'ACI')).toBe(7_000_000);
    expect(sum((l) => l.year === 2022)).toBeGreaterThan(sum((l) => l.year === 2018));
    // A conseil départemental funds its own département only.
    expect(
      a.filter((l) => l.funder.startsWith('CD-')).every((l) => l.territory === `DEP-${l.funder.slice(3)}`),
    ).toBe(true);
  });
});
