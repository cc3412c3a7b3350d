// TestValidatePodEphemeralContainersUpdate (pkg/apis/core/validation/validation_test.go, v1.35), row by
// row, as a write to pods/ephemeralcontainers. The two Windows hostProcess rows came in stop 31, with
// validateWindowsHostProcessPod.

import { describe, it, expect } from "vitest";
import { validateUpdate } from "./index.js";
import { aggregate, makePod } from "./testing.js";


const ec = (name: string, image = "busybox") => ({ name, image, imagePullPolicy: "IfNotPresent", terminationMessagePolicy: "File" });
const pod = (ephemeral: any[]) => makePod("", (p) => {
  p.metadata = { annotations: {}, labels: {}, name: "pod", namespace: "ns", resourceVersion: "1" };
  p.spec.ephemeralContainers = ephemeral;
  p.spec.restartPolicy = "OnFailure";
});
const staticPod = (ephemeral: any[]) => {
  const p = pod(ephemeral);
  p.spec.nodeName = "some-name";
  p.metadata.annotations = { "kubernetes.io/config.mirror": "foo" };
  return p;
};

// makeWindowsHostPod: a HostProcess pod (pod and container hostProcess, host network).
const windowsHostPod = (ephemeral: any[]) => {
  const p = pod(ephemeral);
  p.spec.containers = [{ ...p.spec.containers[0], name: "cnt", securityContext: { windowsOptions: { hostProcess: true } } }];
  p.spec.hostNetwork = true;
  p.spec.securityContext = { windowsOptions: { hostProcess: true } };
  return p;
};
const withHostProcess = (c: any, hostProcess: boolean) => ({ ...c, securityContext: { windowsOptions: { hostProcess } } });

// [name, new, old, err]
const rows: [string, any, any, string][] = [
  ["no ephemeral containers", pod([]), pod([]), ""],
  ["No change in Ephemeral Containers", pod([ec("debugger"), ec("debugger2")]), pod([ec("debugger"), ec("debugger2")]), ""],
  ["Ephemeral Container list order changes", pod([ec("debugger"), ec("debugger2")]), pod([ec("debugger2"), ec("debugger")]), ""],
  ["Add an Ephemeral Container", pod([ec("debugger")]), pod([]), ""],
  ["Add two Ephemeral Containers", pod([ec("debugger1"), ec("debugger2")]), pod([]), ""],
  ["Add to an existing Ephemeral Containers", pod([ec("debugger"), ec("debugger2")]), pod([ec("debugger")]), ""],
  ["Add to an existing Ephemeral Containers, list order changes", pod([ec("debugger3"), ec("debugger2"), ec("debugger")]), pod([ec("debugger"), ec("debugger2")]), ""],
  ["Remove an Ephemeral Container", pod([]), pod([ec("debugger")]), "may not be removed"],
  ["Replace an Ephemeral Container", pod([ec("firstone")]), pod([ec("thentheother")]), "may not be removed"],
  ["Change an Ephemeral Containers", pod([ec("debugger1"), ec("debugger2")]), pod([ec("debugger1", "debian"), ec("debugger2")]), "may not be changed"],
  ["Ephemeral container with potential conflict with regular containers, but conflict not present", windowsHostPod([withHostProcess({ ...ec("debugger1", "image") }, true)]), windowsHostPod([]), ""],
  ["Ephemeral container with potential conflict with regular containers, and conflict is present", windowsHostPod([withHostProcess({ ...ec("debugger1", "image") }, false)]), windowsHostPod([]),
    "spec.ephemeralContainers[0].securityContext.windowsOptions.hostProcess: Invalid value: false: pod hostProcess value must be identical"],
  ["Add ephemeral container to static pod", staticPod([ec("debugger1", "debian")]), staticPod([]), "Forbidden: static pods do not support ephemeral containers"],
];

describe("TestValidatePodEphemeralContainersUpdate (through pods/ephemeralcontainers)", () => {
  for (const [name, next, old, want] of rows) {
    it(name, () => {
      const errs = validateUpdate(next, old, "ephemeralcontainers");
      if (want === "") expect(errs).toEqual([]);
      else expect(aggregate(errs)).toContain(want);
    });
  }
  it("a normal pod update still may not add them", () => expect(aggregate(validateUpdate(pod([ec("debugger")]), pod([])))).toContain("Forbidden: pod updates may not change fields other than"));
});
