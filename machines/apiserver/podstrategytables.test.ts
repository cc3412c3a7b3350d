// pkg/registry/core/pod/strategy_test.go (the v1.3x copy with AppArmor skew and resize generations):
// TestPortForwardLocation and TestPodStrategyValidate, every row (TestCheckLogLocation: runtime/server/loglocationtables.test.ts).
import { describe, expect, it } from "vitest";
import type { Pod } from "kubernetes-types/core/v1";
import { streamLocation } from "./connect.js";
import { resourceFor } from "./resources.js";
import { validateCreate } from "./validation/index.js";

/* eslint-disable @typescript-eslint/no-explicit-any */
const pod = (spec: object): Pod => ({ metadata: { name: "test" }, spec: { containers: [], ...spec } } as Pod);

describe("TestPortForwardLocation", () => {
  const pods = resourceFor("", "pods")!;
  it("a pod without a host is a BadRequest", () => {
    expect(streamLocation(pods, pod({}), "test", "portforward", undefined)).toMatchObject({ code: 400, message: "pod test does not have a host assigned" });
  });
  it.each([[[] as number[]], [[80]]])("a bound pod is reached on its node (ports %j)", () => {
    const p = { metadata: { namespace: "ns", name: "pod1" }, spec: { containers: [], nodeName: "node1" } } as Pod;
    expect(streamLocation(pods, p, "test", "portforward", undefined)).toMatchObject({ kind: "StreamLocation", node: "node1", podNamespace: "ns", podName: "test" });
  });
});

describe("TestPodStrategyValidate", () => {
  const hp = (name: string, q: string, extra: Record<string, string> = {}) => ({ resources: { requests: { ...extra, [name]: q }, limits: { ...extra, [name]: q } } });
  const ctr = (res: object) => ({ name: "container", image: "image", imagePullPolicy: "IfNotPresent", terminationMessagePolicy: "File", ...res });
  const make = (spec: object) => ({ apiVersion: "v1", kind: "Pod", metadata: { name: "foo", namespace: "default" },
    spec: { restartPolicy: "Always", dnsPolicy: "ClusterFirst", terminationGracePeriodSeconds: 30, containers: [ctr({})], ...spec } });
  it.each<[string, object, boolean]>([
    ["a new pod setting container with indivisible hugepages values", make({ containers: [{ ...ctr(hp("hugepages-1Mi", "1.1Mi", { cpu: "10" })), name: "foo" }] }), true],
    ["a new pod setting init-container with indivisible hugepages values", make({ initContainers: [ctr(hp("hugepages-64Ki", "127Ki"))] }), true],
    ["a new pod setting init-container with indivisible hugepages values while container with divisible hugepages values",
      make({ initContainers: [ctr(hp("hugepages-2Mi", "5.1Mi"))], containers: [ctr(hp("hugepages-1Gi", "2Gi"))] }), true],
    ["a new pod setting container with divisible hugepages values", make({ containers: [ctr(hp("hugepages-1Mi", "2Mi", { cpu: "10" }))] }), false],
  ])("%s", (_n, p, wantErr) => expect(validateCreate(p as any).length > 0).toBe(wantErr));
});
