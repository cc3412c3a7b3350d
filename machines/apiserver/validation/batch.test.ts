// batch/v1 Job defaulting, selector generation and validation: expectations from
// pkg/apis/batch/v1/defaults.go, pkg/registry/batch/job/strategy.go and
// pkg/apis/batch/validation/validation.go (Kubernetes 1.35).

import { describe, expect, it } from "vitest";
import { mutate } from "../admission/index.js";
import { fieldErrorMessage, type FieldError } from "../status.js";
import { validateCreate, validateUpdate } from "./index.js";

const now = "2026-01-01T00:00:00Z";
const uid = "0b7a6c1e-3f2d-4c5b-9a8e-1d2c3b4a5f60";
const messages = (errs: FieldError[]) => errs.map(fieldErrorMessage);

// The docs' controllers/job.yaml, as the API server receives it (the uid is set before admission).
function pi(edit: (spec: any) => void = () => {}): any {
  const job: any = {
    apiVersion: "batch/v1", kind: "Job", metadata: { name: "pi", namespace: "default", uid },
    spec: { template: { spec: { containers: [{ name: "pi", image: "perl:5.34.0", command: ["perl", "-Mbignum=bpi", "-wle", "print bpi(2000)"] }], restartPolicy: "Never" } }, backoffLimit: 4 },
  };
  edit(job.spec);
  return mutate(job, { now, operation: "CREATE" });
}

describe("a created Job's defaults and generated selector", () => {
  it("gets completions and parallelism 1, NonIndexed, not suspended, TerminatingOrFailed, manualSelector false; backoffLimit kept", () => {
    const s = pi().spec;
    expect([s.completions, s.parallelism, s.backoffLimit, s.completionMode, s.suspend, s.podReplacementPolicy, s.manualSelector]).toEqual([1, 1, 4, "NonIndexed", false, "TerminatingOrFailed", false]);
  });
  it("defaults backoffLimit to 6, and parallelism alone to 1 when completions is set", () => {
    const s = pi((spec) => {
      delete spec.backoffLimit;
      spec.completions = 5;
    }).spec;
    expect([s.backoffLimit, s.completions, s.parallelism]).toEqual([6, 5, 1]);
  });
  it("selects batch.kubernetes.io/controller-uid and labels the template with both spellings of job-name and controller-uid", () => {
    const j = pi();
    expect(j.spec.selector).toEqual({ matchLabels: { "batch.kubernetes.io/controller-uid": uid } });
    expect(j.spec.template.metadata.labels).toEqual({ "job-name": "pi", "batch.kubernetes.io/job-name": "pi", "controller-uid": uid, "batch.kubernetes.io/controller-uid": uid });
    expect(j.metadata.labels).toEqual(j.spec.template.metadata.labels);
    expect([j.metadata.generation, j.status]).toEqual([1, {}]);
  });
  it("keeps the Job's own labels when it has some", () => {
    const j = mutate({ ...pi(), metadata: { name: "pi", namespace: "default", uid, labels: { team: "a" } } }, { now, operation: "CREATE" });
    expect(j.metadata.labels).toEqual({ team: "a" });
  });
  it("is valid", () => {
    expect(validateCreate(pi())).toEqual([]);
  });
});

describe("Job validation", () => {
  const cases: [string, (s: any) => void, string[]][] = [
    ["a template without restartPolicy (defaulted to Always) is refused with the valid values", (s) => delete s.template.spec.restartPolicy, ['spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"']],
    ["restartPolicy Always is refused the same way", (s) => (s.template.spec.restartPolicy = "Always"), ['spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"']],
    ["OnFailure is accepted", (s) => (s.template.spec.restartPolicy = "OnFailure"), []],
    ["negative parallelism is invalid", (s) => (s.parallelism = -1), ["spec.parallelism: Invalid value: -1: must be greater than or equal to 0"]],
    ["negative completions are invalid", (s) => (s.completions = -2), ["spec.completions: Invalid value: -2: must be greater than or equal to 0"]],
    ["a negative backoffLimit is invalid", (s) => (s.backoffLimit = -1), ["spec.backoffLimit: Invalid value: -1: must be greater than or equal to 0"]],
    ["an unknown completionMode is unsupported", (s) => (s.completionMode = "Sometimes"), ['spec.completionMode: Unsupported value: "Sometimes": supported values: "NonIndexed", "Indexed"']],
    ["backoffLimitPerIndex needs Indexed", (s) => (s.backoffLimitPerIndex = 1), ["spec.backoffLimitPerIndex: Invalid value: 1: requires indexed completion mode"]],
  ];
  for (const [name, edit, want] of cases) {
    it(name, () => expect(messages(validateCreate(pi(edit)))).toEqual(want));
  }
  it("podFailurePolicy rules: a known action, exactly one of onExitCodes and onPodConditions, ordered non-zero codes for In, a template container", () => {
    const j = pi((s) => {
      s.podFailurePolicy = { rules: [
        { action: "FailJob", onExitCodes: { containerName: "pi", operator: "In", values: [42] } },
        { action: "Explode", onPodConditions: [{ type: "DisruptionTarget" }] },
        { action: "Ignore" },
        { action: "Count", onExitCodes: { containerName: "nope", operator: "In", values: [3, 0, 3] } },
        { action: "FailIndex", onExitCodes: { operator: "NotIn", values: [1] } },
      ] };
    });
    expect(messages(validateCreate(j))).toEqual([
      'spec.podFailurePolicy.rules[1].action: Unsupported value: "Explode": supported values: "Count", "FailIndex", "FailJob", "Ignore"',
      "spec.podFailurePolicy.rules[2]: Invalid value: specifying one of OnExitCodes and OnPodConditions is required",
      'spec.podFailurePolicy.rules[3].onExitCodes.containerName: Invalid value: "nope": must be one of the container or initContainer names in the pod template',
      "spec.podFailurePolicy.rules[3].onExitCodes.values[1]: Invalid value: 0: must not be 0 for the In operator",
      "spec.podFailurePolicy.rules[3].onExitCodes.values[2]: Duplicate value: 3",
      "spec.podFailurePolicy.rules[3].onExitCodes.values: Invalid value: [3,0,3]: must be ordered",
      'spec.podFailurePolicy.rules[4].action: Invalid value: "FailIndex": requires the backoffLimitPerIndex to be set',
    ]);
    // the defaults: onPodConditions status True, podReplacementPolicy Failed
    expect(j.spec.podFailurePolicy.rules[1].onPodConditions[0].status).toBe("True");
    expect(j.spec.podReplacementPolicy).toBe("Failed");
  });
  it("podFailurePolicy needs restartPolicy Never", () => {
    const j = pi((s) => {
      s.template.spec.restartPolicy = "OnFailure";
      s.podFailurePolicy = { rules: [{ action: "Ignore", onPodConditions: [{ type: "DisruptionTarget" }] }] };
    });
    expect(messages(validateCreate(j))).toEqual(['spec.template.spec.restartPolicy: Invalid value: "OnFailure": only "Never" is supported when podFailurePolicy is specified']);
  });
  it("an Indexed Job needs completions", () => {
    const j = mutate({ apiVersion: "batch/v1", kind: "Job", metadata: { name: "ix", namespace: "default", uid }, spec: { completionMode: "Indexed", parallelism: 2, template: { spec: { restartPolicy: "Never", containers: [{ name: "c", image: "busybox" }] } } } }, { now, operation: "CREATE" });
    expect(messages(validateCreate(j))).toEqual(["spec.completions: Required value: when completion mode is Indexed"]);
  });
  it("a manual selector that does not match the template labels is refused", () => {
    const j = pi((s) => {
      s.manualSelector = true;
      s.selector = { matchLabels: { app: "x" } };
      s.template.metadata = { labels: { app: "y" } };
    });
    expect(messages(validateCreate(j))).toEqual(['spec.template.metadata.labels: Invalid value: {"app":"y"}: `selector` does not match template `labels`']);
  });
  it("a user's job-name label that differs from the Job's name is refused, and so is the selector", () => {
    const j = pi((s) => (s.template.metadata = { labels: { "job-name": "other" } }));
    expect(messages(validateCreate(j))).toEqual([
      `spec.template.metadata.labels[job-name]: Invalid value: {"batch.kubernetes.io/controller-uid":"${uid}","batch.kubernetes.io/job-name":"pi","controller-uid":"${uid}","job-name":"other"}: must be 'pi'`,
    ]);
  });
});

describe("Job updates", () => {
  const stored = () => ({ ...pi(), metadata: { ...pi().metadata, resourceVersion: "5" } });
  it("may change parallelism", () => {
    const old = stored();
    const next = structuredClone(old);
    next.spec.parallelism = 3;
    expect(validateUpdate(next, old)).toEqual([]);
  });
  it("may not change completions of a NonIndexed Job, its selector or its template", () => {
    const old = stored();
    const next = structuredClone(old);
    next.spec.completions = 3;
    next.spec.template.spec.containers[0].image = "perl:5.36";
    expect(messages(validateUpdate(next, old)).map((m) => m.replace(/Invalid value: .*: field/, "Invalid value: …: field"))).toEqual([
      "spec.completions: Invalid value: …: field is immutable",
      "spec.template: Invalid value: …: field is immutable",
    ]);
  });
  it("may send the template with its keys in another order (kubectl apply's patch does): no change, no error", () => {
    const old = stored();
    const next = structuredClone(old);
    const { spec, metadata } = next.spec.template;
    next.spec.template = { metadata, spec: Object.fromEntries(Object.entries(spec).reverse()) };
    expect(validateUpdate(next, old)).toEqual([]);
  });
  // validateCompletions (ElasticIndexedJob): an Indexed Job's completions may change only with parallelism set to the same value
  it("an Indexed Job may change completions in tandem with parallelism, and not alone", () => {
    const old = { ...pi((s) => Object.assign(s, { completionMode: "Indexed", completions: 3, parallelism: 3 })), metadata: { ...pi().metadata, resourceVersion: "5" } };
    const both = structuredClone(old);
    both.spec.completions = 5;
    both.spec.parallelism = 5;
    expect(validateUpdate(both, old)).toEqual([]);
    const alone = structuredClone(old);
    alone.spec.completions = 5;
    expect(messages(validateUpdate(alone, old))).toEqual(["spec.completions: Invalid value: 5: can only be modified in tandem with spec.parallelism"]);
  });
  it("may not change completionMode", () => {
    const old = stored();
    const next = structuredClone(old);
    next.spec.completionMode = "Indexed";
    expect(messages(validateUpdate(next, old))).toContain('spec.completionMode: Invalid value: "Indexed": field is immutable');
  });
});
