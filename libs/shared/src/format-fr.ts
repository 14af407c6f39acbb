/**
 * French number formatting, used by pages, exports and PDFs alike so that a figure reads the same everywhere.
 * Intl writes a narrow no-break space as thousands separator; it is kept because it never wraps a number.
 */
const cache = new Map<string, Intl.NumberFormat>();

function formatter(decimals: number, style: 'decimal' | 'percent' | 'currency'): Intl.NumberFormat {
  const key = `${style}:${decimals}`;
  let f = cache.get(key);
  if (!f) {
    f = new Intl.NumberFormat('fr-FR', {
      style,
      currency: style === 'currency' ? 'EUR' : undefined,
      minimumFractionDigits: decimals,
      maximumFractionDigits: decimals,
    });
    cache.set(key, f);
  }
  return f;
}

export function formatNumberFr(value: number, decimals = 0): string {
  return formatter(decimals, 'decimal').format(value);
}

/** `value` is a percentage already (45 → « 45 % »), as stored for rates. */
export function formatPercentFr(value: number, decimals = 0): string {
  return `${formatNumberFr(value, decimals)}\u00a0%`;
}

export function formatEuroFr(value: number, decimals = 0): string {
  return formatter(decimals, 'currency').format(value);
}

const dateFormatter = new Intl.DateTimeFormat('fr-FR', {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  timeZone: 'Europe/Paris',
});

export function formatDateFr(date: Date): string {
  return dateFormatter.format(date);
}
