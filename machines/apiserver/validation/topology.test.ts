// TestValidateTopologySpreadConstraints (pkg/apis/core/validation/validation_test.go, v1.35), row by
// row, comparing the whole field errors as the Go table does (cmp.Diff of wantFieldErrors).

import { describe, it, expect } from "vitest";
import { validateTopologySpreadConstraints } from "./scheduling.js";
import { fieldErrorMessage } from "../status.js";


const zone = (c: any = {}) => ({ maxSkew: 1, topologyKey: "k8s.io/zone", whenUnsatisfiable: "DoNotSchedule", ...c });
const f0 = "field[0]";
const notPositive = "must be greater than zero";
const minDomainsAction = "can only use minDomains if whenUnsatisfiable=DoNotSchedule, not ScheduleAnyway";

// [name, constraints, [type, message] of each wanted error, AllowInvalidTopologySpreadConstraintLabelSelector]
const rows: [string, any[], [string, string][], boolean?][] = [
  ["all required fields ok", [zone({ minDomains: 3 })], []],
  ["missing MaxSkew", [{ topologyKey: "k8s.io/zone", whenUnsatisfiable: "DoNotSchedule" }], [["FieldValueInvalid", `${f0}.maxSkew: Invalid value: 0: ${notPositive}`]]],
  ["negative MaxSkew", [zone({ maxSkew: -1 })], [["FieldValueInvalid", `${f0}.maxSkew: Invalid value: -1: ${notPositive}`]]],
  ["can use MinDomains with ScheduleAnyway, when MinDomains = nil", [zone({ whenUnsatisfiable: "ScheduleAnyway" })], []],
  ["negative minDomains is invalid", [zone({ minDomains: -1 })], [["FieldValueInvalid", `${f0}.minDomains: Invalid value: -1: ${notPositive}`]]],
  ["cannot use non-nil MinDomains with ScheduleAnyway", [zone({ whenUnsatisfiable: "ScheduleAnyway", minDomains: 10 })], [["FieldValueInvalid", `${f0}.minDomains: Invalid value: 10: ${minDomainsAction}`]]],
  ["use negative MinDomains with ScheduleAnyway(invalid)", [zone({ whenUnsatisfiable: "ScheduleAnyway", minDomains: -1 })], [
    ["FieldValueInvalid", `${f0}.minDomains: Invalid value: -1: ${notPositive}`], ["FieldValueInvalid", `${f0}.minDomains: Invalid value: -1: ${minDomainsAction}`]]],
  ["missing TopologyKey", [{ maxSkew: 1, whenUnsatisfiable: "DoNotSchedule" }], [["FieldValueRequired", `${f0}.topologyKey: Required value: can not be empty`]]],
  ["missing scheduling mode", [{ maxSkew: 1, topologyKey: "k8s.io/zone" }], [["FieldValueNotSupported", `${f0}.whenUnsatisfiable: Unsupported value: "": supported values: "DoNotSchedule", "ScheduleAnyway"`]]],
  ["unsupported scheduling mode", [zone({ whenUnsatisfiable: "N/A" })], [["FieldValueNotSupported", `${f0}.whenUnsatisfiable: Unsupported value: "N/A": supported values: "DoNotSchedule", "ScheduleAnyway"`]]],
  ["multiple constraints ok with all required fields", [zone(), { maxSkew: 2, topologyKey: "k8s.io/node", whenUnsatisfiable: "ScheduleAnyway" }], []],
  ["multiple constraints missing TopologyKey on partial ones", [{ maxSkew: 1, whenUnsatisfiable: "ScheduleAnyway" }, zone({ maxSkew: 2 })], [["FieldValueRequired", `${f0}.topologyKey: Required value: can not be empty`]]],
  ["duplicate constraints", [zone(), zone({ maxSkew: 2 })], [["FieldValueDuplicate", `${f0}.{topologyKey, whenUnsatisfiable}: Duplicate value: "{k8s.io/zone, DoNotSchedule}"`]]],
  ["supported policy name set on NodeAffinityPolicy and NodeTaintsPolicy", [zone({ nodeAffinityPolicy: "Honor", nodeTaintsPolicy: "Ignore" })], []],
  ["unsupported policy name set on NodeAffinityPolicy", [zone({ nodeAffinityPolicy: "Unknown", nodeTaintsPolicy: "Ignore" })], [["FieldValueNotSupported", `${f0}.nodeAffinityPolicy: Unsupported value: "Unknown": supported values: "Honor", "Ignore"`]]],
  ["unsupported policy name set on NodeTaintsPolicy", [zone({ nodeAffinityPolicy: "Honor", nodeTaintsPolicy: "Unknown" })], [["FieldValueNotSupported", `${f0}.nodeTaintsPolicy: Unsupported value: "Unknown": supported values: "Honor", "Ignore"`]]],
  ["key in MatchLabelKeys isn't correctly defined", [zone({ labelSelector: {}, matchLabelKeys: ["/simple"] })], [["FieldValueInvalid", `${f0}.matchLabelKeys[0]: Invalid value: "/simple": prefix part must be non-empty`]]],
  ["key exists in both matchLabelKeys and labelSelector", [zone({ matchLabelKeys: ["foo"], labelSelector: { matchExpressions: [{ key: "foo", operator: "NotIn", values: ["value1", "value2"] }] } })],
    [["FieldValueInvalid", `${f0}.matchLabelKeys[0]: Invalid value: "foo": exists in both matchLabelKeys and labelSelector`]]],
  ["key in MatchLabelKeys is forbidden to be specified when labelSelector is not set", [zone({ matchLabelKeys: ["foo"] })], [["FieldValueForbidden", `${f0}.matchLabelKeys: Forbidden: must not be specified when labelSelector is not set`]]],
  ["invalid matchLabels set on labelSelector when AllowInvalidTopologySpreadConstraintLabelSelector is false", [zone({ labelSelector: { matchLabels: { "NoUppercaseOrSpecialCharsLike=Equals": "foo" } } })],
    [["FieldValueInvalid", `${f0}.labelSelector.matchLabels: Invalid value: "NoUppercaseOrSpecialCharsLike=Equals": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')`]], false],
  ["invalid matchLabels set on labelSelector when AllowInvalidTopologySpreadConstraintLabelSelector is true", [zone({ labelSelector: { matchLabels: { "NoUppercaseOrSpecialCharsLike=Equals": "foo" } } })], [], true],
  ["valid matchLabels set on labelSelector when AllowInvalidTopologySpreadConstraintLabelSelector is false", [zone({ labelSelector: { matchLabels: { foo: "foo" } } })], [], false],
];

describe("TestValidateTopologySpreadConstraints", () => {
  for (const [name, constraints, want, allowInvalid] of rows) {
    it(name, () => {
      const errs = validateTopologySpreadConstraints(constraints, "field", allowInvalid ?? false);
      expect(errs.map((e) => [e.type, fieldErrorMessage(e)])).toEqual(want);
    });
  }
});
