// pkg/registry/core/pod/strategy_test.go (the v1.3x copy with AppArmor skew and resize generations):
// TestPortForwardLocation, TestPodStrategyValidate, TestPodGenerationPrepareForCreate, TestPodGenerationPrepareForUpdate, TestWarningsOnUpdate and
// TestEphemeralContainersPrepareForUpdate, every row (TestCheckLogLocation: runtime/server/loglocationtables.test.ts).
import { describe, expect, it } from "vitest";
import type { Pod } from "kubernetes-types/core/v1";
import { preparePodForCreate } from "./admission/pod.js";
import { generationAfterUpdate } from "./apiserver.logic.js";
import { streamLocation } from "./connect.js";
import { podStatusWarnings } from "./warnings.js";
import { resourceFor } from "./resources.js";
import { validateCreate } from "./validation/index.js";

/* eslint-disable @typescript-eslint/no-explicit-any */
const pod = (spec: object): Pod => ({ metadata: { name: "test" }, spec: { containers: [], ...spec } } as Pod);

describe("TestPortForwardLocation", () => {
  const pods = resourceFor("", "pods")!;
  it("a pod without a host is a BadRequest", () => {
    expect(streamLocation(pods, pod({}), "test", "portforward", undefined, () => undefined)).toMatchObject({ code: 400, message: "pod test does not have a host assigned" });
  });
  it.each([[[] as number[]], [[80]]])("a bound pod is reached on its node (ports %j)", () => {
    const p = { metadata: { namespace: "ns", name: "pod1" }, spec: { containers: [], nodeName: "node1" } } as Pod;
    // the table's connection info getter answers port 10250; the Node here gives its InternalIP as the host
    const node = { metadata: { name: "node1" }, status: { addresses: [{ type: "InternalIP", address: "10.0.0.1" }] } };
    expect(streamLocation(pods, p, "test", "portforward", undefined, (n) => (n === "node1" ? node : undefined))).toMatchObject({ kind: "StreamLocation", node: "node1", host: "10.0.0.1", port: "10250", podNamespace: "ns", podName: "test" });
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

describe("TestPodGenerationPrepareForCreate", () => {
  it.each<[string, number | undefined]>([["gen-not-set", undefined], ["gen-custom-set", 5]])("%s: generation 1", (name, generation) => {
    const p: any = { metadata: { name, ...(generation === undefined ? {} : { generation }) }, spec: { containers: [] } };
    preparePodForCreate(p);
    expect(p.metadata.generation).toBe(1);
  });
});

// The pod strategy and the ephemeralcontainers strategy both bump the generation through updatePodGeneration.
describe("TestPodGenerationPrepareForUpdate and TestEphemeralContainersPrepareForUpdate", () => {
  const ctr = { name: "container", resources: { requests: { cpu: "100m", memory: "100Mi" }, limits: { cpu: "100m", memory: "100Mi" } } };
  const after = (spec: object, oldSpec: object, oldGeneration: number | undefined) => generationAfterUpdate(spec, oldSpec, oldGeneration) ?? oldGeneration ?? 0;
  it.each<[string, object, object, number | undefined, number]>([
    ["pod not updated", { containers: [ctr] }, { containers: [ctr] }, 1, 1],
    ["only metadata change", { containers: [ctr] }, { containers: [ctr] }, 1, 1],
    ["spec semantically equal", { containers: [] }, { tolerations: [] }, 1, 1],
    ["tolerations updated", { tolerations: [{ key: "toleration-key", value: "toleration-value" }] }, {}, 1, 2],
    ["generation not set", {}, {}, undefined, 0],
    ["ephemeral containers: pod not updated", { containers: [ctr] }, { containers: [ctr] }, 1, 1],
    ["ephemeral containers updated", { ephemeralContainers: [{ name: "ephemeral-container" }] }, {}, 1, 2],
  ])("%s", (_n, spec, oldSpec, oldGeneration, want) => expect(after(spec, oldSpec, oldGeneration)).toBe(want));
});

// TestWarningsOnUpdate (the pod status strategy): each warning starts with the field the Go row names.
describe("TestWarningsOnUpdate", () => {
  it.each<[string, object, string[]]>([
    ["no podIPs/hostIPs", {}, []],
    ["valid podIPs/hostIPs", { podIPs: [{ ip: "1.2.3.4" }], hostIPs: [{ ip: "5.6.7.8" }, { ip: "fd00::5678" }] }, []],
    ["bad podIPs/hostIPs", { podIPs: [{ ip: "01.02.03.04" }], hostIPs: [{ ip: "5.6.7.8" }, { ip: "::ffff:9.10.11.12" }] }, ["status.podIPs[0].ip", "status.hostIPs[1].ip"]],
  ])("%s", (_n, status, prefixes) => {
    const got = podStatusWarnings({ status });
    expect(got).toHaveLength(prefixes.length);
    got.forEach((w, i) => expect(w.startsWith(prefixes[i]!)).toBe(true));
  });
});
