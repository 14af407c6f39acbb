import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { FieldIssue } from '@cap-iae/shared';
import { StrategiesService } from '@cap-iae/strategy';
import { TerritoriesService } from '@cap-iae/territories';
import { LIMITS, TARGET_TYPE_LABELS, TARGET_TYPES, TargetType } from './governance.constants';
import { targetView, TargetView } from './governance.views';
import { formatSiret, isValidSiret, normaliseSiret } from './siret';

export interface TargetInput {
  type?: unknown;
  ref?: unknown;
  /** Optional for objectives, actions and plans (read from the database); the SIAE's name for a SIRET. */
  label?: unknown;
}

/**
 * Plans d'actions belong to libs/action-plans, built alongside this library: they are read here by table name, with
 * plain SQL, so that a decision can cite an action whatever the order in which the two libraries evolve. Only the
 * columns listed here are relied upon.
 */
const PLAN_TABLE = 'action_plan';
const ACTION_TABLE = 'plan_action';

interface PlanRow {
  id: number;
  department_code: string;
  year: number;
}
interface ActionRow extends PlanRow {
  title: string;
}

/** Checks what decisions are about and takes the label snapshot stored with each link. */
@Injectable()
export class TargetResolver {
  private plansAvailable = false;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly strategies: StrategiesService,
    private readonly territories: TerritoriesService,
  ) {}

  async resolve(value: unknown, issues: FieldIssue[], field = 'targets'): Promise<TargetView[]> {
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value)) {
      issues.push({ field, message: 'doit être une liste de cibles { type, ref, label }' });
      return [];
    }
    if (value.length > LIMITS.targets) {
      issues.push({ field, message: `${LIMITS.targets} cibles au plus` });
      return [];
    }
    const wanted: { i: number; type: TargetType; ref: string; label: string | null }[] = [];
    value.forEach((raw: unknown, i) => {
      const t = (raw ?? {}) as TargetInput;
      const f = `${field}[${i}]`;
      if (typeof t.type !== 'string' || !(TARGET_TYPES as readonly string[]).includes(t.type)) {
        issues.push({
          field: `${f}.type`,
          message: `type de cible inconnu (attendu : ${TARGET_TYPES.map((x) => `${x} = ${TARGET_TYPE_LABELS[x]}`).join(', ')})`,
        });
        return;
      }
      const ref = typeof t.ref === 'number' ? String(t.ref) : typeof t.ref === 'string' ? t.ref.trim() : '';
      if (!ref) {
        issues.push({
          field: `${f}.ref`,
          message: t.type === 'siae' ? 'SIRET obligatoire' : 'identifiant obligatoire',
        });
        return;
      }
      let label: string | null = null;
      if (t.label !== undefined && t.label !== null && t.label !== '') {
        if (typeof t.label !== 'string' || t.label.trim().length > 300) {
          issues.push({ field: `${f}.label`, message: 'texte de 300 caractères au plus' });
          return;
        }
        label = t.label.trim();
      }
      wanted.push({ i, type: t.type as TargetType, ref, label });
    });

    const out: (TargetView & { i: number })[] = [];
    const objectives = wanted.some((w) => w.type === 'objective') ? await this.objectiveLabels() : undefined;
    const actions = await this.actions(wanted.filter((w) => w.type === 'action').map((w) => w.ref));
    const plans = await this.plans(wanted.filter((w) => w.type === 'plan').map((w) => w.ref));
    const names = await this.territories.all();
    for (const w of wanted) {
      const f = `${field}[${w.i}].ref`;
      switch (w.type) {
        case 'objective': {
          const found = objectives!.get(w.ref);
          if (!found) issues.push({ field: f, message: `objectif inconnu : ${w.ref}` });
          else out.push({ i: w.i, ...targetView('objective', w.ref, found) });
          break;
        }
        case 'siae': {
          const siret = normaliseSiret(w.ref);
          if (!siret) issues.push({ field: f, message: `un SIRET compte 14 chiffres : « ${w.ref} »` });
          else if (!isValidSiret(siret))
            issues.push({ field: f, message: `SIRET invalide (clé de contrôle fausse) : « ${w.ref} »` });
          else
            out.push({
              i: w.i,
              ...targetView('siae', siret, w.label ?? `SIAE, SIRET ${formatSiret(siret)}`),
            });
          break;
        }
        case 'action': {
          if (!this.plansAvailable) {
            issues.push({ field: f, message: "les plans d'actions ne sont pas encore disponibles" });
            break;
          }
          const a = actions.get(w.ref);
          if (!a) issues.push({ field: f, message: `action inconnue : ${w.ref}` });
          else {
            const dep = names.get(a.department_code)?.name ?? a.department_code;
            out.push({
              i: w.i,
              ...targetView('action', w.ref, clip(`${a.title} (plan d'actions ${a.year}, ${dep})`)),
            });
          }
          break;
        }
        case 'plan': {
          if (!this.plansAvailable) {
            issues.push({ field: f, message: "les plans d'actions ne sont pas encore disponibles" });
            break;
          }
          const p = plans.get(w.ref);
          if (!p) issues.push({ field: f, message: `plan d'actions inconnu : ${w.ref}` });
          else {
            const dep = names.get(p.department_code)?.name ?? p.department_code;
            out.push({ i: w.i, ...targetView('plan', w.ref, `Plan d'actions ${p.year} — ${dep}`) });
          }
          break;
        }
        default: {
          const unreachable: never = w.type;
          throw new Error(`type de cible non traité : ${String(unreachable)}`);
        }
      }
    }
    const seen = new Set<string>();
    for (const t of out) {
      const key = `${t.type}|${t.ref}`;
      if (seen.has(key))
        issues.push({ field: `${field}[${t.i}]`, message: 'cette cible figure deux fois dans la liste' });
      seen.add(key);
    }
    return out.map(({ i: _i, ...t }) => t);
  }

  /** Objectives by id, labelled « 1.1 — title (strategy code) » as decisions cite them. */
  async objectiveLabels(): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (const s of await this.strategies.list())
      for (const a of s.axes)
        for (const o of a.objectives)
          out.set(String(o.id), clip(`Objectif ${o.number} — ${o.title} (${s.code})`));
    return out;
  }

  /**
   * Plans and actions a decision of these territories and years may cite, labelled as they would be stored (for
   * the decision form). Empty while libs/action-plans has no table.
   */
  async planOptions(
    territories: string[],
    years: number[],
  ): Promise<{ plans: { id: number; label: string }[]; actions: { id: number; label: string }[] }> {
    if (!(await this.hasPlans()) || territories.length === 0 || years.length === 0)
      return { plans: [], actions: [] };
    const names = await this.territories.all();
    const rows = await this.dataSource
      .createQueryBuilder()
      .select([
        'p.id AS plan_id',
        'p.department_code AS department_code',
        'p.year AS year',
        'a.id AS id',
        'a.title AS title',
      ])
      .from(PLAN_TABLE, 'p')
      .leftJoin(ACTION_TABLE, 'a', 'a.plan_id = p.id')
      .where('p.department_code IN (:...territories)', { territories })
      .andWhere('p.year IN (:...years)', { years })
      .orderBy('p.department_code')
      .addOrderBy('p.year')
      .addOrderBy('a.position')
      .getRawMany<{
        plan_id: number;
        department_code: string;
        year: number;
        id: number | null;
        title: string | null;
      }>();
    const plans = new Map<number, string>();
    const actions: { id: number; label: string }[] = [];
    for (const r of rows) {
      const dep = names.get(r.department_code)?.name ?? r.department_code;
      plans.set(Number(r.plan_id), `Plan d'actions ${r.year} — ${dep}`);
      if (r.id !== null && r.title !== null)
        actions.push({ id: Number(r.id), label: clip(`${r.title} (plan d'actions ${r.year}, ${dep})`) });
    }
    return { plans: [...plans].map(([id, label]) => ({ id, label })), actions };
  }

  private async actions(refs: string[]): Promise<Map<string, ActionRow>> {
    const ids = numericIds(refs);
    if (!(await this.hasPlans()) || ids.length === 0) return new Map();
    const rows = await this.dataSource
      .createQueryBuilder()
      .select(['a.id AS id', 'a.title AS title', 'p.department_code AS department_code', 'p.year AS year'])
      .from(ACTION_TABLE, 'a')
      .innerJoin(PLAN_TABLE, 'p', 'p.id = a.plan_id')
      .where('a.id IN (:...ids)', { ids })
      .getRawMany<ActionRow>();
    return new Map(rows.map((r) => [String(r.id), r]));
  }

  private async plans(refs: string[]): Promise<Map<string, PlanRow>> {
    const ids = numericIds(refs);
    if (!(await this.hasPlans()) || ids.length === 0) return new Map();
    const rows = await this.dataSource
      .createQueryBuilder()
      .select(['p.id AS id', 'p.department_code AS department_code', 'p.year AS year'])
      .from(PLAN_TABLE, 'p')
      .where('p.id IN (:...ids)', { ids })
      .getRawMany<PlanRow>();
    return new Map(rows.map((r) => [String(r.id), r]));
  }

  /** Once the tables exist they stay: only a negative answer is asked again. */
  async hasPlans(): Promise<boolean> {
    if (this.plansAvailable) return true;
    const runner = this.dataSource.createQueryRunner();
    try {
      this.plansAvailable = (await runner.hasTable(PLAN_TABLE)) && (await runner.hasTable(ACTION_TABLE));
    } finally {
      await runner.release();
    }
    return this.plansAvailable;
  }
}

function numericIds(refs: string[]): number[] {
  return refs.filter((r) => /^\d{1,9}$/.test(r)).map(Number);
}

function clip(s: string): string {
  return s.length > 400 ? `${s.slice(0, 399)}…` : s;
}
