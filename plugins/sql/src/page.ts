/** One page of result rows, with the result's column names (also given for an empty result). */
export interface Page {
  columns: string[];
  rows: Record<string, unknown>[];
}
