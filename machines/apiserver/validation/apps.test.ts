import { describe, it, expect } from "vitest";
import { mutate } from "../admission/index.js";
import { fieldErrorMessage, type FieldError } from "../status.js";
import { validateCreate, validateUpdate } from "./index.js";

const now = "2026-01-01T00:00:00Z";
const messages = (errs: FieldError[]) => errs.map(fieldErrorMessage);
function deployment(kind = "Deployment"): any {
  return mutate({
    apiVersion: "apps/v1", kind, metadata: { name: "web", namespace: "default" },
    spec: { selector: { matchLabels: { app: "web" } }, template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "c", image: "nginx" }] } } },
  }, { now, operation: "CREATE" });
}

describe("a defaulted Deployment and ReplicaSet", () => {
  it("are valid", () => {
    expect(validateCreate(deployment())).toEqual([]);
    expect(validateCreate(deployment("ReplicaSet"))).toEqual([]);
  });
});

describe("Deployment spec", () => {
  const cases: [string, (s: any) => void, string[]][] = [
    ["a selector that does not match the template labels is rejected", (s) => (s.selector.matchLabels = { app: "other" }), ['spec.template.metadata.labels: Invalid value: {"app":"web"}: `selector` does not match template `labels`']],
    ["a missing selector is required and matches nothing", (s) => delete s.selector, ["spec.selector: Required value", 'spec.template.metadata.labels: Invalid value: {"app":"web"}: `selector` does not match template `labels`']],
    ["an empty selector is invalid", (s) => (s.selector = {}), ["spec.selector: Invalid value: {}: empty selector is invalid for deployment"]],
    ["negative replicas are invalid", (s) => (s.replicas = -1), ["spec.replicas: Invalid value: -1: must be greater than or equal to 0"]],
    ["a template restartPolicy other than Always is unsupported", (s) => (s.template.spec.restartPolicy = "OnFailure"), ['spec.template.spec.restartPolicy: Unsupported value: "OnFailure": supported values: "Always"']],
    ["template label errors sit on spec.template.labels", (s) => {
      s.template.metadata.labels = { app: "web", bad: "-x" };
    }, ["FieldValueInvalid spec.template.labels"]],
    ["a progress deadline not above minReadySeconds is invalid", (s) => {
      s.minReadySeconds = 600;
    }, ["spec.progressDeadlineSeconds: Invalid value: 600: must be greater than minReadySeconds"]],
  ];
  for (const [name, edit, want] of cases) {
    it(name, () => {
      const d = deployment();
      edit(d.spec);
      const errs = validateCreate(d);
      expect(want[0]!.startsWith("FieldValue") ? errs.map((e) => `${e.type} ${e.field}`) : messages(errs)).toEqual(want);
    });
  }
});

// Ported in meaning from TestValidateDeployment's strategy cases; values print as apimachinery v0.35's field.Error does (json.Marshal).
describe("Deployment strategy", () => {
  const ru = "spec.strategy.rollingUpdate";
  const cases: [string, any, string[]][] = [
    ["Recreate without rollingUpdate is valid", { type: "Recreate" }, []],
    ["Recreate with rollingUpdate is forbidden", { type: "Recreate", rollingUpdate: { maxSurge: 1 } }, ["spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'"]],
    ["both maxSurge and maxUnavailable zero is invalid", { type: "RollingUpdate", rollingUpdate: { maxSurge: 0, maxUnavailable: 0 } }, [`${ru}.maxUnavailable: Invalid value: 0: may not be 0 when \`maxSurge\` is 0`]],
    ["zero percent counts as zero", { type: "RollingUpdate", rollingUpdate: { maxSurge: "0%", maxUnavailable: 0 } }, [`${ru}.maxUnavailable: Invalid value: 0: may not be 0 when \`maxSurge\` is 0`]],
    ["a percentage without digits is invalid", { type: "RollingUpdate", rollingUpdate: { maxSurge: "20Percent", maxUnavailable: 1 } }, [`${ru}.maxSurge: Invalid value: "20Percent": a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')`]],
    ["a negative maxSurge is invalid", { type: "RollingUpdate", rollingUpdate: { maxSurge: -1, maxUnavailable: 1 } }, [`${ru}.maxSurge: Invalid value: -1: must be greater than or equal to 0`]],
    ["maxUnavailable above 100% is invalid", { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: "110%" } }, [`${ru}.maxUnavailable: Invalid value: "110%": must not be greater than 100%`]],
    ["maxSurge above 100% is fine", { type: "RollingUpdate", rollingUpdate: { maxSurge: "200%", maxUnavailable: 0 } }, []],
    ["an unknown type is unsupported", { type: "BlueGreen" }, ['spec.strategy: Unsupported value: {"Type":"BlueGreen","RollingUpdate":null}: supported values: "Recreate", "RollingUpdate"']],
  ];
  for (const [name, strategy, want] of cases) {
    it(name, () => {
      const d = deployment();
      d.spec.strategy = strategy;
      expect(messages(validateCreate(d))).toEqual(want);
    });
  }
});

describe("Deployment and ReplicaSet updates", () => {
  for (const kind of ["Deployment", "ReplicaSet"]) {
    it(`a ${kind}'s selector is immutable`, () => {
      const old = deployment(kind);
      const next = structuredClone(old);
      next.spec.selector = { matchLabels: { app: "web", tier: "x" } };
      next.spec.template.metadata.labels.tier = "x";
      expect(messages(validateUpdate(next, old))).toEqual(['spec.selector: Invalid value: {"matchLabels":{"app":"web","tier":"x"}}: field is immutable']);
    });
  }
  it("scaling a Deployment is a valid update", () => {
    const old = deployment();
    const next = structuredClone(old);
    next.spec.replicas = 5;
    expect(validateUpdate(next, old)).toEqual([]);
  });
});
