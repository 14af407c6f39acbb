import { Injectable } from '@nestjs/common';
import { toCsv } from '@cap-iae/shared';
import { MeetingStatus } from './governance.constants';
import { DecisionSummary, MeetingSummary, MeetingView } from './governance.views';
import { MeetingFilter, MeetingsService } from './meetings.service';

export interface GovernanceReadOptions {
  /** Instance type codes to keep (e.g. `['COR_IAE']` for the COR-IAE's own meetings); all types when absent. */
  typeCodes?: string[];
  /** Statuses to keep; all when absent. */
  statuses?: MeetingStatus[];
}

/**
 * What the bilans read (no access check here: the caller has checked `instance.read` on the territory).
 *
 * - The bilan COR-IAE calls `meetingsFor('REG-11', '2021-01-01', '2021-12-31', { statuses: ['held'] })` to list
 *   the instances held in the région during the year (its own and the départements'), and `decisionsFor('REG-11',
 *   2021)` for the decisions and avis taken, each with what it is about.
 * - The bilan CDIAE calls the same with `DEP-93` to list its instances' meetings.
 *
 * A territory always includes the territories inside it (a région its départements). Both lists are sorted by
 * date, then instance; the view-models are plain objects (ISO dates plus their French label).
 */
@Injectable()
export class GovernanceReadService {
  constructor(private readonly meetings: MeetingsService) {}

  /** Meetings of the instances of `territory` (and inside it) dated between `from` and `to` (ISO, inclusive). */
  async meetingsFor(
    territory: string,
    from: string,
    to: string,
    options: GovernanceReadOptions = {},
  ): Promise<MeetingSummary[]> {
    const list = await this.meetings.list({
      territories: [territory],
      from,
      to,
      typeCodes: options.typeCodes,
      statuses: options.statuses,
    });
    return list.map(summary);
  }

  /**
   * Decisions and avis taken in `year` (date of their meeting) by the instances of `territory` and inside it.
   * Cancelled meetings hold no decision.
   */
  async decisionsFor(
    territory: string,
    year: number,
    options: Omit<GovernanceReadOptions, 'statuses'> = {},
  ): Promise<DecisionSummary[]> {
    const meetings = await this.meetings.list({
      territories: [territory],
      from: `${year}-01-01`,
      to: `${year}-12-31`,
      typeCodes: options.typeCodes,
      statuses: ['planned', 'held'],
    });
    const decisions = await this.meetings.decisionsOf(meetings.map((m) => m.id));
    return meetings.flatMap((m) =>
      (decisions.get(m.id) ?? []).map((d) => ({
        id: d.id,
        kind: d.kind,
        kindLabel: d.kindLabel,
        text: d.text,
        meeting: { id: m.id, date: m.date, dateLabel: m.dateLabel, title: m.title },
        instance: m.instance,
        targets: d.targets,
        demo: d.demo,
      })),
    );
  }

  /** Meetings as a CSV file for spreadsheets (« ; », UTF-8 with BOM, cells neutralised against formulas). */
  async meetingsCsv(filter: MeetingFilter): Promise<string> {
    const list = await this.meetings.list(filter);
    const decisions = await this.meetings.decisionsOf(list.map((m) => m.id));
    return toCsv([
      [
        'date',
        'instance',
        "type d'instance",
        'territoire',
        'titre',
        'statut',
        'participants',
        'ordre du jour',
        'décisions et avis',
        'compte rendu',
      ],
      ...list.map((m) => [
        m.date,
        m.instance.name,
        m.instance.typeLabel,
        m.instance.territory,
        m.title,
        m.statusLabel,
        m.participants.map((p) => [p.name, p.organisation, p.role].filter(Boolean).join(', ')).join(' | '),
        m.agenda.map((a, i) => `${i + 1}. ${a.title}`).join(' | '),
        (decisions.get(m.id) ?? [])
          .map(
            (d) =>
              `${d.kindLabel} : ${d.text}${d.targets.length ? ` [${d.targets.map((t) => t.label).join(' ; ')}]` : ''}`,
          )
          .join(' | '),
        m.minutes ?? '',
      ]),
    ]);
  }
}

function summary(m: MeetingView): MeetingSummary {
  return {
    id: m.id,
    instance: m.instance,
    date: m.date,
    dateLabel: m.dateLabel,
    title: m.title,
    status: m.status,
    statusLabel: m.statusLabel,
    participantCount: m.participants.length,
    agenda: m.agenda.map((a) => a.title),
    decisionCount: m.decisionCount,
    demo: m.demo,
  };
}
