import type { IndicatorAggregation, IndicatorDirection, IndicatorUnit } from '@cap-iae/indicators';
import type { DimensionSet } from '@cap-iae/shared';

/** Shapes of the JSON files under libs/reference-data/data (extracted from the policy documents, see README there). */
export interface StrategyFile {
  code: string;
  title: string;
  regionCode: string;
  startYear: number;
  endYear: number;
  source: string;
  axes: {
    number: number;
    title: string;
    objectives: { number: string; title: string; pacteMeasures?: number[] }[];
  }[];
}

export interface PactFile {
  code: string;
  title: string;
  year: number;
  source: string;
  engagements: { number: number; title: string; measures: { number: number; title: string }[] }[];
}

export interface IndicatorFile {
  code: string;
  label: string;
  definition: string;
  unit: IndicatorUnit;
  direction: IndicatorDirection;
  aggregation: IndicatorAggregation;
  decimals: number;
  dimensions: string[];
  /** `STRATEGY-CODE/objective-number`. */
  objectives: string[];
}

export interface ReferenceValueFile {
  indicator: string;
  /** INSEE code of the région (2 digits) or département. */
  territory: string;
  year: number;
  dimensions: DimensionSet;
  value: number;
  numerator?: number;
  denominator?: number;
  source: string;
  sourceRef: string;
  doubtful: boolean;
  note: string | null;
}
