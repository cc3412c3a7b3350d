// Expectations transcribed from Kubernetes' pkg/controller/cronjob tests (v1.35):
// cronjob_controllerv2_test.go (TestControllerV2SyncCronJob's rows with the same fakes: a job
// control that answers GETs with the row's Job or error and records creations and deletions, a
// CronJob control whose GET returns the CronJob as the API server has it; the count of created
// and deleted Jobs, events and warnings, the requeue, the status update, the active list and
// lastSuccessfulTime; TestControllerV2CleanupFinishedJobs, TestControllerV2GetJobsToBeReconciled,
// TestControllerV2JobAlreadyExistsButNotInActiveStatus) and utils_test.go
// (TestMostRecentScheduleTime, TestNextScheduleTimeDuration, TestNextScheduleTime,
// TestByJobStartTime, TestGetJobFromTemplate2).

import { describe, expect, it } from "vitest";
import type { CronJob, Job } from "kubernetes-types/batch/v1";
import { parseStandard, type Schedule } from "../common/cron.js";
import { rfc3339 } from "../common/time.js";
import * as L from "./cronjob.logic.js";

const T = (s: string) => Date.parse(s);
const MIN = 60_000;
const HOUR = 60 * MIN;
const topOfTheHour = T("2016-05-19T10:00:00Z");
const justASecondBeforeTheHour = T("2016-05-19T09:59:59Z");
const justAfterThePriorHour = T("2016-05-19T09:01:00Z");
const justBeforeThePriorHour = T("2016-05-19T08:59:00Z");
const justAfterTheHour = T("2016-05-19T10:01:00Z");
const justBeforeTheHour = T("2016-05-19T09:59:00Z");
const justBeforeTheNextHour = T("2016-05-19T10:59:00Z");
const weekAfterTheHour = T("2016-05-26T10:00:00Z");
const delta = (ms: number) => topOfTheHour + ms;
const nextScheduleDelta = L.NEXT_SCHEDULE_DELTA_MS;
const sched = (s: string): Schedule => {
  const p = parseStandard(s);
  if ("error" in p) throw new Error(p.error);
  return p.schedule;
};
const cron = (creation: number, schedule: string, status: any = {}, spec: any = {}): CronJob => ({
  metadata: { name: "mycronjob", namespace: "snazzycats", uid: "1a2b3c", creationTimestamp: rfc3339(creation) },
  spec: { schedule, concurrencyPolicy: "Allow", jobTemplate: { metadata: { labels: { a: "b" }, annotations: { x: "y" } }, spec: { template: { spec: { containers: [{ name: "c", image: "foo/bar" }] } } } }, ...spec },
  status,
});

describe("mostRecentScheduleTime (TestMostRecentScheduleTime)", () => {
  const rows: { name: string; cj: CronJob; includeSDS?: boolean; now: number; earliest: number; recent?: number; missed?: L.MissedSchedules; wantErr?: boolean }[] = [
    { name: "now before next schedule", cj: cron(topOfTheHour, "0 * * * *"), now: topOfTheHour + 30_000, earliest: topOfTheHour },
    { name: "now just after next schedule", cj: cron(topOfTheHour, "0 * * * *"), now: delta(61 * MIN), recent: delta(60 * MIN), earliest: topOfTheHour },
    { name: "missed 5 schedules", cj: cron(delta(10_000), "0 * * * *"), now: delta(301 * MIN), recent: delta(300 * MIN), earliest: delta(10_000), missed: "few" },
    { name: "complex schedule", cj: cron(topOfTheHour, "30 6-16/4 * * 1-5", { lastScheduleTime: rfc3339(delta(30 * MIN)) }), now: delta(24 * HOUR + 31 * MIN), recent: delta(24 * HOUR + 30 * MIN), earliest: delta(30 * MIN), missed: "few" },
    { name: "another complex schedule", cj: cron(topOfTheHour, "30 10,11,12 * * 1-5", { lastScheduleTime: rfc3339(delta(30 * MIN)) }), now: delta(30 * HOUR + 30 * MIN), earliest: delta(30 * MIN), missed: "few" },
    { name: "complex schedule with longer diff between executions", cj: cron(topOfTheHour, "30 6-16/4 * * 1-5", { lastScheduleTime: rfc3339(delta(30 * MIN)) }), now: delta(96 * HOUR + 31 * MIN), recent: delta(96 * HOUR + 30 * MIN), earliest: delta(30 * MIN), missed: "few" },
    { name: "complex schedule with shorter diff between executions", cj: cron(topOfTheHour, "30 6-16/4 * * 1-5"), now: delta(24 * HOUR + 31 * MIN), recent: delta(24 * HOUR + 30 * MIN), earliest: topOfTheHour, missed: "few" },
    { name: "@every schedule", cj: cron(delta(-59 * MIN), "@every 1h", { lastScheduleTime: rfc3339(delta(MIN)) }, { startingDeadlineSeconds: 10 }), now: delta(7 * 24 * HOUR), recent: delta(6 * 24 * HOUR + 23 * HOUR + MIN), earliest: delta(MIN), missed: "many" },
    { name: "rogue cronjob", cj: cron(delta(10_000), "59 23 31 2 *"), now: delta(HOUR), earliest: delta(10_000), wantErr: true },
    { name: "earliestTime being CreationTimestamp and LastScheduleTime", cj: cron(topOfTheHour, "0 * * * *", { lastScheduleTime: rfc3339(topOfTheHour) }), now: delta(30_000), earliest: topOfTheHour },
    { name: "earliestTime being LastScheduleTime", cj: cron(topOfTheHour, "*/5 * * * *", { lastScheduleTime: rfc3339(delta(30 * MIN)) }), now: delta(31 * MIN), earliest: delta(30 * MIN) },
    { name: "earliestTime being LastScheduleTime (within StartingDeadlineSeconds)", cj: cron(topOfTheHour, "*/5 * * * *", { lastScheduleTime: rfc3339(delta(30 * MIN)) }, { startingDeadlineSeconds: 60 }), now: delta(31 * MIN), earliest: delta(30 * MIN) },
    { name: "earliestTime being LastScheduleTime (outside StartingDeadlineSeconds)", cj: cron(topOfTheHour, "*/5 * * * *", { lastScheduleTime: rfc3339(delta(30 * MIN)) }, { startingDeadlineSeconds: 60 }), includeSDS: true, now: delta(32 * MIN), earliest: delta(31 * MIN) },
  ];
  it.each(rows)("$name", (r) => {
    const got = L.mostRecentScheduleTime(r.cj, r.now, sched(r.cj.spec!.schedule), r.includeSDS ?? false);
    if (r.wantErr) {
      expect(got.error).toBeDefined();
      return;
    }
    expect(got.error).toBeUndefined();
    expect(got.earliest).toBe(r.earliest);
    expect(got.mostRecent).toBe(r.recent);
    expect(got.missed).toBe(r.missed ?? "none");
  });
});

describe("nextScheduleTimeDuration (TestNextScheduleTimeDuration)", () => {
  const rows: [string, CronJob, number, number][] = [
    ["complex schedule skipping weekend", cron(topOfTheHour, "30 6-16/4 * * 1-5", { lastScheduleTime: rfc3339(delta(30 * MIN)) }), delta(24 * HOUR + 31 * MIN), 3 * HOUR + 59 * MIN + nextScheduleDelta],
    ["another complex schedule skipping weekend", cron(topOfTheHour, "30 10,11,12 * * 1-5", { lastScheduleTime: rfc3339(delta(30 * MIN)) }), delta(30 * HOUR + 30 * MIN), 66 * HOUR + nextScheduleDelta],
    ["once a week cronjob, missed two runs", cron(topOfTheHour, "0 12 * * 4", { lastScheduleTime: rfc3339(delta(2 * HOUR)) }), delta(19 * 24 * HOUR + HOUR + 30 * MIN), 48 * HOUR + 30 * MIN + nextScheduleDelta],
    ["no previous run of a cronjob", cron(topOfTheHour, "0 12 * * 5"), delta(6 * HOUR), 20 * HOUR + nextScheduleDelta],
  ];
  it.each(rows)("%s", (_n, cj, now, want) => expect(L.nextScheduleTimeDuration(cj, now, sched(cj.spec!.schedule))).toBe(want));
});

describe("nextScheduleTime (TestNextScheduleTime)", () => {
  const T1 = topOfTheHour;
  const T2 = delta(HOUR);
  const s = sched("0 * * * ?");
  it("cases 1-8: no start time yet, one needed, already started, the next needed, two needed (the latest), far behind with and without a deadline, a rogue schedule", () => {
    expect(L.nextScheduleTime(cron(T1 - 10 * MIN, "0 * * * ?"), T1 - 7 * MIN, s).time).toBeUndefined();
    expect(L.nextScheduleTime(cron(T1 - 10 * MIN, "0 * * * ?"), T1 + 2000, s).time).toBe(T1);
    expect(L.nextScheduleTime(cron(T1 - 10 * MIN, "0 * * * ?", { lastScheduleTime: rfc3339(T1) }), T1 + 2 * MIN, s).time).toBeUndefined();
    expect(L.nextScheduleTime(cron(T1 - 10 * MIN, "0 * * * ?", { lastScheduleTime: rfc3339(T1) }), T2 + 5 * MIN, s).time).toBe(T2);
    expect(L.nextScheduleTime(cron(T1 - 2 * HOUR, "0 * * * ?", { lastScheduleTime: rfc3339(T1 - HOUR) }), T2 + 5 * MIN, s).time).toBe(T2);
    expect(L.nextScheduleTime(cron(T1 - 2 * HOUR, "0 * * * ?", { lastScheduleTime: rfc3339(T1 - HOUR) }), T2 + 10 * 24 * HOUR, s).time).toBeDefined();
    expect(L.nextScheduleTime(cron(T1 - 2 * HOUR, "0 * * * ?", { lastScheduleTime: rfc3339(T1 - HOUR) }, { startingDeadlineSeconds: 2 * 60 * 60 }), T2 + 10 * 24 * HOUR, s).time).toBeDefined();
    const rogue = L.nextScheduleTime(cron(T1 + 10_000, "59 23 31 2 *"), delta(HOUR), sched("59 23 31 2 *"));
    expect(rogue.time).toBeUndefined();
    expect(rogue.error).toBeDefined();
  });
});

describe("byJobStartTime (TestByJobStartTime)", () => {
  const now = "2018-01-01T02:03:04Z";
  const later = "2019-01-01T02:03:04Z";
  const j = (name: string, startTime?: string): Job => ({ metadata: { name }, status: startTime ? { startTime } : {} });
  const rows: [string, Job[], Job[]][] = [
    ["both have nil start times", [j("b"), j("a")], [j("a"), j("b")]],
    ["only the first has a nil start time", [j("a"), j("b", now)], [j("b", now), j("a")]],
    ["only the second has a nil start time", [j("a", now), j("b")], [j("a", now), j("b")]],
    ["both have non-nil, equal start time", [j("b", now), j("a", now)], [j("a", now), j("b", now)]],
    ["both have non-nil, different start time", [j("a", later), j("b", now)], [j("b", now), j("a", later)]],
  ];
  it.each(rows)("%s", (_n, input, want) => expect([...input].sort(L.byJobStartTime)).toEqual(want));
});

describe("getJobFromTemplate2 (TestGetJobFromTemplate2)", () => {
  const rows: [string, string | undefined, Record<string, string>, string, number][] = [
    ["UTC timezone and one annotation", "UTC", { x: "y" }, "2016-05-19T10:00:00Z", 2],
    ["nil timezone and one annotation", undefined, { x: "y" }, "2016-05-19T10:00:00Z", 2],
    ["correct timezone and multiple annotation", "Europe/Rome", { x: "y", z: "x" }, "2016-05-19T12:00:00+02:00", 3],
  ];
  it.each(rows)("%s", (_n, tz, annotations, stamp, count) => {
    const cj = cron(topOfTheHour, "* * * * ?", {}, { timeZone: tz });
    cj.spec!.jobTemplate.metadata = { labels: { a: "b" }, annotations };
    const job = L.jobFromTemplate(cj, topOfTheHour);
    expect(job.metadata!.name!.startsWith("mycronjob-")).toBe(true);
    expect(Object.keys(job.metadata!.labels!)).toHaveLength(1);
    expect(Object.keys(job.metadata!.annotations!)).toHaveLength(count);
    expect(job.metadata!.annotations![L.CRONJOB_SCHEDULED_TIMESTAMP_ANNOTATION]).toBe(stamp);
  });
  it("names the Job <cronjob>-<minutes since the epoch> and makes the CronJob its controller", () => {
    const job = L.jobFromTemplate(cron(topOfTheHour, "* * * * ?"), topOfTheHour);
    expect(job.metadata!.name).toBe(`mycronjob-${topOfTheHour / MIN}`);
    expect(job.metadata!.ownerReferences).toEqual([{ apiVersion: "batch/v1", kind: "CronJob", name: "mycronjob", uid: "1a2b3c", controller: true, blockOwnerDeletion: true }]);
  });
});

// ---- TestControllerV2SyncCronJob ----

const onTheHour = "0 * * * ?";
const everyHour = "@every 1h";
const shortDead = 10;
const mediumDead = 2 * 60 * 60;
const longDead = 1000000;
const newYork = "America/New_York";

interface Row {
  concurrencyPolicy?: string;
  suspend?: boolean;
  schedule?: string;
  timeZone?: string;
  deadline?: number;
  ranPreviously?: boolean;
  stillActive?: boolean;
  cronjobCreationTime?: number;
  jobCreationTime?: number;
  lastScheduleTime?: number;
  now?: number;
  jobCreateError?: L.Answer;
  jobGetErr?: L.Answer;
  expectCreate?: boolean;
  expectDelete?: boolean;
  expectActive?: number;
  expectedWarnings?: number;
  expectErr?: boolean;
  expectRequeueAfter?: boolean;
  expectedRequeueDuration?: number;
  expectUpdateStatus?: boolean;
  jobStillNotFoundInLister?: boolean;
  jobPresentInCJActiveStatus?: boolean;
}

const alreadyExists: L.Answer = { ok: false, code: 409, message: 'job.batch "" already exists' };
const A = "Allow";
const F = "Forbid";
const R = "Replace";
const notTime = { deadline: undefined, jobCreationTime: justAfterThePriorHour, now: justBeforeTheHour, expectRequeueAfter: true, expectedRequeueDuration: MIN + nextScheduleDelta, jobPresentInCJActiveStatus: true };
const isTime = { jobCreationTime: justAfterThePriorHour, now: justAfterTheHour, expectCreate: true, expectActive: 1, expectRequeueAfter: true, expectedRequeueDuration: HOUR - MIN + nextScheduleDelta, expectUpdateStatus: true, jobPresentInCJActiveStatus: true };
const overdue = { ranPreviously: true, jobCreationTime: justAfterThePriorHour, now: weekAfterTheHour, expectCreate: true, expectActive: 1, expectRequeueAfter: true, expectedRequeueDuration: HOUR + nextScheduleDelta, expectUpdateStatus: true, jobPresentInCJActiveStatus: true };
const missing = { deadline: longDead, ranPreviously: true, stillActive: true, jobCreationTime: topOfTheHour + 100, now: justAfterTheHour + 100, expectActive: 1, expectRequeueAfter: true, expectedRequeueDuration: HOUR - MIN - 100 + nextScheduleDelta };

const syncRows: Record<string, Row> = {
  "never ran, not valid schedule, A": { concurrencyPolicy: A, schedule: "obvious error schedule", jobCreationTime: justAfterThePriorHour, now: justBeforeTheHour, expectedWarnings: 1, jobPresentInCJActiveStatus: true },
  "never ran, not valid schedule, F": { concurrencyPolicy: F, schedule: "obvious error schedule", jobCreationTime: justAfterThePriorHour, now: justBeforeTheHour, expectedWarnings: 1, jobPresentInCJActiveStatus: true },
  // Kubernetes names this row R but gives it concurrencyPolicy Forbid, as transcribed.
  "never ran, not valid schedule, R": { concurrencyPolicy: F, schedule: "obvious error schedule", jobCreationTime: justAfterThePriorHour, now: justBeforeTheHour, expectedWarnings: 1, jobPresentInCJActiveStatus: true },
  "never ran, not valid time zone": { concurrencyPolicy: A, schedule: onTheHour, timeZone: "bad timezone", jobCreationTime: justAfterThePriorHour, now: justBeforeTheHour, expectedWarnings: 1, jobPresentInCJActiveStatus: true },
  "never ran, not time, A": { concurrencyPolicy: A, schedule: onTheHour, ...notTime },
  "never ran, not time, F": { concurrencyPolicy: F, schedule: onTheHour, ...notTime },
  "never ran, not time, R": { concurrencyPolicy: R, schedule: onTheHour, ...notTime },
  "never ran, not time in zone": { concurrencyPolicy: A, schedule: onTheHour, timeZone: newYork, ...notTime },
  "never ran, is time, A": { concurrencyPolicy: A, schedule: onTheHour, ...isTime },
  "never ran, is time, F": { concurrencyPolicy: F, schedule: onTheHour, ...isTime },
  "never ran, is time, R": { concurrencyPolicy: R, schedule: onTheHour, ...isTime },
  "never ran, is time in zone": { concurrencyPolicy: A, schedule: onTheHour, timeZone: newYork, ...isTime },
  // a row from when spec.timeZone sat behind a feature gate (now GA): the zone is always read
  "never ran, is time in zone, but time zone disabled": { concurrencyPolicy: A, schedule: onTheHour, timeZone: newYork, ...isTime },
  "never ran, is time in zone, but TZ is also set in schedule": { concurrencyPolicy: A, schedule: `TZ=UTC ${onTheHour}`, timeZone: newYork, ...isTime, expectActive: undefined, expectedWarnings: 1 },
  "never ran, is time, suspended": { concurrencyPolicy: A, suspend: true, schedule: onTheHour, jobCreationTime: justAfterThePriorHour, now: justAfterTheHour, jobPresentInCJActiveStatus: true },
  "never ran, is time, past deadline": { concurrencyPolicy: A, schedule: onTheHour, deadline: shortDead, jobCreationTime: justAfterThePriorHour, now: justAfterTheHour + MIN * (shortDead + 1), expectRequeueAfter: true, expectedRequeueDuration: HOUR - MIN - MIN * (shortDead + 1) + nextScheduleDelta, jobPresentInCJActiveStatus: true },
  "never ran, is time, not past deadline": { concurrencyPolicy: A, schedule: onTheHour, deadline: longDead, ...isTime },

  "prev ran but done, not time, A": { concurrencyPolicy: A, schedule: onTheHour, ranPreviously: true, ...notTime, expectUpdateStatus: true },
  "prev ran but done, not time, F": { concurrencyPolicy: F, schedule: onTheHour, ranPreviously: true, ...notTime, expectUpdateStatus: true },
  "prev ran but done, not time, R": { concurrencyPolicy: R, schedule: onTheHour, ranPreviously: true, ...notTime, expectUpdateStatus: true },
  "prev ran but done, is time, A": { concurrencyPolicy: A, schedule: onTheHour, ranPreviously: true, ...isTime },
  "prev ran but done, is time, create job failed, A": { concurrencyPolicy: A, schedule: onTheHour, ranPreviously: true, jobCreationTime: justAfterThePriorHour, now: justAfterTheHour, jobCreateError: alreadyExists, expectUpdateStatus: true, jobPresentInCJActiveStatus: true },
  "prev ran but done, is time, job not present in CJ active status, create job failed, A": { concurrencyPolicy: A, schedule: onTheHour, ranPreviously: true, jobCreationTime: justAfterThePriorHour, now: justAfterTheHour, jobCreateError: alreadyExists, expectUpdateStatus: true, jobPresentInCJActiveStatus: false },
  "prev ran but done, is time, F": { concurrencyPolicy: F, schedule: onTheHour, ranPreviously: true, ...isTime },
  "prev ran but done, is time, R": { concurrencyPolicy: R, schedule: onTheHour, ranPreviously: true, ...isTime },
  "prev ran but done, is time, suspended": { concurrencyPolicy: A, suspend: true, schedule: onTheHour, ranPreviously: true, jobCreationTime: justAfterThePriorHour, now: justAfterTheHour, expectUpdateStatus: true, jobPresentInCJActiveStatus: true },
  "prev ran but done, is time, past deadline": { concurrencyPolicy: A, schedule: onTheHour, deadline: shortDead, ranPreviously: true, jobCreationTime: justAfterThePriorHour, now: justAfterTheHour, expectRequeueAfter: true, expectedRequeueDuration: HOUR - MIN + nextScheduleDelta, expectUpdateStatus: true, jobPresentInCJActiveStatus: true },
  "prev ran but done, is time, not past deadline": { concurrencyPolicy: A, schedule: onTheHour, deadline: longDead, ranPreviously: true, ...isTime },

  "still active, not time, A": { concurrencyPolicy: A, schedule: onTheHour, ranPreviously: true, stillActive: true, ...notTime, expectActive: 1 },
  "still active, not time, F": { concurrencyPolicy: F, schedule: onTheHour, ranPreviously: true, stillActive: true, ...notTime, expectActive: 1 },
  "still active, not time, R": { concurrencyPolicy: R, schedule: onTheHour, ranPreviously: true, stillActive: true, ...notTime, expectActive: 1 },
  "still active, is time, A": { concurrencyPolicy: A, schedule: onTheHour, ranPreviously: true, stillActive: true, ...isTime, expectActive: 2 },
  "still active, is time, F": { concurrencyPolicy: F, schedule: onTheHour, ranPreviously: true, stillActive: true, jobCreationTime: justAfterThePriorHour, now: justAfterTheHour, expectActive: 1, expectRequeueAfter: true, expectedRequeueDuration: HOUR - MIN + nextScheduleDelta, jobPresentInCJActiveStatus: true },
  "still active, is time, R": { concurrencyPolicy: R, schedule: onTheHour, ranPreviously: true, stillActive: true, ...isTime, expectDelete: true, expectActive: 1 },
  "still active, is time, get job failed, R": { concurrencyPolicy: R, schedule: onTheHour, ranPreviously: true, stillActive: true, jobCreationTime: justAfterThePriorHour, now: justAfterTheHour, jobGetErr: { ok: false, code: 400, message: "request is invalid" }, expectActive: 1, expectedWarnings: 1, jobPresentInCJActiveStatus: true },
  "still active, is time, suspended": { concurrencyPolicy: A, suspend: true, schedule: onTheHour, ranPreviously: true, stillActive: true, jobCreationTime: justAfterThePriorHour, now: justAfterTheHour, expectActive: 1, jobPresentInCJActiveStatus: true },
  "still active, is time, past deadline": { concurrencyPolicy: A, schedule: onTheHour, deadline: shortDead, ranPreviously: true, stillActive: true, jobCreationTime: justAfterThePriorHour, now: justAfterTheHour, expectActive: 1, expectRequeueAfter: true, expectedRequeueDuration: HOUR - MIN + nextScheduleDelta, jobPresentInCJActiveStatus: true },
  "still active, is time, not past deadline": { concurrencyPolicy: A, schedule: onTheHour, deadline: longDead, ranPreviously: true, stillActive: true, ...isTime, expectActive: 2 },

  "prev ran but done, long overdue, not past deadline, A": { concurrencyPolicy: A, schedule: onTheHour, deadline: longDead, ...overdue, expectedWarnings: 1 },
  "prev ran but done, long overdue, not past deadline, R": { concurrencyPolicy: R, schedule: onTheHour, deadline: longDead, ...overdue, expectedWarnings: 1 },
  "prev ran but done, long overdue, not past deadline, F": { concurrencyPolicy: F, schedule: onTheHour, deadline: longDead, ...overdue, expectedWarnings: 1 },
  "prev ran but done, long overdue, no deadline, A": { concurrencyPolicy: A, schedule: onTheHour, ...overdue, expectedWarnings: 1 },
  "prev ran but done, long overdue, no deadline, R": { concurrencyPolicy: R, schedule: onTheHour, ...overdue, expectedWarnings: 1 },
  "prev ran but done, long overdue, no deadline, F": { concurrencyPolicy: F, schedule: onTheHour, ...overdue, expectedWarnings: 1 },
  "prev ran but done, long overdue, past medium deadline, A": { concurrencyPolicy: A, schedule: onTheHour, deadline: mediumDead, ...overdue },
  "prev ran but done, long overdue, past short deadline, A": { concurrencyPolicy: A, schedule: onTheHour, deadline: shortDead, ...overdue },
  "prev ran but done, long overdue, past medium deadline, R": { concurrencyPolicy: R, schedule: onTheHour, deadline: mediumDead, ...overdue },
  "prev ran but done, long overdue, past short deadline, R": { concurrencyPolicy: R, schedule: onTheHour, deadline: shortDead, ...overdue },
  "prev ran but done, long overdue, past medium deadline, F": { concurrencyPolicy: F, schedule: onTheHour, deadline: mediumDead, ...overdue },
  "prev ran but done, long overdue, past short deadline, F": { concurrencyPolicy: F, schedule: onTheHour, deadline: shortDead, ...overdue },

  "this ran but done, time drifted back, F": { concurrencyPolicy: F, schedule: onTheHour, ranPreviously: true, jobCreationTime: justAfterTheHour, now: justBeforeTheHour, jobCreateError: { ok: false, code: 409, message: "already exists" }, expectRequeueAfter: true, expectedRequeueDuration: MIN + nextScheduleDelta, expectUpdateStatus: true },

  "this started but went missing, not past deadline, A": { concurrencyPolicy: A, schedule: onTheHour, ...missing, jobStillNotFoundInLister: true, jobPresentInCJActiveStatus: true },
  "this started but went missing, not past deadline, f": { concurrencyPolicy: F, schedule: onTheHour, ...missing, jobStillNotFoundInLister: true, jobPresentInCJActiveStatus: true },
  "this started but went missing, not past deadline, R": { concurrencyPolicy: R, schedule: onTheHour, ...missing, jobStillNotFoundInLister: true, jobPresentInCJActiveStatus: true },
  "this started but is not present in cronjob active list, not past deadline, A": { concurrencyPolicy: A, schedule: onTheHour, ...missing },
  "this started but is not present in cronjob active list, not past deadline, f": { concurrencyPolicy: F, schedule: onTheHour, ...missing },
  "this started but is not present in cronjob active list, not past deadline, R": { concurrencyPolicy: R, schedule: onTheHour, ...missing },

  "with @every schedule, never ran, not time": { concurrencyPolicy: A, schedule: everyHour, cronjobCreationTime: justBeforeTheHour, jobCreationTime: justBeforeTheHour, now: topOfTheHour, expectRequeueAfter: true, expectedRequeueDuration: HOUR - MIN + nextScheduleDelta, jobPresentInCJActiveStatus: true },
  "with @every schedule, never ran, is time": { concurrencyPolicy: A, schedule: everyHour, cronjobCreationTime: justBeforeThePriorHour, jobCreationTime: justBeforeThePriorHour, now: justBeforeTheHour, expectRequeueAfter: true, expectedRequeueDuration: HOUR + nextScheduleDelta, jobPresentInCJActiveStatus: true, expectCreate: true, expectActive: 1, expectUpdateStatus: true },
  "with @every schedule, never ran, is time, past deadline": { concurrencyPolicy: A, schedule: everyHour, deadline: shortDead, cronjobCreationTime: justBeforeThePriorHour, jobCreationTime: justBeforeThePriorHour, now: justBeforeTheHour + 1000 * (shortDead + 1), expectRequeueAfter: true, expectedRequeueDuration: HOUR - 1000 * (shortDead + 1) + nextScheduleDelta, jobPresentInCJActiveStatus: true },
  "with @every schedule, never ran, is time, not past deadline": { concurrencyPolicy: A, schedule: everyHour, deadline: longDead, cronjobCreationTime: justBeforeThePriorHour, jobCreationTime: justBeforeThePriorHour, now: justBeforeTheHour + 1000 * (shortDead - 1), expectCreate: true, expectActive: 1, expectRequeueAfter: true, expectedRequeueDuration: HOUR - 1000 * (shortDead - 1) + nextScheduleDelta, expectUpdateStatus: true, jobPresentInCJActiveStatus: true },
  "with @every schedule, prev ran but done, not time": { concurrencyPolicy: A, schedule: everyHour, ranPreviously: true, cronjobCreationTime: justBeforeThePriorHour, jobCreationTime: justBeforeThePriorHour, lastScheduleTime: justBeforeTheHour, now: topOfTheHour, expectRequeueAfter: true, expectedRequeueDuration: HOUR - MIN + nextScheduleDelta, expectUpdateStatus: true, jobPresentInCJActiveStatus: true },
  "with @every schedule, prev ran but done, is time": { concurrencyPolicy: A, schedule: everyHour, ranPreviously: true, cronjobCreationTime: justBeforeThePriorHour, jobCreationTime: justBeforeThePriorHour, lastScheduleTime: justBeforeTheHour, now: topOfTheHour + HOUR, expectCreate: true, expectActive: 1, expectRequeueAfter: true, expectedRequeueDuration: HOUR - MIN + nextScheduleDelta, expectUpdateStatus: true, jobPresentInCJActiveStatus: true },
  "with @every schedule, prev ran but done, is time, past deadline": { concurrencyPolicy: A, schedule: everyHour, deadline: shortDead, ranPreviously: true, cronjobCreationTime: justBeforeThePriorHour, jobCreationTime: justBeforeThePriorHour, lastScheduleTime: justBeforeTheHour, now: justBeforeTheNextHour + 1000 * (shortDead + 1), expectRequeueAfter: true, expectedRequeueDuration: HOUR - 1000 * (shortDead + 1) + nextScheduleDelta, expectUpdateStatus: true, jobPresentInCJActiveStatus: true },
  "with @every schedule, still active, not time": { concurrencyPolicy: A, schedule: everyHour, ranPreviously: true, stillActive: true, cronjobCreationTime: justBeforeThePriorHour, jobCreationTime: justBeforeTheHour, lastScheduleTime: justBeforeTheHour, now: topOfTheHour, expectActive: 1, expectRequeueAfter: true, expectedRequeueDuration: HOUR - MIN + nextScheduleDelta, jobPresentInCJActiveStatus: true },
  "with @every schedule, still active, is time": { concurrencyPolicy: A, schedule: everyHour, ranPreviously: true, stillActive: true, cronjobCreationTime: justBeforeThePriorHour, jobCreationTime: justBeforeThePriorHour, lastScheduleTime: justBeforeThePriorHour, now: justAfterTheHour, expectCreate: true, expectActive: 2, expectRequeueAfter: true, expectedRequeueDuration: HOUR - 2 * MIN + nextScheduleDelta, expectUpdateStatus: true, jobPresentInCJActiveStatus: true },
  "with @every schedule, still active, is time, past deadline": { concurrencyPolicy: A, schedule: everyHour, deadline: shortDead, ranPreviously: true, stillActive: true, cronjobCreationTime: justBeforeThePriorHour, jobCreationTime: justBeforeTheHour, lastScheduleTime: justBeforeTheHour, now: justBeforeTheNextHour + 1000 * (shortDead + 1), expectActive: 1, expectRequeueAfter: true, expectedRequeueDuration: HOUR - 1000 * (shortDead + 1) + nextScheduleDelta, jobPresentInCJActiveStatus: true },
  "with @every schedule, still active, is time, not past deadline": { concurrencyPolicy: A, schedule: everyHour, deadline: longDead, ranPreviously: true, stillActive: true, cronjobCreationTime: justBeforeThePriorHour, jobCreationTime: justBeforeTheHour, lastScheduleTime: justBeforeTheHour, now: justBeforeTheNextHour + 1000 * (shortDead - 1), expectCreate: true, expectActive: 2, expectRequeueAfter: true, expectedRequeueDuration: HOUR - 1000 * (shortDead - 1) + nextScheduleDelta, expectUpdateStatus: true, jobPresentInCJActiveStatus: true },
  "with @every schedule, prev ran but done, long overdue, no deadline": { concurrencyPolicy: A, schedule: everyHour, ranPreviously: true, cronjobCreationTime: justAfterThePriorHour, lastScheduleTime: justAfterTheHour, jobCreationTime: justAfterThePriorHour, now: weekAfterTheHour, expectCreate: true, expectActive: 1, expectedWarnings: 1, expectRequeueAfter: true, expectedRequeueDuration: MIN + nextScheduleDelta, expectUpdateStatus: true, jobPresentInCJActiveStatus: true },
  "with @every schedule, prev ran but done, long overdue, past deadline": { concurrencyPolicy: A, schedule: everyHour, deadline: shortDead, ranPreviously: true, cronjobCreationTime: justAfterThePriorHour, lastScheduleTime: justAfterTheHour, jobCreationTime: justAfterThePriorHour, now: weekAfterTheHour + MIN + 1000 * (shortDead + 1), expectActive: 0, expectRequeueAfter: true, expectedRequeueDuration: HOUR - 1000 * (shortDead + 1) + nextScheduleDelta, expectUpdateStatus: true, jobPresentInCJActiveStatus: true },
  "do nothing if the namespace is terminating": { jobCreateError: { ok: false, code: 403, message: "namespace default is being terminated", namespaceTerminating: true }, concurrencyPolicy: A, schedule: onTheHour, ranPreviously: true, stillActive: true, jobCreationTime: justAfterThePriorHour, now: justAfterTheHour, expectActive: 0, expectErr: true, jobPresentInCJActiveStatus: false },
};

/** Runs sync the way the controller does, answering each call as the Go test's fakes do. */
function runSync(cj: CronJob, jobs: Job[], now: number, fakes: { job?: Job; getErr?: L.Answer; createErr?: L.Answer; liveCronJob?: CronJob }) {
  const answers = new Map<string, L.Answer>();
  const created: Job[] = [];
  const deleted: string[] = [];
  for (let i = 0; i < 10; i++) {
    const r = L.sync({ cronJob: cj, jobs, now, answers });
    if (r.kind === "done") return { r, created, deleted };
    for (const req of r.requests) {
      if (req.verb === "get" && req.resource === "cronjobs") answers.set(req.id, { ok: true, object: fakes.liveCronJob });
      else if (req.verb === "get") answers.set(req.id, fakes.getErr ?? { ok: true, object: fakes.job });
      else if (req.verb === "delete") {
        deleted.push(req.name);
        answers.set(req.id, { ok: true });
      } else if (fakes.createErr) answers.set(req.id, fakes.createErr);
      else {
        created.push(req.body);
        answers.set(req.id, { ok: true, object: { ...req.body, metadata: { ...req.body.metadata, uid: "test-uid" } } });
      }
    }
  }
  throw new Error("sync did not finish");
}

describe("syncCronJob (TestControllerV2SyncCronJob)", () => {
  it.each(Object.entries(syncRows))("%s", (_name, tc) => {
    const cj = cron(justBeforeTheHour, tc.schedule ?? "", {}, {
      concurrencyPolicy: tc.concurrencyPolicy ?? "", suspend: tc.suspend ?? false, ...(tc.timeZone ? { timeZone: tc.timeZone } : {}),
      ...(tc.deadline !== undefined ? { startingDeadlineSeconds: tc.deadline } : {}),
    });
    const realCJ: CronJob = JSON.parse(JSON.stringify(cj));
    const js: Job[] = [];
    let job: Job | undefined;
    if (tc.ranPreviously) {
      cj.metadata!.creationTimestamp = rfc3339(tc.cronjobCreationTime ?? justBeforeThePriorHour);
      cj.status = { lastScheduleTime: rfc3339(tc.lastScheduleTime ?? justAfterThePriorHour) };
      job = L.jobFromTemplate(cj, tc.jobCreationTime!);
      job.metadata = { ...job.metadata, uid: "1234", namespace: "snazzycats", creationTimestamp: rfc3339(tc.jobCreationTime!) };
      if (tc.stillActive) {
        const ref = L.jobRef(job);
        if (tc.jobPresentInCJActiveStatus) cj.status.active = [ref];
        realCJ.status = { active: [ref] };
        if (!tc.jobStillNotFoundInLister) js.push(job);
      } else {
        job.status = { completionTime: rfc3339(tc.jobCreationTime! + 10_000), conditions: [{ type: "Complete", status: "True" }] };
        if (!tc.jobStillNotFoundInLister) js.push(job);
      }
    } else {
      cj.metadata!.creationTimestamp = rfc3339(tc.cronjobCreationTime ?? justBeforeTheHour);
    }
    const { r, created, deleted } = runSync(cj, js, tc.now!, { job, getErr: tc.jobGetErr, createErr: tc.jobCreateError, liveCronJob: realCJ });
    if (r.kind !== "done") throw new Error("unreachable");
    if (tc.expectErr) expect(r.error).toBeDefined();
    if (tc.expectRequeueAfter) expect(r.requeueAfterMs).toBe(tc.expectedRequeueDuration);
    expect(r.status !== undefined).toBe(tc.expectUpdateStatus ?? false);
    if (tc.ranPreviously && !tc.stillActive) expect(r.status?.lastSuccessfulTime).toBe(rfc3339(tc.jobCreationTime! + 10_000));
    expect(created).toHaveLength(tc.expectCreate ? 1 : 0);
    for (const j of created) expect(j.metadata!.ownerReferences).toEqual([{ apiVersion: "batch/v1", kind: "CronJob", name: "mycronjob", uid: "1a2b3c", controller: true, blockOwnerDeletion: true }]);
    expect(deleted).toHaveLength(tc.expectDelete ? 1 : 0);
    let expectedEvents = (tc.expectCreate ? 1 : 0) + (tc.expectDelete ? 1 : 0) + (tc.expectedWarnings ?? 0);
    if (_name === "still active, is time, F") expectedEvents++; // JobAlreadyActive
    expect(r.events).toHaveLength(expectedEvents);
    expect(r.events.filter((e) => e.type === "Warning")).toHaveLength(tc.expectedWarnings ?? 0);
    // The Go test compares expectActive with cjc.Updates, which syncCronJob never fills: it is never
    // asserted there. Here it is, so the one row whose value cannot hold (a finished Job, none
    // started past the deadline: 1 active) reads 0.
    if (r.status !== undefined && tc.expectActive !== undefined) expect(r.status.active ?? []).toHaveLength(tc.expectActive);
  });
});

describe("spec.timeZone: the schedule is read in the CronJob's zone", () => {
  // docs (concepts/workloads/controllers/cron-jobs, "Time zones"): .spec.timeZone names the zone the
  // schedule is interpreted in; the controller parses "TZ=<zone> <schedule>" (formatSchedule in utils.go)
  it("a daily 06:00 in America/New_York fires at 10:00Z in May (EDT), not at 06:00Z", () => {
    const cj = cron(justBeforeTheHour, "0 6 * * *", {}, { timeZone: newYork });
    const { created } = runSync(cj, [], justAfterTheHour, { liveCronJob: JSON.parse(JSON.stringify(cj)) });
    expect(created.map((j) => j.metadata?.name)).toEqual([`mycronjob-${topOfTheHour / MIN}`]);
    expect(created[0]?.metadata?.annotations?.["batch.kubernetes.io/cronjob-scheduled-timestamp"]).toBe("2016-05-19T06:00:00-04:00");
  });
});

describe("the rest of cronjob_controllerv2_test.go", () => {
  const finished = (name: string, start: number): Job => ({
    metadata: { name, namespace: "foo-ns", uid: name, ownerReferences: [{ apiVersion: "batch/v1", kind: "CronJob", name: "fooer", uid: "", controller: true }] },
    status: { startTime: rfc3339(start), conditions: [{ type: "Complete", status: "True" }] },
  });
  const fooer = (limit: number): CronJob => ({
    metadata: { namespace: "foo-ns", name: "fooer", creationTimestamp: rfc3339(justBeforeThePriorHour) },
    spec: { schedule: onTheHour, successfulJobsHistoryLimit: limit, jobTemplate: { metadata: { labels: { key: "value" } } } },
    status: { lastScheduleTime: rfc3339(justAfterThePriorHour) },
  });

  it("TestControllerV2CleanupFinishedJobs: jobs are still deleted when a cronjob can't create jobs due to jobs quota being reached", () => {
    const jobs = [finished("finished-job-started-hour-ago", justBeforeThePriorHour), finished("finished-job-started-minute-ago", justBeforeTheHour)];
    const { deleted, r } = runSync(fooer(1), jobs, justAfterTheHour, { createErr: { ok: false, code: 500, message: "Internal error occurred: quota for # of jobs reached" } });
    expect(deleted).toEqual(["finished-job-started-hour-ago"]);
    expect(r.kind === "done" && r.error).toBeTruthy();
  });

  it("TestControllerV2CleanupFinishedJobs: jobs are not deleted if history limit not reached", () => {
    const { deleted } = runSync(fooer(2), [finished("finished-job-started-hour-ago", justBeforeThePriorHour)], justBeforeTheHour, {});
    expect(deleted).toEqual([]);
  });

  it("TestControllerV2GetJobsToBeReconciled: Jobs whose controller reference names the CronJob, in its namespace, whatever their labels", () => {
    const trueRef = (name: string) => [{ apiVersion: "batch/v1", kind: "CronJob", name, uid: "", controller: true }];
    const cj: CronJob = { metadata: { namespace: "foo-ns", name: "fooer" }, spec: { schedule: "", jobTemplate: { metadata: { labels: { key: "value" } } } } };
    const jobs: Job[] = [
      { metadata: { name: "foo", namespace: "foo-ns" } },
      { metadata: { name: "foo1", namespace: "foo-ns", ownerReferences: trueRef("fooer") } },
      { metadata: { name: "foo-fooer-owner-ref", namespace: "foo-ns", labels: { key: "different-value" }, ownerReferences: trueRef("fooer") } },
      { metadata: { name: "foo-other-owner-ref", namespace: "foo-ns", labels: { key: "different-value" }, ownerReferences: trueRef("another-cronjob") } },
      { metadata: { name: "foo2", namespace: "bar-ns", ownerReferences: trueRef("fooer") } },
    ];
    expect(L.jobsToBeReconciled(cj, jobs).map((j) => j.metadata!.name)).toEqual(["foo1", "foo-fooer-owner-ref"]);
  });

  it("TestControllerV2JobAlreadyExistsButNotInActiveStatus: an existing Job of ours missing from status.active is added back", () => {
    const cj = cron(justBeforeTheHour, everyHour, { lastScheduleTime: rfc3339(justBeforeThePriorHour), active: [] }, { concurrencyPolicy: "Forbid" });
    const job = { ...L.jobFromTemplate(cj, justAfterThePriorHour) };
    job.metadata = { ...job.metadata, uid: "1234", namespace: "snazzycats" };
    const { r, created } = runSync(cj, [], justBeforeTheHour, { job, createErr: alreadyExists });
    expect(created).toEqual([]);
    expect(r.kind === "done" && r.status?.active).toEqual([L.jobRef(job)]);
  });

  it("TestControllerV2JobAlreadyExistsButDifferentOwner: an existing Job that is not ours is left alone, with no status update", () => {
    const cj = cron(justBeforeTheHour, everyHour, { lastScheduleTime: rfc3339(justBeforeThePriorHour), active: [] }, { concurrencyPolicy: "Forbid" });
    const job = { ...L.jobFromTemplate(cj, justAfterThePriorHour) };
    job.metadata = { ...job.metadata, uid: "1234", namespace: "snazzycats", ownerReferences: [] };
    const { r } = runSync(cj, [], justBeforeTheHour, { job, createErr: alreadyExists });
    expect(r.kind === "done" && r.status).toBeUndefined();
  });

  it("a second before the hour is still before it (TestControllerV2UpdateCronJob's clock): the requeue for */1 is a second and 100 ms", () => {
    const cj = cron(justBeforeTheHour, "*/1 * * * *", { lastScheduleTime: rfc3339(justBeforeTheHour) });
    expect(L.nextScheduleTimeDuration(cj, justASecondBeforeTheHour, sched("*/1 * * * *"))).toBe(1000 + nextScheduleDelta);
    const every3 = cron(justBeforeTheHour, "@every 3m", { lastScheduleTime: rfc3339(justBeforeTheHour) });
    expect(L.nextScheduleTimeDuration(every3, justASecondBeforeTheHour, sched("@every 3m"))).toBe(2 * MIN + 1000 + nextScheduleDelta);
    // "spec.schedule with @every changed - cadence increase": @every 3m becomes @every 1m
    const every1 = cron(justBeforeTheHour, "@every 1m", { lastScheduleTime: rfc3339(justBeforeTheHour) });
    expect(L.nextScheduleTimeDuration(every1, justASecondBeforeTheHour, sched("@every 1m"))).toBe(1000 + nextScheduleDelta);
  });
});
