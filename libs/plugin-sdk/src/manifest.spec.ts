import { checkManifest, isCron } from './manifest';

const valid = {
  id: 'exemple',
  name: 'Exemple',
  description: 'Source d’exemple',
  version: '1.0.0',
  contractVersion: 1,
  sdk: '^1.0.0',
  main: 'src/index.ts',
  capabilities: ['fetch'],
  indicators: ['SIAE_NB'],
  territories: ['department'],
  granularity: ['year'],
  configSchema: {
    type: 'object',
    properties: { url: { type: 'string', title: 'Adresse' } },
    required: ['url'],
  },
  secrets: ['API_KEY'],
  defaultSchedule: '0 3 * * 1',
  timeoutSeconds: 60,
};

describe('checkManifest', () => {
  it('accepts a complete manifest', () => {
    expect(checkManifest(valid)).toEqual({ manifest: valid, problems: [] });
  });

  it('lists every problem in French, and refuses an SDK range this host does not satisfy', () => {
    const { manifest, problems } = checkManifest({
      ...valid,
      id: 'Mauvais Id',
      sdk: '^2.0.0',
      contractVersion: 9,
      timeoutSeconds: 0,
      secrets: ['minuscule'],
    });
    expect(manifest).toBeUndefined();
    expect(problems).toEqual([
      'id : valeur invalide « Mauvais Id » (minuscules, chiffres et tirets)',
      'contractVersion : 9 non pris en charge (cet hôte suit le contrat 1)',
      "sdk : le greffon demande le SDK ^2.0.0, l'hôte fournit 1.0.0",
      'secrets : liste de noms en MAJUSCULES_AVEC_SOULIGNÉS',
      'timeoutSeconds : nombre entre 1 et 3600',
    ]);
    expect(checkManifest(undefined).problems[0]).toContain('capIae');
  });

  it('checks cron expressions', () => {
    expect(isCron('0 3 * * 1')).toBe(true);
    expect(isCron('*/15 8-18 * * 1-5')).toBe(true);
    expect(isCron('chaque lundi')).toBe(false);
  });
});
