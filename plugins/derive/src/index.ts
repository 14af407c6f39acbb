import { setImmediate as nextTick } from 'node:timers/promises';
import {
  definePlugin,
  PluginError,
  type FetchRequest,
  type PluginWarning,
  type RecordBatch,
  type SourceRecord,
} from '@cap-iae/plugin-sdk';
import { parseDeriveConfig, type DeriveConfig, type DerivedFormula } from './config';
import { evaluate, EvaluationIssue } from './formula';
import {
  combinationOf,
  compareCombinations,
  describeCombination,
  requested,
  type Combination,
} from './values';

/**
 * Past this many skipped combinations for one formula, the report gives a count: an input broken down by more
 * dimensions than the other would otherwise flood it with one identical message per combination.
 */
export const MAX_WARNINGS_PER_FORMULA = 100;
/** Same tolerance as the host between a rate and its parts (published rates are rounded to a tenth). */
const RATIO_TOLERANCE = 0.05;

/** Values by indicator, then by combination key; derived results join it as they are computed. */
type Pool = Map<string, Map<string, { combination: Combination; value: number }>>;

function poolOf(config: DeriveConfig, request: FetchRequest): Pool {
  const pool: Pool = new Map(
    config.inputs.map((code) => [code, new Map<string, { combination: Combination; value: number }>()]),
  );
  for (const v of request.values ?? []) {
    // Values of indicators this configuration computes are ignored: the run recomputes them from their inputs.
    const byCombination = pool.get(v?.indicator);
    if (!byCombination || typeof v.value !== 'number' || !Number.isFinite(v.value)) continue;
    if (typeof v.territory !== 'string' || typeof v.period !== 'string') continue;
    const combination = combinationOf(v);
    byCombination.set(combination.key, { combination, value: v.value });
  }
  return pool;
}

function computeFormula(formula: DerivedFormula, pool: Pool, request: FetchRequest): RecordBatch {
  const combinations = new Map<string, Combination>();
  for (const code of formula.reads)
    for (const [key, v] of pool.get(code) ?? []) combinations.set(key, v.combination);
  const records: SourceRecord[] = [];
  const warnings: PluginWarning[] = [];
  let skipped = 0;
  const skip = (c: Combination, why: string) => {
    if (++skipped <= MAX_WARNINGS_PER_FORMULA) {
      warnings.push({
        line: formula.number,
        message: `${formula.indicator} (${describeCombination(c)}) non calculé : ${why}`,
      });
    }
  };
  const results = new Map<string, { combination: Combination; value: number }>();

  for (const c of [...combinations.values()].sort(compareCombinations)) {
    const valueOf = (code: string) => pool.get(code)?.get(c.key)?.value;
    let value: number;
    let parts: { numerator: number; denominator: number } | undefined;
    try {
      value = evaluate(formula.tree, valueOf);
      if (formula.ratio)
        parts = {
          numerator: evaluate(formula.ratio.numerator, valueOf),
          denominator: evaluate(formula.ratio.denominator, valueOf),
        };
    } catch (e) {
      if (e instanceof EvaluationIssue) {
        skip(c, e.message);
        continue;
      }
      throw e;
    }
    if (parts) {
      // The host refuses a rate whose parts are not a positive denominator and a non-negative numerator, and would
      // reject the whole run for one such record: better to leave out that combination and say why.
      if (parts.denominator <= 0) {
        skip(c, `dénominateur ${formula.ratio!.denominatorText} = ${parts.denominator} (positif attendu)`);
        continue;
      }
      if (parts.numerator < 0) {
        skip(c, `numérateur ${formula.ratio!.numeratorText} = ${parts.numerator} (positif ou nul attendu)`);
        continue;
      }
      const rate = parts.numerator / parts.denominator;
      if (Math.abs(value - rate) > RATIO_TOLERANCE && Math.abs(value - 100 * rate) > RATIO_TOLERANCE) {
        skip(
          c,
          `la formule donne ${value}, le rapport numérateur / dénominateur ${rate} (ni égal, ni × 100)`,
        );
        continue;
      }
    }
    results.set(c.key, { combination: c, value });
    if (!requested(request, formula.indicator, c.territory, c.period)) continue;
    const record: SourceRecord = { indicator: formula.indicator, territory: c.territory, period: c.period };
    if (Object.keys(c.dimensions).length) record.dimensions = { ...c.dimensions };
    // With parts the host computes the rate itself and a région can sum parts; without, the value is the result.
    if (parts) Object.assign(record, parts);
    else record.value = value;
    record.sourceRef = `formule : ${formula.text}`;
    record.line = formula.number;
    records.push(record);
  }
  pool.set(formula.indicator, results);
  if (skipped > MAX_WARNINGS_PER_FORMULA) {
    warnings.push({
      line: formula.number,
      message: `${formula.indicator} : ${skipped - MAX_WARNINGS_PER_FORMULA} autre(s) combinaison(s) non calculée(s)`,
    });
  }
  return { records, warnings };
}

function abortIfCancelled(signal: AbortSignal): void {
  if (signal.aborted) throw new PluginError('ABORTED', 'exécution annulée');
}

export default definePlugin<DeriveConfig>({
  parseConfig: parseDeriveConfig,

  inputsOf(config) {
    return { indicators: [...config.inputs] };
  },

  async *fetchValues(request, ctx) {
    const { config, signal } = ctx;
    abortIfCancelled(signal);
    if (config.inputs.length > 0 && !request.values?.length) {
      yield {
        records: [],
        warnings: [{ message: `aucune valeur d'entrée reçue (attendues : ${config.inputs.join(', ')})` }],
      };
      return;
    }
    const pool = poolOf(config, request);
    let done = 0;
    for (const formula of config.formulas) {
      abortIfCancelled(signal);
      const batch = computeFormula(formula, pool, request);
      ctx.progress(++done, config.formulas.length);
      yield batch;
      // Computation is synchronous: give the event loop a turn so a timeout or a cancellation can land.
      await nextTick();
    }
  },

  healthCheck({ config }) {
    const produced = config.formulas.map((f) => f.indicator).join(', ');
    const inputs = config.inputs.length ? config.inputs.join(', ') : 'aucun';
    return Promise.resolve({
      ok: true,
      message: `${config.formulas.length} formule(s) lisible(s), sans cycle ; calcule ${produced} ; lit ${inputs}`,
    });
  },
});
