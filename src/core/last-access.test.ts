import { describe, expect, it } from 'vitest';
import { accessBucket, isValidTimeZone, type AccessBucket } from './last-access.ts';

const at = (iso: string) => Date.parse(iso);

// 2026-11-18 is a Wednesday; its week runs from Monday 16 to Sunday 22.
const UTC_CASES: Array<[string, string, string | null, AccessBucket]> = [
  ['never accessed', '2026-11-18T10:00:00Z', null, 'never'],
  ['a moment ago', '2026-11-18T10:00:00Z', '2026-11-18T09:59:59Z', 'today'],
  ['at midnight today', '2026-11-18T10:00:00Z', '2026-11-18T00:00:00Z', 'today'],
  ['in the future (clock skew between instances)', '2026-11-18T10:00:00Z', '2026-11-18T10:05:00Z', 'today'],
  ['one millisecond before midnight', '2026-11-18T10:00:00Z', '2026-11-17T23:59:59.999Z', 'yesterday'],
  ['at midnight yesterday', '2026-11-18T10:00:00Z', '2026-11-17T00:00:00Z', 'yesterday'],
  ['on Monday of this week', '2026-11-18T10:00:00Z', '2026-11-16T00:00:00Z', 'this_week'],
  ['on Sunday of last week', '2026-11-18T10:00:00Z', '2026-11-15T23:59:59Z', 'last_week'],
  ['on Monday of last week', '2026-11-18T10:00:00Z', '2026-11-09T00:00:00Z', 'last_week'],
  ['on Sunday two weeks ago, same month', '2026-11-18T10:00:00Z', '2026-11-08T12:00:00Z', 'this_month'],
  ['on the first of the month', '2026-11-18T10:00:00Z', '2026-11-01T00:00:00Z', 'this_month'],
  ['on the last moment of last month', '2026-11-18T10:00:00Z', '2026-10-31T23:59:59Z', 'last_month'],
  ['on the first of last month', '2026-11-18T10:00:00Z', '2026-10-01T00:00:00Z', 'last_month'],
  ['before last month', '2026-11-18T10:00:00Z', '2026-09-30T23:59:59Z', 'never'],
  // Monday: yesterday was Sunday of last week.
  ['Monday: Sunday is yesterday', '2026-11-16T10:00:00Z', '2026-11-15T10:00:00Z', 'yesterday'],
  ['Monday: Saturday is last week', '2026-11-16T10:00:00Z', '2026-11-14T10:00:00Z', 'last_week'],
  ['Monday: the Monday before is last week', '2026-11-16T10:00:00Z', '2026-11-09T00:00:00Z', 'last_week'],
  ['Monday: the Sunday before that is this month', '2026-11-16T10:00:00Z', '2026-11-08T23:59:59Z', 'this_month'],
  // Sunday closes the week that began on Monday.
  ['Sunday: Monday is this week', '2026-11-22T10:00:00Z', '2026-11-16T00:00:00Z', 'this_week'],
  ['Sunday: the Sunday before is last week', '2026-11-22T10:00:00Z', '2026-11-15T23:59:59Z', 'last_week'],
  // Tuesday 1 December: last week reaches back into November.
  ['a week that spans two months', '2026-12-01T10:00:00Z', '2026-11-27T10:00:00Z', 'last_week'],
  ['the month before, beyond last week', '2026-12-01T10:00:00Z', '2026-11-20T10:00:00Z', 'last_month'],
  ['yesterday across a month end', '2026-12-01T10:00:00Z', '2026-11-30T10:00:00Z', 'yesterday'],
  // Year boundary.
  ['December seen from January', '2027-01-20T10:00:00Z', '2026-12-15T10:00:00Z', 'last_month'],
  ['November seen from January', '2027-01-20T10:00:00Z', '2026-11-30T10:00:00Z', 'never'],
  ['New Year’s Eve seen from New Year’s Day', '2027-01-01T00:00:00Z', '2026-12-31T23:59:59Z', 'yesterday'],
];

describe('accessBucket in UTC', () => {
  it.each(UTC_CASES)('%s', (_name, now, last, bucket) => {
    expect(accessBucket(last === null ? null : at(last), at(now), 'UTC')).toBe(bucket);
  });
});

// Each case is an instant pair whose calendar relation differs between UTC and the project's zone.
const ZONE_CASES: Array<[string, string, string, string, AccessBucket, AccessBucket]> = [
  // 2026-11-19 00:30 NZDT vs 2026-11-18 23:30 NZDT.
  ['Auckland: just after local midnight', 'Pacific/Auckland', '2026-11-18T11:30:00Z', '2026-11-18T10:30:00Z', 'yesterday', 'today'],
  // 2026-11-18 01:00 NZDT and 23:00 NZDT: the same local day.
  ['Auckland: same local day, different UTC days', 'Pacific/Auckland', '2026-11-18T10:00:00Z', '2026-11-17T12:00:00Z', 'today', 'yesterday'],
  // 1 November 01:00 NZDT is 31 October in UTC.
  ['Auckland: month start is earlier than in UTC', 'Pacific/Auckland', '2026-11-25T00:00:00Z', '2026-10-31T12:00:00Z', 'this_month', 'last_month'],
  // 2026-11-17 21:00 PST vs 2026-11-17 01:00 PST.
  ['Los Angeles: same local day, different UTC days', 'America/Los_Angeles', '2026-11-18T05:00:00Z', '2026-11-17T09:00:00Z', 'today', 'yesterday'],
  // Tuesday 17 23:00 PST vs Sunday 15 23:30 PST (Monday 16 in UTC).
  ['Los Angeles: local Sunday is last week', 'America/Los_Angeles', '2026-11-18T07:00:00Z', '2026-11-16T07:30:00Z', 'last_week', 'this_week'],
  // Across the end of daylight saving time: Saturday 31 October 23:30 PDT vs Monday 2 November 02:00 PST.
  ['Los Angeles: across the end of DST', 'America/Los_Angeles', '2026-11-02T10:00:00Z', '2026-11-01T06:30:00Z', 'last_week', 'yesterday'],
  ['Los Angeles: yesterday locally, across a month end', 'America/Los_Angeles', '2026-11-01T12:00:00Z', '2026-11-01T06:30:00Z', 'yesterday', 'today'],
];

describe('accessBucket in the project time zone', () => {
  it.each(ZONE_CASES)('%s', (_name, zone, now, last, local, utc) => {
    expect(accessBucket(at(last), at(now), zone)).toBe(local);
    expect(accessBucket(at(last), at(now), 'UTC')).toBe(utc);
  });
});

describe('isValidTimeZone', () => {
  it.each([
    ['UTC', true],
    ['Europe/Rome', true],
    ['Pacific/Auckland', true],
    ['Mars/Olympus_Mons', false],
    ['', false],
    ['UTC+25', false],
  ])('%s → %s', (zone, valid) => {
    expect(isValidTimeZone(zone)).toBe(valid);
  });
});
