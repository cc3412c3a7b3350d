// A quota's hard limits are kept as the client's canonical quantities: syncResourceQuota writes
// status.hard = quota.Add(ResourceList{}, spec.hard), which deep-copies each Quantity with its cached
// string (pkg/controller/resourcequota/resource_quota_controller.go, pkg/quota/v1/resources.go), and the
// admission plugin's "exceeded quota" message prints status.hard and status.used through
// Quantity.String() (plugin/pkg/admission/resourcequota/controller.go). ParseQuantity keeps "1e1" and
// "100500u" as written (apimachinery resource/quantity.go), so they are never rewritten as 10 or 101m.
import { describe, expect, it } from "vitest";
import { admitToQuotas } from "../apiserver/admission/resourcequota.js";
import { desiredStatus } from "./resourcequota.controller.js";

const quota = (hard: Record<string, string>, used?: Record<string, string>) => ({
  metadata: { name: "q", namespace: "default" },
  spec: { hard },
  status: used ? { hard, used } : undefined,
});

describe("a ResourceQuota's hard quantities", () => {
  it("status.hard is spec.hard as written", () => {
    const hard = { pods: "1e1", "requests.cpu": "100500u", "requests.memory": "1536Mi" };
    expect(desiredStatus(quota(hard), () => [], 0).hard).toEqual(hard);
  });

  it("the exceeded-quota message prints the quota's stored hard and used", () => {
    const q = quota({ pods: "1e1" }, { pods: "1e1" });
    const pod = { metadata: { name: "p", namespace: "default" }, spec: { containers: [{ name: "c", image: "i" }] } };
    expect(admitToQuotas(pod, [q], 0)).toEqual({ refused: "exceeded quota: q, requested: pods=1, used: pods=1e1, limited: pods=1e1" });
  });
});
