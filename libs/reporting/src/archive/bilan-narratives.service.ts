import { Inject, Injectable, Optional } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AUDIT_SINK, AuditSink, DomainError, FieldIssue, currentContext } from '@cap-iae/shared';
import { StrategiesService } from '@cap-iae/strategy';
import { TerritoriesService } from '@cap-iae/territories';
import { BilanKind } from '../bilan-kinds';
import { BilanNarrative } from '../reporting.entities';
import { BilanRequest, resolveBilanTarget } from '../view-model/bilan-request';

/** Longest narrative text: a bilan is read in a meeting, a text per axis or objective stays short. */
export const NARRATIVE_MAX_LENGTH = 6000;

export interface NarrativeView {
  ref: string;
  text: string;
  author: string;
  updatedAt: string;
  version: number;
}

/** A place in the bilan where a text can be written, with what is written there so far. */
export interface NarrativeSlot {
  ref: string;
  /** « Synthèse », « Axe 2 — … », « Objectif 2.1 — … », « Conclusion ». */
  label: string;
  level: number;
  text: string;
  author: string | null;
  updatedAt: string | null;
  version: number | null;
}

export interface NarrativeInput {
  ref: string;
  text: string;
  /** Version read; a different stored version means someone else wrote meanwhile. */
  version?: number | null;
}

/**
 * The narrative texts of a bilan, written by the people preparing it (the secretariat of the CDIAE, the DREETS for
 * the COR-IAE) before it is generated. Every change is audited with the text before and after.
 */
@Injectable()
export class BilanNarrativesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly strategies: StrategiesService,
    private readonly territories: TerritoriesService,
    @Optional() @Inject(AUDIT_SINK) private readonly audit?: AuditSink,
  ) {}

  async list(key: BilanRequest): Promise<NarrativeView[]> {
    const rows = await this.dataSource.getRepository(BilanNarrative).find({
      where: {
        kind: key.kind as BilanKind,
        territoryCode: key.territory,
        strategyCode: key.strategy,
        year: key.year,
      },
      order: { ref: 'ASC' },
    });
    return rows.map((r) => ({
      ref: r.ref,
      text: r.text,
      author: r.author,
      updatedAt: r.updatedAt,
      version: r.version,
    }));
  }

  /** Every place of the bilan a text can go, in reading order, with the texts written so far. */
  async slots(key: BilanRequest): Promise<NarrativeSlot[]> {
    const target = await resolveBilanTarget(key, this.strategies, this.territories);
    const stored = new Map((await this.list(key)).map((n) => [n.ref, n]));
    const slot = (ref: string, label: string, level: number): NarrativeSlot => {
      const n = stored.get(ref);
      return {
        ref,
        label,
        level,
        text: n?.text ?? '',
        author: n?.author ?? null,
        updatedAt: n?.updatedAt ?? null,
        version: n?.version ?? null,
      };
    };
    return [
      slot('synthese', 'Synthèse', 1),
      ...target.strategy.axes.flatMap((a) => [
        slot(`axe:${a.number}`, `Axe ${a.number} — ${a.title}`, 1),
        ...a.objectives.map((o) => slot(`objectif:${o.number}`, `Objectif ${o.number} — ${o.title}`, 2)),
      ]),
      slot('conclusion', 'Conclusion', 1),
    ];
  }

  /** Writes texts (an empty text removes it); all or nothing. Returns how many changed. */
  async save(key: BilanRequest, inputs: NarrativeInput[], author: string): Promise<number> {
    const slots = await this.slots(key);
    const byRef = new Map(slots.map((s) => [s.ref, s]));
    const issues: FieldIssue[] = [];
    inputs.forEach((input, i) => {
      const slot = byRef.get(input.ref);
      if (!slot) issues.push({ field: `texts[${i}].ref`, message: `emplacement inconnu « ${input.ref} »` });
      if (typeof input.text !== 'string')
        issues.push({ field: `texts[${i}].text`, message: 'texte attendu' });
      else if (input.text.length > NARRATIVE_MAX_LENGTH)
        issues.push({ field: `texts[${i}].text`, message: `${NARRATIVE_MAX_LENGTH} caractères au plus` });
    });
    if (issues.length) throw DomainError.validation(issues, 'Les textes n’ont pas été enregistrés.');

    const changes = inputs
      .map((input) => ({
        input,
        slot: byRef.get(input.ref)!,
        text: input.text.replace(/\r\n/g, '\n').trim(),
      }))
      .filter((c) => c.text !== c.slot.text);
    const stale = changes.filter(
      (c) => c.input.version !== undefined && c.input.version !== null && c.input.version !== c.slot.version,
    );
    if (stale.length)
      throw DomainError.conflict(
        `Ces textes ont été modifiés par quelqu’un d’autre depuis que vous les avez ouverts : ${stale.map((c) => c.slot.label).join(', ')}. Rechargez la page.`,
      );
    if (changes.length === 0) return 0;

    const now = new Date().toISOString();
    await this.dataSource.transaction(async (em) => {
      const repo = em.getRepository(BilanNarrative);
      for (const { slot, text } of changes) {
        const where = {
          kind: key.kind as BilanKind,
          territoryCode: key.territory,
          strategyCode: key.strategy,
          year: key.year,
          ref: slot.ref,
        };
        if (!text) await repo.delete(where);
        else if (slot.version === null)
          await repo.insert({ ...where, text, author, updatedAt: now, version: 1 });
        else await repo.update(where, { text, author, updatedAt: now, version: slot.version + 1 });
      }
    });
    await this.audit?.record(
      changes.map(({ slot, text }) => ({
        action: !text ? 'suppression' : slot.version === null ? 'création' : 'modification',
        objectType: 'texte de bilan',
        objectId: `${key.kind}|${key.territory}|${key.strategy}|${key.year}|${slot.ref}`,
        before: slot.text ? { text: slot.text } : undefined,
        after: text ? { text } : undefined,
        summary: `${slot.label} (${currentContext().actor})`,
      })),
    );
    return changes.length;
  }
}
