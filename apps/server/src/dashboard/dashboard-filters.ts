import { ProgressStatus } from '@cap-iae/indicators';
import { DomainError } from '@cap-iae/shared';
import type { StrategyView } from '@cap-iae/strategy';
import { STATUS_ORDER, STATUS_STYLES } from './dashboard-format';

/** Filters read from the URL, so that every view can be shared as a link and the back button restores it. */
export interface DashboardQuery {
  strategie?: string;
  annee?: string;
  territoire?: string;
  ventilation?: string;
  series?: string;
  format?: string;
  table?: string;
}

/** The strategy asked for, else the most recent one (the one being followed now). */
export function chooseStrategy(list: StrategyView[], code: string | undefined): StrategyView {
  if (list.length === 0) throw DomainError.notFound('Aucune stratégie n’est chargée.');
  if (!code) return [...list].sort((a, b) => b.startYear - a.startYear)[0];
  const found = list.find((s) => s.code === code);
  if (!found) throw DomainError.notFound(`Stratégie inconnue : « ${code} ».`);
  return found;
}

/**
 * A year of the strategy, by default its last one (as the progress API does). A year outside the strategy is brought
 * back to its nearest year, as happens when the strategy is changed in the form while the year stays: the page says
 * so (`yearNotice`) rather than failing.
 */
export function chooseYear(strategy: StrategyView, text: string | undefined): number {
  if (text === undefined || text === '') return strategy.endYear;
  if (!/^\d{4}$/.test(text))
    throw DomainError.validation(
      [{ field: 'annee', message: 'année attendue (ex. 2021)' }],
      'Filtre invalide.',
    );
  return Math.min(strategy.endYear, Math.max(strategy.startYear, Number(text)));
}

export function yearNotice(strategy: StrategyView, text: string | undefined, year: number): string | null {
  if (!text || Number(text) === year) return null;
  return `L’année ${text} n’appartient pas à la stratégie ${strategy.startYear}-${strategy.endYear} : ${year} est affichée.`;
}

export function strategyYears(strategy: StrategyView): number[] {
  const years: number[] = [];
  for (let y = strategy.startYear; y <= strategy.endYear; y++) years.push(y);
  return years;
}

/** Options of the strategy and year selects of a GET filter form. */
export function filterOptions(list: StrategyView[], strategy: StrategyView, year: number) {
  return {
    strategies: [...list]
      .sort((a, b) => b.startYear - a.startYear)
      .map((s) => ({ value: s.code, label: s.title, selected: s.code === strategy.code })),
    years: strategyYears(strategy).map((y) => ({ value: String(y), label: String(y), selected: y === year })),
  };
}

/** Counts per status, the text that says them, and the segments of the stacked bar drawn from them. */
export function statusBreakdown(statuses: ProgressStatus[]) {
  const total = statuses.length;
  const counts = STATUS_ORDER.map((status) => ({
    ...STATUS_STYLES[status],
    count: statuses.filter((s) => s === status).length,
  }));
  let x = 0;
  const segments = counts
    .filter((c) => c.count > 0)
    .map((c) => {
      const width = (c.count / total) * 100;
      const segment = { x: x.toFixed(3), width: width.toFixed(3), color: c.color, label: c.label };
      x += width;
      return segment;
    });
  const text =
    total === 0
      ? 'Aucun indicateur rattaché.'
      : `${counts.map((c) => c.phrase(c.count)).join(', ')} (sur ${total} indicateur${total > 1 ? 's' : ''}).`;
  return { total, counts, segments, text };
}
