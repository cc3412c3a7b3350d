// TestValidateJobUpdate (pkg/apis/batch/validation/validation_test.go, the stored v1.3x copy), every row.
// podflow's validateJobUpdate is the Job strategy's ValidateUpdate: ValidateJob then ValidateJobUpdate. The Go
// rows call ValidateJobUpdate alone on a Job named "abc" without a uid, which ValidateJob would refuse (its
// generated-selector labels name "myjob", uid 1a2b3c); here the Job is "myjob" with that uid, so ValidateJob
// adds nothing and the causes are the Go row's. The options are the strategy's, as v1.35 sets them:
// AllowElasticIndexedJobs always (GA), AllowMutableSchedulingDirectives when the old Job is suspended and has
// not started (validationOptionsForJob), so those rows' old Job is suspended. The template is podtest.MakePod's
// (restartPolicy OnFailure, containers abc and init container def), written out.
import { describe, expect, it } from "vitest";
import type { FieldError } from "../status.js";
import { validateJobUpdate } from "./batch.js";

const selector = { matchLabels: { "batch.kubernetes.io/controller-uid": "1a2b3c", "controller-uid": "1a2b3c", "batch.kubernetes.io/job-name": "myjob", "job-name": "myjob" } };
const container = (name: string) => ({ name, image: "image", imagePullPolicy: "IfNotPresent", terminationMessagePolicy: "File" });
const template = (restartPolicy = "OnFailure", labels: Record<string, string> = selector.matchLabels, spec: object = {}) => ({
  metadata: { labels: { ...labels } },
  spec: { restartPolicy, dnsPolicy: "ClusterFirst", terminationGracePeriodSeconds: 30, containers: [container("abc")], initContainers: [container("def")], ...spec },
});
const never = () => template("Never");
const nodeAffinity = (values: string[]) => ({ nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: "foo", operator: "In", values }] }] } } });
const tolerations = [{ key: "foo", operator: "Equal", value: "bar", effect: "PreferNoSchedule" }];
const disruption = { action: "Ignore", onPodConditions: [{ type: "DisruptionTarget", status: "True" }] };
const indexed = (extra: object) => ({ completionMode: "Indexed", ...extra });

type Row = { old: Record<string, unknown>; update: (j: any) => void; mutable?: boolean; err?: [string, string]; strategy?: [string, string] };
const invalid = (f: string): [string, string] => [f, "FieldValueInvalid"];
const rows: Record<string, Row> = {
  "mutable fields": { old: { template: template(), parallelism: 5, activeDeadlineSeconds: 2, ttlSecondsAfterFinished: 1 },
    update: (j) => Object.assign(j.spec, { parallelism: 2, activeDeadlineSeconds: 3, ttlSecondsAfterFinished: 2, manualSelector: true }) },
  "invalid attempt to set managedBy field": { old: { template: template() }, update: (j) => { j.spec.managedBy = "example.com/custom-controller"; }, err: invalid("spec.managedBy") },
  "invalid update of the managedBy field": { old: { template: template(), managedBy: "example.com/custom-controller1" }, update: (j) => { j.spec.managedBy = "example.com/custom-controller2"; }, err: invalid("spec.managedBy") },
  "immutable completions for non-indexed jobs": { old: { template: template() }, update: (j) => { j.spec.completions = 1; }, err: invalid("spec.completions") },
  "immutable completions for indexed job when AllowElasticIndexedJobs is false": { old: { template: template() }, update: (j) => { j.spec.completions = 1; }, err: invalid("spec.completions") },
  "immutable selector": { old: { template: template("OnFailure", { ...selector.matchLabels, foo: "bar" }) },
    update: (j) => { j.spec.selector = { matchLabels: { ...selector.matchLabels, foo: "bar" } }; }, err: invalid("spec.selector"),
    // the strategy's ValidateJob adds validateGeneratedSelector's "`selector` not auto-generated" (the selector
    // asks for foo=bar beside the generated labels), which the Go row, calling ValidateJobUpdate alone, does not see
    strategy: invalid("spec.selector") },
  "add success policy": { old: indexed({ completions: 5, template: never() }), update: (j) => { j.spec.successPolicy = { rules: [{ succeededCount: 2 }] }; }, err: invalid("spec.successPolicy") },
  "update success policy": { old: indexed({ completions: 5, template: never(), successPolicy: { rules: [{ succeededIndexes: "1-3" }] } }),
    update: (j) => { j.spec.successPolicy.rules = [...j.spec.successPolicy.rules, { succeededCount: 3 }]; }, err: invalid("spec.successPolicy") },
  "remove success policy": { old: indexed({ completions: 5, template: never(), successPolicy: { rules: [{ succeededIndexes: "1-3" }] } }),
    update: (j) => { delete j.spec.successPolicy; }, err: invalid("spec.successPolicy") },
  "add pod failure policy": { old: { template: never() }, update: (j) => { j.spec.podFailurePolicy = { rules: [disruption] }; }, err: invalid("spec.podFailurePolicy") },
  "update pod failure policy": { old: { template: never(), podFailurePolicy: { rules: [disruption] } },
    update: (j) => { j.spec.podFailurePolicy.rules = [...j.spec.podFailurePolicy.rules, { action: "Count", onPodConditions: [{ type: "DisruptionTarget", status: "True" }] }]; }, err: invalid("spec.podFailurePolicy") },
  "remove pod failure policy": { old: { template: never(), podFailurePolicy: { rules: [disruption] } }, update: (j) => { delete j.spec.podFailurePolicy; }, err: invalid("spec.podFailurePolicy") },
  "set backoff limit per index": { old: indexed({ template: never(), completions: 3 }), update: (j) => { j.spec.backoffLimitPerIndex = 1; }, err: invalid("spec.backoffLimitPerIndex") },
  "unset backoff limit per index": { old: indexed({ template: never(), completions: 3, backoffLimitPerIndex: 1 }), update: (j) => { delete j.spec.backoffLimitPerIndex; }, err: invalid("spec.backoffLimitPerIndex") },
  "update backoff limit per index": { old: indexed({ template: never(), completions: 3, backoffLimitPerIndex: 1 }), update: (j) => { j.spec.backoffLimitPerIndex = 2; }, err: invalid("spec.backoffLimitPerIndex") },
  "set max failed indexes": { old: indexed({ template: never(), completions: 3, backoffLimitPerIndex: 1 }), update: (j) => { j.spec.maxFailedIndexes = 1; } },
  "unset max failed indexes": { old: indexed({ template: never(), completions: 3, backoffLimitPerIndex: 1, maxFailedIndexes: 1 }), update: (j) => { delete j.spec.maxFailedIndexes; } },
  "update max failed indexes": { old: indexed({ template: never(), completions: 3, backoffLimitPerIndex: 1, maxFailedIndexes: 1 }), update: (j) => { j.spec.maxFailedIndexes = 2; } },
  "immutable pod template": { old: indexed({ template: template(), completions: 3 }), update: (j) => { j.spec.template.spec.dnsPolicy = "ClusterFirstWithHostNet"; }, err: invalid("spec.template") },
  "immutable completion mode": { old: indexed({ template: template(), completions: 2 }), update: (j) => { j.spec.completionMode = "NonIndexed"; }, err: invalid("spec.completionMode") },
  "immutable completions for non-indexed job when AllowElasticIndexedJobs is true": { old: { template: template(), completionMode: "NonIndexed", completions: 2 },
    update: (j) => { j.spec.completions = 4; }, err: invalid("spec.completions") },
  "immutable node affinity": { old: { template: template() }, update: (j) => { j.spec.template.spec.affinity = nodeAffinity(["bar", "value2"]); }, err: invalid("spec.template") },
  "add node affinity": { old: { template: template() }, update: (j) => { j.spec.template.spec.affinity = nodeAffinity(["bar", "value2"]); }, mutable: true },
  "update node affinity": { old: { template: template("OnFailure", selector.matchLabels, { affinity: nodeAffinity(["bar", "value"]) }) },
    update: (j) => { j.spec.template.spec.affinity = nodeAffinity(["bar", "value2"]); }, mutable: true },
  "remove node affinity": { old: { template: template("OnFailure", selector.matchLabels, { affinity: nodeAffinity(["bar", "value"]) }) },
    update: (j) => { delete j.spec.template.spec.affinity.nodeAffinity; }, mutable: true },
  "remove affinity": { old: { template: template("OnFailure", selector.matchLabels, { affinity: nodeAffinity(["bar", "value"]) }) },
    update: (j) => { delete j.spec.template.spec.affinity; }, mutable: true },
  "immutable tolerations": { old: { template: template() }, update: (j) => { j.spec.template.spec.tolerations = tolerations; }, err: invalid("spec.template") },
  "mutable tolerations": { old: { template: template() }, update: (j) => { j.spec.template.spec.tolerations = tolerations; }, mutable: true },
  "immutable node selector": { old: { template: template() }, update: (j) => { j.spec.template.spec.nodeSelector = { foo: "bar" }; }, err: invalid("spec.template") },
  "mutable node selector": { old: { template: template() }, update: (j) => { j.spec.template.spec.nodeSelector = { foo: "bar" }; }, mutable: true },
  "immutable annotations": { old: { template: template() }, update: (j) => { j.spec.template.metadata.annotations = { foo: "baz" }; }, err: invalid("spec.template") },
  "mutable annotations": { old: { template: template() }, update: (j) => { j.spec.template.metadata.annotations = { foo: "baz" }; }, mutable: true },
  "immutable labels": { old: { template: template() }, update: (j) => { j.spec.template.metadata.labels = { ...selector.matchLabels, bar: "baz" }; }, err: invalid("spec.template") },
  "mutable labels": { old: { template: template() }, update: (j) => { j.spec.template.metadata.labels = { ...selector.matchLabels, bar: "baz" }; }, mutable: true },
  "immutable schedulingGates": { old: { template: template() }, update: (j) => { j.spec.template.spec.schedulingGates = [{ name: "gate" }]; }, err: invalid("spec.template") },
  "mutable schedulingGates": { old: { template: template() }, update: (j) => { j.spec.template.spec.schedulingGates = [{ name: "gate" }]; }, mutable: true },
  "update completions and parallelism to same value is valid": { old: indexed({ template: template(), completions: 1, parallelism: 1 }), update: (j) => Object.assign(j.spec, { completions: 2, parallelism: 2 }) },
  "previous parallelism != previous completions, new parallelism == new completions": { old: indexed({ template: template(), completions: 1, parallelism: 2 }), update: (j) => Object.assign(j.spec, { completions: 3, parallelism: 3 }) },
  "indexed job updating completions and parallelism to different values is invalid": { old: indexed({ template: template(), completions: 1, parallelism: 1 }),
    update: (j) => Object.assign(j.spec, { completions: 2, parallelism: 3 }), err: invalid("spec.completions") },
  "indexed job with completions set updated to nil does not panic": { old: indexed({ template: template(), completions: 1, parallelism: 1 }),
    update: (j) => { delete j.spec.completions; j.spec.parallelism = 3; }, err: ["spec.completions", "FieldValueRequired"] },
  "indexed job with completions unchanged, parallelism reduced to less than completions": { old: indexed({ template: template(), completions: 2, parallelism: 2 }), update: (j) => Object.assign(j.spec, { completions: 2, parallelism: 1 }) },
  "indexed job with completions unchanged, parallelism increased higher than completions": { old: indexed({ template: template(), completions: 2, parallelism: 2 }), update: (j) => Object.assign(j.spec, { completions: 2, parallelism: 3 }) },
};

const causes = (errs: FieldError[]) => errs.map((e) => [e.field, e.type]);
describe("TestValidateJobUpdate", () => {
  it.each(Object.entries(rows))("%s", (_name, row) => {
    const old: any = {
      apiVersion: "batch/v1", kind: "Job", metadata: { name: "myjob", namespace: "default", uid: "1a2b3c", resourceVersion: "1" },
      spec: { selector: structuredClone(selector), ...structuredClone(row.old), ...(row.mutable ? { suspend: true } : {}) },
    };
    const next = structuredClone(old);
    row.update(next);
    expect(causes(validateJobUpdate(next, old))).toEqual([...(row.strategy ? [row.strategy] : []), ...(row.err ? [row.err] : [])]);
  });
});
