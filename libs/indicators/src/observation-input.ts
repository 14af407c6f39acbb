import type { DimensionSet } from '@cap-iae/shared';
import type { ObservationStatus, ProvenanceKind } from './observation.entity';

/** What any writer (API, form, file import, source run, seed) hands to the observation store. */
export interface ObservationInput {
  indicator: string;
  territory: string;
  period: string | number;
  dimensions?: DimensionSet;
  value?: number | null;
  numerator?: number | null;
  denominator?: number | null;
  status?: ObservationStatus;
  sourceLabel?: string | null;
  doubtful?: boolean;
  note?: string | null;
  /** Line in the input file and the source's own reference: sources send them, they become the provenance label. */
  line?: number;
  sourceRef?: string;
}

export interface Provenance {
  kind: ProvenanceKind;
  /** Run id, user login, import id or document code. */
  ref: string;
  isDemo?: boolean;
}

export interface ValidateOptions {
  describe?: (index: number) => string;
  /** Prefix of the provenance label of records that carry a `sourceRef` (the source's name and file). */
  labelPrefix?: string;
}

export interface StoreOptions {
  /** `update` (default) replaces a changed value; `skip` keeps what is there (used so demo data never hides reference values). */
  onConflict?: 'update' | 'skip';
  /** How issues name a record: `records[12]` by default, `ligne 14` for files. */
  describe?: (index: number) => string;
}

export interface StoreResult {
  /** Rows inserted or whose content changed; re-writing identical values counts 0. */
  written: number;
  received: number;
}

/** A record after validation: every column the table needs, in a fixed order. */
export interface NormalisedObservation {
  indicatorCode: string;
  territoryCode: string;
  period: string;
  dimensionKey: string;
  value: number;
  numerator: number | null;
  denominator: number | null;
  status: ObservationStatus;
  sourceLabel: string | null;
  doubtful: boolean;
  note: string | null;
  line?: number;
}
