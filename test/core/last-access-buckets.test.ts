/**
 * DatoCMS last-access buckets in the project's time zone: calendar days, Monday–Sunday weeks,
 * calendar months. Instants are written with the New York offset of the day (EST −05:00, EDT −04:00);
 * each case says what UTC would have answered, to show the zone matters.
 */
import { describe, expect, it } from 'vitest';
import { accessBucket } from '../../src/core/last-access.ts';

const NY = 'America/New_York';
const at = (iso: string) => Date.parse(iso);

describe('last-access buckets in America/New_York', () => {
  it.each([
    // [last access, now, bucket in New York, bucket in UTC]
    ['2026-11-30T00:30:00-05:00', '2026-11-30T23:30:00-05:00', 'today', 'yesterday'],
    ['2026-11-29T23:30:00-05:00', '2026-11-30T00:30:00-05:00', 'yesterday', 'today'],
    // Sunday night → Tuesday: last week in New York; in UTC it was Monday, yesterday.
    ['2026-11-29T22:00:00-05:00', '2026-12-01T12:00:00-05:00', 'last_week', 'yesterday'],
    ['2026-11-30T00:10:00-05:00', '2026-12-06T23:00:00-05:00', 'this_week', 'last_week'],
    // Monday boundary.
    ['2026-12-06T12:00:00-05:00', '2026-12-07T00:30:00-05:00', 'yesterday', 'yesterday'],
    ['2026-12-05T12:00:00-05:00', '2026-12-07T00:30:00-05:00', 'last_week', 'last_week'],
    ['2026-11-29T12:00:00-05:00', '2026-12-07T00:30:00-05:00', 'last_month', 'last_month'],
    // Month boundary: 30 November in New York is 1 December in UTC.
    ['2026-11-30T22:00:00-05:00', '2026-12-20T12:00:00-05:00', 'last_month', 'this_month'],
    ['2026-12-02T09:00:00-05:00', '2026-12-20T12:00:00-05:00', 'this_month', 'this_month'],
    // Year boundary, and older than last month.
    ['2026-12-15T09:00:00-05:00', '2027-01-10T12:00:00-05:00', 'last_month', 'last_month'],
    ['2026-10-15T09:00:00-04:00', '2026-12-20T12:00:00-05:00', 'never', 'never'],
    // The 25-hour day when daylight saving time ends (1 November 2026).
    ['2026-11-01T00:30:00-04:00', '2026-11-01T23:30:00-05:00', 'today', 'yesterday'],
  ])('%s seen at %s: %s (UTC: %s)', (last, now, inZone, inUtc) => {
    expect(accessBucket(at(last), at(now), NY)).toBe(inZone);
    expect(accessBucket(at(last), at(now), 'UTC')).toBe(inUtc);
  });

  it('says never when there was no access', () => {
    expect(accessBucket(null, at('2026-12-01T00:00:00Z'), NY)).toBe('never');
  });

  it('calls an access from a clock slightly ahead of ours today', () => {
    expect(accessBucket(at('2026-12-01T12:00:01Z'), at('2026-12-01T12:00:00Z'), NY)).toBe('today');
  });
});
