// TestValidateDynamicResourceAllocation and TestValidateOS (pkg/apis/core/validation/validation_test.go,
// v1.35), row by row: ValidatePodSpec of podtest.MakePod("") with the row's claims, at path "field".

import { describe, it, expect } from "vitest";
import { validatePodSpec } from "./pod.js";
import { makeContainer, makePod } from "./testing.js";


const external = { resourceClaimName: "some-claim" };
const claimsOf = (...claims: any[]) => makeContainer("ctr", (c) => (c.resources = { claims }));
const spec = (containers: any[] | undefined, podClaims: any[] | undefined, more: (p: any) => void = () => {}) => makePod("", (p) => {
  if (containers) p.spec.containers = containers;
  if (podClaims) p.spec.resourceClaims = podClaims;
  more(p);
}).spec;
const goodTemplate = () => spec([claimsOf({ name: "my-claim-template" })], [{ name: "my-claim-template", resourceClaimTemplateName: "some-claim-template" }]);
const goodReference = () => spec([claimsOf({ name: "my-claim-reference" })], [{ name: "my-claim-reference", ...external }]);

describe("TestValidateDynamicResourceAllocation", () => {
  const success: [string, any][] = [
    ["resource claim reference", goodReference()],
    ["resource claim template", goodTemplate()],
    ["multiple claims", spec([claimsOf({ name: "my-claim" }, { name: "another-claim" })], [{ name: "my-claim", ...external }, { name: "another-claim", ...external }])],
    ["multiple claims with requests", spec([claimsOf({ name: "my-claim", request: "req-0" }, { name: "another-claim", request: "req-0" })], [{ name: "my-claim", ...external }, { name: "another-claim", ...external }])],
    ["single claim with requests", spec([claimsOf({ name: "my-claim", request: "req-0" }, { name: "my-claim", request: "req-1" })], [{ name: "my-claim", ...external }])],
    ["init container", spec(undefined, [{ name: "my-claim", ...external }], (p) => (p.spec.initContainers = [makeContainer("ctr-init", (c) => (c.resources = { claims: [{ name: "my-claim" }] }))]))],
  ];
  for (const [name, s] of success) it(`accepts: ${name}`, () => expect(validatePodSpec(s, "field", { resourceIsPod: false, podName: "some-pod" })).toEqual([]));

  const failure: [string, any][] = [
    ["pod claim name with prefix", spec(undefined, [{ name: "../my-claim", ...external }])],
    ["pod claim name with path", spec(undefined, [{ name: "my/claim", ...external }])],
    ["pod claim name empty", spec(undefined, [{ name: "", ...external }])],
    ["duplicate pod claim entries", spec(undefined, [{ name: "my-claim", ...external }, { name: "my-claim", ...external }])],
    ["resource claim source empty", spec(undefined, [{ name: "my-claim" }])],
    ["resource claim reference and template", spec([claimsOf({ name: "my-claim" })], [{ name: "my-claim", ...external, resourceClaimTemplateName: "some-claim-template" }])],
    ["claim not found", spec([claimsOf({ name: "no-such-claim" })], [{ name: "my-claim", ...external }])],
    ["claim name empty", spec([claimsOf({ name: "" })], [{ name: "my-claim", ...external }])],
    ["pod claim name duplicates", spec([claimsOf({ name: "my-claim" }, { name: "my-claim" })], [{ name: "my-claim", ...external }])],
    ["pod claim name duplicates without and with request", spec([claimsOf({ name: "my-claim" }, { name: "my-claim", request: "req-0" })], [{ name: "my-claim", ...external }])],
    ["pod claim name duplicates with and without request", spec([claimsOf({ name: "my-claim", request: "req-0" }, { name: "my-claim" })], [{ name: "my-claim", ...external }])],
    ["pod claim name duplicates with requests", spec([claimsOf({ name: "my-claim", request: "req-0" }, { name: "my-claim", request: "req-0" })], [{ name: "my-claim", ...external }])],
    ["bad request name", spec([claimsOf({ name: "my-claim", request: "*$@%^" })], [{ name: "my-claim", ...external }])],
    ["no claims defined", spec([claimsOf({ name: "my-claim" })], undefined)],
    ["duplicate pod claim name", spec([claimsOf({ name: "my-claim" })], [{ name: "my-claim", ...external }, { name: "my-claim", ...external }])],
    ["ephemeral container don't support resource requirements", spec(undefined, [{ name: "my-claim", ...external }], (p) => (p.spec.ephemeralContainers = [{ name: "ctr-ephemeral", image: "image", imagePullPolicy: "IfNotPresent", terminationMessagePolicy: "File", resources: { claims: [{ name: "my-claim" }] }, targetContainerName: "ctr" }]))],
    ["invalid claim template name", (() => { const s = goodTemplate(); s.resourceClaims[0].resourceClaimTemplateName = ".foo_bar"; return s; })()],
    ["invalid claim reference name", (() => { const s = goodReference(); s.resourceClaims[0].resourceClaimName = ".foo_bar"; return s; })()],
  ];
  for (const [name, s] of failure) it(`refuses: ${name}`, () => expect(validatePodSpec(s, "field", { resourceIsPod: false }).length).toBeGreaterThan(0));
});

describe("TestValidateOS", () => {
  const cases: [string, boolean, any][] = [
    ["no OS field", false, undefined],
    ["empty OS field", true, {}],
    ["valid OS linux", false, { name: "linux" }],
    ["valid OS windows", false, { name: "windows" }],
    ["empty OS", true, { name: "" }],
    ["invalid OS", true, { name: "dummyOS" }],
  ];
  for (const [name, expectError, os] of cases) {
    it(`${expectError ? "refuses" : "accepts"}: ${name}`, () => {
      const s = spec(undefined, undefined, (p) => (os === undefined ? delete p.spec.os : (p.spec.os = os)));
      expect(validatePodSpec(s, "spec", { resourceIsPod: true }).length > 0).toBe(expectError);
    });
  }
});
