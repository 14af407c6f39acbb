import { Inject, Injectable, Optional } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { inTransaction } from '@cap-iae/database';
import { AUDIT_SINK, AuditSink, DomainError, FieldIssue } from '@cap-iae/shared';
import {
  DECISION_KIND_LABELS,
  DECISION_KINDS,
  LIMITS,
  MEETING_STATUS_LABELS,
  MEETING_STATUSES,
  MeetingStatus,
} from './governance.constants';
import {
  AgendaItem,
  Decision,
  DecisionTarget,
  GovernanceInstance,
  Meeting,
  Participant,
} from './governance.entities';
import {
  DecisionView,
  frenchDate,
  InstanceRef,
  kindLabel,
  MeetingDetail,
  MeetingView,
  parseList,
  StaleVersionError,
  statusLabel,
  targetView,
  TargetView,
  todayInParis,
} from './governance.views';
import { InstancesService } from './instances.service';
import { isoDate, oneOf, text, version as versionOf } from './input-checks';
import { TargetResolver } from './target-resolver';

export interface MeetingInput {
  date?: unknown;
  title?: unknown;
  /** `planned` (default), `held`, `cancelled`. */
  status?: unknown;
  participants?: unknown;
  agenda?: unknown;
  minutes?: unknown;
}

export interface DecisionInput {
  kind?: unknown;
  text?: unknown;
  /** List of `{ type, ref, label? }`; on update, a list given replaces the decision's targets. */
  targets?: unknown;
}

export interface MeetingFilter {
  instanceIds?: number[];
  /** Territories of the instances (each with the territories inside it). */
  territories?: string[];
  /** Instance type codes. */
  typeCodes?: string[];
  /** Inclusive ISO dates. */
  from?: string;
  to?: string;
  statuses?: MeetingStatus[];
}

/** Meetings of instances and the decisions or avis recorded in them. */
@Injectable()
export class MeetingsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly instances: InstancesService,
    private readonly targets: TargetResolver,
    @Optional() @Inject(AUDIT_SINK) private readonly audit?: AuditSink,
  ) {}

  /** Meetings in date order (then instance), without their decisions. */
  async list(filter: MeetingFilter = {}): Promise<MeetingView[]> {
    const qb = this.dataSource
      .getRepository(Meeting)
      .createQueryBuilder('m')
      .innerJoin(GovernanceInstance, 'i', 'i.id = m.instance_id')
      .orderBy('m.meeting_date', 'ASC')
      .addOrderBy('m.instance_id', 'ASC')
      .addOrderBy('m.id', 'ASC');
    if (filter.instanceIds)
      qb.andWhere('m.instance_id IN (:...iids)', {
        iids: filter.instanceIds.length ? filter.instanceIds : [0],
      });
    if (filter.territories?.length) {
      const codes = new Set<string>();
      for (const c of filter.territories) for (const w of await this.instances.within(c)) codes.add(w);
      qb.andWhere('i.territory_code IN (:...codes)', { codes: [...codes] });
    }
    if (filter.typeCodes?.length)
      qb.andWhere('i.type_id IN (SELECT it.id FROM instance_type it WHERE it.code IN (:...tcodes))', {
        tcodes: filter.typeCodes,
      });
    if (filter.from) qb.andWhere('m.meeting_date >= :from', { from: filter.from });
    if (filter.to) qb.andWhere('m.meeting_date <= :to', { to: filter.to });
    if (filter.statuses?.length) qb.andWhere('m.status IN (:...st)', { st: filter.statuses });
    const rows = await qb.getMany();
    return this.views(rows);
  }

  async get(id: number): Promise<MeetingDetail> {
    const row = await this.dataSource.getRepository(Meeting).findOneBy({ id });
    if (!row) throw DomainError.notFound(`Réunion introuvable : ${id}.`);
    const [view] = await this.views([row]);
    return { ...view, decisions: await this.decisionsOf([id]).then((m) => m.get(id) ?? []) };
  }

  /** Territory of the meeting's instance: the one the policy is checked against. */
  async territoryOf(id: number): Promise<string> {
    const row = await this.dataSource.getRepository(Meeting).findOneBy({ id });
    if (!row) throw DomainError.notFound(`Réunion introuvable : ${id}.`);
    return this.instances.territoryOf(row.instanceId);
  }

  async territoryOfDecision(id: number): Promise<string> {
    const row = await this.dataSource.getRepository(Decision).findOneBy({ id });
    if (!row) throw DomainError.notFound(`Décision introuvable : ${id}.`);
    return this.territoryOf(row.meetingId);
  }

  async meetingOfDecision(id: number): Promise<number> {
    const row = await this.dataSource.getRepository(Decision).findOneBy({ id });
    if (!row) throw DomainError.notFound(`Décision introuvable : ${id}.`);
    return row.meetingId;
  }

  async create(instanceId: number, input: MeetingInput, actor: string | null): Promise<MeetingDetail> {
    const instance = await this.instances.get(instanceId);
    const issues: FieldIssue[] = [];
    const fields = checkMeeting(input, issues);
    if (!instance.active)
      issues.push({
        field: 'instanceId',
        message: `l'instance « ${instance.name} » est fermée : elle ne tient plus de réunion`,
      });
    if (issues.length) throw DomainError.validation(issues, "La réunion n'a pas été enregistrée.");
    const now = new Date().toISOString();
    const saved = await this.dataSource.getRepository(Meeting).save({
      instanceId,
      meetingDate: fields.date!,
      title: fields.title!,
      status: fields.status!,
      participants: JSON.stringify(fields.participants),
      agenda: JSON.stringify(fields.agenda),
      minutes: fields.minutes,
      isDemo: false,
      createdBy: actor,
      createdAt: now,
      updatedBy: actor,
      updatedAt: now,
      version: 1,
    });
    const view = await this.get(saved.id);
    await this.audit?.record({
      action: 'création',
      objectType: 'réunion',
      objectId: String(view.id),
      after: auditableMeeting(view),
      summary: `${view.instance.name}, ${view.dateLabel}`,
    });
    return view;
  }

  /**
   * Writes the fields given (the others keep their value) if `version` is still the stored one; otherwise nothing
   * is written and a `StaleVersionError` carries the stored meeting.
   */
  async update(
    id: number,
    input: MeetingInput & { version?: unknown },
    actor: string | null,
  ): Promise<MeetingDetail> {
    const before = await this.get(id);
    const issues: FieldIssue[] = [];
    // A field left out keeps its stored value: a client sending only the compte rendu must not wipe the agenda.
    const fields = checkMeeting(
      {
        date: input.date ?? before.date,
        title: input.title ?? before.title,
        status: input.status ?? before.status,
        participants: input.participants ?? before.participants,
        agenda: input.agenda ?? before.agenda,
        minutes: input.minutes === undefined ? before.minutes : input.minutes,
      },
      issues,
    );
    const expected = versionOf(input.version, issues);
    if (fields.status === 'cancelled' && before.decisions.length > 0)
      issues.push({
        field: 'status',
        message: `cette réunion compte ${before.decisions.length} décision(s) ou avis : supprimez-les avant de l'annuler`,
      });
    if (issues.length) throw DomainError.validation(issues, "La réunion n'a pas été modifiée.");
    const result = await this.dataSource
      .createQueryBuilder()
      .update(Meeting)
      .set({
        meetingDate: fields.date!,
        title: fields.title!,
        status: fields.status!,
        participants: JSON.stringify(fields.participants),
        agenda: JSON.stringify(fields.agenda),
        minutes: fields.minutes,
        updatedBy: actor,
        updatedAt: new Date().toISOString(),
        version: () => 'version + 1',
      })
      .where('id = :id AND version = :version', { id, version: expected })
      .execute();
    if (!result.affected)
      throw new StaleVersionError(
        "Cette réunion a été modifiée par quelqu'un d'autre depuis que vous l'avez ouverte : rien n'a été écrasé. Reportez vos changements sur la version enregistrée.",
        await this.get(id),
        expected!,
      );
    const after = await this.get(id);
    await this.audit?.record({
      action: 'modification',
      objectType: 'réunion',
      objectId: String(id),
      before: auditableMeeting(before),
      after: auditableMeeting(after),
      summary: `${after.instance.name}, ${after.dateLabel}`,
    });
    return after;
  }

  /** Deletes a meeting with its decisions (recorded in the audit trail with the meeting). */
  async remove(id: number): Promise<void> {
    const before = await this.get(id);
    await this.dataSource.getRepository(Meeting).delete({ id });
    await this.audit?.record({
      action: 'suppression',
      objectType: 'réunion',
      objectId: String(id),
      before: { ...auditableMeeting(before), decisions: before.decisions.map(auditableDecision) },
      summary: `${before.instance.name}, ${before.dateLabel}`,
    });
  }

  async addDecision(meetingId: number, input: DecisionInput): Promise<DecisionView> {
    const meeting = await this.get(meetingId);
    const issues: FieldIssue[] = [];
    const fields = await this.checkDecision(input, issues);
    if (meeting.status === 'cancelled')
      issues.push({
        field: 'meeting',
        message: 'la réunion est annulée : aucune décision ne peut y être prise',
      });
    if (issues.length) throw DomainError.validation(issues, "La décision n'a pas été enregistrée.");
    const id = await inTransaction(this.dataSource, async (em) => {
      const last = await em
        .getRepository(Decision)
        .createQueryBuilder('d')
        .select('MAX(d.position)', 'max')
        .where('d.meeting_id = :meetingId', { meetingId })
        .getRawOne<{ max: number | string | null }>();
      const now = new Date().toISOString();
      const saved = await em.getRepository(Decision).save({
        meetingId,
        position: Number(last?.max ?? 0) + 1,
        kind: fields.kind!,
        text: fields.text!,
        isDemo: false,
        createdAt: now,
        updatedAt: now,
        version: 1,
      });
      await this.writeTargets(em, saved.id, fields.targets);
      return saved.id;
    });
    const view = await this.decision(id);
    await this.audit?.record({
      action: 'création',
      objectType: 'décision',
      objectId: String(id),
      after: auditableDecision(view),
      summary: `${view.kindLabel}, réunion ${meetingId}`,
    });
    return view;
  }

  async updateDecision(id: number, input: DecisionInput & { version?: unknown }): Promise<DecisionView> {
    const before = await this.decision(id);
    const issues: FieldIssue[] = [];
    const fields = await this.checkDecision(
      {
        kind: input.kind ?? before.kind,
        text: input.text ?? before.text,
        targets: input.targets ?? before.targets.map((t) => ({ type: t.type, ref: t.ref, label: t.label })),
      },
      issues,
    );
    const expected = versionOf(input.version, issues);
    if (issues.length) throw DomainError.validation(issues, "La décision n'a pas été modifiée.");
    const stale = async () =>
      new StaleVersionError(
        "Cette décision a été modifiée par quelqu'un d'autre depuis que vous l'avez ouverte : rien n'a été écrasé.",
        await this.decision(id),
        expected!,
      );
    if (before.version !== expected) throw await stale();
    await inTransaction(this.dataSource, async (em) => {
      const result = await em
        .createQueryBuilder()
        .update(Decision)
        .set({
          kind: fields.kind!,
          text: fields.text!,
          updatedAt: new Date().toISOString(),
          version: () => 'version + 1',
        })
        .where('id = :id AND version = :version', { id, version: expected })
        .execute();
      // Someone saved between the read above and this statement.
      if (!result.affected) throw await stale();
      await em.getRepository(DecisionTarget).delete({ decisionId: id });
      await this.writeTargets(em, id, fields.targets);
    });
    const after = await this.decision(id);
    await this.audit?.record({
      action: 'modification',
      objectType: 'décision',
      objectId: String(id),
      before: auditableDecision(before),
      after: auditableDecision(after),
      summary: `${after.kindLabel}, réunion ${after.meetingId}`,
    });
    return after;
  }

  async removeDecision(id: number): Promise<void> {
    const before = await this.decision(id);
    await this.dataSource.getRepository(Decision).delete({ id });
    await this.audit?.record({
      action: 'suppression',
      objectType: 'décision',
      objectId: String(id),
      before: auditableDecision(before),
      summary: `${before.kindLabel}, réunion ${before.meetingId}`,
    });
  }

  async decision(id: number): Promise<DecisionView> {
    const row = await this.dataSource.getRepository(Decision).findOneBy({ id });
    if (!row) throw DomainError.notFound(`Décision introuvable : ${id}.`);
    return (await this.decisionsOf([row.meetingId])).get(row.meetingId)!.find((d) => d.id === id)!;
  }

  /** Decisions of these meetings, in their order, with their targets. */
  async decisionsOf(meetingIds: number[]): Promise<Map<number, DecisionView[]>> {
    const out = new Map<number, DecisionView[]>();
    if (meetingIds.length === 0) return out;
    const decisions: Decision[] = [];
    // Chunks keep the IN list under the drivers' parameter limits for a year of meetings.
    for (let i = 0; i < meetingIds.length; i += 500) {
      decisions.push(
        ...(await this.dataSource
          .getRepository(Decision)
          .createQueryBuilder('d')
          .where('d.meeting_id IN (:...ids)', { ids: meetingIds.slice(i, i + 500) })
          .orderBy('d.meeting_id')
          .addOrderBy('d.position')
          .getMany()),
      );
    }
    const targets = new Map<number, TargetView[]>();
    for (let i = 0; i < decisions.length; i += 500) {
      const rows = await this.dataSource
        .getRepository(DecisionTarget)
        .createQueryBuilder('t')
        .where('t.decision_id IN (:...ids)', { ids: decisions.slice(i, i + 500).map((d) => d.id) })
        .orderBy('t.id')
        .getMany();
      for (const t of rows) {
        const list = targets.get(t.decisionId) ?? [];
        list.push(targetView(t.targetType, t.targetRef, t.targetLabel));
        targets.set(t.decisionId, list);
      }
    }
    for (const d of decisions) {
      const list = out.get(d.meetingId) ?? [];
      list.push({
        id: d.id,
        meetingId: d.meetingId,
        position: d.position,
        kind: d.kind,
        kindLabel: kindLabel(d.kind),
        text: d.text,
        targets: targets.get(d.id) ?? [],
        demo: Boolean(d.isDemo),
        version: d.version,
        createdAt: d.createdAt,
        updatedAt: d.updatedAt,
      });
      out.set(d.meetingId, list);
    }
    return out;
  }

  private async writeTargets(em: EntityManager, decisionId: number, targets: TargetView[]): Promise<void> {
    if (targets.length === 0) return;
    await em.getRepository(DecisionTarget).insert(
      targets.map((t) => ({
        decisionId,
        targetType: t.type,
        targetRef: t.ref,
        targetLabel: t.label,
      })),
    );
  }

  private async checkDecision(input: DecisionInput, issues: FieldIssue[]) {
    const kind =
      input.kind === undefined || input.kind === ''
        ? (issues.push({
            field: 'kind',
            message: `nature obligatoire (attendu : ${DECISION_KINDS.join(', ')})`,
          }),
          undefined)
        : oneOf(input.kind, DECISION_KINDS, DECISION_KIND_LABELS, 'kind', issues);
    const body = text(input.text, 'text', issues, {
      required: true,
      max: LIMITS.decisionText,
      what: 'texte de la décision',
    });
    const targets = await this.targets.resolve(input.targets, issues);
    return { kind, text: body, targets };
  }

  private async views(rows: Meeting[]): Promise<MeetingView[]> {
    const refs = await this.instances.refs(rows.map((r) => r.instanceId));
    const counts = new Map<number, number>();
    for (let i = 0; i < rows.length; i += 500) {
      const ids = rows.slice(i, i + 500).map((r) => r.id);
      if (ids.length === 0) continue;
      const found = await this.dataSource
        .getRepository(Decision)
        .createQueryBuilder('d')
        .select('d.meeting_id', 'meeting_id')
        .addSelect('COUNT(*)', 'n')
        .where('d.meeting_id IN (:...ids)', { ids })
        .groupBy('d.meeting_id')
        .getRawMany<{ meeting_id: number; n: number | string }>();
      for (const f of found) counts.set(Number(f.meeting_id), Number(f.n));
    }
    return rows.map((m) => toMeetingView(m, refs.get(m.instanceId)!, counts.get(m.id) ?? 0));
  }
}

export function toMeetingView(m: Meeting, instance: InstanceRef, decisionCount: number): MeetingView {
  return {
    id: m.id,
    instance,
    date: m.meetingDate,
    dateLabel: frenchDate(m.meetingDate),
    title: m.title,
    status: m.status,
    statusLabel: statusLabel(m.status),
    participants: parseList<Participant>(m.participants),
    agenda: parseList<AgendaItem>(m.agenda),
    minutes: m.minutes,
    decisionCount,
    demo: Boolean(m.isDemo),
    version: m.version,
    createdBy: m.createdBy,
    createdAt: m.createdAt,
    updatedBy: m.updatedBy,
    updatedAt: m.updatedAt,
  };
}

function checkMeeting(input: MeetingInput, issues: FieldIssue[]) {
  const date = isoDate(input.date, 'date', issues);
  const title = text(input.title, 'title', issues, { required: true, max: 300, what: 'titre' });
  const status =
    input.status === undefined || input.status === ''
      ? 'planned'
      : oneOf(input.status, MEETING_STATUSES, MEETING_STATUS_LABELS, 'status', issues);
  if (status === 'held' && date && date > todayInParis())
    issues.push({
      field: 'status',
      message: 'une réunion datée après aujourd’hui ne peut pas être « tenue »',
    });
  const minutes = text(input.minutes, 'minutes', issues, { max: LIMITS.minutes });
  return {
    date,
    title,
    status,
    minutes,
    participants: checkParticipants(input.participants, issues),
    agenda: checkAgenda(input.agenda, issues),
  };
}

function checkParticipants(value: unknown, issues: FieldIssue[]): Participant[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    issues.push({ field: 'participants', message: 'doit être une liste { name, organisation, role }' });
    return [];
  }
  if (value.length > LIMITS.participants) {
    issues.push({ field: 'participants', message: `${LIMITS.participants} participants au plus` });
    return [];
  }
  return value.map((raw: unknown, i) => {
    const p = (raw ?? {}) as Record<string, unknown>;
    const f = `participants[${i}]`;
    return {
      name: text(p.name, `${f}.name`, issues, { required: true, max: 200, what: 'nom' }) ?? '',
      organisation: text(p.organisation, `${f}.organisation`, issues, { max: 200 }),
      role: text(p.role, `${f}.role`, issues, { max: 200 }),
    };
  });
}

function checkAgenda(value: unknown, issues: FieldIssue[]): AgendaItem[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    issues.push({ field: 'agenda', message: 'doit être une liste ordonnée { title, presenter }' });
    return [];
  }
  if (value.length > LIMITS.agendaItems) {
    issues.push({ field: 'agenda', message: `${LIMITS.agendaItems} points au plus` });
    return [];
  }
  return value.map((raw: unknown, i) => {
    // A bare string is accepted as a point's title: it is how people write an agenda.
    const item = (typeof raw === 'string' ? { title: raw } : (raw ?? {})) as Record<string, unknown>;
    const f = `agenda[${i}]`;
    return {
      title:
        text(item.title, `${f}.title`, issues, { required: true, max: 300, what: 'intitulé du point' }) ?? '',
      presenter: text(item.presenter, `${f}.presenter`, issues, { max: 200 }),
    };
  });
}

function auditableMeeting(v: MeetingView) {
  return {
    instance: v.instance.id,
    date: v.date,
    title: v.title,
    status: v.status,
    participants: v.participants,
    agenda: v.agenda,
    minutes: v.minutes,
    version: v.version,
  };
}

function auditableDecision(v: DecisionView) {
  return {
    meeting: v.meetingId,
    kind: v.kind,
    text: v.text,
    targets: v.targets.map((t) => `${t.type}:${t.ref}`),
  };
}
