import { parseDuration } from '../../engine/mapping/duration';

describe('parseDuration', () => {
  it.each([
    ['PT30S', 30_000],
    ['PT1M30S', 90_000],
    ['P1D', 86_400_000],
    ['PT0.5S', 500],
    ['PT0S', 0],
    ['P1DT2H', 93_600_000],
    ['P1W', 604_800_000],
    ['PT5M', 300_000],
  ])('%s is %d ms', (iso, ms) => {
    expect(parseDuration(iso)).toBe(ms);
  });

  it.each(['', 'P', 'PT', '30S', 'PT-1S', '5 minutes', 'P1Y', 'P2M', 'PT1H30'])('refuses %p', (iso) => {
    expect(() => parseDuration(iso)).toThrow(/duration|years or months/);
  });
});
