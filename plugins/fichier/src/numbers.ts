/**
 * French number reading for statistical files: `12,5`, `1 234`, `1 234 567,8`, `45 %`, `-3`.
 *
 * Runs once per numeric cell, so it is a single character loop without regular expressions or intermediate strings:
 * the digits are accumulated as an integer mantissa and divided by a power of ten, which is exact (correctly rounded)
 * as long as the mantissa stays below 2^53 and the power below 10^22; past that, it falls back to Number().
 */

const POW10 = [
  1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19,
  1e20, 1e21, 1e22,
];

const CH_0 = 48;
const CH_9 = 57;
const CH_MINUS = 45;
const CH_COMMA = 44;
const CH_DOT = 46;
const CH_PERCENT = 37;

/** Thousands separators found in French files: space, no-break space (Excel, LibreOffice), narrow no-break space and thin space (Intl). */
function isGroupSpace(c: number): boolean {
  return c === 32 || c === 0xa0 || c === 0x202f || c === 0x2009;
}

/**
 * Reads a trimmed, non-empty cell text as a number. Returns NaN when the text is not a number in the accepted forms,
 * so that the caller turns it into a warning; never throws.
 *
 * Accepted: optional leading `-` (or the minus sign U+2212); digits with optional thousands groups separated by spaces (groups of exactly three
 * after the first); one decimal separator, comma or point; an optional final `%`, possibly after spaces (the number is
 * then the percentage itself: `45 %` → 45). Rejected: leading `+` (a CSV-injection vector, see isActiveContent),
 * exponents, several separators, currency signs, parentheses.
 */
export function parseFrenchNumber(text: string): number {
  const len = text.length;
  let i = 0;
  let negative = false;
  const first = len > 0 ? text.charCodeAt(0) : 0;
  // U+2212 is the typographic minus some French tools write instead of the hyphen.
  if (first === CH_MINUS || first === 0x2212) {
    negative = true;
    i = 1;
  }
  let mantissa = 0;
  let digits = 0;
  // -1 while in the integer part; then the count of decimals read.
  let decimals = -1;
  let groupLength = 0;
  let grouped = false;
  let end = len;
  for (; i < len; i++) {
    const c = text.charCodeAt(i);
    if (c >= CH_0 && c <= CH_9) {
      mantissa = mantissa * 10 + (c - CH_0);
      digits++;
      if (decimals >= 0) decimals++;
      else groupLength++;
      continue;
    }
    if (c === CH_COMMA || c === CH_DOT) {
      if (decimals >= 0 || groupLength === 0) return NaN;
      if (grouped && groupLength !== 3) return NaN;
      decimals = 0;
      continue;
    }
    if (isGroupSpace(c)) {
      // Spaces are either a thousands separator (a digit follows) or the gap before a final percent sign.
      let j = i + 1;
      while (j < len && isGroupSpace(text.charCodeAt(j))) j++;
      if (j === len - 1 && text.charCodeAt(j) === CH_PERCENT) {
        end = i;
        break;
      }
      if (j !== i + 1 || decimals >= 0 || groupLength === 0) return NaN;
      if (grouped ? groupLength !== 3 : groupLength > 3) return NaN;
      const next = text.charCodeAt(j);
      if (next < CH_0 || next > CH_9) return NaN;
      grouped = true;
      groupLength = 0;
      continue;
    }
    if (c === CH_PERCENT && i === len - 1) {
      end = i;
      break;
    }
    return NaN;
  }
  if (digits === 0 || decimals === 0) return NaN;
  if (grouped && decimals < 0 && groupLength !== 3) return NaN;
  let value: number;
  if (mantissa <= Number.MAX_SAFE_INTEGER && decimals <= 22) {
    value = decimals > 0 ? mantissa / POW10[decimals] : mantissa;
  } else {
    value = slowParse(text.slice(negative ? 1 : 0, end));
  }
  return negative ? -value : value;
}

/** Exact but slower path for very long digit strings: rebuild a JS numeric literal and let the engine round it. */
function slowParse(text: string): number {
  let literal = '';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= CH_0 && c <= CH_9) literal += text[i];
    else if (c === CH_COMMA || c === CH_DOT) literal += '.';
  }
  return Number(literal);
}

/**
 * A cell that a spreadsheet would run as a formula when the file is opened again (=, +, -, @, or a tab or carriage
 * return in front of them): the OWASP « CSV injection » list. Such a cell is never evaluated here; the check only
 * chooses the message of the warning.
 */
export function isActiveContent(text: string): boolean {
  const c = text.charCodeAt(0);
  return c === 61 /* = */ || c === 43 /* + */ || c === 45 /* - */ || c === 64 /* @ */ || c === 9 || c === 13;
}
