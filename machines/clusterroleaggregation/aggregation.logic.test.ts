// syncClusterRole's aggregate, with the cases of Kubernetes' clusterroleaggregation_controller_test.go
// (TestSyncClusterRole): selectors in order, matching roles by name, the role itself skipped,
// duplicate rules once, and no write when the stored rules already are the aggregate.

import { describe, expect, it } from "vitest";
import { aggregatedRules, aggregationApply } from "./aggregation.logic.js";

const role = (name: string, labels: Record<string, string>, rules: object[]) => ({ metadata: { name, labels }, rules });
const aggregated = (name: string, selectors: object[], rules?: object[]) => ({ metadata: { name }, aggregationRule: { clusterRoleSelectors: selectors }, ...(rules ? { rules } : {}) });
const r = (verb: string) => ({ verbs: [verb], apiGroups: [""], resources: ["pods"] });

describe("aggregatedRules (syncClusterRole)", () => {
  it("a role without an aggregationRule is left alone", () => {
    expect(aggregatedRules(role("plain", {}, [r("get")]), [])).toBeUndefined();
  });

  it("no role matches: the aggregate is empty", () => {
    const target = aggregated("target", [{ matchLabels: { foo: "bar" } }]);
    expect(aggregatedRules(target, [target, role("other", { foo: "baz" }, [r("get")])])).toEqual([]);
  });

  it("the matching roles' rules, in name order, each rule once", () => {
    const target = aggregated("target", [{ matchLabels: { foo: "bar" } }]);
    const roles = [target, role("zed", { foo: "bar" }, [r("list"), r("get")]), role("alpha", { foo: "bar" }, [r("get")])];
    expect(aggregatedRules(target, roles)).toEqual([r("get"), r("list")]);
  });

  it("selectors in order: the first selector's roles first", () => {
    const target = aggregated("target", [{ matchLabels: { second: "true" } }, { matchLabels: { first: "true" } }]);
    const roles = [role("a", { first: "true" }, [r("create")]), role("b", { second: "true" }, [r("delete")])];
    expect(aggregatedRules(target, roles)).toEqual([r("delete"), r("create")]);
  });

  it("a role matched by its own selector is skipped", () => {
    const target = { ...aggregated("target", [{ matchLabels: { foo: "bar" } }], [r("watch")]), metadata: { name: "target", labels: { foo: "bar" } } };
    expect(aggregatedRules(target, [target, role("x", { foo: "bar" }, [r("get")])])).toEqual([r("get")]);
  });

  it("a rule with an empty list equals one without it", () => {
    const target = aggregated("target", [{ matchLabels: { foo: "bar" } }]);
    const roles = [role("a", { foo: "bar" }, [{ verbs: ["get"], apiGroups: [""], resources: ["pods"], resourceNames: [] }]), role("b", { foo: "bar" }, [r("get")])];
    expect(aggregatedRules(target, roles)).toHaveLength(1);
  });
});

describe("aggregationApply", () => {
  it("nothing to write when the stored rules already are the aggregate", () => {
    const target = aggregated("target", [{ matchLabels: { foo: "bar" } }], [r("get")]);
    expect(aggregationApply(target, [target, role("a", { foo: "bar" }, [r("get")])])).toBeUndefined();
  });

  it("an apply of the rules when they differ", () => {
    const target = aggregated("target", [{ matchLabels: { foo: "bar" } }]);
    expect(aggregationApply(target, [target, role("a", { foo: "bar" }, [r("get")])])).toEqual({ apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole", metadata: { name: "target" }, rules: [r("get")] });
  });

  it("an empty aggregate over stored rules applies no rules (the field goes)", () => {
    const target = aggregated("target", [{ matchLabels: { foo: "bar" } }], [r("get")]);
    expect(aggregationApply(target, [target])).toEqual({ apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole", metadata: { name: "target" } });
  });
});
