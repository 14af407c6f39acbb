import { Injectable, OnModuleInit } from '@nestjs/common';
import { AuditService } from '@cap-iae/access';
import { ObservationsWritten, ObservationStore, observationKey } from '@cap-iae/indicators';
import { AuditRecord } from '@cap-iae/shared';

const KIND_LABELS = {
  reference: 'référentiel',
  demo: 'démonstration',
  user: 'saisie',
  run: 'source',
  import: 'import',
} as const;

/**
 * Puts every write of the observation store in the audit trail: one summary per write, plus one entry per changed
 * value (before/after) when the write is small enough to read back.
 */
@Injectable()
export class ObservationAuditor implements OnModuleInit {
  constructor(
    private readonly store: ObservationStore,
    private readonly audit: AuditService,
  ) {}

  onModuleInit(): void {
    this.store.onWritten((event) => this.record(event));
  }

  private async record(event: ObservationsWritten): Promise<void> {
    const entries: AuditRecord[] = [
      {
        action: 'écriture de valeurs',
        objectType: 'lot de valeurs',
        objectId: event.provenance.ref,
        summary: `${KIND_LABELS[event.provenance.kind]} : ${event.received ?? event.rows.length} valeur(s) reçue(s), ${event.written} créée(s) ou modifiée(s)`,
      },
    ];
    if (event.before) {
      for (const row of event.rows) {
        const key = observationKey(row);
        const previous = event.before.get(key);
        const after = {
          value: row.value,
          numerator: row.numerator,
          denominator: row.denominator,
          status: row.status,
        };
        if (
          previous &&
          previous.value === row.value &&
          previous.numerator === row.numerator &&
          previous.denominator === row.denominator
        )
          continue;
        entries.push({
          action: previous ? 'modification' : 'création',
          objectType: 'valeur',
          objectId: key,
          before: previous
            ? {
                value: previous.value,
                numerator: previous.numerator,
                denominator: previous.denominator,
                status: previous.status,
              }
            : undefined,
          after,
        });
      }
    }
    await this.audit.record(entries);
  }
}
