// pkg/apis/apps defaults_test.go (the stored copy of the apps/v2alpha1 package, whose SetDefaults_Deployment and
// SetDefaults_ReplicaSet are apps/v1's: revisionHistoryLimit 10, progressDeadlineSeconds 600, 25% surge and
// unavailability), row by row: TestSetDefaultDeployment (the whole spec, as Semantic.DeepEqual compares it),
// TestDefaultDeploymentAvailability, TestSetDefaultReplicaSetReplicas, TestDefaultRequestIsNotSetForReplicaSet.
// Every expectation is the Go row's.

import { describe, expect, it } from "vitest";
import { scaledValueFromIntOrPercent } from "../../common/intstr.js";
import { defaultDeployment, defaultReplicaSet } from "./kinds.js";

type Obj = any;
const defaultTemplate = { spec: { dnsPolicy: "ClusterFirst", restartPolicy: "Always", securityContext: {}, terminationGracePeriodSeconds: 30, schedulerName: "default-scheduler" } };
const rolling = (maxSurge: number | string, maxUnavailable: number | string) => ({ type: "RollingUpdate", rollingUpdate: { maxSurge, maxUnavailable } });
/** Semantic.DeepEqual on the spec: an empty template metadata is the zero ObjectMeta. */
const spec = (d: Obj) => {
  const { template, ...rest } = d.spec;
  const { metadata, ...t } = template;
  return { ...rest, template: metadata && Object.keys(metadata).length > 0 ? template : t };
};

describe("TestSetDefaultDeployment", () => {
  const rows: Array<[string, Obj, Obj]> = [
    ["an empty Deployment", {}, { replicas: 1, strategy: rolling("25%", "25%"), revisionHistoryLimit: 10, progressDeadlineSeconds: 600, template: defaultTemplate }],
    ["replicas 5, maxSurge 5", { spec: { replicas: 5, strategy: { rollingUpdate: { maxSurge: 5 } } } },
      { replicas: 5, strategy: rolling(5, "25%"), revisionHistoryLimit: 10, progressDeadlineSeconds: 600, template: defaultTemplate }],
    ["RollingUpdate without rollingUpdate", { spec: { replicas: 3, strategy: { type: "RollingUpdate" } } },
      { replicas: 3, strategy: rolling("25%", "25%"), revisionHistoryLimit: 10, progressDeadlineSeconds: 600, template: defaultTemplate }],
    ["Recreate, revisionHistoryLimit 0", { spec: { replicas: 5, strategy: { type: "Recreate" }, revisionHistoryLimit: 0 } },
      { replicas: 5, strategy: { type: "Recreate" }, revisionHistoryLimit: 0, progressDeadlineSeconds: 600, template: defaultTemplate }],
    ["Recreate, progressDeadlineSeconds 30, revisionHistoryLimit 2", { spec: { replicas: 5, strategy: { type: "Recreate" }, progressDeadlineSeconds: 30, revisionHistoryLimit: 2 } },
      { replicas: 5, strategy: { type: "Recreate" }, progressDeadlineSeconds: 30, revisionHistoryLimit: 2, template: defaultTemplate }],
  ];
  it.each(rows)("%s", (_n, original, want) => {
    defaultDeployment(original);
    expect(spec(original)).toEqual(want);
  });

  it("TestDefaultDeploymentAvailability: the default maxUnavailable leaves an active replica", () => {
    const d: Obj = {};
    defaultDeployment(d);
    const maxUnavailable = scaledValueFromIntOrPercent(d.spec.strategy.rollingUpdate.maxUnavailable, d.spec.replicas, false);
    expect(d.spec.replicas - (maxUnavailable as number)).toBeGreaterThan(0);
  });
});

describe("TestSetDefaultReplicaSetReplicas", () => {
  const rows: Array<[number | undefined, number]> = [[undefined, 1], [0, 0], [3, 3]];
  it.each(rows)("replicas %s defaults to %s", (replicas, want) => {
    const rs: Obj = { spec: { ...(replicas === undefined ? {} : { replicas }), template: { metadata: { labels: { foo: "bar" } } } } };
    defaultReplicaSet(rs);
    expect(rs.spec.replicas).toBe(want);
  });

  it("TestDefaultRequestIsNotSetForReplicaSet: a template's limit sets no request", () => {
    const rs: Obj = { spec: { replicas: 3, template: { metadata: { labels: { foo: "bar" } }, spec: { containers: [{ resources: { limits: { cpu: "100m" } } }] } } } };
    defaultReplicaSet(rs);
    expect(rs.spec.template.spec.containers[0].resources.requests?.cpu).toBeUndefined();
  });
});
