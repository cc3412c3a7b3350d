// TestValidatePodStatusUpdate (pkg/apis/core/validation/validation_test.go, v1.35), transcribed row by
// row, validated as a write to pods/status: both pods get resourceVersion "1", and an error row passes
// when the aggregate message contains the row's err.

import { describe, it, expect } from "vitest";
import { validateUpdate } from "./index.js";
import { fieldErrorMessage } from "../status.js";
import { aggregate, makeContainer, makePod } from "./testing.js";


const status = (s: any) => (p: any) => (p.status = s);
const nodeName = (n: string) => (p: any) => (p.spec.nodeName = n);
const claims = (...names: string[]) => (p: any) => (p.spec.resourceClaims = names.map((name) => ({ name })));
const restartPolicy = (r: string) => (p: any) => (p.spec.restartPolicy = r);
const initContainers = (...c: any[]) => (p: any) => (p.spec.initContainers = c);
const restartableInit = makeContainer("restartable-init", (c) => (c.restartPolicy = "Always"));
const at = "2026-01-01T00:00:00Z";
const waiting = { waiting: { reason: "PodInitializing" } };
const running = { running: { startedAt: at } };
const completed = { terminated: { containerID: "docker://numbers", reason: "Completed" } };
const completedAt = { terminated: { containerID: "docker://numbers", reason: "Completed", startedAt: at, finishedAt: at } };
const cs = (name: string, img: string, ready: boolean, state: any, extra: any = {}) => ({ containerID: "docker://numbers", image: img, name, ready, state, ...extra });
const imageID = (img: string) => ({ imageID: `docker-pullable://${img}@sha256:d0gf00d` });
const nginxRunning = cs("nginx", "nginx:alpine", true, running, { ...imageID("nginx"), started: true });
const mainWaiting = cs("main", "nginx:alpine", false, waiting, { started: false });
const initWaiting = cs("init", "alpine", false, waiting);
const debugWaiting = cs("debug", "busybox", false, waiting);
const debugRunning = cs("debug", "busybox", false, running, imageID("busybox"));
const restartInit = (ready: boolean, state: any) => cs("restartable-init", "alpine", ready, state, imageID("nginx"));

// [test, new, old, err]
const rows: [string, any, any, string][] = [
  ["removed nominatedNodeName", makePod("foo", nodeName("node1"), status({ nominatedNodeName: "node1" })), makePod("foo", nodeName("node1"), status({})), ""],
  ["add valid nominatedNodeName", makePod("foo", nodeName("node1")), makePod("foo", nodeName("node1"), status({ nominatedNodeName: "node1" })), ""],
  ["Add invalid nominatedNodeName", makePod("foo", nodeName("node1"), status({ nominatedNodeName: "Node1" })), makePod("foo", nodeName("node1")), "nominatedNodeName"],
  ["Update nominatedNodeName", makePod("foo", nodeName("node1"), status({ nominatedNodeName: "node1" })), makePod("foo", nodeName("node1"), status({ nominatedNodeName: "node2" })), ""],
  ["Container statuses pending", makePod("foo", status({ initContainerStatuses: [{ ...initWaiting, started: false }], containerStatuses: [mainWaiting] })), makePod("foo"), ""],
  ["Container statuses running", makePod("foo", status({ initContainerStatuses: [cs("init", "alpine", true, completed, imageID("nginx"))], containerStatuses: [nginxRunning] })),
    makePod("foo", status({ initContainerStatuses: [initWaiting], containerStatuses: [mainWaiting] })), ""],
  ["Container statuses add ephemeral container", makePod("foo", status({ containerStatuses: [nginxRunning], ephemeralContainerStatuses: [debugWaiting] })), makePod("foo", status({ containerStatuses: [nginxRunning] })), ""],
  ["Container statuses ephemeral container running", makePod("foo", status({ containerStatuses: [nginxRunning], ephemeralContainerStatuses: [debugRunning] })), makePod("foo", status({ containerStatuses: [nginxRunning], ephemeralContainerStatuses: [debugWaiting] })), ""],
  ["Container statuses ephemeral container exited", makePod("foo", status({ containerStatuses: [nginxRunning], ephemeralContainerStatuses: [cs("debug", "busybox", false, completedAt, imageID("busybox"))] })), makePod("foo", status({ containerStatuses: [nginxRunning], ephemeralContainerStatuses: [debugRunning] })), ""],
  ["Container statuses all containers terminated", makePod("foo", status({ initContainerStatuses: [cs("init", "alpine", true, completed, imageID("nginx"))], containerStatuses: [cs("nginx", "nginx:alpine", true, completedAt, { ...imageID("nginx"), started: true })], ephemeralContainerStatuses: [cs("debug", "busybox", false, completedAt, imageID("busybox"))] })),
    makePod("foo", status({ initContainerStatuses: [cs("init", "alpine", true, completed, imageID("nginx"))], containerStatuses: [nginxRunning], ephemeralContainerStatuses: [debugRunning] })), ""],
  ["Non-existent PodResourceClaim", makePod("foo", status({ resourceClaimStatuses: [{ name: "no-such-claim", resourceClaimName: "my-claim" }] })), makePod("foo"), 'status.resourceClaimStatuses[0].name: Invalid value: "no-such-claim": must match the name of an entry in `spec.resourceClaims`'],
  ["Invalid ResourceClaim name", makePod("foo", claims("my-claim"), status({ resourceClaimStatuses: [{ name: "my-claim", resourceClaimName: "%$!#" }] })), makePod("foo", claims("my-claim")), 'status.resourceClaimStatuses[0].name: Invalid value: "%$!#": a lowercase RFC 1123 subdomain must consist of'],
  ["Duplicate ResourceClaimStatuses.Name", makePod("foo", claims("my-claim", "my-other-claim"), status({ resourceClaimStatuses: [{ name: "my-claim", resourceClaimName: "foo-my-claim-12345" }, { name: "my-other-claim" }, { name: "my-other-claim" }] })), makePod("foo", claims("my-claim")), 'status.resourceClaimStatuses[2].name: Duplicate value: "my-other-claim"'],
  ["ResourceClaimStatuses okay", makePod("foo", claims("my-claim", "my-other-claim"), status({ resourceClaimStatuses: [{ name: "my-claim", resourceClaimName: "foo-my-claim-12345" }, { name: "my-other-claim" }] })), makePod("foo", claims("my-claim")), ""],
  ["init container cannot restart if RestartPolicyNever", makePod("foo", initContainers(makeContainer("init")), status({ initContainerStatuses: [cs("init", "alpine", true, running, imageID("nginx"))], containerStatuses: [nginxRunning] })),
    makePod("foo", initContainers(makeContainer("init")), restartPolicy("Never"), status({ initContainerStatuses: [cs("init", "alpine", false, completed, imageID("nginx"))], containerStatuses: [nginxRunning] })), "status.initContainerStatuses[0].state: Forbidden: may not be transitioned to non-terminated state"],
  ...(["Never", "OnFailure", "Always"] as const).map((policy): [string, any, any, string] => [`restartable init container can restart if RestartPolicy${policy}`,
    makePod("foo", initContainers(restartableInit), restartPolicy(policy), status({ initContainerStatuses: [restartInit(true, running)], containerStatuses: [nginxRunning] })),
    makePod("foo", initContainers(restartableInit), restartPolicy(policy), status({ initContainerStatuses: [restartInit(false, completed)], containerStatuses: [nginxRunning] })), ""]),
  ["qosClass can not be changed", makePod("foo", status({ qosClass: "Burstable" })), makePod("foo", status({ qosClass: "Guaranteed" })), 'tatus.qosClass: Invalid value: "Burstable": field is immutable'],
  ["qosClass no change", makePod("foo", status({ qosClass: "Burstable" })), makePod("foo", status({ qosClass: "Burstable" })), ""],
];

describe("TestValidatePodStatusUpdate (through the status subresource)", () => {
  for (const [name, next, old, want] of rows) {
    it(name, () => {
      for (const p of [next, old]) p.metadata.resourceVersion = "1";
      const errs = validateUpdate(next, old, "status");
      if (want === "") expect(errs).toEqual([]);
      else {
        expect(errs.length).toBeGreaterThan(0);
        expect(aggregate(errs)).toContain(want);
      }
    });
  }
});

// ContainerRestartRules (beta, on in v1.35): in a pod that never restarts, a container whose own
// restartPolicy or rules restart it after its exit code (podutil.ContainerShouldRestart) may leave the
// terminated state, as the kubelet restarts it; any other stays terminated.
describe("a terminated container's own restart policy and rules, in a pod that never restarts", () => {
  const rule42 = (c: any) => { c.restartPolicy = "Never"; c.restartPolicyRules = [{ action: "Restart", exitCodes: { operator: "In", values: [42] } }]; };
  const exited = (code: number) => ({ terminated: { containerID: "docker://numbers", reason: "Error", exitCode: code } });
  const update = (spec: (p: any) => void, kind: "containerStatuses" | "initContainerStatuses", name: string, code: number) => {
    const next = makePod("foo", spec, restartPolicy("Never"), status({ [kind]: [cs(name, "busybox", false, running, imageID("busybox"))] }));
    const old = makePod("foo", spec, restartPolicy("Never"), status({ [kind]: [cs(name, "busybox", false, exited(code), imageID("busybox"))] }));
    for (const p of [next, old]) p.metadata.resourceVersion = "1";
    return validateUpdate(next, old, "status").map(fieldErrorMessage);
  };
  const containers = (c: any) => (p: any) => (p.spec.containers = [c]);
  it("lets a container its rule restarts (exit 42) run again, and keeps one whose exit no rule matches terminated", () => {
    expect(update(containers(makeContainer("app", rule42)), "containerStatuses", "app", 42)).toEqual([]);
    expect(update(containers(makeContainer("app", rule42)), "containerStatuses", "app", 1)).toEqual(["status.containerStatuses[0].state: Forbidden: may not be transitioned to non-terminated state"]);
  });
  it("lets an init container with restartPolicy OnFailure that failed run again, not one that succeeded", () => {
    const onFailure = initContainers(makeContainer("setup", (c) => (c.restartPolicy = "OnFailure")));
    expect(update(onFailure, "initContainerStatuses", "setup", 1)).toEqual([]);
    expect(update(onFailure, "initContainerStatuses", "setup", 0)).toEqual(["status.initContainerStatuses[0].state: Forbidden: may not be transitioned to non-terminated state"]);
  });
});

// TestValidatePodStatusUpdateWithSupplementalGroupsPolicy: the whole error list, for each pod OS and each
// kind of container status (validateContainerStatusUsers, ported in stop 31).
describe("TestValidatePodStatusUpdateWithSupplementalGroupsPolicy", () => {
  const kinds = ["containerStatuses", "initContainerStatuses", "ephemeralContainerStatuses"] as const;
  const rows: [string, (string | undefined)[], any[], [string, string][]][] = [
    ["nil container user is valid", [undefined, "linux"], [], []],
    ["empty container user is valid", [undefined, "linux"], [{ user: {} }], []],
    ["container user with valid ids", [undefined, "linux"], [{ user: { linux: {} } }], []],
    ["container user with invalid ids", [undefined, "linux"], [{ user: { linux: { uid: -1, gid: -1, supplementalGroups: [-1] } } }],
      [["[0].linux.uid", "Invalid value: -1: must be between 0 and 2147483647, inclusive"], ["[0].linux.gid", "Invalid value: -1: must be between 0 and 2147483647, inclusive"], ["[0].linux.supplementalGroups[0]", "Invalid value: -1: must be between 0 and 2147483647, inclusive"]]],
    ["user.linux must not be set in windows", ["windows"], [{ user: { linux: {} } }], [["[0].linux", "Forbidden: cannot be set for a windows pod"]]],
  ];
  for (const [name, oses, statuses, want] of rows) {
    for (const os of oses) {
      for (const kind of kinds) {
        it(`[podOS=${os ?? "nil"}][${kind}] ${name}`, () => {
          const pod = (withStatus: boolean) => makePod("foo", (p) => {
            p.metadata.resourceVersion = "1";
            if (os) p.spec.os = { name: os };
            if (withStatus) p.status = { [kind]: statuses };
          });
          expect(validateUpdate(pod(true), pod(false), "status").map(fieldErrorMessage)).toEqual(want.map(([f, m]) => `status.${kind}${f}: ${m}`));
        });
      }
    }
  }
});

// TestValidateContainerStatusNoAllocatedResourcesStatus: ephemeral containers report no resource health.
describe("TestValidateContainerStatusNoAllocatedResourcesStatus (ephemeral container statuses)", () => {
  it("each ephemeral container status with allocatedResourcesStatus is refused, the others not", () => {
    const statuses = [
      { name: "container-1" },
      { name: "container-2", allocatedResourcesStatus: [{ name: "test.device/test", resources: null }] },
      { name: "container-3", allocatedResourcesStatus: [{ name: "test.device/test", resources: [{ resourceID: "resource-1", health: "Healthy" }] }] },
    ];
    const pod = (withStatus: boolean) => makePod("foo", (p) => {
      p.metadata.resourceVersion = "1";
      if (withStatus) p.status = { ephemeralContainerStatuses: statuses };
    });
    const errs = validateUpdate(pod(true), pod(false), "status");
    expect(errs.map((e) => [e.field, e.detail])).toEqual([
      ["status.ephemeralContainerStatuses[1].allocatedResourcesStatus", "must not be specified in container status"],
      ["status.ephemeralContainerStatuses[2].allocatedResourcesStatus", "must not be specified in container status"],
    ]);
  });
});

// TestValidateContainerStatusAllocatedResourcesStatus: the whole error list, the containers being the pod's.
describe("TestValidateContainerStatusAllocatedResourcesStatus", () => {
  const ctr = (name: string, resources: any) => makeContainer(name, (c) => (c.resources = resources));
  const healthy = (id: string, health = "Healthy") => ({ resourceID: id, health });
  const rows: [string, any[], any[], string[]][] = [
    ["basic correct status", [ctr("container-1", { requests: { "test.device/test": "1" } })], [{ name: "container-1", allocatedResourcesStatus: [{ name: "test.device/test", resources: [healthy("resource-1")] }] }], []],
    ["ignoring the missing container (see https://github.com/kubernetes/kubernetes/issues/124915)", [ctr("container-2", { requests: { "test.device/test": "1" } })],
      [{ name: "container-1", allocatedResourcesStatus: [{ name: "test.device/test", resources: [healthy("resource-1")] }] }], []],
    ["allow nil", [ctr("container-2", { requests: { "test.device/test": "1" } })], [{ name: "container-1" }], []],
    ["don't allow non-unique IDs", [ctr("container-2", { requests: { "test.device/test": "1" } })],
      [{ name: "container-1", allocatedResourcesStatus: [{ name: "test.device/test", resources: [healthy("resource-1"), healthy("resource-1", "Unhealthy")] }] }],
      ['status.containerStatuses[0].allocatedResourcesStatus[0].resources[1].resourceID: Duplicate value: "resource-1"']],
    ["don't allow resources that are not in spec", [ctr("container-1", { requests: { "test.device/test": "1" } })],
      [{ name: "container-1", allocatedResourcesStatus: [{ name: "test.device/test", resources: [healthy("resource-1")] }, { name: "test.device/test2", resources: [] }] }],
      ['status.containerStatuses[0].allocatedResourcesStatus[1].name: Invalid value: "test.device/test2": must match one of the container\'s resource requests']],
    ["allow claims and request that are in spec", [ctr("container-1", { claims: [{ name: "claim.name", request: "request.name" }] })],
      [{ name: "container-1", allocatedResourcesStatus: [{ name: "claim:claim.name/request.name", resources: [healthy("driver/pool/device-name")] }] }], []],
    ["allow claims that are in spec without the request", [ctr("container-1", { claims: [{ name: "claim.name" }] })],
      [{ name: "container-1", allocatedResourcesStatus: [{ name: "claim:claim.name", resources: [healthy("driver/pool/device-name")] }] }], []],
    ["don't allow claims that are not in spec", [ctr("container-1", { claims: [{ name: "other-claim.name" }], requests: { "claim.name": "1" } })],
      [{ name: "container-1", allocatedResourcesStatus: [{ name: "claim:claim.name", resources: [healthy("driver/pool/device-name")] }] }],
      ['status.containerStatuses[0].allocatedResourcesStatus[0].name: Invalid value: "claim:claim.name": must match one of the container\'s resource claims in a format \'claim:<claimName>/<request>\' or \'claim:<claimName>\' if request is empty']],
    ["don't allow health status outside the known values", [ctr("container-1", { requests: { "test.device/test": "1" } })],
      [{ name: "container-1", allocatedResourcesStatus: [{ name: "test.device/test", resources: [healthy("resource-1", "invalid-health-value")] }] }],
      ['status.containerStatuses[0].allocatedResourcesStatus[0].resources[0].health: Unsupported value: "invalid-health-value": supported values: "Healthy", "Unhealthy", "Unknown"']],
  ];
  for (const [name, containers, statuses, want] of rows) {
    it(name, () => {
      const pod = (withStatus: boolean) => makePod("foo", (p) => {
        p.metadata.resourceVersion = "1";
        p.spec.containers = containers;
        if (withStatus) p.status = { containerStatuses: statuses };
      });
      expect(validateUpdate(pod(true), pod(false), "status").map(fieldErrorMessage)).toEqual(want);
    });
  }
});

// ValidatePodConditions: a condition type other than PodScheduled, Ready and Initialized must be a
// qualified name (ValidateQualifiedName on conditions[i].Type), as a readiness gate's is.
describe("pod status conditions of types of one's own", () => {
  const withCondition = (type: string) => makePod("foo", (p) => {
    p.metadata.resourceVersion = "1";
    p.status = { conditions: [{ type, status: "True" }] };
  });
  const old = makePod("foo", (p) => (p.metadata.resourceVersion = "1"));
  it("accepts a qualified name and refuses a type that is not one", () => {
    expect(validateUpdate(withCondition("example.com/cache-warm"), old, "status")).toEqual([]);
    const errs = validateUpdate(withCondition("not a name!"), old, "status");
    expect(errs.map((e) => e.field)).toEqual(["status.conditions[0].Type"]);
    expect(errs[0]!.type).toBe("FieldValueInvalid");
  });
});
