import * as path from 'node:path';
import { checkManifest, runContractKit } from '@cap-iae/plugin-sdk';
import plugin from './index';
import { contextOf, requestFor } from './spec-helpers';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const pkg = require('../package.json') as { capIae: unknown };

const CONFIG = {
  indicatorColumn: 'Indicateur',
  territoryColumn: 'Territoire',
  periodColumn: 'Période',
  valueColumn: 'Valeur',
  dimensionColumns: { siae_type: 'Type de structure' },
};

describe('plugin fichier', () => {
  it('has a valid manifest', () => {
    expect(checkManifest(pkg.capIae).problems).toEqual([]);
  });

  it('passes the contract kit', async () => {
    const report = await runContractKit(path.resolve(__dirname, '..'), {
      config: CONFIG,
      request: requestFor('bilan-departements-utf8-bom.csv', 'bilan 2021.csv'),
      minRecords: 8,
    });
    expect(report.problems).toEqual([]);
    expect(report.records).toHaveLength(8);
    expect(report.records[0]).toEqual({
      indicator: 'SIAE_NB',
      territory: 'DEP-93',
      period: '2021',
      dimensions: { siae_type: 'ACI' },
      value: 61,
      sourceRef: 'bilan 2021.csv, ligne 2',
      line: 2,
    });
  });

  it('describes the mapping in its health check', async () => {
    await expect(
      plugin.healthCheck!(contextOf({ ...CONFIG, territoryFormat: 'insee-departement' })),
    ).resolves.toEqual({
      ok: true,
      message:
        'Fichier CSV ou XLSX déposé à chaque import ; indicateur : colonne « Indicateur » ; territoire : colonne « Territoire » ' +
        '(code INSEE de département (93, 2A, 971)) ; période : colonne « Période » ; valeur : colonne « Valeur » ; ' +
        'ventilations : siae_type ← colonne « Type de structure » ; en-tête ligne 1 ; séparateur détecté ; encodage détecté.',
    });
  });

  it('reports rather than throws when the health check gets an unchecked configuration', async () => {
    const ctx = { ...contextOf(CONFIG), config: { territoryColumn: 'A' } as never };
    await expect(plugin.healthCheck!(ctx)).resolves.toEqual({
      ok: false,
      message:
        "indiquez la colonne de l'indicateur (« indicatorColumn ») ou un indicateur fixe (« indicator »)",
    });
  });
});
