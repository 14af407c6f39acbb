import * as path from 'node:path';
import { runContractKit } from '@cap-iae/plugin-sdk';

describe('plugin modele', () => {
  it('passes the contract kit', async () => {
    const report = await runContractKit(path.resolve(__dirname, '..'), {
      config: { valeurs: [{ indicateur: 'SIAE_NB', territoire: 'DEP-93', periode: '2021', valeur: 61 }] },
    });
    expect(report.problems).toEqual([]);
    expect(report.records).toEqual([
      {
        indicator: 'SIAE_NB',
        territory: 'DEP-93',
        period: '2021',
        value: 61,
        sourceRef: 'configuration, valeur 1',
        line: 1,
      },
    ]);
  });
});
