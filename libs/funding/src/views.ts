import {
  Funder,
  FUNDER_KIND_LABELS,
  FunderKind,
  FUNDER_KINDS,
  FundingLine,
  FundingScheme,
} from './funding.entities';

/** A funder as the API and the pages show it. */
export interface FunderView {
  code: string;
  label: string;
  kind: FunderKind;
  kindLabel: string;
  /** `FR`, `REG-11`, `DEP-77`… or null when the funder is not tied to one territory (FSE, bloc communal). */
  territory: string | null;
  reference: boolean;
  version: number;
  updatedBy: string | null;
  updatedAt: string;
}

export interface SchemeView {
  code: string;
  label: string;
  funderKinds: FunderKind[];
  funderKindLabels: string[];
  description: string | null;
  reference: boolean;
  version: number;
  updatedBy: string | null;
  updatedAt: string;
}

/** One funding line; codes and labels side by side so that a client can both show it and send it back. */
export interface FundingLineView {
  id: number;
  funder: string;
  funderLabel: string;
  funderKind: FunderKind;
  /** The funder's own territory: for a conseil départemental, the département whose lines it owns. */
  funderTerritory: string | null;
  scheme: string;
  schemeLabel: string;
  territory: string;
  year: number;
  /** null: all SIAE types (the line is not split by type). */
  siaeType: string | null;
  committed: number;
  paid: number | null;
  etp: number | null;
  comment: string | null;
  demo: boolean;
  version: number;
  createdBy: string | null;
  createdAt: string;
  updatedBy: string | null;
  updatedAt: string;
}

export function funderView(f: Funder): FunderView {
  return {
    code: f.code,
    label: f.label,
    kind: f.kind,
    kindLabel: FUNDER_KIND_LABELS[f.kind] ?? f.kind,
    territory: f.territoryCode,
    reference: Boolean(f.isReference),
    version: f.version,
    updatedBy: f.updatedBy,
    updatedAt: f.updatedAt,
  };
}

export function parseKinds(text: string): FunderKind[] {
  return text
    .split(',')
    .map((k) => k.trim())
    .filter((k): k is FunderKind => (FUNDER_KINDS as readonly string[]).includes(k));
}

export function schemeView(s: FundingScheme): SchemeView {
  const kinds = parseKinds(s.funderKinds);
  return {
    code: s.code,
    label: s.label,
    funderKinds: kinds,
    funderKindLabels: kinds.map((k) => FUNDER_KIND_LABELS[k]),
    description: s.description,
    reference: Boolean(s.isReference),
    version: s.version,
    updatedBy: s.updatedBy,
    updatedAt: s.updatedAt,
  };
}

/** `line.funder` and `line.scheme` must be loaded. */
export function lineView(l: FundingLine): FundingLineView {
  return {
    id: l.id,
    funder: l.funder!.code,
    funderLabel: l.funder!.label,
    funderKind: l.funder!.kind,
    funderTerritory: l.funder!.territoryCode,
    scheme: l.scheme!.code,
    schemeLabel: l.scheme!.label,
    territory: l.territoryCode,
    year: l.year,
    siaeType: l.siaeType || null,
    committed: Number(l.amountCommitted),
    paid: l.amountPaid === null ? null : Number(l.amountPaid),
    etp: l.etp === null ? null : Number(l.etp),
    comment: l.comment,
    demo: Boolean(l.isDemo),
    version: l.version,
    createdBy: l.createdBy,
    createdAt: l.createdAt,
    updatedBy: l.updatedBy,
    updatedAt: l.updatedAt,
  };
}
