import { DomainError, FieldIssue } from '@cap-iae/shared';
import { StrategiesService, StrategyView } from '@cap-iae/strategy';
import { TerritoriesService, TerritoryView } from '@cap-iae/territories';
import { BILAN_KIND_LABELS, BILAN_KINDS, BilanKind, isBilanKind } from '../bilan-kinds';

/** What a bilan is about: a kind, a territory, a strategy and a year. */
export interface BilanRequest {
  /** `cor-iae` or `cdiae` (BilanKind); any text is accepted here and checked by `resolveBilanTarget`. */
  kind: string;
  territory: string;
  strategy: string;
  year: number;
}

export interface BilanTarget {
  kind: BilanKind;
  territory: TerritoryView;
  region: TerritoryView;
  departments: TerritoryView[];
  strategy: StrategyView;
  year: number;
}

/**
 * Checks a request against the reference data and lists every problem: a COR-IAE bilan is drawn up for the région
 * of the strategy, a CDIAE bilan for one of its départements, for a year of the strategy.
 */
export async function resolveBilanTarget(
  request: BilanRequest,
  strategies: StrategiesService,
  territories: TerritoriesService,
): Promise<BilanTarget> {
  const issues: FieldIssue[] = [];
  if (!isBilanKind(request.kind))
    issues.push({
      field: 'kind',
      message: `doit valoir ${BILAN_KINDS.join(' ou ')} (reçu « ${String(request.kind)} »)`,
    });
  const strategy = (await strategies.list()).find((s) => s.code === request.strategy);
  if (!strategy) issues.push({ field: 'strategy', message: `stratégie inconnue « ${request.strategy} »` });
  const all = await territories.all();
  const territory = all.get(request.territory);
  if (!territory) issues.push({ field: 'territory', message: `territoire inconnu « ${request.territory} »` });
  if (!Number.isInteger(request.year)) issues.push({ field: 'year', message: 'année attendue (ex. 2021)' });
  if (issues.length) throw DomainError.validation(issues, 'Le bilan demandé n’est pas valide.');

  const kind = request.kind as BilanKind;
  if (kind === 'cor-iae' && territory!.code !== strategy!.territory)
    issues.push({
      field: 'territory',
      message: `un ${BILAN_KIND_LABELS[kind]} porte sur la région de la stratégie (${strategy!.territory})`,
    });
  if (
    kind === 'cdiae' &&
    (territory!.level !== 'department' || territory!.parentCode !== strategy!.territory)
  )
    issues.push({
      field: 'territory',
      message: `un ${BILAN_KIND_LABELS[kind]} porte sur un département de la région de la stratégie (${strategy!.territory})`,
    });
  if (request.year < strategy!.startYear || request.year > strategy!.endYear)
    issues.push({
      field: 'year',
      message: `doit être comprise entre ${strategy!.startYear} et ${strategy!.endYear} (années de la stratégie)`,
    });
  const region = all.get(strategy!.territory);
  if (!region)
    issues.push({
      field: 'strategy',
      message: `territoire de la stratégie inconnu « ${strategy!.territory} »`,
    });
  if (issues.length) throw DomainError.validation(issues, 'Le bilan demandé n’est pas valide.');
  const departments = [...all.values()]
    .filter((t) => t.parentCode === region!.code && t.level === 'department')
    .sort((a, b) => a.code.localeCompare(b.code));
  return {
    kind,
    territory: territory!,
    region: region!,
    departments,
    strategy: strategy!,
    year: request.year,
  };
}
