import { ACTION_STATUS_LABELS, ActionStatus, PlanReadService } from '@cap-iae/action-plans';
import { ConferenceService } from '@cap-iae/funding';
import { formatEuroFr, formatNumberFr, formatPercentFr } from '@cap-iae/shared';

/**
 * The département page's short summaries of its plan d'actions and of its conférence des financeurs, read through
 * the read services of those libraries (the same ones the bilans use). The caller checks the reader's rights first.
 */
export interface CompanionSummary {
  lines: string[];
  details: { label: string; value: string }[];
}

export class Companions {
  constructor(
    private readonly plans: PlanReadService,
    private readonly conference: ConferenceService,
  ) {}

  async plan(
    department: string,
    strategy: string,
    year: number,
    includeDraft: boolean,
  ): Promise<CompanionSummary> {
    const view = await this.plans.planSummary(department, strategy, year, { includeDraft });
    if (!view.plan) return { lines: [`Aucun plan d’actions n’est enregistré pour ${year}.`], details: [] };
    const lines = [`Plan d’actions ${year} : ${view.plan.statusLabel.toLowerCase()}.`];
    if (!view.counted) {
      // A draft read by someone who may not see drafts: its status only.
      lines.push('Son contenu sera visible une fois le plan soumis au CDIAE.');
      return { lines, details: [] };
    }
    const { total, late, averageProgress } = view.actions;
    lines.push(
      `${formatNumberFr(total)} action${total > 1 ? 's' : ''}, dont ${formatNumberFr(late)} en retard` +
        (averageProgress !== null ? ` ; avancement moyen ${formatPercentFr(averageProgress)}.` : '.'),
    );
    if (view.uncoveredObjectives.length)
      lines.push(`Objectifs sans action : ${view.uncoveredObjectives.join(', ')}.`);
    const details = (Object.entries(view.actions.byStatus) as [ActionStatus, number][])
      .filter(([, n]) => n > 0)
      .map(([status, n]) => ({ label: ACTION_STATUS_LABELS[status], value: formatNumberFr(n) }));
    return { lines, details };
  }

  async funding(department: string, year: number): Promise<CompanionSummary> {
    const view = await this.conference.conferenceSummary(department, year);
    const { totals } = view;
    if (totals.lines === 0)
      return { lines: [`Aucune ligne de financement n’est saisie pour ${year}.`], details: [] };
    const lines = [
      `${formatEuroFr(totals.committed)} engagés en ${year}, dont ${formatEuroFr(totals.paid)} versés.`,
    ];
    if (totals.aidEtp > 0)
      lines.push(
        `${formatNumberFr(totals.aidEtp, 1)} ETP financés par l’aide au poste` +
          (totals.aidPerEtp !== null ? `, soit ${formatEuroFr(totals.aidPerEtp)} par ETP.` : '.'),
      );
    const details = view.byFunderKind.map((k) => ({
      label: k.label,
      value: `${formatEuroFr(k.committed)} (${formatPercentFr(k.share, 1)} des engagements)`,
    }));
    return { lines, details };
  }
}
