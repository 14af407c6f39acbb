import type { ObservationView, TargetView } from '@cap-iae/indicators';
import { formatDateFr } from '@cap-iae/shared';
import type { SourceEntry } from './bilan-view-model';

const KIND_LABELS: Record<string, string> = {
  reference: 'Document de référence',
  demo: 'Données de démonstration (générées)',
  user: 'Saisie dans Cap IAE',
  run: 'Exécution d’une source de données',
  import: 'Import de fichier',
};

interface Group {
  key: string;
  kind: string;
  ref: string;
  label: string;
  figures: Set<string>;
  indicators: Set<string>;
  recordedMin: string;
  recordedMax: string;
  validatedMax: string;
  demo: boolean;
}

export interface RunInfo {
  id: number;
  source: string;
  startedAt: string;
  status: string;
}

/** `source:3:run:12` (a source run or a file import) → the run's id. */
export function runIdOf(ref: string): number | null {
  const m = /^source:\d+:run:(\d+)$/.exec(ref);
  return m ? Number(m[1]) : null;
}

/**
 * Where every printed figure comes from. Values are grouped by provenance (the run, import, document or person that
 * wrote them, as stored with each value); each group gets a key (S1, S2…) in the order figures first appear in the
 * bilan, printed next to the figures and listed in « méthodologie et sources » with its run and dates.
 */
export class SourceRegistry {
  private readonly groups = new Map<string, Group>();
  private readonly order: Group[] = [];
  private latest = '';

  /** The key of the group of this value, creating it on first use. */
  track(o: ObservationView): string {
    const id = `${o.provenance.kind}|${o.provenance.ref}|${o.source ?? ''}`;
    let g = this.groups.get(id);
    if (!g) {
      g = {
        key: `S${this.order.length + 1}`,
        kind: o.provenance.kind,
        ref: o.provenance.ref,
        label: o.source ?? o.provenance.ref,
        figures: new Set(),
        indicators: new Set(),
        recordedMin: o.provenance.recordedAt,
        recordedMax: o.provenance.recordedAt,
        validatedMax: o.validatedAt ?? '',
        demo: o.demo,
      };
      this.groups.set(id, g);
      this.order.push(g);
    }
    g.figures.add(`${o.indicator}|${o.territory}|${o.period}`);
    g.indicators.add(o.indicator);
    if (o.provenance.recordedAt < g.recordedMin) g.recordedMin = o.provenance.recordedAt;
    if (o.provenance.recordedAt > g.recordedMax) g.recordedMax = o.provenance.recordedAt;
    if ((o.validatedAt ?? '') > g.validatedMax) g.validatedMax = o.validatedAt ?? '';
    g.demo ||= o.demo;
    this.seen(o.provenance.recordedAt);
    if (o.validatedAt) this.seen(o.validatedAt);
    return g.key;
  }

  /** Targets are set in the app (or loaded as demo): one group for all of them. */
  trackTarget(t: TargetView): string {
    const id = 'target';
    let g = this.groups.get(id);
    if (!g) {
      g = {
        key: `S${this.order.length + 1}`,
        kind: 'target',
        ref: 'target',
        label: 'Cibles fixées dans Cap IAE pour chaque territoire et chaque année',
        figures: new Set(),
        indicators: new Set(),
        recordedMin: t.updatedAt,
        recordedMax: t.updatedAt,
        validatedMax: '',
        demo: t.demo,
      };
      this.groups.set(id, g);
      this.order.push(g);
    }
    g.figures.add(`${t.indicator}|${t.territory}|${t.year}`);
    g.indicators.add(t.indicator);
    if (t.updatedAt < g.recordedMin) g.recordedMin = t.updatedAt;
    if (t.updatedAt > g.recordedMax) g.recordedMax = t.updatedAt;
    g.demo ||= t.demo;
    this.seen(t.updatedAt);
    return g.key;
  }

  seen(isoDate: string): void {
    if (isoDate > this.latest) this.latest = isoDate;
  }

  /** The most recent recording or validation among everything tracked (ISO), `null` when nothing was. */
  latestDate(): string | null {
    return this.latest || null;
  }

  isDemo(): boolean {
    return this.order.some((g) => g.demo);
  }

  runRefs(): number[] {
    return [...new Set(this.order.map((g) => runIdOf(g.ref)).filter((r): r is number => r !== null))].sort(
      (a, b) => a - b,
    );
  }

  entries(runs: Map<number, RunInfo>): SourceEntry[] {
    const all = new Set(this.order.filter((g) => g.kind !== 'target').flatMap((g) => [...g.indicators]));
    return this.order.map((g) => {
      const runId = runIdOf(g.ref);
      const run = runId !== null ? runs.get(runId) : undefined;
      const day = (iso: string) => (iso ? formatDateFr(new Date(iso)) : '');
      const recorded =
        day(g.recordedMin) === day(g.recordedMax)
          ? day(g.recordedMin)
          : `${day(g.recordedMin)} au ${day(g.recordedMax)}`;
      return {
        key: g.key,
        kindLabel: g.kind === 'target' ? 'Cibles de la stratégie' : (KIND_LABELS[g.kind] ?? g.kind),
        label: g.label,
        run: run
          ? { id: run.id, source: run.source, startedLabel: day(run.startedAt), status: run.status }
          : null,
        ref: g.ref,
        recordedLabel: recorded,
        validatedLabel: day(g.validatedMax),
        figures: g.figures.size,
        indicators: [...g.indicators].sort(),
        indicatorsLabel:
          g.indicators.size === all.size && all.size > 1
            ? `les ${all.size} indicateurs du bilan`
            : [...g.indicators].sort().join(', '),
        demo: g.demo,
      };
    });
  }
}
