// batch/v1 CronJob defaulting and validation: expectations from pkg/apis/batch/v1/defaults.go
// (SetDefaults_CronJob), pkg/registry/batch/cronjob/strategy.go and
// pkg/apis/batch/validation/validation.go (ValidateCronJobCreate/Update, validateScheduleFormat,
// validateTimeZone, ValidateJobTemplateSpec), Kubernetes 1.35, whose schedule errors are
// robfig/cron's.

import { describe, expect, it } from "vitest";
import { mutate } from "../admission/index.js";
import { fieldErrorMessage, type FieldError } from "../status.js";
import { validateCreate, validateUpdate } from "./index.js";

const now = "2026-01-01T00:00:00Z";
const messages = (errs: FieldError[]) => errs.map(fieldErrorMessage);

// The docs' application/job/cronjob.yaml.
function hello(edit: (cj: any) => void = () => {}): any {
  const cj: any = {
    apiVersion: "batch/v1", kind: "CronJob", metadata: { name: "hello", namespace: "default", uid: "u1" },
    spec: {
      schedule: "* * * * *",
      jobTemplate: { spec: { template: { spec: { containers: [{ name: "hello", image: "busybox:1.28", imagePullPolicy: "IfNotPresent", command: ["/bin/sh", "-c", "date; echo Hello from the Kubernetes cluster"] }], restartPolicy: "OnFailure" } } } },
    },
  };
  edit(cj);
  return mutate(cj, { now, operation: "CREATE" });
}

describe("a created CronJob's defaults", () => {
  it("concurrencyPolicy Allow, suspend false, history limits 3 and 1, generation 1, empty status", () => {
    const cj = hello();
    expect([cj.spec.concurrencyPolicy, cj.spec.suspend, cj.spec.successfulJobsHistoryLimit, cj.spec.failedJobsHistoryLimit]).toEqual(["Allow", false, 3, 1]);
    expect(cj.metadata.generation).toBe(1);
    expect(cj.status).toEqual({});
  });
  it("the job template's pod template gets the pod defaults, but its Job spec keeps parallelism, completions and backoffLimit unset", () => {
    const spec = hello().spec.jobTemplate.spec;
    expect(spec.template.spec.dnsPolicy).toBe("ClusterFirst");
    expect(spec.template.spec.containers[0].terminationMessagePolicy).toBe("File");
    expect([spec.parallelism, spec.completions, spec.backoffLimit, spec.selector]).toEqual([undefined, undefined, undefined, undefined]);
  });
  it("keeps what the manifest says", () => {
    const cj = hello((c) => Object.assign(c.spec, { concurrencyPolicy: "Forbid", suspend: true, successfulJobsHistoryLimit: 0, failedJobsHistoryLimit: 5 }));
    expect([cj.spec.concurrencyPolicy, cj.spec.suspend, cj.spec.successfulJobsHistoryLimit, cj.spec.failedJobsHistoryLimit]).toEqual(["Forbid", true, 0, 5]);
  });
  it("a spec change bumps the generation; a write to the main resource keeps the stored status", () => {
    const old = { ...hello(), status: { lastScheduleTime: "2026-01-01T00:01:00Z" } };
    const next = mutate({ ...old, spec: { ...old.spec, suspend: true }, status: {} }, { now, operation: "UPDATE", old });
    expect(next.metadata.generation).toBe(2);
    expect(next.status).toEqual({ lastScheduleTime: "2026-01-01T00:01:00Z" });
  });
});

describe("ValidateCronJobCreate", () => {
  it("accepts the docs' hello CronJob and the descriptors", () => {
    expect(validateCreate(hello())).toEqual([]);
    for (const s of ["@hourly", "@every 1h30m", "*/5 * * * *", "0 0 13 * 5", "30 6-16/4 * * 1-5", "0 12 * Jan-Mar Mon-Fri"]) expect(validateCreate(hello((c) => (c.spec.schedule = s))), s).toEqual([]);
  });
  it("a schedule robfig cannot parse is Invalid with robfig's error", () => {
    expect(messages(validateCreate(hello((c) => (c.spec.schedule = "obvious error schedule"))))).toEqual([
      'spec.schedule: Invalid value: "obvious error schedule": expected exactly 5 fields, found 3: [obvious error schedule]',
    ]);
    expect(messages(validateCreate(hello((c) => (c.spec.schedule = "0 0 * * 7"))))).toEqual(['spec.schedule: Invalid value: "0 0 * * 7": end of range (7) above maximum (6): 7']);
    expect(messages(validateCreate(hello((c) => (c.spec.schedule = "")))).at(0)).toBe("spec.schedule: Required value");
  });
  it("TZ or CRON_TZ in a new schedule is refused; timeZone is the field for it", () => {
    expect(messages(validateCreate(hello((c) => (c.spec.schedule = "TZ=UTC 0 * * * *"))))).toEqual([
      'spec.schedule: Invalid value: "TZ=UTC 0 * * * *": cannot use TZ or CRON_TZ in schedule, use timeZone field instead',
    ]);
  });
  it("timeZone: an IANA name, not empty, not Local, not a name LoadLocation cannot find", () => {
    expect(validateCreate(hello((c) => (c.spec.timeZone = "America/New_York")))).toEqual([]);
    const tz = (z: string) => messages(validateCreate(hello((c) => (c.spec.timeZone = z))));
    expect(tz("")).toEqual(['spec.timeZone: Invalid value: "": timeZone must be nil or non-empty string']);
    expect(tz("bad timezone")).toEqual(['spec.timeZone: Invalid value: "bad timezone": unknown time zone bad timezone']);
    expect(tz("Local")).toEqual(['spec.timeZone: Invalid value: "Local": timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones']);
    expect(tz("Mars/Olympus")).toEqual(['spec.timeZone: Invalid value: "Mars/Olympus": unknown time zone Mars/Olympus']);
  });
  it("concurrencyPolicy must be Allow, Forbid or Replace; deadlines and limits not negative", () => {
    const errs = messages(validateCreate(hello((c) => Object.assign(c.spec, { concurrencyPolicy: "Sometimes", startingDeadlineSeconds: -1, successfulJobsHistoryLimit: -1, failedJobsHistoryLimit: -2 }))));
    expect(errs).toEqual([
      "spec.startingDeadlineSeconds: Invalid value: -1: must be greater than or equal to 0",
      'spec.concurrencyPolicy: Unsupported value: "Sometimes": supported values: "Allow", "Forbid", "Replace"',
      "spec.successfulJobsHistoryLimit: Invalid value: -1: must be greater than or equal to 0",
      "spec.failedJobsHistoryLimit: Invalid value: -2: must be greater than or equal to 0",
    ]);
  });
  it("the job template: a Job spec whose selector is generated, restartPolicy OnFailure or Never", () => {
    expect(messages(validateCreate(hello((c) => (c.spec.jobTemplate.spec.manualSelector = true))))).toEqual([
      'spec.jobTemplate.spec.manualSelector: Unsupported value: true: supported values: "nil", "false"',
    ]);
    expect(messages(validateCreate(hello((c) => (c.spec.jobTemplate.spec.template.spec.restartPolicy = "Always"))))).toEqual([
      'spec.jobTemplate.spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"',
    ]);
  });
  it("a name longer than 52 characters is refused on create, as its Jobs' names would pass 63", () => {
    const long = "a".repeat(53);
    expect(messages(validateCreate(hello((c) => (c.metadata.name = long))))).toEqual([`metadata.name: Invalid value: "${long}": must be no more than 52 characters`]);
    expect(validateCreate(hello((c) => (c.metadata.name = "a".repeat(52))))).toEqual([]);
  });
});

describe("ValidateCronJobUpdate", () => {
  it("skips the name length, and a schedule that already had TZ may keep it but not with timeZone", () => {
    const long = hello((c) => (c.metadata.name = "a".repeat(60)));
    expect(validateUpdate({ ...long, spec: { ...long.spec, suspend: true } }, long)).toEqual([]);
    const old = { ...hello(), spec: { ...hello().spec, schedule: "TZ=UTC 0 * * * *" } };
    expect(validateUpdate({ ...old, spec: { ...old.spec, schedule: "TZ=UTC 5 * * * *" } }, old)).toEqual([]);
    expect(messages(validateUpdate({ ...old, spec: { ...old.spec, timeZone: "UTC" } }, old))).toEqual([
      'spec.schedule: Invalid value: "TZ=UTC 0 * * * *": cannot use both timeZone field and TZ or CRON_TZ in schedule',
    ]);
  });
});
