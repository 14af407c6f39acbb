import { FetchRequest, PluginError, PluginWarning, RecordBatch, SourceRecord } from '@cap-iae/plugin-sdk';
import { periodCode, periodOfNumber, territoryCode, TERRITORY_HINTS, TerritoryFormat } from './codes';
import { HeaderRow, ResolvedColumn } from './columns';
import type { FileConfig } from './config';
import { isActiveContent, parseFrenchNumber } from './numbers';

/** An XLSX formula cell. Its cached result is deliberately dropped: a formula is never evaluated nor trusted. */
export class FormulaCell {
  constructor(readonly formula: string) {}

  get text(): string {
    return `=${this.formula}`;
  }
}

/** A cell as the readers hand it over: CSV gives strings only; XLSX also numbers, dates and formulas. */
export type Cell = string | number | Date | FormulaCell | null | undefined;

/** Codes looked up per distinct cell text: a file has a hundred territories and a few periods, not a million. */
const CACHE_LIMIT = 10_000;

const MAX_SHOWN = 60;

const WIDE_VALUE = { label: 'valeur', refused: 'refusée' };

/** A cell value quoted in a warning, cut so that a runaway cell does not bloat the report. */
function shown(text: string): string {
  return text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN)}…` : text;
}

function isEmpty(cell: Cell): boolean {
  if (cell === null || cell === undefined) return true;
  return typeof cell === 'string' && cell.trim() === '';
}

interface NumberColumn extends ResolvedColumn {
  /** « valeur », « numérateur »… as written in the warning. */
  label: string;
  /** « refusée » or « refusé », agreeing with the label. */
  refused: string;
}

interface PeriodColumn extends NumberColumn {
  period: string;
  /** Text appended to the file name and line in sourceRef. */
  ref: string;
}

/** Limits a caller may put on a run; a file is read whole, rows outside them are skipped silently. */
class RequestFilter {
  private readonly indicators?: Set<string>;
  private readonly territories?: Set<string>;

  constructor(private readonly request: FetchRequest) {
    if (request.indicators?.length) this.indicators = new Set(request.indicators);
    if (request.territories?.length) this.territories = new Set(request.territories);
  }

  get active(): boolean {
    return !!(this.indicators || this.territories || this.request.periodFrom || this.request.periodTo);
  }

  accepts(indicator: string, territory: string, period: string): boolean {
    if (this.indicators && !this.indicators.has(indicator)) return false;
    if (this.territories && !this.territories.has(territory)) return false;
    const { periodFrom, periodTo } = this.request;
    if (periodFrom && period < periodFrom) return false;
    // A year bound includes its quarters: `2021-T3` is within « up to 2021 ».
    if (periodTo && period > periodTo && !period.startsWith(periodTo)) return false;
    return true;
  }
}

/**
 * Turns rows into records and warnings according to the saved mapping, once the header row is known. One instance
 * per file; `map` runs once per row and is kept free of allocations other than the record itself.
 *
 * A bad row never stops the run: each problem becomes a warning with its line (as a spreadsheet numbers it) and its
 * column (the header text). A row whose mapped cells are all empty is a layout row (blank line, notes under the
 * table) and is skipped without a warning.
 */
export class RowMapper {
  skipped = 0;

  private readonly fixedIndicator?: string;
  private readonly indicator?: ResolvedColumn;
  private readonly territory: ResolvedColumn;
  private readonly territoryFormat: TerritoryFormat;
  private readonly fixedPeriod?: string;
  private readonly period?: ResolvedColumn;
  private readonly value?: NumberColumn;
  private readonly numerator?: NumberColumn;
  private readonly denominator?: NumberColumn;
  private readonly dimensions: [string, ResolvedColumn][];
  private readonly yearColumns?: PeriodColumn[];
  /** Every mapped column index, to tell a layout row from a bad one. */
  private readonly mapped: number[];
  private readonly territoryCache = new Map<string, string | null>();
  private readonly periodCache = new Map<string, string | null>();
  private readonly filter: RequestFilter;

  constructor(
    config: FileConfig,
    header: HeaderRow,
    /** `bilan.csv, ligne ` — the line number is appended. */
    private readonly refPrefix: string,
    request: FetchRequest,
  ) {
    this.filter = new RequestFilter(request);
    this.fixedIndicator = config.indicator;
    if (config.indicatorColumn) this.indicator = header.resolve(config.indicatorColumn, 'indicateur');
    this.territory = header.resolve(config.territoryColumn, 'territoire');
    this.territoryFormat = config.territoryFormat;
    this.fixedPeriod = config.period;
    if (config.periodColumn) this.period = header.resolve(config.periodColumn, 'période');
    const numberColumn = (
      ref: string | undefined,
      label: string,
      refused: string,
    ): NumberColumn | undefined => (ref ? { ...header.resolve(ref, label), label, refused } : undefined);
    this.value = numberColumn(config.valueColumn, 'valeur', 'refusée');
    this.numerator = numberColumn(config.numeratorColumn, 'numérateur', 'refusé');
    this.denominator = numberColumn(config.denominatorColumn, 'dénominateur', 'refusé');
    this.dimensions = config.dimensionColumns.map(([name, ref]) => [
      name,
      header.resolve(ref, `ventilation ${name}`),
    ]);
    if (config.yearColumns) this.yearColumns = this.resolveYearColumns(config.yearColumns, header);

    const roles: [string, ResolvedColumn | undefined][] = [
      ['indicateur', this.indicator],
      ['territoire', this.territory],
      ['période', this.period],
      ['valeur', this.value],
      ['numérateur', this.numerator],
      ['dénominateur', this.denominator],
      ...this.dimensions.map(([n, c]): [string, ResolvedColumn] => [`ventilation ${n}`, c]),
      ...(this.yearColumns ?? []).map((c): [string, ResolvedColumn] => [`année ${c.period}`, c]),
    ];
    const byIndex = new Map<number, string>();
    for (const [role, c] of roles) {
      if (!c) continue;
      const other = byIndex.get(c.index);
      if (other) {
        throw new PluginError(
          'CONFIG_INVALID',
          `la colonne « ${c.name} » sert deux fois dans la correspondance (${other} et ${role})`,
        );
      }
      byIndex.set(c.index, role);
    }
    this.mapped = [...byIndex.keys()];
  }

  private resolveYearColumns(spec: true | string[], header: HeaderRow): PeriodColumn[] {
    const columns: PeriodColumn[] = [];
    if (spec === true) {
      header.cells.forEach((text, index) => {
        const period = periodCode(text);
        if (period)
          columns.push({
            index,
            name: header.nameOf(index),
            ...WIDE_VALUE,
            period,
            ref: `, colonne ${period}`,
          });
      });
      if (!columns.length) {
        throw new PluginError(
          'INPUT_INVALID',
          `présentation large : aucune colonne de l'en-tête ligne ${header.line} n'est une année (2021) ou un trimestre (2021-T3)`,
        );
      }
      return columns;
    }
    for (const ref of spec) {
      const c = header.resolve(ref, 'année');
      const period = periodCode(header.cells[c.index] ?? '');
      if (!period) {
        throw new PluginError(
          'INPUT_INVALID',
          `présentation large : l'en-tête « ${c.name} » de la colonne désignée par « ${ref} » n'est pas une année (2021) ou un trimestre (2021-T3)`,
        );
      }
      columns.push({ ...c, ...WIDE_VALUE, period, ref: `, colonne ${period}` });
    }
    return columns;
  }

  /** Maps one data row; returns the number of records added to `out`. */
  map(cells: ArrayLike<Cell>, line: number, out: RecordBatch): number {
    const warnings = out.warnings;
    const firstWarning = warnings.length;
    let ok = true;

    let indicator = this.fixedIndicator;
    if (indicator === undefined) {
      const column = this.indicator!;
      indicator = this.textOf(cells[column.index], column, line, warnings);
      if (indicator === '') {
        warnings.push({ line, column: column.name, message: 'indicateur manquant' });
        ok = false;
      }
    }

    const territory = this.territoryOf(cells[this.territory.index], line, warnings);
    if (territory === undefined) ok = false;

    let dimensions: Record<string, string> | undefined;
    for (let d = 0; d < this.dimensions.length; d++) {
      const [name, column] = this.dimensions[d];
      const text = this.textOf(cells[column.index], column, line, warnings);
      // An empty breakdown cell is the total row of the table.
      if (text !== '') (dimensions ??= {})[name] = text;
    }

    if (this.yearColumns)
      return this.mapWide(cells, line, out, ok, indicator, territory, dimensions, firstWarning);

    let period = this.fixedPeriod;
    if (period === undefined) {
      period = this.periodOf(cells[this.period!.index], line, warnings);
      if (period === undefined) ok = false;
    }

    let hasNumber = false;
    let value: number | null | undefined;
    let numerator: number | null | undefined;
    let denominator: number | null | undefined;
    if (this.value) {
      value = this.numberOf(cells[this.value.index], this.value, line, warnings);
      if (value === undefined) ok = false;
      else if (value !== null) hasNumber = true;
    }
    if (this.numerator) {
      numerator = this.numberOf(cells[this.numerator.index], this.numerator, line, warnings);
      if (numerator === undefined) ok = false;
      else if (numerator !== null) hasNumber = true;
    }
    if (this.denominator) {
      denominator = this.numberOf(cells[this.denominator.index], this.denominator, line, warnings);
      if (denominator === undefined) ok = false;
      else if (denominator !== null) hasNumber = true;
    }
    if (ok && !hasNumber) {
      warnings.push({
        line,
        column: (this.value ?? this.numerator ?? this.denominator)!.name,
        message: 'valeur manquante',
      });
      ok = false;
    }

    if (!ok) {
      if (this.allMappedEmpty(cells)) warnings.length = firstWarning;
      return 0;
    }
    if (this.filter.active && !this.filter.accepts(indicator, territory!, period!)) {
      this.skipped++;
      return 0;
    }
    const record: SourceRecord = { indicator, territory: territory!, period: period! };
    if (dimensions) record.dimensions = dimensions;
    if (this.value) record.value = value;
    if (this.numerator) record.numerator = numerator;
    if (this.denominator) record.denominator = denominator;
    record.sourceRef = this.refPrefix + line;
    record.line = line;
    out.records.push(record);
    return 1;
  }

  /** Wide layout: one record per non-empty year cell of the row. */
  private mapWide(
    cells: ArrayLike<Cell>,
    line: number,
    out: RecordBatch,
    keyOk: boolean,
    indicator: string,
    territory: string | undefined,
    dimensions: Record<string, string> | undefined,
    firstWarning: number,
  ): number {
    const columns = this.yearColumns!;
    const warnings = out.warnings;
    // A row without any figure is a title or a separator line of the table, whatever its first cells say.
    let anyFigure = false;
    for (let j = 0; j < columns.length; j++) {
      if (!isEmpty(cells[columns[j].index])) {
        anyFigure = true;
        break;
      }
    }
    if (!anyFigure) {
      warnings.length = firstWarning;
      return 0;
    }
    if (!keyOk) return 0;
    let added = 0;
    for (let j = 0; j < columns.length; j++) {
      const column = columns[j];
      const cell = cells[column.index];
      if (isEmpty(cell)) continue;
      const value = this.numberOf(cell, column, line, warnings);
      if (value === undefined || value === null) continue;
      if (this.filter.active && !this.filter.accepts(indicator, territory!, column.period)) {
        this.skipped++;
        continue;
      }
      const record: SourceRecord = { indicator, territory: territory!, period: column.period };
      if (dimensions) record.dimensions = { ...dimensions };
      record.value = value;
      record.sourceRef = this.refPrefix + line + column.ref;
      record.line = line;
      out.records.push(record);
      added++;
    }
    return added;
  }

  private allMappedEmpty(cells: ArrayLike<Cell>): boolean {
    for (let i = 0; i < this.mapped.length; i++) if (!isEmpty(cells[this.mapped[i]])) return false;
    return true;
  }

  /** Text of a cell kept as text (indicator, breakdown). A formula stays its own text, with a warning. */
  private textOf(cell: Cell, column: ResolvedColumn, line: number, warnings: PluginWarning[]): string {
    if (typeof cell === 'string') return cell.trim();
    if (cell === null || cell === undefined) return '';
    if (typeof cell === 'number') return String(cell);
    if (cell instanceof FormulaCell) {
      warnings.push({
        line,
        column: column.name,
        message: `formule « ${shown(cell.text)} » lue comme texte, jamais calculée`,
      });
      return cell.text;
    }
    return cell.toISOString().slice(0, 10);
  }

  private territoryOf(cell: Cell, line: number, warnings: PluginWarning[]): string | undefined {
    const column = this.territory;
    let text: string;
    if (typeof cell === 'string') text = cell;
    else if (typeof cell === 'number') text = String(cell);
    else text = this.textOf(cell, column, line, warnings);
    let code = this.territoryCache.get(text);
    if (code === undefined) {
      code = territoryCode(text, this.territoryFormat) ?? null;
      if (this.territoryCache.size < CACHE_LIMIT) this.territoryCache.set(text, code);
    }
    if (code !== null) return code;
    const t = text.trim();
    warnings.push({
      line,
      column: column.name,
      message:
        t === ''
          ? 'territoire manquant'
          : `territoire « ${shown(t)} » inconnu : ${TERRITORY_HINTS[this.territoryFormat]}`,
    });
    return undefined;
  }

  private periodOf(cell: Cell, line: number, warnings: PluginWarning[]): string | undefined {
    const column = this.period!;
    let code: string | null | undefined;
    let text: string;
    if (typeof cell === 'string') {
      text = cell;
      code = this.periodCache.get(text);
      if (code === undefined) {
        code = periodCode(text) ?? null;
        if (this.periodCache.size < CACHE_LIMIT) this.periodCache.set(text, code);
      }
    } else if (typeof cell === 'number') {
      text = String(cell);
      code = periodOfNumber(cell) ?? null;
    } else if (cell instanceof Date) {
      const year = cell.getUTCFullYear();
      text = cell.toISOString().slice(0, 10);
      code = periodCode(String(year)) ?? null;
    } else {
      text = this.textOf(cell, column, line, warnings);
      code = periodCode(text) ?? null;
    }
    if (code !== null) return code;
    const t = text.trim();
    warnings.push({
      line,
      column: column.name,
      message:
        t === ''
          ? 'période manquante'
          : `période « ${shown(t)} » invalide : année (2021) ou trimestre (2021-T3) attendu`,
    });
    return undefined;
  }

  /** A number, null for an empty cell, undefined (with a warning) for anything else. */
  private numberOf(
    cell: Cell,
    column: NumberColumn,
    line: number,
    warnings: PluginWarning[],
  ): number | null | undefined {
    if (typeof cell === 'string') {
      const t = cell.trim();
      if (t === '') return null;
      const n = parseFrenchNumber(t);
      if (n === n) return n; // not NaN
      warnings.push({
        line,
        column: column.name,
        message: isActiveContent(t)
          ? `${column.label} « ${shown(t)} » ${column.refused} : formule non évaluée, nombre attendu`
          : `${column.label} « ${shown(t)} » illisible : nombre attendu`,
      });
      return undefined;
    }
    if (cell === null || cell === undefined) return null;
    if (typeof cell === 'number') {
      if (Number.isFinite(cell)) return cell;
      warnings.push({
        line,
        column: column.name,
        message: `${column.label} « ${cell} » illisible : nombre attendu`,
      });
      return undefined;
    }
    if (cell instanceof FormulaCell) {
      warnings.push({
        line,
        column: column.name,
        message: `${column.label} « ${shown(cell.text)} » ${column.refused} : formule non évaluée, nombre attendu`,
      });
      return undefined;
    }
    warnings.push({
      line,
      column: column.name,
      message: `${column.label} « ${cell.toISOString().slice(0, 10)} » illisible : nombre attendu (date)`,
    });
    return undefined;
  }
}
