import { nextCronTime } from './cron';

describe('nextCronTime', () => {
  const at = (s: string) => new Date(s);
  it('finds the next matching minute', () => {
    expect(nextCronTime('0 3 * * *', at('2026-11-23T10:15:00')).toString()).toBe(
      at('2026-11-24T03:00:00').toString(),
    );
    expect(nextCronTime('*/15 * * * *', at('2026-11-23T10:16:30')).toString()).toBe(
      at('2026-11-23T10:30:00').toString(),
    );
    expect(nextCronTime('0 5 * * 1', at('2026-11-23T06:00:00')).toString()).toBe(
      at('2026-11-30T05:00:00').toString(),
    );
    expect(nextCronTime('30 6 1 1,7 *', at('2026-11-23T06:00:00')).toString()).toBe(
      at('2027-01-01T06:30:00').toString(),
    );
  });
});
