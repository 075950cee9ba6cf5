/**
 * ISO 8601 durations (PT30S, PT1M30S, P1D, P1W, PT0.5S) in milliseconds. Years and months are refused:
 * they have no fixed length.
 */
const DURATION = /^P(?:(\d+(?:[.,]\d+)?)W)?(?:(\d+(?:[.,]\d+)?)D)?(?:T(?:(\d+(?:[.,]\d+)?)H)?(?:(\d+(?:[.,]\d+)?)M)?(?:(\d+(?:[.,]\d+)?)S)?)?$/;
const YEARS_OR_MONTHS = /^P(?:[\d.,]+Y)|^P(?:[\d.,]+Y)?(?:[\d.,]+M)/;

const MS = { W: 7 * 86_400_000, D: 86_400_000, H: 3_600_000, M: 60_000, S: 1_000 } as const;

/** Parses an ISO 8601 duration to milliseconds; throws an Error saying what is wrong otherwise. */
export function parseDuration(iso: string): number {
  const text = iso.trim();
  if (YEARS_OR_MONTHS.test(text)) {
    throw new Error(`'${iso}' uses years or months, which have no fixed length: use days, hours, minutes or seconds`);
  }
  const match = DURATION.exec(text);
  if (!match || text === 'P' || text.endsWith('T')) {
    throw new Error(`'${iso}' is not an ISO 8601 duration such as PT30S, PT1M30S or P1D`);
  }
  const [, weeks, days, hours, minutes, seconds] = match;
  const parts: [string | undefined, number][] = [
    [weeks, MS.W],
    [days, MS.D],
    [hours, MS.H],
    [minutes, MS.M],
    [seconds, MS.S],
  ];
  let total = 0;
  for (const [value, unit] of parts) {
    if (value !== undefined) total += Number(value.replace(',', '.')) * unit;
  }
  return Math.round(total);
}

/** parseDuration that answers undefined instead of throwing. */
export function tryParseDuration(iso: string): number | undefined {
  try {
    return parseDuration(iso);
  } catch {
    return undefined;
  }
}
