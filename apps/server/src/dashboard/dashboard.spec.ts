import type { DataSource } from 'typeorm';
import type { ObservationStore } from '@cap-iae/indicators';
import type { StrategyView } from '@cap-iae/strategy';
import { DashboardCache } from './dashboard-cache';
import { tableToCsv } from './dashboard-export';
import { chooseYear, statusBreakdown, yearNotice } from './dashboard-filters';
import { changeCell, numberCell, safeJson, TableModel, textCell, withQuery } from './dashboard-format';

const STRATEGY = { code: 'S', startYear: 2021, endYear: 2022 } as StrategyView;

describe('dashboard helpers', () => {
  it('writes JSON that cannot close its script block', () => {
    const text = safeJson({ label: '</script><script>alert(1)</script> & <!--' });
    expect(text).not.toMatch(/[<>&]/);
    expect(JSON.parse(text)).toEqual({ label: '</script><script>alert(1)</script> & <!--' });
  });

  it('exports a table as French CSV: BOM, semicolons, decimal comma, formulas neutralised', () => {
    const table: TableModel = {
      id: 't',
      caption: 'Essai',
      columns: [{ label: 'Libellé' }, { label: 'Valeur' }, { label: 'Écart' }],
      rows: [
        [textCell('=SOMME(A1:A2)'), numberCell(1234.56, 'percent', 1), changeCell(-3.25, 'percent', 1)],
        [textCell('texte; avec "guillemets"'), numberCell(null, 'count', 0), textCell('—')],
      ],
    };
    expect(tableToCsv(table)).toBe(
      '\ufeffLibellé;Valeur;Écart\r\n' +
        "'=SOMME(A1:A2);1234,6;-3,3\r\n" +
        '"texte; avec ""guillemets""";—;—\r\n',
    );
  });

  it('keeps the filters in links, dropping the empty ones', () => {
    expect(
      withQuery('/indicateurs/X', { territoire: 'DEP-93', annee: '' }, { format: 'csv', table: 'serie' }),
    ).toBe('/indicateurs/X?territoire=DEP-93&format=csv&table=serie');
    expect(withQuery('/', {})).toBe('/');
  });

  it('brings a year outside the strategy back to it, and says so', () => {
    expect(chooseYear(STRATEGY, undefined)).toBe(2022);
    expect(chooseYear(STRATEGY, '2019')).toBe(2021);
    expect(yearNotice(STRATEGY, '2019', 2021)).toContain('2019 n’appartient pas à la stratégie 2021-2022');
    expect(yearNotice(STRATEGY, '2022', 2022)).toBeNull();
    expect(() => chooseYear(STRATEGY, '20x1')).toThrow('Filtre invalide.');
  });

  it('says the statuses in words and draws segments that fill the bar', () => {
    const b = statusBreakdown(['atteint', 'en_retard', 'en_retard', 'non_renseigne']);
    expect(b.text).toBe('1 atteint, 0 en bonne voie, 2 en retard, 1 non renseigné (sur 4 indicateurs).');
    expect(b.segments.reduce((s, x) => s + Number(x.width), 0)).toBeCloseTo(100, 6);
    expect(statusBreakdown([]).text).toBe('Aucun indicateur rattaché.');
  });
});

describe('DashboardCache', () => {
  function fakes(auditIds: number[], types: string[][]) {
    let listener: (() => void) | undefined;
    const queries: string[] = [];
    const dataSource = {
      options: { type: 'better-sqlite3' },
      query: (sql: string) => {
        queries.push(sql);
        if (sql.startsWith('SELECT MAX')) return Promise.resolve([{ m: auditIds.shift() ?? 0 }]);
        return Promise.resolve((types.shift() ?? []).map((t) => ({ t })));
      },
    } as unknown as DataSource;
    const store = { onWritten: (l: () => void) => (listener = l) } as unknown as ObservationStore;
    return { cache: new DashboardCache(dataSource, store), write: () => listener?.(), queries };
  }

  it('serves a page from memory until the data change', async () => {
    const { cache, write } = fakes([5, 5, 5, 6, 7, 7], [['session'], ['valeur']]);
    let computed = 0;
    const load = () => Promise.resolve(++computed);
    expect(await cache.get('k', load)).toBe(1);
    expect(await cache.get('k', load)).toBe(1);
    write(); // an observation write in this process
    expect(await cache.get('k', load)).toBe(2);
    expect(await cache.get('k', load)).toBe(2); // a login (audit type « session ») changes nothing
    expect(await cache.get('k', load)).toBe(3); // a validation (« valeur ») does
    expect(await cache.get('k', load)).toBe(3);
  });

  it('does not remember a failure', async () => {
    const { cache } = fakes([1, 1], []);
    await expect(cache.get('k', () => Promise.reject(new Error('panne')))).rejects.toThrow('panne');
    expect(await cache.get('k', () => Promise.resolve('ok'))).toBe('ok');
  });
});
