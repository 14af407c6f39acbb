import { Inject, Injectable, Optional } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import {
  AUDIT_SINK,
  AuditSink,
  DomainError,
  FieldIssue,
  isYearInRange,
  MAX_YEAR,
  MIN_YEAR,
} from '@cap-iae/shared';
import { TerritoriesService } from '@cap-iae/territories';
import { IndicatorCatalogService } from './indicator-catalog.service';
import { ProgressOverride } from './progress-override.entity';
import { PROGRESS_STATUS_LABELS, PROGRESS_STATUSES, ProgressStatus } from './progress';

/** A forced status must say why: shorter than this, it cannot be a reason a COR-IAE member could check. */
export const MIN_JUSTIFICATION_LENGTH = 10;
export const MAX_JUSTIFICATION_LENGTH = 2000;
export const OVERRIDE_AUDIT_TYPE = 'statut d’avancement';

export interface ProgressOverrideKey {
  indicator: string;
  territory: string;
  year: number;
}

export interface ProgressOverrideInput extends ProgressOverrideKey {
  status: string;
  justification: string;
}

export interface ProgressOverrideView extends ProgressOverrideKey {
  status: ProgressStatus;
  statusLabel: string;
  justification: string;
  setBy: string | null;
  setAt: string;
}

@Injectable()
export class ProgressOverridesService {
  constructor(
    @InjectRepository(ProgressOverride) private readonly overrides: Repository<ProgressOverride>,
    private readonly catalog: IndicatorCatalogService,
    private readonly territories: TerritoriesService,
    @Optional() @Inject(AUDIT_SINK) private readonly audit?: AuditSink,
  ) {}

  /** The overrides of one territory and year, by indicator code. */
  async forTerritoryYear(territory: string, year: number): Promise<Map<string, ProgressOverrideView>> {
    const rows = await this.overrides.find({ where: { territoryCode: territory, year } });
    return new Map(rows.map((r) => [r.indicatorCode, toView(r)]));
  }

  /** Creates or replaces the override of an indicator × territory × year; audited with its previous content. */
  async set(
    input: ProgressOverrideInput,
    author: string | null,
  ): Promise<{ override: ProgressOverrideView; created: boolean }> {
    const issues = await this.keyIssues(input);
    if (!PROGRESS_STATUSES.includes(input.status as ProgressStatus)) {
      issues.push({ field: 'status', message: `doit valoir ${PROGRESS_STATUSES.join(', ')}` });
    }
    const justification = typeof input.justification === 'string' ? input.justification.trim() : '';
    if (justification.length < MIN_JUSTIFICATION_LENGTH) {
      issues.push({
        field: 'justification',
        message: `obligatoire : au moins ${MIN_JUSTIFICATION_LENGTH} caractères qui expliquent pourquoi le statut calculé est remplacé`,
      });
    } else if (justification.length > MAX_JUSTIFICATION_LENGTH) {
      issues.push({ field: 'justification', message: `${MAX_JUSTIFICATION_LENGTH} caractères au plus` });
    }
    if (issues.length > 0)
      throw DomainError.validation(issues, "Le statut d'avancement n'a pas été enregistré.");

    const key = { indicatorCode: input.indicator, territoryCode: input.territory, year: input.year };
    const existing = await this.overrides.findOne({ where: key });
    const saved = await this.overrides.save(
      this.overrides.create({
        ...existing,
        ...key,
        status: input.status as ProgressStatus,
        justification,
        setBy: author,
        setAt: new Date().toISOString(),
      }),
    );
    const view = toView(saved);
    await this.audit?.record({
      action: existing ? 'modification' : 'création',
      objectType: OVERRIDE_AUDIT_TYPE,
      objectId: objectId(input),
      before: existing ? { status: existing.status, justification: existing.justification } : undefined,
      after: { status: view.status, justification: view.justification },
      summary: `Statut d’avancement forcé à « ${view.statusLabel} »`,
    });
    return { override: view, created: !existing };
  }

  /** Removes an override, so that the computed status applies again; audited with what was removed. */
  async remove(key: ProgressOverrideKey): Promise<void> {
    const issues = await this.keyIssues(key);
    if (issues.length > 0) throw DomainError.validation(issues, 'Paramètres de requête invalides.');
    const existing = await this.overrides.findOne({
      where: { indicatorCode: key.indicator, territoryCode: key.territory, year: key.year },
    });
    if (!existing) {
      throw DomainError.notFound(
        `Aucun statut d’avancement forcé pour ${key.indicator}, ${key.territory}, ${key.year}.`,
      );
    }
    await this.overrides.delete({ id: existing.id });
    await this.audit?.record({
      action: 'suppression',
      objectType: OVERRIDE_AUDIT_TYPE,
      objectId: objectId(key),
      before: { status: existing.status, justification: existing.justification },
      summary: 'Statut d’avancement forcé retiré : le statut calculé s’applique de nouveau',
    });
  }

  private async keyIssues(key: Partial<ProgressOverrideKey>): Promise<FieldIssue[]> {
    const issues: FieldIssue[] = [];
    if (!key.indicator) issues.push({ field: 'indicator', message: 'obligatoire' });
    else if (!(await this.catalog.rulesByCode()).has(key.indicator))
      issues.push({ field: 'indicator', message: `indicateur inconnu « ${key.indicator} »` });
    if (!key.territory) issues.push({ field: 'territory', message: 'obligatoire' });
    else if (!(await this.territories.exists(key.territory)))
      issues.push({
        field: 'territory',
        message: `territoire inconnu « ${key.territory} » (attendu : REG-11, DEP-93…)`,
      });
    if (key.year === undefined || !isYearInRange(key.year))
      issues.push({ field: 'year', message: `doit être une année entre ${MIN_YEAR} et ${MAX_YEAR}` });
    return issues;
  }
}

function objectId(key: ProgressOverrideKey): string {
  return `${key.indicator}|${key.territory}|${key.year}`;
}

function toView(o: ProgressOverride): ProgressOverrideView {
  return {
    indicator: o.indicatorCode,
    territory: o.territoryCode,
    year: o.year,
    status: o.status,
    statusLabel: PROGRESS_STATUS_LABELS[o.status] ?? o.status,
    justification: o.justification,
    setBy: o.setBy,
    setAt: o.setAt,
  };
}
