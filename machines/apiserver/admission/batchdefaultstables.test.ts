// pkg/apis/batch/v1/defaults_test.go (the stored copy at 054d429d, of the v1.2x line), row by row:
// TestSetDefaultJob and TestSetDefaultCronJob. The rows check the fields that copy checks (completions,
// parallelism, backoffLimit, completionMode, suspend, and whether the Job took its template's labels); the
// rules they state are v1.35's SetDefaults_Job and SetDefaults_CronJob unchanged. Every expectation is the Go row's.

import { describe, expect, it } from "vitest";
import { defaultCronJob, defaultJob } from "./batch.js";

type Obj = any;
const defaultLabels = { default: "default" };
const job = (spec: Obj, labels?: Record<string, string>): Obj =>
  ({ metadata: labels ? { labels } : {}, spec: { ...spec, template: { metadata: { labels: defaultLabels } } } });
interface Want { completions?: number; parallelism?: number; backoffLimit?: number; completionMode: string; suspend: boolean }

describe("TestSetDefaultJob", () => {
  const rows: Array<[string, Obj, Want, boolean]> = [
    ["All unspecified -> sets all to default values", job({}),
      { completions: 1, parallelism: 1, backoffLimit: 6, completionMode: "NonIndexed", suspend: false }, true],
    ["suspend set, everything else is defaulted", job({ suspend: true }),
      { completions: 1, parallelism: 1, backoffLimit: 6, completionMode: "NonIndexed", suspend: true }, true],
    ["All unspecified -> all pointers, CompletionMode are defaulted and no default labels", job({}, { mylabel: "myvalue" }),
      { completions: 1, parallelism: 1, backoffLimit: 6, completionMode: "NonIndexed", suspend: false }, false],
    ["WQ: Parallelism explicitly 0 and completions unset -> BackoffLimit is defaulted", job({ parallelism: 0 }),
      { parallelism: 0, backoffLimit: 6, completionMode: "NonIndexed", suspend: false }, true],
    ["WQ: Parallelism explicitly 2 and completions unset -> BackoffLimit is defaulted", job({ parallelism: 2 }),
      { parallelism: 2, backoffLimit: 6, completionMode: "NonIndexed", suspend: false }, true],
    ["Completions explicitly 2 and others unset -> parallelism and BackoffLimit are defaulted", job({ completions: 2 }),
      { completions: 2, parallelism: 1, backoffLimit: 6, completionMode: "NonIndexed", suspend: false }, true],
    ["BackoffLimit explicitly 5 and others unset -> parallelism and completions are defaulted", job({ backoffLimit: 5 }),
      { completions: 1, parallelism: 1, backoffLimit: 5, completionMode: "NonIndexed", suspend: false }, true],
    ["All set -> no change", job({ completions: 8, parallelism: 9, backoffLimit: 10, completionMode: "NonIndexed", suspend: true }),
      { completions: 8, parallelism: 9, backoffLimit: 10, completionMode: "NonIndexed", suspend: true }, true],
    ["All set, flipped -> no change", job({ completions: 11, parallelism: 10, backoffLimit: 9, completionMode: "Indexed", suspend: true }),
      { completions: 11, parallelism: 10, backoffLimit: 9, completionMode: "Indexed", suspend: true }, true],
  ];
  it.each(rows)("%s", (_name, original, want, expectLabels) => {
    defaultJob(original);
    const s = original.spec;
    expect({ completions: s.completions, parallelism: s.parallelism, backoffLimit: s.backoffLimit, completionMode: s.completionMode, suspend: s.suspend })
      .toEqual({ completions: want.completions, parallelism: want.parallelism, backoffLimit: want.backoffLimit, completionMode: want.completionMode, suspend: want.suspend });
    // reflect.DeepEqual(actual.Labels, actual.Spec.Template.Labels)
    expect(JSON.stringify(original.metadata.labels) === JSON.stringify(s.template.metadata.labels)).toBe(expectLabels);
  });
});

describe("TestSetDefaultCronJob", () => {
  const rows: Array<[string, Obj, Obj]> = [
    ["empty batchv1.CronJob should default batchv1.ConcurrencyPolicy and Suspend", {},
      { concurrencyPolicy: "Allow", suspend: false, successfulJobsHistoryLimit: 3, failedJobsHistoryLimit: 1 }],
    ["set fields should not be defaulted", { spec: { concurrencyPolicy: "Forbid", suspend: true, successfulJobsHistoryLimit: 5, failedJobsHistoryLimit: 5 } },
      { concurrencyPolicy: "Forbid", suspend: true, successfulJobsHistoryLimit: 5, failedJobsHistoryLimit: 5 }],
  ];
  it.each(rows)("%s", (_name, original, want) => {
    defaultCronJob(original);
    const { concurrencyPolicy, suspend, successfulJobsHistoryLimit, failedJobsHistoryLimit } = original.spec;
    expect({ concurrencyPolicy, suspend, successfulJobsHistoryLimit, failedJobsHistoryLimit }).toEqual(want);
  });
});
