// Rows of pkg/kubelet/kuberuntime/kuberuntime_manager_test.go (TestComputePodActions,
// TestComputePodActionsWithInitContainers, TestComputePodActionsWithRestartableInitContainers) and
// pkg/kubelet/container/helpers_test.go (TestShouldContainerBeRestarted) and kuberuntime_container_test.go
// (TestIsInitContainerFailed), case by case with the Go
// names; the expected actions are the Go tables'. As verifyActions does, a kill is compared by
// container id and name (its message and reason cleared).
import { describe, it, expect } from "vitest";
import type { Container, Pod } from "kubernetes-types/core/v1";
import {
  computePodActions, hashContainer, isInitContainerFailed, shouldContainerBeRestarted,
  type PodActions, type ProbeResult, type ProbeResults, type RuntimeContainerStatus, type RuntimePodStatus, type RuntimeSandboxStatus,
} from "./podactions.js";

interface Expected {
  killPod?: boolean;
  createSandbox?: boolean;
  sandboxId?: string;
  attempt?: number;
  containersToStart?: number[];
  containersToKill?: Record<string, string>;
  initContainersToStart?: number[];
  ephemeralContainersToStart?: number[];
}

function actions(a: PodActions): Required<Expected> {
  return {
    killPod: a.killPod, createSandbox: a.createSandbox, sandboxId: a.sandboxId, attempt: a.attempt,
    containersToStart: a.containersToStart, containersToKill: Object.fromEntries([...a.containersToKill].map(([id, k]) => [id, k.name])),
    initContainersToStart: a.initContainersToStart, ephemeralContainersToStart: a.ephemeralContainersToStart,
  };
}
function want(e: Expected): Required<Expected> {
  return {
    killPod: false, createSandbox: false, sandboxId: "", attempt: 0, containersToStart: [], containersToKill: {},
    initContainersToStart: [], ephemeralContainersToStart: [], ...e,
  };
}

type Mutable = { pod: Pod; status: { sandboxes: RuntimeSandboxStatus[]; containers: RuntimeContainerStatus[] }; probes: { liveness: Map<string, ProbeResult>; startup: Map<string, ProbeResult> } };

// makeBasePodAndStatus: three running busybox containers in a ready sandbox with an IP.
function makeBasePodAndStatus(): Mutable {
  const containers: Container[] = ["foo1", "foo2", "foo3"].map((name) => ({ name, image: "busybox" }));
  const pod: Pod = { metadata: { uid: "12345678", name: "foo", namespace: "foo-ns" }, spec: { containers } };
  return {
    pod,
    status: {
      sandboxes: [{ id: "sandboxID", ready: true, attempt: 0, ip: "10.0.0.1" }],
      containers: containers.map((c, i) => ({ id: `id${i + 1}`, name: c.name, state: "running", hash: hashContainer(c) })),
    },
    probes: { liveness: new Map(), startup: new Map() },
  };
}

function run(base: () => Mutable, mutatePod: ((p: Pod) => void) | undefined, mutateStatus: ((s: Mutable["status"], m: Mutable) => void) | undefined): PodActions {
  const m = base();
  mutatePod?.(m.pod);
  mutateStatus?.(m.status, m);
  return computePodActions(m.pod, m.status as RuntimePodStatus, m.probes as ProbeResults);
}

const policy = (p: string) => (pod: Pod) => { pod.spec!.restartPolicy = p; };

describe("computePodActions (TestComputePodActions)", () => {
  const rows: Array<[string, ((p: Pod) => void) | undefined, ((s: Mutable["status"], m: Mutable) => void) | undefined, Expected]> = [
    ["everything is good; do nothing", undefined, undefined, { sandboxId: "sandboxID" }],
    ["start pod sandbox and all containers for a new pod", undefined, (s) => { s.sandboxes = []; s.containers = []; },
      { killPod: true, createSandbox: true, attempt: 0, containersToStart: [0, 1, 2] }],
    ["restart exited containers if RestartPolicy == Always", policy("Always"), (s) => {
      Object.assign(s.containers[0]!, { state: "exited", exitCode: 0 });
      Object.assign(s.containers[1]!, { state: "exited", exitCode: 111 });
    }, { sandboxId: "sandboxID", containersToStart: [0, 1] }],
    ["restart failed containers if RestartPolicy == OnFailure", policy("OnFailure"), (s) => {
      Object.assign(s.containers[0]!, { state: "exited", exitCode: 0 });
      Object.assign(s.containers[1]!, { state: "exited", exitCode: 111 });
    }, { sandboxId: "sandboxID", containersToStart: [1] }],
    ["restart created but not started containers if RestartPolicy == OnFailure", policy("OnFailure"), (s) => {
      Object.assign(s.containers[0]!, { state: "exited", exitCode: 0 });
      Object.assign(s.containers[1]!, { state: "created" });
    }, { sandboxId: "sandboxID", containersToStart: [1] }],
    ["don't restart containers if RestartPolicy == Never", policy("Never"), (s) => {
      Object.assign(s.containers[0]!, { state: "exited", exitCode: 0 });
      Object.assign(s.containers[1]!, { state: "exited", exitCode: 111 });
    }, { sandboxId: "sandboxID" }],
    ["Kill pod and recreate everything if the pod sandbox is dead, and RestartPolicy == Always", policy("Always"), (s) => { s.sandboxes[0]!.ready = false; },
      { killPod: true, createSandbox: true, sandboxId: "sandboxID", attempt: 1, containersToStart: [0, 1, 2] }],
    ["Kill pod and recreate all containers (except for the succeeded one) if the pod sandbox is dead, and RestartPolicy == OnFailure", policy("OnFailure"), (s) => {
      s.sandboxes[0]!.ready = false;
      Object.assign(s.containers[1]!, { state: "exited", exitCode: 0 });
    }, { killPod: true, createSandbox: true, sandboxId: "sandboxID", attempt: 1, containersToStart: [0, 2] }],
    ["Kill pod and recreate all containers if the PodSandbox does not have an IP", undefined, (s) => { s.sandboxes[0]!.ip = ""; },
      { killPod: true, createSandbox: true, sandboxId: "sandboxID", attempt: 1, containersToStart: [0, 1, 2] }],
    ["Kill and recreate the container if the container's spec changed", policy("Always"), (s) => { s.containers[1]!.hash = "432423432"; },
      { sandboxId: "sandboxID", containersToKill: { id2: "foo2" }, containersToStart: [1] }],
    ["Kill and recreate the container if the liveness check has failed", policy("Always"), (_s, m) => { m.probes.liveness.set("id2", "failure"); },
      { sandboxId: "sandboxID", containersToKill: { id2: "foo2" }, containersToStart: [1] }],
    ["Kill and recreate the container if the startup check has failed", policy("Always"), (_s, m) => { m.probes.startup.set("id2", "failure"); },
      { sandboxId: "sandboxID", containersToKill: { id2: "foo2" }, containersToStart: [1] }],
    ["Verify we do not create a pod sandbox if no ready sandbox for pod with RestartPolicy=Never and all containers exited", policy("Never"), (s) => {
      Object.assign(s.sandboxes[0]!, { ready: false, attempt: 1 });
      for (const c of s.containers) Object.assign(c, { state: "exited", exitCode: 0 });
    }, { sandboxId: "sandboxID", attempt: 2, createSandbox: false, killPod: true }],
    ["Verify we do not create a pod sandbox if no ready sandbox for pod with RestartPolicy=OnFailure and all containers succeeded", policy("OnFailure"), (s) => {
      Object.assign(s.sandboxes[0]!, { ready: false, attempt: 1 });
      for (const c of s.containers) Object.assign(c, { state: "exited", exitCode: 0 });
    }, { sandboxId: "sandboxID", attempt: 2, createSandbox: false, killPod: true }],
    ["Verify we create a pod sandbox if no ready sandbox for pod with RestartPolicy=Never and no containers have ever been created", policy("Never"), (s) => {
      Object.assign(s.sandboxes[0]!, { ready: false, attempt: 2 });
      s.containers = [];
    }, { sandboxId: "sandboxID", attempt: 3, createSandbox: true, killPod: true, containersToStart: [0, 1, 2] }],
    ["Kill and recreate the container if the container is in unknown state", policy("Never"), (s) => { s.containers[1]!.state = "unknown"; },
      { sandboxId: "sandboxID", containersToKill: { id2: "foo2" }, containersToStart: [1] }],
    ["Restart the container if the container is in created state", policy("Never"), (s) => { s.containers[1]!.state = "created"; },
      { sandboxId: "sandboxID", containersToStart: [1] }],
  ];
  it.each(rows)("%s", (_n, mutatePod, mutateStatus, expected) => {
    expect(actions(run(makeBasePodAndStatus, mutatePod, mutateStatus))).toEqual(want(expected));
  });
});

describe("shouldContainerBeRestarted (TestShouldContainerBeRestarted)", () => {
  const pod: Pod = { metadata: { uid: "12345678", name: "foo", namespace: "new" }, spec: { containers: ["no-history", "alive", "succeed", "failed", "unknown"].map((name) => ({ name })) } };
  const status: RuntimePodStatus = {
    sandboxes: [],
    containers: [
      { id: "", name: "alive", state: "running" },
      { id: "", name: "succeed", state: "exited", exitCode: 0 },
      { id: "", name: "failed", state: "exited", exitCode: 1 },
      { id: "", name: "alive", state: "exited", exitCode: 2 },
      { id: "", name: "unknown", state: "unknown" },
      { id: "", name: "failed", state: "exited", exitCode: 3 },
    ],
  };
  const policies = ["Never", "OnFailure", "Always"];
  const expected: Record<string, boolean[]> = {
    "no-history": [true, true, true],
    alive: [false, false, false],
    succeed: [false, false, true],
    failed: [false, true, true],
    unknown: [true, true, true],
  };
  for (const c of pod.spec!.containers) {
    policies.forEach((p, i) => {
      it(`container ${c.name} with restart policy ${p}: ${expected[c.name]![i]}`, () => {
        expect(shouldContainerBeRestarted(c, { ...pod, spec: { ...pod.spec!, restartPolicy: p } }, status)).toBe(expected[c.name]![i]);
      });
      it(`deleted pod: container ${c.name} with restart policy ${p} is not restarted`, () => {
        const deleted: Pod = { ...pod, metadata: { ...pod.metadata, deletionTimestamp: "2026-01-01T00:00:00Z" }, spec: { ...pod.spec!, restartPolicy: p } };
        expect(shouldContainerBeRestarted(c, deleted, status)).toBe(false);
      });
    });
  }
});

// makeBasePodAndStatusWithInitContainers: three exited init containers, no regular container yet.
function makeBasePodAndStatusWithInitContainers(): Mutable {
  const m = makeBasePodAndStatus();
  const inits: Container[] = ["init1", "init2", "init3"].map((name) => ({ name, image: "bar-image" }));
  m.pod.spec!.initContainers = inits;
  m.status.containers = inits.map((c, i) => ({ id: `initid${i + 1}`, name: c.name, state: "exited", hash: hashContainer(c) }));
  return m;
}

describe("computePodActions with init containers (TestComputePodActionsWithInitContainers)", () => {
  const rows: Array<[string, ((p: Pod) => void) | undefined, ((s: Mutable["status"]) => void) | undefined, Expected]> = [
    ["initialization completed; start all containers", undefined, undefined, { sandboxId: "sandboxID", containersToStart: [0, 1, 2] }],
    ["no init containers have been started; start the first one", undefined, (s) => { s.containers = []; }, { sandboxId: "sandboxID", initContainersToStart: [0] }],
    ["initialization in progress; do nothing", policy("Always"), (s) => { s.containers[2]!.state = "running"; }, { sandboxId: "sandboxID" }],
    ["Kill pod and restart the first init container if the pod sandbox is dead", policy("Always"), (s) => { s.sandboxes[0]!.ready = false; },
      { killPod: true, createSandbox: true, sandboxId: "sandboxID", attempt: 1, initContainersToStart: [0] }],
    ["initialization failed; restart the last init container if RestartPolicy == Always", policy("Always"), (s) => { s.containers[2]!.exitCode = 137; },
      { sandboxId: "sandboxID", initContainersToStart: [2] }],
    ["initialization failed; restart the last init container if RestartPolicy == OnFailure", policy("OnFailure"), (s) => { s.containers[2]!.exitCode = 137; },
      { sandboxId: "sandboxID", initContainersToStart: [2] }],
    ["initialization failed; kill pod if RestartPolicy == Never", policy("Never"), (s) => { s.containers[2]!.exitCode = 137; },
      { killPod: true, sandboxId: "sandboxID" }],
    ["init container state unknown; kill and recreate the last init container if RestartPolicy == Always", policy("Always"), (s) => { s.containers[2]!.state = "unknown"; },
      { sandboxId: "sandboxID", initContainersToStart: [2], containersToKill: { initid3: "init3" } }],
    ["init container state unknown; kill and recreate the last init container if RestartPolicy == OnFailure", policy("OnFailure"), (s) => { s.containers[2]!.state = "unknown"; },
      { sandboxId: "sandboxID", initContainersToStart: [2], containersToKill: { initid3: "init3" } }],
    ["init container state unknown; kill pod if RestartPolicy == Never", policy("Never"), (s) => { s.containers[2]!.state = "unknown"; },
      { killPod: true, sandboxId: "sandboxID" }],
    ["Pod sandbox not ready, init container failed, but RestartPolicy == Never; kill pod only", policy("Never"), (s) => { s.sandboxes[0]!.ready = false; },
      { killPod: true, createSandbox: false, sandboxId: "sandboxID", attempt: 1 }],
    ["Pod sandbox not ready, and RestartPolicy == Never, but no visible init containers;  create a new pod sandbox", policy("Never"), (s) => { s.sandboxes[0]!.ready = false; s.containers = []; },
      { killPod: true, createSandbox: true, sandboxId: "sandboxID", attempt: 1, initContainersToStart: [0] }],
    ["Pod sandbox not ready, init container failed, and RestartPolicy == OnFailure; create a new pod sandbox", policy("OnFailure"), (s) => { s.sandboxes[0]!.ready = false; s.containers[2]!.exitCode = 137; },
      { killPod: true, createSandbox: true, sandboxId: "sandboxID", attempt: 1, initContainersToStart: [0] }],
    ["some of the init container statuses are missing but the last init container is running, don't restart preceding ones", policy("Always"), (s) => {
      s.containers[2]!.state = "running";
      s.containers = s.containers.slice(2);
    }, { killPod: false, sandboxId: "sandboxID" }],
    ["an init container is in the created state due to an unknown error when starting container; restart it", policy("Always"), (s) => { s.containers[2]!.state = "created"; },
      { killPod: false, sandboxId: "sandboxID", initContainersToStart: [2] }],
  ];
  it.each(rows)("%s", (_n, mutatePod, mutateStatus, expected) => {
    expect(actions(run(makeBasePodAndStatusWithInitContainers, mutatePod, mutateStatus && ((s) => mutateStatus(s))))).toEqual(want(expected));
  });
});

// makeBasePodAndStatusWithRestartableInitContainers: three running sidecars (the last two with
// liveness and startup probes, which the test loop reports successful before each row).
function makeBasePodAndStatusWithRestartableInitContainers(): Mutable {
  const m = makeBasePodAndStatus();
  const inits: Container[] = [
    { name: "restartable-init-1", image: "bar-image", restartPolicy: "Always" },
    { name: "restartable-init-2", image: "bar-image", restartPolicy: "Always", livenessProbe: {}, startupProbe: {} },
    { name: "restartable-init-3", image: "bar-image", restartPolicy: "Always", livenessProbe: {}, startupProbe: {} },
  ];
  m.pod.spec!.initContainers = inits;
  m.status.containers = inits.map((c, i) => ({ id: `initid${i + 1}`, name: c.name, state: "running", hash: hashContainer(c) }));
  for (const id of ["initid2", "initid3"]) {
    m.probes.liveness.set(id, "success");
    m.probes.startup.set(id, "success");
  }
  return m;
}

const regular = (state: "running" | "exited") => (s: Mutable["status"], m: Mutable) => {
  for (let i = 1; i <= 3; i++) s.containers.push({ id: `id${i}`, name: `foo${i}`, state, ...(state === "exited" ? { exitCode: 0 } : {}), hash: hashContainer(m.pod.spec!.containers[i - 1]!) });
};

describe("computePodActions with restartable init containers (TestComputePodActionsWithRestartableInitContainers)", () => {
  const rows: Array<[string, ((p: Pod) => void) | undefined, ((s: Mutable["status"], m: Mutable) => void) | undefined, Expected]> = [
    ["initialization completed; start all containers", undefined, undefined, { sandboxId: "sandboxID", containersToStart: [0, 1, 2] }],
    ["no init containers have been started; start the first one", undefined, (s) => { s.containers = []; }, { sandboxId: "sandboxID", initContainersToStart: [0] }],
    ["an init container is stuck in the created state; restart it", policy("Always"), (s) => { s.containers[2]!.state = "created"; },
      { sandboxId: "sandboxID", initContainersToStart: [2] }],
    ["restartable init container has started; start the next", policy("Always"), (s) => { s.containers = s.containers.slice(0, 1); },
      { sandboxId: "sandboxID", initContainersToStart: [1] }],
    ["livenessProbe has not been run; start the nothing", policy("Always"), (s, m) => { m.probes.liveness.delete("initid2"); s.containers = s.containers.slice(0, 2); },
      { sandboxId: "sandboxID", initContainersToStart: [2] }],
    ["livenessProbe in progress; start the next", policy("Always"), (s, m) => { m.probes.liveness.set("initid2", "unknown"); s.containers = s.containers.slice(0, 2); },
      { sandboxId: "sandboxID", initContainersToStart: [2] }],
    ["livenessProbe has completed; start the next", policy("Always"), (s) => { s.containers = s.containers.slice(0, 2); },
      { sandboxId: "sandboxID", initContainersToStart: [2] }],
    ["kill and recreate the restartable init container if the liveness check has failed", policy("Always"), (_s, m) => { m.probes.liveness.set("initid3", "failure"); },
      { sandboxId: "sandboxID", initContainersToStart: [2], containersToKill: { initid3: "restartable-init-3" }, containersToStart: [0, 1, 2] }],
    ["startupProbe has not been run; do nothing", policy("Always"), (s, m) => { m.probes.startup.delete("initid2"); s.containers = s.containers.slice(0, 2); },
      { sandboxId: "sandboxID" }],
    ["startupProbe in progress; do nothing", policy("Always"), (s, m) => { m.probes.startup.set("initid2", "unknown"); s.containers = s.containers.slice(0, 2); },
      { sandboxId: "sandboxID" }],
    ["startupProbe has completed; start the next", policy("Always"), (s) => { s.containers = s.containers.slice(0, 2); },
      { sandboxId: "sandboxID", initContainersToStart: [2] }],
    ["kill and recreate the restartable init container if the startup check has failed", (p) => { p.spec!.restartPolicy = "Always"; p.spec!.initContainers![2]!.startupProbe = {}; },
      (_s, m) => { m.probes.startup.set("initid3", "failure"); },
      { sandboxId: "sandboxID", initContainersToStart: [2], containersToKill: { initid3: "restartable-init-3" } }],
    ["kill and recreate the restartable init container if the container definition changes", (p) => { p.spec!.restartPolicy = "Always"; p.spec!.initContainers![2]!.image = "foo-image"; }, undefined,
      { sandboxId: "sandboxID", initContainersToStart: [2], containersToKill: { initid3: "restartable-init-3" }, containersToStart: [0, 1, 2] }],
    ["restart terminated restartable init container and next init container", policy("Always"), (s) => { s.containers[0]!.state = "exited"; s.containers[2]!.state = "exited"; },
      { sandboxId: "sandboxID", initContainersToStart: [0, 2] }],
    ["restart terminated restartable init container and regular containers", policy("Always"), (s) => { s.containers[0]!.state = "exited"; },
      { sandboxId: "sandboxID", initContainersToStart: [0], containersToStart: [0, 1, 2] }],
    ["Pod sandbox not ready, restartable init container failed, but RestartPolicy == Never; kill pod only", policy("Never"), (s) => {
      s.sandboxes[0]!.ready = false;
      Object.assign(s.containers[2]!, { state: "exited", exitCode: 137 });
    }, { killPod: true, createSandbox: false, sandboxId: "sandboxID", attempt: 1 }],
    ["Pod sandbox not ready, and RestartPolicy == Never, but no visible restartable init containers;  create a new pod sandbox", policy("Never"), (s) => { s.sandboxes[0]!.ready = false; s.containers = []; },
      { killPod: true, createSandbox: true, sandboxId: "sandboxID", attempt: 1, initContainersToStart: [0] }],
    ["Pod sandbox not ready, restartable init container failed, and RestartPolicy == OnFailure; create a new pod sandbox", policy("OnFailure"), (s) => {
      s.sandboxes[0]!.ready = false;
      Object.assign(s.containers[2]!, { state: "exited", exitCode: 137 });
    }, { killPod: true, createSandbox: true, sandboxId: "sandboxID", attempt: 1, initContainersToStart: [0] }],
    ["Pod sandbox not ready, restartable init container failed, and RestartPolicy == Always; create a new pod sandbox", policy("Always"), (s) => {
      s.sandboxes[0]!.ready = false;
      Object.assign(s.containers[2]!, { state: "exited", exitCode: 137 });
    }, { killPod: true, createSandbox: true, sandboxId: "sandboxID", attempt: 1, initContainersToStart: [0] }],
    ["initialization failed; restart the last restartable init container even if pod's RestartPolicy == Never", policy("Never"), (s) => { Object.assign(s.containers[2]!, { state: "exited", exitCode: 137 }); },
      { sandboxId: "sandboxID", initContainersToStart: [2] }],
    ["restartable init container state unknown; kill and recreate the last restartable init container even if pod's RestartPolicy == Never", policy("Never"), (s) => { s.containers[2]!.state = "unknown"; },
      { sandboxId: "sandboxID", initContainersToStart: [2], containersToKill: { initid3: "restartable-init-3" } }],
    ["restart restartable init container if regular containers are running even if pod's RestartPolicy == Never", policy("Never"), (s, m) => {
      Object.assign(s.containers[2]!, { state: "exited", exitCode: 137 });
      regular("running")(s, m);
    }, { sandboxId: "sandboxID", initContainersToStart: [2] }],
    ["kill the pod if all main containers succeeded if pod's RestartPolicy == Never", policy("Never"), regular("exited"), { killPod: true, sandboxId: "sandboxID" }],
    ["some of the init container statuses are missing but the last init container is running, restart restartable init and regular containers", policy("Always"), (s) => { s.containers = s.containers.slice(2); },
      { sandboxId: "sandboxID", initContainersToStart: [0, 1], containersToStart: [0, 1, 2] }],
  ];
  it.each(rows)("%s", (_n, mutatePod, mutateStatus, expected) => {
    expect(actions(run(makeBasePodAndStatusWithRestartableInitContainers, mutatePod, mutateStatus))).toEqual(want(expected));
  });
});

// makeBasePodAndStatusWithInitAndEphemeralContainers: the three running containers, an exited
// init container and a running ephemeral container "debug".
function makeBasePodAndStatusWithInitAndEphemeralContainers(): Mutable {
  const m = makeBasePodAndStatus();
  const init: Container = { name: "init1", image: "bar-image" };
  const debug = { name: "debug", image: "busybox" };
  m.pod.spec!.initContainers = [init];
  m.pod.spec!.ephemeralContainers = [debug];
  m.status.containers.push({ id: "initid1", name: "init1", state: "exited", hash: hashContainer(init) }, { id: "debug1", name: "debug", state: "running", hash: hashContainer(debug) });
  return m;
}

describe("computePodActions with init and ephemeral containers (TestComputePodActionsWithInitAndEphemeralContainers)", () => {
  const rows: Array<[string, ((p: Pod) => void) | undefined, ((s: Mutable["status"]) => void) | undefined, Expected]> = [
    ["steady state; do nothing; ignore ephemeral container", undefined, undefined, { sandboxId: "sandboxID" }],
    ["No ephemeral containers running; start one", undefined, (s) => { s.containers = s.containers.slice(0, 4); }, { sandboxId: "sandboxID", ephemeralContainersToStart: [0] }],
    ["Start second ephemeral container", (p) => { p.spec!.ephemeralContainers = [...p.spec!.ephemeralContainers!, { name: "debug2", image: "busybox" }]; }, undefined,
      { sandboxId: "sandboxID", ephemeralContainersToStart: [1] }],
    ["Ephemeral container exited; do not restart", policy("Always"), (s) => { s.containers[4]!.state = "exited"; }, { sandboxId: "sandboxID" }],
    ["initialization in progress; start ephemeral container", undefined, (s) => { s.containers[3]!.state = "running"; s.containers = s.containers.slice(0, 4); },
      { sandboxId: "sandboxID", ephemeralContainersToStart: [0] }],
    ["Create a new pod sandbox if the pod sandbox is dead, init container failed and RestartPolicy == OnFailure", policy("OnFailure"), (s) => {
      s.sandboxes[0]!.ready = false;
      s.containers = s.containers.slice(3);
      s.containers[0]!.exitCode = 137;
    }, { killPod: true, createSandbox: true, sandboxId: "sandboxID", attempt: 1, initContainersToStart: [0] }],
    ["Kill pod and do not restart ephemeral container if the pod sandbox is dead", policy("Always"), (s) => { s.sandboxes[0]!.ready = false; },
      { killPod: true, createSandbox: true, sandboxId: "sandboxID", attempt: 1, initContainersToStart: [0] }],
    ["Kill pod if all containers exited except ephemeral container", policy("Never"), (s) => {
      for (let i = 0; i < 3; i++) Object.assign(s.containers[i]!, { state: "exited", exitCode: 0 });
    }, { sandboxId: "sandboxID", createSandbox: false, killPod: true }],
    ["Ephemeral container is in unknown state; leave it alone", policy("Never"), (s) => { s.containers[4]!.state = "unknown"; }, { sandboxId: "sandboxID" }],
  ];
  it.each(rows)("%s", (_n, mutatePod, mutateStatus, expected) => {
    expect(actions(run(makeBasePodAndStatusWithInitAndEphemeralContainers, mutatePod, mutateStatus && ((s) => mutateStatus(s))))).toEqual(want(expected));
  });
});

describe("isInitContainerFailed (TestIsInitContainerFailed)", () => {
  it.each([
    ["Init container in exited state and non-zero exit code should return true", { state: "exited", exitCode: 1 }, true],
    ["Init container in unknown state should return true", { state: "unknown" }, true],
    ["Init container which reason is OOMKilled should return true", { reason: "OOMKilled", exitCode: 0 }, true],
    ["Init container in exited state and zero exit code should return false", { state: "exited", exitCode: 0 }, false],
    ["Init container in running state should return false", { state: "running" }, false],
    ["Init container in created state should return false", { state: "created" }, false],
  ] as Array<[string, Parameters<typeof isInitContainerFailed>[0], boolean]>)("%s", (_n, status, failed) => {
    expect(isInitContainerFailed(status)).toBe(failed);
  });
});
