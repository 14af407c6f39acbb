import { definePlugin, PluginError, SourceRecord } from '@cap-iae/plugin-sdk';

interface Config {
  valeurs: { indicateur: string; territoire: string; periode: string; valeur: number }[];
}

export default definePlugin<Config>({
  parseConfig(raw) {
    if (!Array.isArray(raw.valeurs))
      throw new PluginError('CONFIG_INVALID', '« valeurs » doit être une liste');
    return { valeurs: raw.valeurs as Config['valeurs'] };
  },

  fetchValues(_request, { config, signal }) {
    if (signal.aborted) throw new PluginError('ABORTED', 'exécution annulée');
    const records: SourceRecord[] = config.valeurs.map((v, i) => ({
      indicator: v.indicateur,
      territory: v.territoire,
      period: v.periode,
      value: v.valeur,
      sourceRef: `configuration, valeur ${i + 1}`,
      line: i + 1,
    }));
    return { records, warnings: [] };
  },

  healthCheck({ config }) {
    return Promise.resolve({ ok: true, message: `${config.valeurs.length} valeur(s) configurée(s)` });
  },
});
