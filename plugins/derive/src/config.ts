import { PluginError } from '@cap-iae/plugin-sdk';
import { codesOf, FormulaSyntaxError, parseFormula, type Node } from './formula';

/** One formula as the owner of the source writes it. */
export interface RawFormula {
  indicator: string;
  formula: string;
  asRatio?: { numerator: string; denominator: string };
}

/** A formula once read: its trees and the indicators it needs. */
export interface DerivedFormula {
  /** 1-based position in the configuration, used as `line` in records and warnings. */
  number: number;
  indicator: string;
  /** Formula text with its blanks collapsed: what provenance and messages quote. */
  text: string;
  tree: Node;
  ratio?: { numerator: Node; denominator: Node; numeratorText: string; denominatorText: string };
  /** Every indicator the formula (and its ratio parts) reads, sorted. */
  reads: string[];
}

export interface DeriveConfig {
  /** In computation order: every formula comes after the formulas producing the indicators it reads. */
  formulas: DerivedFormula[];
  /** Indicators read but not produced by the configuration: what the host must pass in `request.values`. */
  inputs: string[];
}

const CODE = /^[A-Z][A-Z0-9_]*$/;
/** Enough for any real strategy; bounds the work a single configuration can ask of the host. */
export const MAX_FORMULAS = 500;

const invalid = (message: string) => new PluginError('CONFIG_INVALID', message);

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function readExpression(text: unknown, where: string): { tree: Node; text: string } {
  if (typeof text !== 'string' || !text.trim()) throw invalid(`${where} : texte obligatoire`);
  try {
    return { tree: parseFormula(text), text: text.trim().replace(/\s+/g, ' ') };
  } catch (e) {
    if (e instanceof FormulaSyntaxError) throw invalid(`${where} : ${e.message}`);
    throw e;
  }
}

export function parseDeriveConfig(raw: Record<string, unknown>): DeriveConfig {
  const list = raw.formulas;
  if (!Array.isArray(list) || list.length === 0)
    throw invalid('« formulas » doit être une liste non vide de formules');
  if (list.length > MAX_FORMULAS) throw invalid(`${list.length} formules : ${MAX_FORMULAS} au plus`);
  const unknownTop = Object.keys(raw).filter((k) => k !== 'formulas');
  if (unknownTop.length) throw invalid(`champ(s) inconnu(s) : ${unknownTop.join(', ')}`);

  const byIndicator = new Map<string, DerivedFormula>();
  list.forEach((item: unknown, i) => {
    const number = i + 1;
    if (!isObject(item)) throw invalid(`formule ${number} : objet { indicator, formula } attendu`);
    const extra = Object.keys(item).filter((k) => !['indicator', 'formula', 'asRatio'].includes(k));
    if (extra.length) throw invalid(`formule ${number} : champ(s) inconnu(s) ${extra.join(', ')}`);
    const indicator = item.indicator;
    if (typeof indicator !== 'string' || !CODE.test(indicator)) {
      throw invalid(
        `formule ${number} : « indicator » doit être un code d'indicateur (MAJUSCULES_AVEC_SOULIGNÉS)`,
      );
    }
    const where = `formule ${number} (${indicator})`;
    if (byIndicator.has(indicator)) {
      throw invalid(
        `${where} : ${indicator} est déjà calculé par la formule ${byIndicator.get(indicator)!.number}`,
      );
    }
    const main = readExpression(item.formula, where);
    let ratio: DerivedFormula['ratio'];
    if (item.asRatio !== undefined) {
      if (!isObject(item.asRatio))
        throw invalid(`${where} : « asRatio » doit être { numerator, denominator }`);
      const numerator = readExpression(item.asRatio.numerator, `${where}, numérateur`);
      const denominator = readExpression(item.asRatio.denominator, `${where}, dénominateur`);
      ratio = {
        numerator: numerator.tree,
        denominator: denominator.tree,
        numeratorText: numerator.text,
        denominatorText: denominator.text,
      };
    }
    const reads = [
      ...new Set([
        ...codesOf(main.tree),
        ...(ratio ? [...codesOf(ratio.numerator), ...codesOf(ratio.denominator)] : []),
      ]),
    ].sort();
    // A formula made only of numbers has no (territory, period) to be computed for: it can only be a mistake.
    if (codesOf(main.tree).length === 0)
      throw invalid(`${where} : la formule doit lire au moins un indicateur`);
    byIndicator.set(indicator, { number, indicator, text: main.text, tree: main.tree, ratio, reads });
  });

  const formulas = computationOrder(byIndicator);
  const inputs = [
    ...new Set(formulas.flatMap((f) => f.reads).filter((code) => !byIndicator.has(code))),
  ].sort();
  return { formulas, inputs };
}

/**
 * Depth-first topological sort over the formulas (an edge goes from a formula to the formulas producing what it
 * reads). Starting points are taken in configuration order and neighbours in alphabetical order, so the same
 * configuration always gives the same order. A formula met again while still on the path closes a cycle, reported as the path itself.
 */
function computationOrder(byIndicator: ReadonlyMap<string, DerivedFormula>): DerivedFormula[] {
  const done = new Set<string>();
  const path: string[] = [];
  const order: DerivedFormula[] = [];
  const visit = (indicator: string) => {
    if (done.has(indicator)) return;
    const onPath = path.indexOf(indicator);
    if (onPath >= 0) throw invalid(`cycle : ${[...path.slice(onPath), indicator].join(' → ')}`);
    path.push(indicator);
    const formula = byIndicator.get(indicator)!;
    for (const code of formula.reads) if (byIndicator.has(code)) visit(code);
    path.pop();
    done.add(indicator);
    order.push(formula);
  };
  for (const indicator of byIndicator.keys()) visit(indicator);
  return order;
}
