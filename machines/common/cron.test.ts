import { describe, expect, it } from "vitest";
import { formatRFC3339In, GO_ZERO_TIME, loadLocationError, parseGoDuration, parseStandard } from "./cron.js";

// Expectations from github.com/robfig/cron v3.0.1 (the version Kubernetes vendors): spec_test.go's
// TestActivation and TestNext (the five-field rows; TestNext's six-field rows with second 0 read
// as five fields), parser_test.go's TestRange errors and TestParseScheduleErrors, and the
// messages of parser.go that CronJob validation shows.

const t = (s: string) => {
  // spec_test.go's getTime: "Mon Jul 9 15:00 2012" (local, here UTC) or an RFC 3339 time with a numeric offset.
  if (/^\d{4}-/.test(s)) return Date.parse(s.replace(/([+-]\d\d)(\d\d)$/, "$1:$2"));
  const [, mon, day, hm, year] = /^\w+ (\w+) (\d+) ([\d:]+) (\d+)$/.exec(s)!;
  const [h, m, sec] = hm!.split(":").map(Number);
  const month = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"].indexOf(mon!);
  return Date.UTC(Number(year), month, Number(day), h!, m!, sec ?? 0);
};
const sched = (spec: string) => {
  const p = parseStandard(spec);
  if ("error" in p) throw new Error(p.error);
  return p.schedule;
};

describe("robfig/cron ParseStandard on croner", () => {
  it("TestActivation: each spec fires at the time (Next of a second before)", () => {
    const rows: [string, string, boolean][] = [
      ["Mon Jul 9 15:00 2012", "0/15 * * * *", true],
      ["Mon Jul 9 15:45 2012", "0/15 * * * *", true],
      ["Mon Jul 9 15:40 2012", "0/15 * * * *", false],
      ["Mon Jul 9 15:05 2012", "5/15 * * * *", true],
      ["Mon Jul 9 15:20 2012", "5/15 * * * *", true],
      ["Mon Jul 9 15:50 2012", "5/15 * * * *", true],
      ["Sun Jul 15 15:00 2012", "0/15 * * Jul *", true],
      ["Sun Jul 15 15:00 2012", "0/15 * * Jun *", false],
      ["Sun Jul 15 08:30 2012", "30 08 ? Jul Sun", true],
      ["Sun Jul 15 08:30 2012", "30 08 15 Jul ?", true],
      ["Mon Jul 16 08:30 2012", "30 08 ? Jul Sun", false],
      ["Mon Jul 16 08:30 2012", "30 08 15 Jul ?", false],
      ["Mon Jul 9 15:00 2012", "@hourly", true],
      ["Mon Jul 9 15:04 2012", "@hourly", false],
      ["Mon Jul 9 15:00 2012", "@daily", false],
      ["Mon Jul 9 00:00 2012", "@daily", true],
      ["Mon Jul 9 00:00 2012", "@weekly", false],
      ["Sun Jul 8 00:00 2012", "@weekly", true],
      ["Sun Jul 8 01:00 2012", "@weekly", false],
      ["Sun Jul 8 00:00 2012", "@monthly", false],
      ["Sun Jul 1 00:00 2012", "@monthly", true],
      // both day fields restricted: either matches
      ["Sun Jul 15 00:00 2012", "* * 1,15 * Sun", true],
      ["Fri Jun 15 00:00 2012", "* * 1,15 * Sun", true],
      ["Wed Aug 1 00:00 2012", "* * 1,15 * Sun", true],
      ["Sun Jul 15 00:00 2012", "* * */10 * Sun", true],
      // one of them a star: both must match
      ["Sun Jul 15 00:00 2012", "* * * * Mon", false],
      ["Mon Jul 9 00:00 2012", "* * 1,15 * *", false],
      ["Sun Jul 15 00:00 2012", "* * 1,15 * *", true],
      ["Sun Jul 15 00:00 2012", "* * */2 * Sun", true],
    ];
    for (const [time, spec, expected] of rows) {
      const at = t(time);
      expect(sched(spec).next(at - 1000) === at, `${spec} on ${time}`).toBe(expected);
    }
  });

  it("TestNext: the next activation, across hours, days, months, years, leap days and DST in a TZ= zone", () => {
    const rows: [string, string, string][] = [
      ["Mon Jul 9 14:45 2012", "0/15 * * * *", "Mon Jul 9 15:00 2012"],
      ["Mon Jul 9 14:59 2012", "0/15 * * * *", "Mon Jul 9 15:00 2012"],
      ["Mon Jul 9 14:59:59 2012", "0/15 * * * *", "Mon Jul 9 15:00 2012"],
      ["Mon Jul 9 15:45 2012", "20-35/15 * * * *", "Mon Jul 9 16:20 2012"],
      ["Mon Jul 9 23:46 2012", "*/15 * * * *", "Tue Jul 10 00:00 2012"],
      ["Mon Jul 9 23:45 2012", "20-35/15 * * * *", "Tue Jul 10 00:20 2012"],
      ["Mon Jul 9 23:35 2012", "0 0 9 Apr-Oct ?", "Thu Aug 9 00:00 2012"],
      ["Mon Jul 9 23:35 2012", "0 0 */5 Apr,Aug,Oct Mon", "Tue Aug 1 00:00 2012"],
      ["Mon Jul 9 23:35 2012", "0 0 */5 Oct Mon", "Mon Oct 1 00:00 2012"],
      ["Mon Jul 9 23:35 2012", "0 0 * Feb Mon", "Mon Feb 4 00:00 2013"],
      ["Mon Jul 9 23:35 2012", "0 0 * Feb Mon/2", "Fri Feb 1 00:00 2013"],
      ["Mon Dec 31 23:59:45 2012", "* * * * *", "Tue Jan 1 00:00:00 2013"],
      ["Mon Jul 9 23:35 2012", "0 0 29 Feb ?", "Mon Feb 29 00:00 2016"],
      // DST in a TZ= zone: 2am EST -> 3am EDT skips, 2am EDT -> 1am EST repeats
      ["2012-03-11T00:00:00-0500", "TZ=America/New_York 30 2 11 Mar ?", "2013-03-11T02:30:00-0400"],
      ["2012-03-11T00:00:00-0500", "TZ=America/New_York 0 * * * ?", "2012-03-11T01:00:00-0500"],
      ["2012-03-11T01:00:00-0500", "TZ=America/New_York 0 * * * ?", "2012-03-11T03:00:00-0400"],
      ["2012-03-11T03:00:00-0400", "TZ=America/New_York 0 * * * ?", "2012-03-11T04:00:00-0400"],
      ["2012-03-11T01:00:00-0500", "CRON_TZ=America/New_York 0 * * * ?", "2012-03-11T03:00:00-0400"],
      ["2012-03-11T00:00:00-0500", "TZ=America/New_York 0 1 * * ?", "2012-03-11T01:00:00-0500"],
      ["2012-03-11T01:00:00-0500", "TZ=America/New_York 0 1 * * ?", "2012-03-12T01:00:00-0400"],
      ["2012-03-11T00:00:00-0500", "TZ=America/New_York 0 2 * * ?", "2012-03-12T02:00:00-0400"],
      ["2012-11-04T00:00:00-0400", "TZ=America/New_York 30 2 04 Nov ?", "2012-11-04T02:30:00-0500"],
      ["2012-11-04T01:45:00-0400", "TZ=America/New_York 30 1 04 Nov ?", "2012-11-04T01:30:00-0500"],
      ["2012-11-04T00:00:00-0400", "TZ=America/New_York 0 * * * ?", "2012-11-04T01:00:00-0400"],
      ["2012-11-04T01:00:00-0400", "TZ=America/New_York 0 * * * ?", "2012-11-04T01:00:00-0500"],
      ["2012-11-04T01:00:00-0500", "TZ=America/New_York 0 * * * ?", "2012-11-04T02:00:00-0500"],
      ["2012-11-04T00:00:00-0400", "TZ=America/New_York 0 1 * * ?", "2012-11-04T01:00:00-0400"],
      ["2012-11-04T01:00:00-0400", "TZ=America/New_York 0 1 * * ?", "2012-11-04T01:00:00-0500"],
      ["2012-11-04T01:00:00-0500", "TZ=America/New_York 0 1 * * ?", "2012-11-05T01:00:00-0500"],
      ["2012-11-04T00:00:00-0400", "TZ=America/New_York 0 2 * * ?", "2012-11-04T02:00:00-0500"],
      ["2012-11-04T02:00:00-0500", "TZ=America/New_York 0 2 * * ?", "2012-11-05T02:00:00-0500"],
      ["2012-11-04T00:00:00-0400", "TZ=America/New_York 0 3 * * ?", "2012-11-04T03:00:00-0500"],
      ["2012-11-04T03:00:00-0500", "TZ=America/New_York 0 3 * * ?", "2012-11-05T03:00:00-0500"],
      ["2012-11-04T00:00:00-0400", "TZ=America/New_York 0 3 3 * ?", "2012-12-03T03:00:00-0500"],
      // midnight that DST makes 1am (robfig/cron#157)
      ["2018-10-17T05:00:00-0400", "TZ=America/Sao_Paulo 0 9 10 * ?", "2018-11-10T06:00:00-0500"],
      ["2018-02-14T05:00:00-0500", "TZ=America/Sao_Paulo 0 9 22 * ?", "2018-02-22T07:00:00-0500"],
    ];
    for (const [from, spec, expected] of rows) expect(sched(spec).next(t(from)), `${spec} after ${from}`).toBe(t(expected));
  });

  it("an unsatisfiable schedule has no next time (Go's zero time)", () => {
    expect(sched("0 0 30 Feb ?").next(t("Mon Jul 9 23:35 2012"))).toBe(GO_ZERO_TIME);
    expect(sched("0 0 31 Apr ?").next(t("Mon Jul 9 23:35 2012"))).toBe(GO_ZERO_TIME);
    expect(sched("59 23 31 2 *").next(t("Mon Jul 9 23:35 2012"))).toBe(GO_ZERO_TIME);
  });

  it("@every: a constant delay rounded to whole seconds, from the given time's whole second", () => {
    expect(sched("@every 1h").next(Date.UTC(2016, 4, 19, 9, 59))).toBe(Date.UTC(2016, 4, 19, 10, 59));
    expect(sched("@every 1h30m").next(0)).toBe(5_400_000);
    expect(sched("@every 1.5s").next(500)).toBe(1000);
    expect(sched("@every 10ms").next(0)).toBe(1000);
  });

  it("TestRange and TestParseScheduleErrors: robfig's messages", () => {
    const err = (spec: string) => {
      const p = parseStandard(spec);
      return "error" in p ? p.error : "";
    };
    expect(err("")).toBe("empty spec string");
    expect(err("obvious error schedule")).toBe("expected exactly 5 fields, found 3: [obvious error schedule]");
    expect(err("* * * * * *")).toBe("expected exactly 5 fields, found 6: [* * * * * *]");
    expect(err("5--5 * * * *")).toBe("too many hyphens: 5--5");
    expect(err("* * * jan-x *")).toBe('failed to parse int from x: strconv.Atoi: parsing "x": invalid syntax');
    expect(err("*/-12 * * * *")).toBe("negative number (-12) not allowed: -12");
    expect(err("*//2 * * * *")).toBe("too many slashes: *//2");
    expect(err("* * 0 * *")).toBe("beginning of range (0) below minimum (1): 0");
    expect(err("60 * * * *")).toBe("end of range (60) above maximum (59): 60");
    expect(err("* * * * 7")).toBe("end of range (7) above maximum (6): 7");
    expect(err("* * 5-3 * *")).toBe("beginning of range (5) beyond end of range (3): 5-3");
    expect(err("*/0 * * * *")).toBe("step of range should be a positive number: */0");
    expect(err("0 0 L * *")).toBe('failed to parse int from L: strconv.Atoi: parsing "L": invalid syntax');
    expect(err("@every Xm")).toBe('failed to parse duration @every Xm: time: invalid duration "Xm"');
    expect(err("@every 1d")).toBe('failed to parse duration @every 1d: time: unknown unit "d" in duration "1d"');
    expect(err("@unrecognized")).toBe("unrecognized descriptor: @unrecognized");
    expect(err("TZ=Mars/Olympus * * * * *")).toBe("provided bad location Mars/Olympus: unknown time zone Mars/Olympus");
  });

  it("Go's ParseDuration", () => {
    expect(parseGoDuration("1h")).toBe(3_600_000);
    expect(parseGoDuration("1h30m")).toBe(5_400_000);
    expect(parseGoDuration("-2m")).toBe(-120_000);
    expect(parseGoDuration("0")).toBe(0);
    expect(parseGoDuration("1")).toBe('time: missing unit in duration "1"');
  });

  it("time zones: IANA names as Go's LoadLocation finds them, RFC 3339 in the zone", () => {
    expect(loadLocationError("America/New_York")).toBeUndefined();
    expect(loadLocationError("UTC")).toBeUndefined();
    expect(loadLocationError("bad timezone")).toBe("unknown time zone bad timezone");
    expect(loadLocationError("america/new_york")).toBe("unknown time zone america/new_york");
    expect(formatRFC3339In(Date.UTC(2016, 4, 19, 10), undefined)).toBe("2016-05-19T10:00:00Z");
    expect(formatRFC3339In(Date.UTC(2016, 4, 19, 10), "Europe/Rome")).toBe("2016-05-19T12:00:00+02:00");
    expect(formatRFC3339In(Date.UTC(2016, 4, 19, 10), "America/New_York")).toBe("2016-05-19T06:00:00-04:00");
  });
});

describe("the Factory zone (tzdata: offset 0 all year, in Go's zoneinfo but not ICU's)", () => {
  it("loads, schedules on UTC's wall clock and prints times with Z", () => {
    expect(loadLocationError("Factory")).toBeUndefined();
    const parsed = parseStandard("TZ=Factory 30 * * * *");
    if (!("schedule" in parsed)) throw new Error(parsed.error);
    const t = Date.UTC(2026, 0, 1, 10, 0, 0);
    expect(new Date(parsed.schedule.next(t)).toISOString()).toBe("2026-01-01T10:30:00.000Z");
    expect(formatRFC3339In(t, "Factory")).toBe("2026-01-01T10:00:00Z");
  });
});
