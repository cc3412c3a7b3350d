// pkg/printers/internalversion/printers_test.go (v1.35): TestPrintNodeStatus, TestPrintNodeRole,
// TestPrintNodeOSImage, TestPrintNodeKernelVersion, TestPrintNodeContainerRuntimeVersion,
// TestPrintNodeName, TestPrintNodeExternalIP, TestPrintNodeInternalIP, row by row. Columns: Name,
// Status, Roles, Age, Version, and wide InternalIP, ExternalIP, OSImage, KernelVersion, ContainerRuntime.
import { describe, expect, it } from "vitest";
import { tableFor } from "./printers.js";

const now = Date.parse("2025-01-01T12:00:00Z");
const cells = (o: object, wide = false) => tableFor("Node", [o], { now, wide }).rows[0]!.cells;
const ready = (status: string) => ({ type: "Ready", status });

describe("TestPrintNodeStatus", () => {
  const rows: [object, unknown[]][] = [
    [{ metadata: { name: "foo1" }, status: { conditions: [ready("True")] } }, ["foo1", "Ready", "<none>", "<unknown>", ""]],
    [{ metadata: { name: "foo2" }, spec: { unschedulable: true }, status: { conditions: [ready("True")] } }, ["foo2", "Ready,SchedulingDisabled", "<none>", "<unknown>", ""]],
    [{ metadata: { name: "foo3" }, status: { conditions: [ready("True"), ready("True")] } }, ["foo3", "Ready", "<none>", "<unknown>", ""]],
    [{ metadata: { name: "foo4" }, status: { conditions: [ready("False")] } }, ["foo4", "NotReady", "<none>", "<unknown>", ""]],
    [{ metadata: { name: "foo5" }, spec: { unschedulable: true }, status: { conditions: [ready("False")] } }, ["foo5", "NotReady,SchedulingDisabled", "<none>", "<unknown>", ""]],
    [{ metadata: { name: "foo6" }, status: { conditions: [{ type: "InvalidValue", status: "True" }] } }, ["foo6", "Unknown", "<none>", "<unknown>", ""]],
    [{ metadata: { name: "foo7" }, status: { conditions: [{}] } }, ["foo7", "Unknown", "<none>", "<unknown>", ""]],
    [{ metadata: { name: "foo8" }, spec: { unschedulable: true }, status: { conditions: [{ type: "InvalidValue", status: "True" }] } }, ["foo8", "Unknown,SchedulingDisabled", "<none>", "<unknown>", ""]],
    [{ metadata: { name: "foo9" }, spec: { unschedulable: true }, status: { conditions: [{}] } }, ["foo9", "Unknown,SchedulingDisabled", "<none>", "<unknown>", ""]],
  ];
  for (const [node, want] of rows) it(`${want[0]} prints ${want[1]}`, () => expect(cells(node)).toEqual(want));
});

describe("TestPrintNodeRole", () => {
  const rows: [object, unknown[]][] = [
    [{ metadata: { name: "foo9" } }, ["foo9", "Unknown", "<none>", "<unknown>", ""]],
    [{ metadata: { name: "foo10", labels: { "node-role.kubernetes.io/master": "", "node-role.kubernetes.io/control-plane": "", "node-role.kubernetes.io/proxy": "", "kubernetes.io/role": "node" } } },
      ["foo10", "Unknown", "control-plane,master,node,proxy", "<unknown>", ""]],
    [{ metadata: { name: "foo11", labels: { "kubernetes.io/role": "node" } } }, ["foo11", "Unknown", "node", "<unknown>", ""]],
  ];
  for (const [node, want] of rows) it(`${want[0]} has roles ${want[2]}`, () => expect(cells(node)).toEqual(want));
});

describe("TestPrintNodeName", () => {
  const rows: [object, unknown[]][] = [
    [{ metadata: { name: "127.0.0.1" }, status: {} }, ["127.0.0.1", "Unknown", "<none>", "<unknown>", ""]],
    [{ metadata: { name: "" }, status: {} }, ["", "Unknown", "<none>", "<unknown>", ""]],
  ];
  for (const [node, want] of rows) it(`name ${JSON.stringify(want[0])}`, () => expect(cells(node)).toEqual(want));
});

describe("the wide node columns", () => {
  const ext = (address: string) => ({ type: "ExternalIP", address });
  const int = (address: string) => ({ type: "InternalIP", address });
  const rows: [string, object, unknown[]][] = [
    // TestPrintNodeOSImage
    ["os image", { metadata: { name: "foo1" }, status: { nodeInfo: { osImage: "fake-os-image" }, addresses: [ext("1.1.1.1")] } },
      ["foo1", "Unknown", "<none>", "<unknown>", "", "<none>", "1.1.1.1", "fake-os-image", "<unknown>", "<unknown>"]],
    ["os image, kernel only", { metadata: { name: "foo2" }, status: { nodeInfo: { kernelVersion: "fake-kernel-version" }, addresses: [ext("1.1.1.1")] } },
      ["foo2", "Unknown", "<none>", "<unknown>", "", "<none>", "1.1.1.1", "<unknown>", "fake-kernel-version", "<unknown>"]],
    // TestPrintNodeContainerRuntimeVersion
    ["runtime version", { metadata: { name: "foo1" }, status: { nodeInfo: { containerRuntimeVersion: "foo://1.2.3" }, addresses: [ext("1.1.1.1")] } },
      ["foo1", "Unknown", "<none>", "<unknown>", "", "<none>", "1.1.1.1", "<unknown>", "<unknown>", "foo://1.2.3"]],
    ["no runtime version", { metadata: { name: "foo2" }, status: { nodeInfo: {}, addresses: [ext("1.1.1.1")] } },
      ["foo2", "Unknown", "<none>", "<unknown>", "", "<none>", "1.1.1.1", "<unknown>", "<unknown>", "<unknown>"]],
    // TestPrintNodeExternalIP
    ["external ip", { metadata: { name: "foo1" }, status: { addresses: [ext("1.1.1.1")] } },
      ["foo1", "Unknown", "<none>", "<unknown>", "", "<none>", "1.1.1.1", "<unknown>", "<unknown>", "<unknown>"]],
    ["internal ip only", { metadata: { name: "foo2" }, status: { addresses: [int("1.1.1.1")] } },
      ["foo2", "Unknown", "<none>", "<unknown>", "", "1.1.1.1", "<none>", "<unknown>", "<unknown>", "<unknown>"]],
    ["the first external ip", { metadata: { name: "foo3" }, status: { addresses: [ext("2.2.2.2"), int("3.3.3.3"), ext("4.4.4.4")] } },
      ["foo3", "Unknown", "<none>", "<unknown>", "", "3.3.3.3", "2.2.2.2", "<unknown>", "<unknown>", "<unknown>"]],
    // TestPrintNodeInternalIP
    ["the first internal ip", { metadata: { name: "foo3" }, status: { addresses: [int("2.2.2.2"), ext("3.3.3.3"), int("4.4.4.4")] } },
      ["foo3", "Unknown", "<none>", "<unknown>", "", "2.2.2.2", "3.3.3.3", "<unknown>", "<unknown>", "<unknown>"]],
  ];
  for (const [name, node, want] of rows) it(name, () => expect(cells(node, true)).toEqual(want));
});
