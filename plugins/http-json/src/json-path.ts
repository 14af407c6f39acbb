/**
 * The small JSON path dialect of the configuration: `data.results`, `items[0].code`, `$.meta["total-count"]`.
 * Deliberately not full JSONPath (no wildcards, filters or recursion): a form field must stay readable by the
 * secretary who fills it, and one path must point at one value.
 */
export type PathSegment = string | number;

export interface JsonPath {
  text: string;
  segments: PathSegment[];
}

const TOKEN = /^(?:\.?([A-Za-z_$\u00C0-\u017F][\w$\u00C0-\u017F-]*)|\[(\d+)\]|\[(?:"([^"]*)"|'([^']*)')\])/;

/** Parses a path; `''` and `$` designate the whole document. Returns null when the text is not a path. */
export function parseJsonPath(text: string): JsonPath | null {
  let rest = text.trim();
  if (rest.startsWith('$')) rest = rest.slice(1);
  const segments: PathSegment[] = [];
  while (rest.length > 0) {
    // `..` is JSONPath's recursive descent: refused rather than silently read as a plain step.
    if (rest.startsWith('..')) return null;
    const m = TOKEN.exec(rest);
    if (!m) return null;
    if (m[1] !== undefined) segments.push(m[1]);
    else if (m[2] !== undefined) segments.push(Number(m[2]));
    else segments.push(m[3] ?? m[4] ?? '');
    rest = rest.slice(m[0].length);
  }
  return { text: text.trim(), segments };
}

/** Reads the value at a path; `undefined` when any step is missing. */
export function readPath(root: unknown, path: JsonPath): unknown {
  let current: unknown = root;
  for (const segment of path.segments) {
    if (current === null || current === undefined) return undefined;
    if (typeof segment === 'number') {
      if (!Array.isArray(current)) return undefined;
      current = current[segment] as unknown;
    } else {
      if (typeof current !== 'object' || Array.isArray(current)) return undefined;
      if (!Object.prototype.hasOwnProperty.call(current, segment)) return undefined;
      current = (current as Record<string, unknown>)[segment];
    }
  }
  return current;
}
