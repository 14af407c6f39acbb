import { BILAN_KINDS, BilanKind, isBilanKind } from '../bilan-kinds';

/** The sections a bilan of each kind can hold, in their default order; `report.json` picks and orders them. */
export const SECTION_IDS: Record<BilanKind, readonly string[]> = {
  'cor-iae': [
    'synthese',
    'axes',
    'comparaison',
    'plans-actions',
    'instances',
    'financements',
    'methodologie',
    'annexes',
  ],
  cdiae: ['synthese', 'indicateurs', 'plan-actions', 'instances', 'financeurs', 'methodologie', 'annexes'],
};

export interface ReportSection {
  id: string;
  title: string;
  /** Partial rendering the section: `section-<id>` unless report.json names another one. */
  partial: string;
}

/** Presentation choices an administrator makes in `report.json` without touching code. */
export interface ReportOptions {
  /** Printed on the cover (issuing service). */
  organisation: string;
  /** Colour of titles and charts, `#rrggbb`. */
  accentColor: string;
  /** Indicators of the key figures of the synthèse, and of its evolution charts. */
  keyIndicators: string[];
  /** Indicators compared between départements (table and charts). */
  comparisonIndicators: string[];
  /** Indicator of the map of départements; `null`: no map. */
  mapIndicator: string | null;
  /** Years of history in evolution charts (the bilan's year included). */
  seriesYears: number;
}

export interface ReportManifest {
  /** Folder name under `bilans/`. */
  id: string;
  title: string;
  kind: BilanKind;
  description: string | null;
  /** File name (without `.hbs`) under `layouts/`. */
  layout: string;
  sections: ReportSection[];
  options: ReportOptions;
}

const DEFAULT_OPTIONS: ReportOptions = {
  organisation: '',
  accentColor: '#000091',
  keyIndicators: [],
  comparisonIndicators: [],
  mapIndicator: null,
  seriesYears: 6,
};

const NAME = /^[a-z0-9][a-z0-9_-]{0,59}$/;

/**
 * Reads `report.json` and lists every problem, each naming its field, rather than stopping at the first: an
 * administrator adapting a copy fixes them in one go.
 */
export function parseManifest(id: string, raw: unknown): { manifest?: ReportManifest; issues: string[] } {
  const issues: string[] = [];
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    return { issues: ['le fichier doit contenir un objet JSON'] };
  const r = raw as Record<string, unknown>;
  for (const key of Object.keys(r))
    if (!['title', 'kind', 'description', 'layout', 'sections', 'options'].includes(key))
      issues.push(
        `champ « ${key} » inconnu (attendus : title, kind, description, layout, sections, options)`,
      );

  if (typeof r.title !== 'string' || !r.title.trim()) issues.push('« title » : texte obligatoire');
  if (!isBilanKind(r.kind)) issues.push(`« kind » : doit valoir ${BILAN_KINDS.join(' ou ')}`);
  if (r.description !== undefined && typeof r.description !== 'string')
    issues.push('« description » : texte attendu');
  if (r.layout !== undefined && (typeof r.layout !== 'string' || !NAME.test(r.layout)))
    issues.push('« layout » : nom d’un fichier de layouts/ attendu (sans .hbs)');

  const sections: ReportSection[] = [];
  if (!Array.isArray(r.sections) || r.sections.length === 0) {
    issues.push('« sections » : liste non vide attendue');
  } else if (isBilanKind(r.kind)) {
    const known = SECTION_IDS[r.kind];
    r.sections.forEach((s: unknown, i) => {
      const at = `« sections[${i}] »`;
      if (typeof s !== 'object' || s === null) return issues.push(`${at} : objet { id, title } attendu`);
      const { id: sid, title, partial } = s as Record<string, unknown>;
      if (typeof sid !== 'string' || !known.includes(sid))
        issues.push(`${at}.id : « ${String(sid)} » inconnu (attendus : ${known.join(', ')})`);
      else if (sections.some((x) => x.id === sid)) issues.push(`${at}.id : « ${sid} » apparaît deux fois`);
      if (typeof title !== 'string' || !title.trim()) issues.push(`${at}.title : texte obligatoire`);
      if (partial !== undefined && (typeof partial !== 'string' || !NAME.test(partial)))
        issues.push(`${at}.partial : nom d’un fichier de partials/ attendu (sans .hbs)`);
      if (typeof sid === 'string' && typeof title === 'string')
        sections.push({
          id: sid,
          title: title.trim(),
          partial: typeof partial === 'string' ? partial : `section-${sid}`,
        });
      return undefined;
    });
  }

  const options: ReportOptions = { ...DEFAULT_OPTIONS };
  if (r.options !== undefined) {
    if (typeof r.options !== 'object' || r.options === null || Array.isArray(r.options)) {
      issues.push('« options » : objet attendu');
    } else {
      const o = r.options as Record<string, unknown>;
      for (const [key, value] of Object.entries(o)) {
        const at = `« options.${key} »`;
        switch (key) {
          case 'organisation':
            if (typeof value !== 'string') issues.push(`${at} : texte attendu`);
            else options.organisation = value;
            break;
          case 'accentColor':
            if (typeof value !== 'string' || !/^#[0-9a-fA-F]{6}$/.test(value))
              issues.push(`${at} : couleur #rrggbb attendue`);
            else options.accentColor = value;
            break;
          case 'keyIndicators':
          case 'comparisonIndicators':
            if (!Array.isArray(value) || value.some((v) => typeof v !== 'string'))
              issues.push(`${at} : liste de codes d’indicateurs attendue`);
            else options[key] = value as string[];
            break;
          case 'mapIndicator':
            if (value !== null && typeof value !== 'string')
              issues.push(`${at} : code d’indicateur ou null attendu`);
            else options.mapIndicator = value;
            break;
          case 'seriesYears':
            if (typeof value !== 'number' || !Number.isInteger(value) || value < 2 || value > 15)
              issues.push(`${at} : nombre entier d’années entre 2 et 15 attendu`);
            else options.seriesYears = value;
            break;
          default:
            issues.push(
              `${at} inconnue (attendues : organisation, accentColor, keyIndicators, comparisonIndicators, mapIndicator, seriesYears)`,
            );
        }
      }
    }
  }
  if (issues.length > 0) return { issues };
  return {
    manifest: {
      id,
      title: (r.title as string).trim(),
      kind: r.kind as BilanKind,
      description: typeof r.description === 'string' ? r.description : null,
      layout: typeof r.layout === 'string' ? r.layout : 'document',
      sections,
      options,
    },
    issues,
  };
}
