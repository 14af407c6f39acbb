import ExcelJS from 'exceljs';
import type { Response } from 'superagent';
import {
  aidePosteBaseFor,
  ConferenceService,
  ConferenceView,
  FundingDemoLoader,
  RegionalFundingSummary,
} from '@cap-iae/funding';
import { runInContext } from '@cap-iae/shared';
import { Caller, countRows, startTestApp, TestApp } from '../support/test-app';

interface Line {
  id: number;
  funder: string;
  funderLabel: string;
  scheme: string;
  territory: string;
  year: number;
  siaeType: string | null;
  committed: number;
  paid: number | null;
  etp: number | null;
  comment: string | null;
  version: number;
  editable: boolean;
  demo: boolean;
}

/** Sum in cents, as the service sums, so that float noise neither hides nor fakes a difference. */
const cents = (values: (number | null)[]) =>
  values.reduce<number>((a, v) => a + Math.round((v ?? 0) * 100), 0) / 100;
/** Shares in tenths of a point: exactly 1 000 when they add up to 100,0 %. */
const tenths = (shares: number[]) => shares.reduce((a, s) => a + Math.round(s * 10), 0);

/** « 1 234 567 € », « 45,3 % », « 1 234,5 » (fr-FR, narrow no-break spaces) → number; « — » → null. */
function frNumber(text: string): number | null {
  const t = text.replace(/[\s\u00a0\u202f€%]/g, '').replace(',', '.');
  return t === '' || t === '—' ? null : Number(t);
}

function decode(html: string): string {
  return html
    .replace(/<[^>]+>/g, '')
    .replace(/&#x27;/g, "'")
    .replace(/&#x3D;/g, '=')
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .trim();
}

/** The cells of a page table (by its id), header row excluded, as text. */
function pageTable(html: string, id: string): string[][] {
  const match = new RegExp(`id="${id}"><table>([\\s\\S]*?)</table>`).exec(html);
  if (!match) throw new Error(`tableau ${id} absent de la page`);
  const body = /<tbody>([\s\S]*?)<\/tbody>/.exec(match[1])![1];
  return [...body.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map((row) =>
    [...row[1].matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((c) => decode(c[1])),
  );
}

function binary(res: Response, callback: (err: Error | null, body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => callback(null, Buffer.concat(chunks)));
}

describe(`funding — conférence des financeurs (${process.env.TEST_DB ?? 'sqlite'})`, () => {
  let t: TestApp;
  let admin: Caller;
  let council77: Caller;
  let cor: Caller;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await t.as([{ role: 'admin', territory: 'REG-11' }]);
    council77 = await t.as([{ role: 'departmental_council', territory: 'DEP-77' }]);
    cor = await t.as([{ role: 'cor_member', territory: 'REG-11' }]);
  });
  afterAll(() => t.close());

  it('seeds the reference funders and schemes lazily, without demo data', async () => {
    await t.http().get('/api/v1/funders').expect(401);
    const funders = (await cor.get('/api/v1/funders').expect(200)).body as {
      code: string;
      kind: string;
      territory: string | null;
      label: string;
    }[];
    expect(funders.map((f) => f.code)).toEqual(
      expect.arrayContaining(['ETAT', 'REGION-11', 'FSE', 'FRANCE-TRAVAIL', 'BLOC-COMMUNAL']),
    );
    const councils = funders.filter((f) => f.kind === 'departmental_council');
    expect(councils.map((f) => f.territory).sort()).toEqual(
      ['75', '77', '78', '91', '92', '93', '94', '95'].map((d) => `DEP-${d}`),
    );
    expect(councils.find((f) => f.territory === 'DEP-77')!.label).toBe(
      'Conseil départemental de Seine-et-Marne',
    );
    const schemes = (await cor.get('/api/v1/funding-schemes').expect(200)).body as {
      code: string;
      funderKinds: string[];
    }[];
    expect(schemes.map((s) => s.code)).toEqual([
      'AIDE_POSTE',
      'FDI',
      'CDDI_RSA',
      'GAMME_UP',
      'PM_UP',
      'PIC_EDEC',
      'FSE_INCLUSION',
      'CAOM',
      'AUTRE',
    ]);
    expect(schemes.find((s) => s.code === 'CDDI_RSA')!.funderKinds).toEqual(['departmental_council']);
  });

  it('loads deterministic demo lines once, consistent with the strategy’s 2018 totals', async () => {
    const loader = t.app.get(FundingDemoLoader);
    const first = await runInContext({ actor: 'test', channel: 'system' }, () => loader.load());
    expect(first).toBeGreaterThan(500);
    const again = await runInContext({ actor: 'test', channel: 'system' }, () => loader.load());
    expect(again).toBe(0);
    expect(await countRows(t.dataSource, 'funding_line')).toBe(first);

    const summary = (await cor.get('/api/v1/funding/regional-summary?region=REG-11&year=2018').expect(200))
      .body as RegionalFundingSummary;
    const kind = (k: string) => summary.byFunderKind.find((r) => r.kind === k)!.committed;
    expect(kind('state')).toBe(79_000_000);
    expect(kind('departmental_council')).toBe(26_000_000);
    const cddi = (
      await cor.get('/api/v1/funding-lines?territory=REG-11&year=2018&scheme=CDDI_RSA').expect(200)
    ).body as Line[];
    expect(cddi).toHaveLength(8);
    expect(cddi.every((l) => l.siaeType === 'ACI' && l.demo)).toBe(true);
    expect(cents(cddi.map((l) => l.committed))).toBe(7_000_000);
    expect(tenths(summary.byFunderKind.map((r) => r.share))).toBe(1000);
    expect(summary.byDepartment).toHaveLength(9);

    // The State's aide au poste is ETP × the reference base of its type, in every département and year.
    const aid = (await cor.get('/api/v1/funding-lines?territory=REG-11&scheme=AIDE_POSTE').expect(200))
      .body as Line[];
    expect(aid.length).toBe(8 * 4 * 5);
    for (const l of aid)
      expect(l.committed).toBe(l.etp! * aidePosteBaseFor(l.siaeType!, l.year)!.amountPerEtp);
    const aci2019 = aid.find((l) => l.siaeType === 'ACI' && l.year === 2019)!;
    expect(aci2019.committed / aci2019.etp!).toBe(19_897);
    // Growth over the years.
    const byYear = (y: number) => cents(aid.filter((l) => l.year === y).map((l) => l.committed));
    expect(byYear(2022)).toBeGreaterThan(byYear(2018));
  });

  it('gives totals equal to the sum of their lines, shares adding up to 100 %, and € per ETP as sum / sum', async () => {
    const view = (
      await council77.get('/api/v1/funding/conference?territory=DEP-77&from=2019&to=2022').expect(200)
    ).body as ConferenceView;
    const lines = (
      await council77.get('/api/v1/funding-lines?territory=DEP-77&from=2019&to=2022').expect(200)
    ).body as Line[];
    expect(lines.length).toBeGreaterThan(0);
    expect(view.totals.lines).toBe(lines.length);
    expect(view.totals.committed).toBe(cents(lines.map((l) => l.committed)));
    expect(view.totals.paid).toBe(cents(lines.map((l) => l.paid)));
    for (const row of view.byFunder) {
      const own = lines.filter((l) => l.funder === row.funder);
      expect(row.committed).toBe(cents(own.map((l) => l.committed)));
      expect(row.paid).toBe(cents(own.map((l) => l.paid)));
    }
    expect(cents(view.byFunder.map((r) => r.committed))).toBe(view.totals.committed);
    for (const row of view.byScheme)
      expect(row.committed).toBe(cents(lines.filter((l) => l.scheme === row.scheme).map((l) => l.committed)));
    expect(tenths(view.byFunder.map((r) => r.share))).toBe(1000);
    expect(tenths(view.byFunder.map((r) => r.sharePaid))).toBe(1000);
    expect(tenths(view.byScheme.map((r) => r.share))).toBe(1000);
    expect(tenths(view.byFunderKind.map((r) => r.share))).toBe(1000);

    // € per ETP: a sum of amounts over a sum of ETP, not the mean of each line's ratio.
    for (const row of view.perEtp.filter((r) => r.siaeType)) {
      const aid = lines.filter((l) => l.scheme === 'AIDE_POSTE' && l.siaeType === row.siaeType);
      const etp = cents(aid.map((l) => l.etp));
      expect(row.aidEtp).toBe(etp);
      expect(row.aidPerEtp).toBe(etp ? Math.round(cents(aid.map((l) => l.committed)) / etp) : null);
      const all = lines.filter((l) => l.siaeType === row.siaeType);
      expect(row.allPerEtp).toBe(etp ? Math.round(cents(all.map((l) => l.committed)) / etp) : null);
    }
    const aci = view.perEtp.find((r) => r.siaeType === 'ACI')!;
    expect(aci.base).toBe(19_897);
    expect(aci.baseYear).toBe(2019);
    expect(view.perEtp.find((r) => r.siaeType === 'AI')!.base).toBe(1_347);

    // Evolution: one row per year, adding up to the period's totals.
    expect(view.evolution.rows.map((r) => r.year)).toEqual([2019, 2020, 2021, 2022]);
    expect(cents(view.evolution.rows.map((r) => r.committed))).toBe(view.totals.committed);
    // Comparison: the eight départements of Île-de-France and the région; the 77 row is the conférence's totals.
    expect(view.comparison.map((r) => r.territory)).toEqual([
      'DEP-75',
      'DEP-77',
      'DEP-78',
      'DEP-91',
      'DEP-92',
      'DEP-93',
      'DEP-94',
      'DEP-95',
      'REG-11',
    ]);
    // The bilans' read service: the year's tables, with five years of evolution.
    const summary = await t.app.get(ConferenceService).conferenceSummary('DEP-77', 2021);
    const year = (
      await council77.get('/api/v1/funding/conference?territory=DEP-77&from=2021&to=2021').expect(200)
    ).body as ConferenceView;
    expect(summary.totals).toEqual(year.totals);
    expect(summary.byFunder).toEqual(year.byFunder);
    expect(summary.evolution.years).toEqual([2017, 2018, 2019, 2020, 2021]);
    expect(summary.evolution.rows[4].committed).toBe(year.totals.committed);
    const own = view.comparison.find((r) => r.current)!;
    expect(own.territory).toBe('DEP-77');
    expect(own.committed).toBe(view.totals.committed);
    expect(cents(view.comparison.filter((r) => !r.total).map((r) => r.committed))).toBe(
      view.comparison.find((r) => r.total)!.committed,
    );
  });

  it('splits equal amounts 33,4 / 33,3 / 33,3 by the largest remainder, on the API and on the page', async () => {
    for (const [funder, scheme] of [
      ['ETAT', 'FDI'],
      ['REGION-11', 'GAMME_UP'],
      ['FSE', 'FSE_INCLUSION'],
    ])
      await admin
        .post('/api/v1/funding-lines')
        .send({ funder, scheme, territory: 'DEP-91', year: 2030, committed: 100_000, paid: 50_000 })
        .expect(201);
    const view = (
      await admin.get('/api/v1/funding/conference?territory=DEP-91&from=2030&to=2030').expect(200)
    ).body as ConferenceView;
    expect(view.byFunder.map((r) => r.share)).toEqual([33.4, 33.3, 33.3]);
    const page = await admin
      .get('/financements?territoire=DEP-91&de=2030&a=2030')
      .set('Accept', 'text/html')
      .expect(200);
    const shares = pageTable(page.text, 'tableau-shares');
    expect(shares.map((r) => r[1])).toEqual(['33,4\u00a0%', '33,3\u00a0%', '33,3\u00a0%', '100\u00a0%']);
  });

  it('shows the same totals and shares on the page, in French numbers, with exports and edit controls on own lines only', async () => {
    const view = (
      await council77.get('/api/v1/funding/conference?territory=DEP-77&from=2019&to=2022').expect(200)
    ).body as ConferenceView;
    const page = await council77
      .get('/financements?territoire=DEP-77&de=2019&a=2022')
      .set('Accept', 'text/html')
      .expect(200);
    expect(page.text).toContain('Conférence des financeurs — Seine-et-Marne');
    expect(page.text).toContain('href="/financements"');
    expect(page.text).toContain('>Financements</a>');

    const funders = pageTable(page.text, 'tableau-funders');
    const total = funders[funders.length - 1];
    expect(total[0]).toBe('Total');
    const rows = funders.slice(0, -1);
    expect(rows.map((r) => r[0])).toEqual(view.byFunder.map((r) => r.label));
    // Each printed amount is the API's, rounded to the euro; the printed total is the rounded sum of the lines.
    rows.forEach((r, i) => expect(frNumber(r[2])).toBe(Math.round(view.byFunder[i].committed)));
    expect(frNumber(total[2])).toBe(Math.round(view.totals.committed));
    expect(Math.abs(rows.reduce((a, r) => a + frNumber(r[2])!, 0) - frNumber(total[2])!)).toBeLessThanOrEqual(
      rows.length,
    );
    expect(total[2]).toMatch(/^\d{1,3}(\u202f\d{3})+\u00a0€$/);

    const shares = pageTable(page.text, 'tableau-shares');
    expect(tenths(shares.slice(0, -1).map((r) => frNumber(r[1])!))).toBe(1000);
    expect(shares.slice(0, -1).map((r) => frNumber(r[1]))).toEqual(view.byFunder.map((r) => r.share));
    expect(
      tenths(
        pageTable(page.text, 'tableau-kinds')
          .slice(0, -1)
          .map((r) => frNumber(r[3])!),
      ),
    ).toBe(1000);

    const perEtp = pageTable(page.text, 'tableau-per-etp');
    const aci = perEtp.find((r) => r[0].startsWith('ACI'))!;
    expect(frNumber(aci[3])).toBe(view.perEtp.find((r) => r.siaeType === 'ACI')!.aidPerEtp);
    expect(aci[4]).toBe('19\u202f897\u00a0€');
    expect(pageTable(page.text, 'tableau-comparison')).toHaveLength(9);
    expect(pageTable(page.text, 'tableau-evolution')).toHaveLength(4);
    const hrefs = [...page.text.matchAll(/href="([^"]+)"/g)].map((m) => decode(m[1]));
    for (const key of ['funders', 'shares', 'kinds', 'schemes', 'per-etp', 'evolution', 'comparison']) {
      expect(hrefs).toContain(
        `/api/v1/funding/conference.csv?territory=DEP-77&from=2019&to=2022&table=${key}`,
      );
      expect(hrefs).toContain(
        `/api/v1/funding/conference.xlsx?territory=DEP-77&from=2019&to=2022&table=${key}`,
      );
    }
    expect(page.text).toMatch(/<caption>Financements par financeur — Seine-et-Marne, 2019-2022<\/caption>/);

    // Edit controls: on the conseil départemental's own lines, and on no other.
    const lines = pageTable(page.text, 'tableau-lignes');
    const own = lines.filter((r) => r[1] === 'Conseil départemental de Seine-et-Marne');
    const others = lines.filter((r) => r[1] !== 'Conseil départemental de Seine-et-Marne');
    expect(own.length).toBeGreaterThan(0);
    expect(own.every((r) => r[8] === 'Modifier')).toBe(true);
    expect(others.every((r) => r[8] === 'lecture seule')).toBe(true);
    const state = (
      await council77.get('/api/v1/funding-lines?territory=DEP-77&funder=ETAT&year=2022').expect(200)
    ).body as Line[];
    expect(state.every((l) => !l.editable)).toBe(true);
    expect(page.text).not.toContain(`href="/financements/lignes/${state[0].id}"`);

    // An administrator sees edit controls everywhere; a CDIAE secretary reads her département only.
    const adminPage = await admin
      .get('/financements?territoire=DEP-77&de=2019&a=2022')
      .set('Accept', 'text/html');
    expect(pageTable(adminPage.text, 'tableau-lignes').every((r) => r[8] === 'Modifier')).toBe(true);
    const secretary = await t.as([{ role: 'cdiae_secretary', territory: 'DEP-93' }]);
    await secretary.get('/api/v1/funding/conference?territory=DEP-93').expect(200);
    await secretary.get('/api/v1/funding/conference?territory=DEP-77').expect(403);
  });

  it('lets the conseil départemental of 77 edit its own lines only (403 on the State’s and on 78’s)', async () => {
    const created = await council77
      .post('/api/v1/funding-lines')
      .send({
        funder: 'CD-77',
        scheme: 'CAOM',
        territory: 'DEP-77',
        year: 2023,
        siaeType: 'ACI',
        committed: 120_000,
        etp: 12,
      })
      .expect(201);
    const mine = created.body as Line;
    expect(mine.version).toBe(1);

    const refusedState = await council77
      .post('/api/v1/funding-lines')
      .send({ funder: 'ETAT', scheme: 'FDI', territory: 'DEP-77', year: 2023, committed: 1 })
      .expect(403);
    expect(refusedState.body.message).toContain('Un conseil départemental ne saisit que ses propres lignes');
    await council77
      .post('/api/v1/funding-lines')
      .send({ funder: 'CD-78', scheme: 'CAOM', territory: 'DEP-77', year: 2023, committed: 1 })
      .expect(403);

    const [stateLine] = (
      await council77.get('/api/v1/funding-lines?territory=DEP-77&funder=ETAT&year=2022').expect(200)
    ).body as Line[];
    const stateBefore = { ...stateLine };
    const put = (l: Line, changes: Partial<Line>) => ({
      funder: l.funder,
      scheme: l.scheme,
      territory: l.territory,
      year: l.year,
      siaeType: l.siaeType,
      committed: l.committed,
      paid: l.paid,
      etp: l.etp,
      comment: l.comment,
      version: l.version,
      ...changes,
    });
    const onState = await council77
      .put(`/api/v1/funding-lines/${stateLine.id}`)
      .send(put(stateLine, { committed: 1 }))
      .expect(403);
    expect(onState.body.message).toContain('État');
    await council77.delete(`/api/v1/funding-lines/${stateLine.id}`).expect(403);

    const [line78] = (
      await admin.get('/api/v1/funding-lines?territory=DEP-78&funder=CD-78&year=2022').expect(200)
    ).body as Line[];
    await council77
      .put(`/api/v1/funding-lines/${line78.id}`)
      .send(put(line78, { committed: 1 }))
      .expect(403);
    await council77
      .put(`/api/v1/funding-lines/${line78.id}`)
      .send(put(line78, { committed: 1, territory: 'DEP-77' }))
      .expect(403);
    await council77.delete(`/api/v1/funding-lines/${line78.id}`).expect(403);
    // Its own line moved to 78 is refused too: the target territory is not its own.
    await council77
      .put(`/api/v1/funding-lines/${mine.id}`)
      .send(put(mine, { territory: 'DEP-78' }))
      .expect(403);
    // Nor can it open the State line's edit page.
    await council77.get(`/financements/lignes/${stateLine.id}`).set('Accept', 'text/html').expect(403);

    // Nothing changed on the refused lines.
    expect((await admin.get(`/api/v1/funding-lines/${stateLine.id}`).expect(200)).body).toMatchObject({
      committed: stateBefore.committed,
      version: stateBefore.version,
    });
    expect((await admin.get(`/api/v1/funding-lines/${line78.id}`).expect(200)).body.committed).toBe(
      line78.committed,
    );

    const updated = await council77
      .put(`/api/v1/funding-lines/${mine.id}`)
      .send(put(mine, { committed: 130_000 }))
      .expect(200);
    expect(updated.body).toMatchObject({ committed: 130_000, version: 2 });
    await council77.delete(`/api/v1/funding-lines/${mine.id}?version=2`).expect(204);
    await council77.get(`/api/v1/funding-lines/${mine.id}`).expect(404);

    // Funders and schemes are the administrators' catalogue.
    const funder = {
      code: 'CD-59',
      label: 'Conseil départemental du Nord',
      kind: 'departmental_council',
      territory: 'DEP-59',
    };
    const refused = await council77.post('/api/v1/funders').send(funder).expect(403);
    expect(refused.body.message).toContain('administrateur');
    const made = await admin.post('/api/v1/funders').send(funder).expect(201);
    await admin
      .put('/api/v1/funders/CD-59')
      .send({ label: 'CD du Nord', kind: 'departmental_council', territory: 'DEP-59', version: 1 })
      .expect(200);
    await admin
      .put('/api/v1/funders/CD-59')
      .send({
        label: 'Périmé',
        kind: 'departmental_council',
        territory: 'DEP-59',
        version: made.body.version,
      })
      .expect(409);
    await admin
      .post('/api/v1/funding-schemes')
      .send({
        code: 'APPEL_PROJETS',
        label: 'Appel à projets',
        funderKinds: ['departmental_council', 'municipal'],
      })
      .expect(201);
  });

  it('answers a concurrent edit with 409 and both versions, and loses nothing', async () => {
    const [line] = (
      await admin.get('/api/v1/funding-lines?territory=DEP-77&funder=CD-77&scheme=CAOM&year=2021').expect(200)
    ).body as Line[];
    const body = (changes: Partial<Line>) => ({
      funder: line.funder,
      scheme: line.scheme,
      territory: line.territory,
      year: line.year,
      siaeType: line.siaeType,
      committed: line.committed,
      paid: line.paid,
      etp: line.etp,
      comment: line.comment,
      version: line.version,
      ...changes,
    });
    // Both opened version 1; the conseil départemental saves first.
    await council77
      .put(`/api/v1/funding-lines/${line.id}`)
      .send(body({ committed: 1_111_111, comment: 'Avenant CD' }))
      .expect(200);
    const conflict = await admin
      .put(`/api/v1/funding-lines/${line.id}`)
      .send(body({ paid: 999_999, comment: 'Correction DDETS' }))
      .expect(409);
    expect(conflict.body.code).toBe('CONFLICT');
    expect(conflict.body.message).toContain('modifiée');
    expect(conflict.body.current).toMatchObject({
      id: line.id,
      committed: 1_111_111,
      comment: 'Avenant CD',
      version: line.version + 1,
    });
    expect(conflict.body.submitted).toMatchObject({
      paid: 999_999,
      comment: 'Correction DDETS',
      version: line.version,
    });
    // Nothing lost: the first save stands; the second, resent on the new version, applies on top of it.
    const stored = (await admin.get(`/api/v1/funding-lines/${line.id}`).expect(200)).body as Line;
    expect(stored).toMatchObject({ committed: 1_111_111, comment: 'Avenant CD' });
    const merged = await admin
      .put(`/api/v1/funding-lines/${line.id}`)
      .send(
        body({
          committed: 1_111_111,
          paid: 999_999,
          comment: 'Avenant CD ; correction DDETS',
          version: stored.version,
        }),
      )
      .expect(200);
    expect(merged.body).toMatchObject({ committed: 1_111_111, paid: 999_999, version: line.version + 2 });
    // A delete on a stale version is a conflict too.
    await admin.delete(`/api/v1/funding-lines/${line.id}?version=${line.version}`).expect(409);

    // On the page: the form keeps what was typed and shows both versions.
    const page = await council77
      .post(`/financements/lignes/${line.id}`)
      .set('Accept', 'text/html')
      .type('form')
      .send({
        _csrf: council77.csrf,
        version: String(line.version),
        funder: 'CD-77',
        scheme: 'CAOM',
        territory: 'DEP-77',
        year: String(line.year),
        siaeType: 'ACI',
        committed: '1 234 567,5',
        paid: '',
        etp: '',
        comment: 'Ma saisie',
      })
      .expect(409);
    expect(page.text).toContain('Conflit de modification');
    expect(page.text).toContain('value="1 234 567,5"');
    expect(page.text).toContain('Ma saisie');
    expect(page.text).toContain('Avenant CD ; correction DDETS');
    expect(page.text).toContain(`name="version" value="${line.version + 2}"`);
  });

  it('validates in French, field by field, on the API and in the form', async () => {
    const res = await admin
      .post('/api/v1/funding-lines')
      .send({
        funder: 'INCONNU',
        scheme: 'GAMME_UP',
        territory: 'REG-11',
        year: 1900,
        siaeType: 'GEIQ',
        committed: -5,
        etp: -1,
      })
      .expect(400);
    expect(res.body.message).toBe("La ligne de financement n'a pas été enregistrée.");
    const fields = Object.fromEntries(
      (res.body.errors as { field: string; message: string }[]).map((e) => [e.field, e.message]),
    );
    expect(fields).toEqual({
      funder: 'financeur inconnu « INCONNU »',
      territory: '« REG-11 » n’est pas un département connu (ex. DEP-77)',
      year: 'doit être une année entre 1980 et 2100',
      siaeType: 'type de SIAE inconnu « GEIQ » (attendu : ACI, AI, EI, ETTI, EITI, ou vide pour tous types)',
      committed: 'le montant engagé doit être positif ou nul',
      etp: 'le nombre d’ETP doit être positif ou nul',
    });
    const mismatch = await admin
      .post('/api/v1/funding-lines')
      .send({ funder: 'ETAT', scheme: 'GAMME_UP', territory: 'DEP-77', year: 2022, committed: 10 })
      .expect(400);
    expect(mismatch.body.errors[0]).toEqual({
      field: 'scheme',
      message: 'le dispositif « Gamme UP » ne relève pas d’un financeur de type « État »',
    });
    const shape = await admin
      .post('/api/v1/funding-lines')
      .send({ funder: 'ETAT', year: '2022' })
      .expect(400);
    expect(shape.body.errors).toEqual(
      expect.arrayContaining([{ field: 'year', message: 'doit être un nombre entier' }]),
    );
    const duplicate = await admin
      .post('/api/v1/funding-lines')
      .send({
        funder: 'CD-77',
        scheme: 'CAOM',
        territory: 'DEP-77',
        year: 2021,
        siaeType: 'ACI',
        committed: 1,
      })
      .expect(409);
    expect(duplicate.body.message).toContain('Une ligne existe déjà');
    const badPeriod = await admin
      .get('/api/v1/funding/conference?territory=DEP-77&from=2022&to=2019')
      .expect(400);
    expect(badPeriod.body.errors).toEqual([
      { field: 'to', message: 'la dernière année doit suivre la première' },
    ]);

    const form = await council77
      .post('/financements/lignes/nouvelle')
      .set('Accept', 'text/html')
      .type('form')
      .send({
        _csrf: council77.csrf,
        territory: 'DEP-77',
        funder: 'CD-77',
        scheme: 'CAOM',
        year: 'deux mille',
        committed: '12 34',
        paid: '-3',
      })
      .expect(400);
    expect(decode(form.text)).toContain("La ligne de financement n'a pas été enregistrée.");
    expect(form.text).toMatch(/id="year-erreur">doit être une année entre 1980 et 2100</);
    expect(form.text).toMatch(/id="committed-erreur">nombre attendu \(ex\. 1 234,5\)</);
    expect(form.text).toMatch(/id="paid-erreur">le montant versé doit être positif ou nul</);
    expect(form.text).toContain('value="12 34"');
    // The conseil départemental is offered its own funder only.
    expect(form.text).toContain('<option value="CD-77" selected>');
    expect(form.text).not.toContain('<option value="ETAT"');

    const ok = await council77
      .post('/financements/lignes/nouvelle')
      .set('Accept', 'text/html')
      .type('form')
      .send({
        _csrf: council77.csrf,
        territory: 'DEP-77',
        funder: 'CD-77',
        scheme: 'CAOM',
        year: '2024',
        siaeType: 'AI',
        committed: '45 000,50',
        paid: '',
        etp: '4,5',
      })
      .expect(303);
    expect(ok.headers.location).toBe('/financements?territoire=DEP-77&ok=creee#lignes');
    const [created] = (await council77.get('/api/v1/funding-lines?territory=DEP-77&year=2024').expect(200))
      .body as Line[];
    expect(created).toMatchObject({
      committed: 45_000.5,
      paid: null,
      etp: 4.5,
      siaeType: 'AI',
      funder: 'CD-77',
    });
  });

  it('exports CSV (semicolons, BOM, neutralised cells) and XLSX (numbers as numbers) equal to the API', async () => {
    await admin
      .post('/api/v1/funding-lines')
      .send({
        funder: 'BLOC-COMMUNAL',
        scheme: 'AUTRE',
        territory: 'DEP-77',
        year: 2022,
        siaeType: 'EI',
        committed: 10,
        comment: '=HYPERLINK("http://x";"y")',
      })
      .expect(201);
    const view = (await cor.get('/api/v1/funding/conference?territory=DEP-77&from=2019&to=2022').expect(200))
      .body as ConferenceView;

    const csv = await cor
      .get('/api/v1/funding/conference.csv?territory=DEP-77&from=2019&to=2022&table=funders')
      .expect(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.headers['content-disposition']).toContain(
      'conference-financeurs-DEP-77-2019-2022-funders.csv',
    );
    expect(csv.text.charCodeAt(0)).toBe(0xfeff);
    const rows = csv.text
      .slice(1)
      .trim()
      .split('\r\n')
      .map((l) => l.split(';'));
    expect(rows[0]).toEqual([
      'Financeur',
      'Type de financeur',
      'Montant engagé (€)',
      'Montant versé (€)',
      'ETP financés',
      'Taux de versement (%)',
    ]);
    const num = (s: string) => Number(s.replace(',', '.'));
    view.byFunder.forEach((r, i) => {
      expect(rows[i + 1][0]).toBe(r.label);
      expect(num(rows[i + 1][2])).toBe(r.committed);
      expect(num(rows[i + 1][3])).toBe(r.paid);
    });
    expect(rows[rows.length - 1][0]).toBe('Total');
    expect(num(rows[rows.length - 1][2])).toBe(view.totals.committed);

    const linesCsv = await cor
      .get('/api/v1/funding/conference.csv?territory=DEP-77&from=2019&to=2022&table=lines')
      .expect(200);
    expect(linesCsv.text).toContain(`"'=HYPERLINK(""http://x"";""y"")"`);
    expect(linesCsv.text).not.toMatch(/;=HYPERLINK/);
    const all = await cor
      .get('/api/v1/funding/conference.csv?territory=DEP-77&from=2019&to=2022')
      .expect(200);
    expect(all.text).toContain('Parts de cofinancement par financeur — Seine-et-Marne, 2019-2022');
    await cor.get('/api/v1/funding/conference.csv?territory=DEP-77&table=inconnue').expect(400);

    const xlsx = await cor
      .get('/api/v1/funding/conference.xlsx?territory=DEP-77&from=2019&to=2022')
      .buffer(true)
      .parse(binary)
      .expect(200);
    expect(xlsx.headers['content-type']).toContain('spreadsheetml');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.body);
    expect(wb.worksheets.map((w) => w.name)).toEqual([
      'Par financeur',
      'Cofinancement',
      'Par type de financeur',
      'Par dispositif',
      'Euros par ETP',
      'Évolution',
      'Comparaison',
      'Lignes',
      'À propos',
    ]);
    const funders = wb.getWorksheet('Par financeur')!;
    expect(funders.getRow(1).getCell(3).value).toBe('Montant engagé (€)');
    view.byFunder.forEach((r, i) => {
      const row = funders.getRow(i + 2);
      expect(row.getCell(1).value).toBe(r.label);
      expect(row.getCell(3).value).toBe(r.committed);
      expect(typeof row.getCell(3).value).toBe('number');
      expect(row.getCell(3).numFmt).toBe('#,##0.00 "€"');
      expect(row.getCell(4).value).toBe(r.paid);
    });
    expect(funders.getRow(view.byFunder.length + 2).getCell(3).value).toBe(view.totals.committed);
    const shares = wb.getWorksheet('Cofinancement')!;
    const fractions = view.byFunder.map((_, i) => shares.getRow(i + 2).getCell(2).value as number);
    expect(fractions.map((f) => Math.round(f * 1000) / 10)).toEqual(view.byFunder.map((r) => r.share));
    expect(shares.getRow(2).getCell(2).numFmt).toBe('0.0%');
    const perEtp = wb.getWorksheet('Euros par ETP')!;
    const aciRow = view.perEtp.findIndex((r) => r.siaeType === 'ACI') + 2;
    expect(perEtp.getRow(aciRow).getCell(4).value).toBe(
      view.perEtp.find((r) => r.siaeType === 'ACI')!.aidPerEtp,
    );
    expect(perEtp.getRow(aciRow).getCell(5).value).toBe(19_897);
    const lines = wb.getWorksheet('Lignes')!;
    const injected = lines.getColumn(12).values.find((v) => typeof v === 'string' && v.includes('HYPERLINK'));
    // A spreadsheet cell holds text, never a formula, whatever was typed.
    expect(injected).toBe('=HYPERLINK("http://x";"y")');
    expect(
      lines.getColumn(12).values.some((v) => typeof v === 'object' && v !== null && 'formula' in v),
    ).toBe(false);
  });
});
