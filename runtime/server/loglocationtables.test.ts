// pkg/registry/core/pod/strategy_test.go (the v1.3x copy with AppArmor skew and resize generations) TestCheckLogLocation,
// every row: the container a log request reads, or validateContainer's BadRequest (the transport column is the kubelet
// connection, outside this function).
import { describe, expect, it } from "vitest";
import type { Pod } from "kubernetes-types/core/v1";
import { pickContainer } from "./logs.js";

const named = (...names: string[]) => names.map((name) => ({ name }));
const pod = (spec: object): Pod => ({ metadata: { name: "test" }, spec: { containers: [], ...spec } } as Pod);

describe("TestCheckLogLocation", () => {
  it.each<[string, Pod, string, object]>([
    ["simple", pod({ containers: named("mycontainer"), nodeName: "foo" }), "", { name: "mycontainer" }],
    ["insecure", pod({ containers: named("mycontainer"), nodeName: "foo" }), "", { name: "mycontainer" }],
    ["missing container", pod({}), "", { error: "a container name must be specified for pod test" }],
    ["choice of two containers", pod({ containers: named("container1", "container2") }), "", { error: "a container name must be specified for pod test, choose one of: [container1 container2]" }],
    ["initcontainers", pod({ containers: named("container1", "container2"), initContainers: named("initcontainer1") }), "",
      { error: "a container name must be specified for pod test, choose one of: [initcontainer1 container1 container2]" }],
    ["(unnamed) init and ephemeral containers", pod({ containers: named("container1", "container2"), initContainers: named("initcontainer1"), ephemeralContainers: named("debugger") }), "",
      { error: "a container name must be specified for pod test, choose one of: [initcontainer1 container1 container2 debugger]" }],
    ["bad container", pod({ containers: named("container1", "container2") }), "unknown", { error: "container unknown is not valid for pod test" }],
    ["good with two containers", pod({ containers: named("container1", "container2"), nodeName: "foo" }), "container2", { name: "container2" }],
  ])("%s", (_n, p, container, want) => expect(pickContainer(p, container || null)).toEqual(want));
});

