import { InvalidScheduleError, parseTimerSchedule } from '../../src/host/triggers/timer/parseTimerSchedule';

/** Times in the tables are UTC, written "YYYY-MM-DD hh:mm:ss[.fff]". */
const utc = (text: string) => new Date(`${text.replace(' ', 'T')}Z`);
const show = (date: Date) =>
  date
    .toISOString()
    .replace('T', ' ')
    .replace(/(\.000)?Z$/, '');

/** The next `count` occurrences after `from`. */
function occurrences(expression: string, from: string, count: number): (string | undefined)[] {
  const schedule = parseTimerSchedule(expression);
  const result: (string | undefined)[] = [];
  let current: Date | undefined = utc(from);
  for (let index = 0; index < count && current; index++) {
    current = schedule.next(current);
    result.push(current && show(current));
  }
  return result;
}

describe('NCRONTAB next occurrences (UTC)', () => {
  it.each([
    [
      'every second',
      '* * * * * *',
      '2026-11-22 02:24:58.400',
      ['2026-11-22 02:24:59', '2026-11-22 02:25:00'],
    ],
    [
      'every 5 minutes',
      '0 */5 * * * *',
      '2026-11-22 02:21:13',
      ['2026-11-22 02:25:00', '2026-11-22 02:30:00'],
    ],
    ['strictly after an occurrence', '0 */5 * * * *', '2026-11-22 02:25:00', ['2026-11-22 02:30:00']],
    [
      'stepped range',
      '10-40/10 * * * * *',
      '2026-01-01 00:00:35',
      ['2026-01-01 00:00:40', '2026-01-01 00:01:10'],
    ],
    [
      'value with step runs to the end',
      '0 5/20 * * * *',
      '2026-01-01 00:30:00',
      ['2026-01-01 00:45:00', '2026-01-01 01:05:00'],
    ],
    ['list', '0 0 9,13,17 * * *', '2026-03-10 13:00:00', ['2026-03-10 17:00:00', '2026-03-11 09:00:00']],
    [
      'reversed range is swapped',
      '0 0 17-15 * * *',
      '2026-03-10 15:30:00',
      ['2026-03-10 16:00:00', '2026-03-10 17:00:00', '2026-03-11 15:00:00'],
    ],
    [
      'weekdays at 09:30 by name',
      '0 30 9 * * Mon-Fri',
      '2026-11-20 10:00:00',
      ['2026-11-23 09:30:00', '2026-11-24 09:30:00'],
    ],
    ['Sunday is 0', '0 0 12 * * 0', '2026-11-22 12:00:00', ['2026-11-29 12:00:00']],
    [
      'month names, any case and prefix',
      '0 0 0 1 jan,JUL *',
      '2026-02-01 00:00:00',
      ['2026-07-01 00:00:00', '2027-01-01 00:00:00'],
    ],
    [
      'full day names',
      '0 0 8 * * Saturday,sunday',
      '2026-11-20 00:00:00',
      ['2026-11-21 08:00:00', '2026-11-22 08:00:00', '2026-11-28 08:00:00'],
    ],
    [
      'day and weekday must both match (Friday the 13th)',
      '0 0 0 13 * Fri',
      '2026-01-01 00:00:00',
      ['2026-02-13 00:00:00', '2026-03-13 00:00:00', '2026-11-13 00:00:00'],
    ],
    [
      'day 31 skips shorter months',
      '0 0 0 31 * *',
      '2026-01-31 00:00:00',
      ['2026-03-31 00:00:00', '2026-05-31 00:00:00'],
    ],
    [
      '29 February waits for a leap year',
      '0 0 0 29 Feb *',
      '2026-01-01 00:00:00',
      ['2028-02-29 00:00:00', '2032-02-29 00:00:00'],
    ],
    ['crosses the year end', '0 0 0 1 1 *', '2026-12-31 23:59:59.999', ['2027-01-01 00:00:00']],
    [
      'five fields mean second 0',
      '*/15 * * * *',
      '2026-05-05 10:07:30',
      ['2026-05-05 10:15:00', '2026-05-05 10:30:00'],
    ],
    ['extra spaces are ignored', '  0  0  */6 * * *  ', '2026-05-05 07:00:00', ['2026-05-05 12:00:00']],
    ['never (31 February) has no occurrence', '0 0 0 31 2 *', '2026-01-01 00:00:00', [undefined]],
  ])('%s: "%s" after %s', (_name, expression, from, expected) => {
    expect(occurrences(expression, from, expected.length)).toEqual(expected);
  });

  it.each([
    [
      'hh:mm:ss',
      '00:05:00',
      '2026-01-01 00:00:10.250',
      ['2026-01-01 00:05:10.250', '2026-01-01 00:10:10.250'],
    ],
    ['d.hh:mm:ss', '1.00:00:00', '2026-01-01 06:00:00', ['2026-01-02 06:00:00']],
    ['hh:mm', '01:30', '2026-01-01 00:00:00', ['2026-01-01 01:30:00']],
  ])('TimeSpan %s "%s" counts from the given time', (_name, expression, from, expected) => {
    expect(occurrences(expression, from, expected.length)).toEqual(expected);
  });
});

describe('schedule frequency (schedule monitor default)', () => {
  it.each([
    ['* * * * * *', true],
    ['*/10 * * * * *', true],
    ['0,30 * * * * *', true],
    ['0 * * * * *', false],
    ['* 1-5 * * * *', false],
    ['0 */5 * * * *', false],
    ['*/5 * * * *', false],
    ['00:00:30', true],
    ['00:01:00', false],
  ])('"%s" fires more than once a minute: %s', (expression, expected) => {
    expect(parseTimerSchedule(expression).isSubMinute).toBe(expected);
  });
});

describe('invalid schedules', () => {
  it.each([
    ['* * * *', /has 4 field\(s\); NCRONTAB needs 6/],
    ['* * * * * * *', /has 7 field\(s\)/],
    ['60 * * * * *', /60 is out of range for the second field \(allowed: 0-59\)/],
    ['0 0 24 * * *', /24 is out of range for the hour field/],
    ['0 0 0 0 * *', /0 is out of range for the day field \(allowed: 1-31\)/],
    ['0 0 0 * 13 *', /13 is out of range for the month field/],
    ['0 0 0 * * 7', /7 is out of range for the day-of-week field \(allowed: 0-6\)/],
    [
      '0 0 0 * * Funday',
      /"Funday" is not a valid value for the day-of-week field \(expected a number 0-6 or a name \(Sun, Mon/,
    ],
    ['0 0 0 * Smarch *', /"Smarch" is not a valid value for the month field/],
    ['0 x * * * *', /"x" is not a valid value for the minute field \(expected a number 0-59\)/],
    ['*/x * * * * *', /step in "\*\/x" in the second field is not a number/],
    ['1,,2 * * * * *', /the second field has an empty list entry/],
    ['every five minutes', /"every five minutes" is not a valid NCRONTAB expression/],
    ['soon', /"soon" is not a valid NCRONTAB expression or TimeSpan: it has 1 field\(s\)/],
    ['00:00:00', /TimeSpan of zero/],
  ])('"%s" is refused', (expression, message) => {
    const parse = () => parseTimerSchedule(expression);
    expect(parse).toThrow(InvalidScheduleError);
    expect(parse).toThrow(message);
  });
});
