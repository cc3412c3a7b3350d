import { describe, it, expect } from "vitest";
import type { ContainerStatus, Pod, PodSpec } from "kubernetes-types/core/v1";
import {
  podPhase, podConditions, generateContainersReadyCondition, generatePodReadyCondition,
  generatePodInitializedCondition, containerShouldRestart, terminatePodStatus, hasPodInitialized,
} from "./status.js";

// Container status builders mirroring kubelet_pods_test.go's helpers.
const waiting = (name: string, reason = ""): ContainerStatus => ({ name, image: "", imageID: "", ready: false, restartCount: 0, state: { waiting: { reason } } });
const waitingLastTerminated = (name: string, exitCode: number): ContainerStatus => ({ ...waiting(name), lastState: { terminated: { exitCode } } });
const running = (name: string): ContainerStatus => ({ ...waiting(name), state: { running: {} } });
const started = (name: string): ContainerStatus => ({ ...running(name), started: true });
const terminated = (name: string, exitCode: number): ContainerStatus => ({ ...waiting(name), state: { terminated: { exitCode } } });
const succeeded = (name: string) => terminated(name, 0);
const failed = (name: string) => terminated(name, -1);
const ready = (s: ContainerStatus): ContainerStatus => ({ ...s, ready: true });

const twoContainers = (restartPolicy: string, extra: Partial<PodSpec> = {}): PodSpec => ({
  nodeName: "machine", restartPolicy, containers: [{ name: "containerA" }, { name: "containerB" }], ...extra,
});
const pod = (spec: PodSpec, containerStatuses?: ContainerStatus[], initContainerStatuses?: ContainerStatus[], meta: Pod["metadata"] = {}): Pod => ({
  metadata: meta, spec, status: { containerStatuses, initContainerStatuses },
});

type PhaseRow = [string, Pod, string, { podIsTerminal?: boolean; podHasInitialized?: boolean }?];

describe("podPhase with restartPolicy Always (TestPodPhaseWithRestartAlways)", () => {
  const spec = twoContainers("Always");
  const rows: PhaseRow[] = [
    ["A pod with no container statuses is waiting.", pod(spec), "Pending"],
    ["A pod whose containers all run is Running.", pod(spec, [running("containerA"), running("containerB")]), "Running"],
    ["A pod whose containers all stopped is Running because they will restart.", pod(spec, [succeeded("containerA"), succeeded("containerB")]), "Running"],
    ["A terminal pod whose containers all succeeded is Succeeded despite restart Always.", pod(spec, [succeeded("containerA"), succeeded("containerB")]), "Succeeded", { podIsTerminal: true }],
    ["A terminal pod with one failed container is Failed.", pod(spec, [succeeded("containerA"), failed("containerB")]), "Failed", { podIsTerminal: true }],
    ["A static terminal pod keeps restarting and stays Running.", pod(spec, [succeeded("containerA"), failed("containerB")], undefined, { annotations: { "kubernetes.io/config.source": "file" } }), "Running", { podIsTerminal: true }],
    ["One running and one stopped container is Running.", pod(spec, [running("containerA"), succeeded("containerB")]), "Running"],
    ["One running container and one without status is Pending.", pod(spec, [running("containerA")]), "Pending"],
    ["One running and one waiting container is Pending.", pod(spec, [running("containerA"), waiting("containerB")]), "Pending"],
    ["A crash-looping container in back-off keeps the pod Running.", pod(spec, [running("containerA"), waitingLastTerminated("containerB", 0)]), "Running"],
  ];
  it.each(rows)("%s", (_name, p, want, opts) => expect(podPhase(p, opts)).toBe(want));
});

describe("podPhase with restartPolicy Never (TestPodPhaseWithRestartNever)", () => {
  const spec = twoContainers("Never");
  const rows: PhaseRow[] = [
    ["A pod with no statuses is Pending.", pod(spec), "Pending"],
    ["All containers running is Running.", pod(spec, [running("containerA"), running("containerB")]), "Running"],
    ["All containers succeeded is Succeeded.", pod(spec, [succeeded("containerA"), succeeded("containerB")]), "Succeeded"],
    ["All containers stopped with one failure is Failed.", pod(spec, [succeeded("containerA"), failed("containerB")]), "Failed"],
    ["One running and one stopped container is Running.", pod(spec, [running("containerA"), succeeded("containerB")]), "Running"],
    ["One running and one unknown container is Pending.", pod(spec, [running("containerA")]), "Pending"],
    ["One running and one waiting container is Pending.", pod(spec, [running("containerA"), waiting("containerB")]), "Pending"],
  ];
  it.each(rows)("%s", (_name, p, want, opts) => expect(podPhase(p, opts)).toBe(want));
});

describe("podPhase with restartPolicy OnFailure (TestPodPhaseWithRestartOnFailure)", () => {
  const spec = twoContainers("OnFailure");
  const rows: PhaseRow[] = [
    ["A pod with no statuses is Pending.", pod(spec), "Pending"],
    ["All containers running is Running.", pod(spec, [running("containerA"), running("containerB")]), "Running"],
    ["All containers succeeded is Succeeded.", pod(spec, [succeeded("containerA"), succeeded("containerB")]), "Succeeded"],
    ["All stopped with one failure is Running because the failed one restarts.", pod(spec, [succeeded("containerA"), failed("containerB")]), "Running"],
    ["One running and one stopped container is Running.", pod(spec, [running("containerA"), failed("containerB")]), "Running"],
    ["One running and one unknown container is Pending.", pod(spec, [running("containerA")]), "Pending"],
    ["A container in back-off after a failure keeps the pod Running.", pod(spec, [running("containerA"), waitingLastTerminated("containerB", 1)]), "Running"],
  ];
  it.each(rows)("%s", (_name, p, want, opts) => expect(podPhase(p, opts)).toBe(want));
});

describe("podPhase with init containers (TestPodPhaseWithRestart*InitContainers)", () => {
  const always = twoContainers("Always", { initContainers: [{ name: "containerX" }] });
  const never = twoContainers("Never", { initContainers: [{ name: "containerX" }] });
  const rows: PhaseRow[] = [
    ["An init container without status keeps the pod Pending.", pod(always), "Pending"],
    ["A running init container keeps the pod Pending.", pod(always, undefined, [running("containerX")]), "Pending"],
    ["A failed init container under restart Always keeps the pod Pending while it retries.", pod(always, undefined, [failed("containerX")]), "Pending"],
    ["An init container waiting after exit 0 keeps the pod Pending.", pod(always, undefined, [waitingLastTerminated("containerX", 0)]), "Pending"],
    ["An init container waiting after a failure under Always keeps the pod Pending.", pod(always, undefined, [waitingLastTerminated("containerX", -1)]), "Pending"],
    ["A succeeded init container with running containers is Running.", pod(always, [running("containerA"), running("containerB")], [succeeded("containerX")]), "Running"],
    ["A failed init container under restart Never fails the pod.", pod(never, undefined, [failed("containerX")]), "Failed"],
    ["An init container waiting after a failure under restart Never fails the pod.", pod(never, undefined, [waitingLastTerminated("containerX", -1)]), "Failed"],
  ];
  it.each(rows)("%s", (_name, p, want, opts) => expect(podPhase(p, opts)).toBe(want));
});

describe("podPhase with restartable init containers (TestPodPhaseWithRestartAlwaysRestartableInitContainers)", () => {
  const spec = twoContainers("Always", { initContainers: [{ name: "containerX", restartPolicy: "Always" }] });
  const never = twoContainers("Never", { initContainers: [{ name: "containerX", restartPolicy: "Always" }] });
  const rows: PhaseRow[] = [
    ["A sidecar without status keeps the pod Pending.", pod(spec), "Pending"],
    ["A running but not started sidecar keeps the pod Pending.", pod(spec, undefined, [running("containerX")]), "Pending"],
    ["A stopped sidecar without regular statuses keeps the pod Pending.", pod(spec, undefined, [succeeded("containerX")]), "Pending"],
    ["A sidecar waiting after termination keeps the pod Pending.", pod(spec, undefined, [waitingLastTerminated("containerX", 0)]), "Pending"],
    ["A started sidecar with one of two containers running is Pending.", pod(spec, [running("containerA")], [started("containerX")]), "Pending"],
    ["A started sidecar with all containers running is Running.", pod(spec, [running("containerA"), running("containerB")], [started("containerX")]), "Running"],
    ["A not-yet-started sidecar with all containers running is Pending before initialization.", pod(spec, [running("containerA"), running("containerB")], [running("containerX")]), "Pending"],
    ["A restarting sidecar does not send an initialized pod back to Pending.", pod(spec, [running("containerA"), running("containerB")], [running("containerX")]), "Running", { podHasInitialized: true }],
    ["A stopped sidecar with all containers running is Running.", pod(spec, [running("containerA"), running("containerB")], [succeeded("containerX")]), "Running"],
    ["A crash-looping sidecar with all containers running is Running.", pod(spec, [running("containerA"), running("containerB")], [waitingLastTerminated("containerX", 1)]), "Running"],
    ["A terminal pod with all regular containers succeeded is Succeeded whatever the sidecar did.", pod(spec, [succeeded("containerA"), succeeded("containerB")], [failed("containerX")]), "Succeeded", { podIsTerminal: true }],
    ["Under restart Never, containers done and sidecar still running is Running.", pod(never, [succeeded("containerA"), succeeded("containerB")], [started("containerX")]), "Running"],
    ["Under restart Never, containers succeeded and sidecar stopped is Succeeded.", pod(never, [succeeded("containerA"), succeeded("containerB")], [failed("containerX")]), "Succeeded"],
  ];
  it.each(rows)("%s", (_name, p, want, opts) => expect(podPhase(p, opts)).toBe(want));
});

describe("podPhase with container restart rules (ContainerRestartRules, beta in v1.35)", () => {
  const rules = (restartPolicy: string, action: string, values: number[]) =>
    ({ name: "containerA", restartPolicy, restartPolicyRules: [{ action, exitCodes: { operator: "In", values } }] });
  const rows: PhaseRow[] = [
    ["A container with restartPolicy Never in a restart-Always pod that failed makes the pod Failed.",
      pod({ restartPolicy: "Always", containers: [{ name: "containerA", restartPolicy: "Never" }] }, [failed("containerA")]), "Failed"],
    ["A container with restartPolicy OnFailure in a restart-Never pod that failed keeps the pod Running.",
      pod({ restartPolicy: "Never", containers: [{ name: "containerA", restartPolicy: "OnFailure" }] }, [terminated("containerA", 3)]), "Running"],
    ["A matching Restart rule keeps a restart-Never container restarting.",
      pod({ restartPolicy: "Never", containers: [rules("Never", "Restart", [42])] }, [terminated("containerA", 42)]), "Running"],
    ["A non-matching Restart rule falls back to the container policy Never.",
      pod({ restartPolicy: "Never", containers: [rules("Never", "Restart", [42])] }, [terminated("containerA", 1)]), "Failed"],
  ];
  it.each(rows)("%s", (_name, p, want, opts) => expect(podPhase(p, opts)).toBe(want));

  it("uses the pod restart policy when a container declares none", () => {
    expect(containerShouldRestart({ name: "a" }, { containers: [], restartPolicy: "OnFailure" }, 0)).toBe(false);
    expect(containerShouldRestart({ name: "a" }, { containers: [] }, 0)).toBe(true);
  });
});

describe("ContainersReady and Ready (status/generate_test.go)", () => {
  const spec = (names: string[], extra: Partial<PodSpec> = {}): PodSpec => ({ containers: names.map((name) => ({ name })), ...extra });
  const rows: [string, Pod, string | null, string, string, string | undefined, string | undefined][] = [
    ["Absent container statuses are unknown.", { spec: spec(["a"]), status: {} }, "Running", "ContainersReady", "False", "UnknownContainerStatuses", undefined],
    ["A pod without containers is ready.", { spec: spec([]), status: { containerStatuses: [] } }, "Running", "ContainersReady", "True", undefined, undefined],
    ["A container without status is reported unknown.", { spec: spec(["1234"]), status: { containerStatuses: [] } }, "Running", "ContainersReady", "False", "ContainersNotReady", "containers with unknown status: [1234]"],
    ["All ready containers make ContainersReady True.", { spec: spec(["1234", "5678"]), status: { containerStatuses: [ready(running("1234")), ready(running("5678"))] } }, "Running", "ContainersReady", "True", undefined, undefined],
    ["Unknown and unready containers are both listed.", { spec: spec(["1234", "5678", "9abc"]), status: { containerStatuses: [waiting("1234"), ready(running("5678"))] } }, "Running", "ContainersReady", "False", "ContainersNotReady", "containers with unknown status: [9abc], containers with unready status: [1234]"],
    ["Several unready containers are listed space separated.", { spec: spec(["a", "b"]), status: { containerStatuses: [running("a"), running("b")] } }, "Running", "ContainersReady", "False", "ContainersNotReady", "containers with unready status: [a b]"],
    ["A succeeded pod with known statuses is PodCompleted.", { spec: spec(["1234"]), status: { containerStatuses: [succeeded("1234")] } }, "Succeeded", "ContainersReady", "False", "PodCompleted", undefined],
    ["A failed pod is PodFailed even if a container is still ready.", { spec: spec(["1234"]), status: { containerStatuses: [ready(running("1234"))] } }, "Failed", "ContainersReady", "False", "PodFailed", undefined],
    ["An unready sidecar keeps ContainersReady False.", { spec: spec(["a"], { initContainers: [{ name: "side", restartPolicy: "Always" }] }), status: { containerStatuses: [ready(running("a"))], initContainerStatuses: [started("side")] } }, "Running", "ContainersReady", "False", "ContainersNotReady", "containers with unready status: [side]"],
    ["Regular init containers do not count towards readiness.", { spec: spec(["a"], { initContainers: [{ name: "init" }] }), status: { containerStatuses: [ready(running("a"))], initContainerStatuses: [succeeded("init")] } }, "Running", "ContainersReady", "True", undefined, undefined],
  ];
  it.each(rows)("%s", (_name, p, phase, _type, status, reason, message) => {
    const c = generateContainersReadyCondition(p, undefined, phase ?? undefined);
    expect({ type: c.type, status: c.status, reason: c.reason, message: c.message }).toEqual({ type: "ContainersReady", status, reason, message });
    // Ready mirrors ContainersReady when containers are not all ready.
    const r = generatePodReadyCondition(p, [], undefined, phase ?? undefined);
    expect({ status: r.status, reason: r.reason, message: r.message }).toEqual({ status, reason, message });
  });

  const gated = (conditions: Pod["status"] extends infer S ? S extends { conditions?: infer C } ? C : never : never, gates: string[]): Pod => ({
    spec: spec(["a"], { readinessGates: gates.map((conditionType) => ({ conditionType })) }),
    status: { phase: "Running", containerStatuses: [ready(running("a"))], conditions },
  });
  const gateRows: [string, Pod, string, string | undefined, string | undefined][] = [
    ["A missing readiness gate condition keeps Ready False.", gated([], ["cond1"]), "False", "ReadinessGatesNotReady", 'corresponding condition of pod readiness gate "cond1" does not exist.'],
    ["A False readiness gate condition keeps Ready False.", gated([{ type: "cond1", status: "False" }], ["cond1"]), "False", "ReadinessGatesNotReady", 'the status of pod readiness gate "cond1" is not "True", but False'],
    ["A True readiness gate condition lets Ready be True.", gated([{ type: "cond1", status: "True" }], ["cond1"]), "True", undefined, undefined],
    ["Several failing gates are joined with a comma.", gated([{ type: "cond1", status: "True" }, { type: "cond3", status: "False" }], ["cond1", "cond2", "cond3"]), "False", "ReadinessGatesNotReady",
      'corresponding condition of pod readiness gate "cond2" does not exist., the status of pod readiness gate "cond3" is not "True", but False'],
  ];
  it.each(gateRows)("%s", (_name, p, status, reason, message) => {
    const r = generatePodReadyCondition(p);
    expect({ type: r.type, status: r.status, reason: r.reason, message: r.message }).toEqual({ type: "Ready", status, reason, message });
  });
});

describe("Initialized (GeneratePodInitializedCondition)", () => {
  const spec: PodSpec = { containers: [{ name: "regular" }], initContainers: [{ name: "init1" }, { name: "side", restartPolicy: "Always" }] };
  const rows: [string, Pod, string, string | undefined, string | undefined][] = [
    ["Absent statuses with init containers are unknown.", { spec, status: { phase: "Pending" } }, "False", "UnknownContainerStatuses", undefined],
    ["A pod without init containers is initialized.", { spec: { containers: [{ name: "a" }] }, status: { phase: "Pending" } }, "True", undefined, undefined],
    ["Missing and incomplete init containers are listed.", { spec, status: { phase: "Pending", initContainerStatuses: [running("init1")] } }, "False", "ContainersNotInitialized", "containers with unknown status: [side], containers with incomplete status: [init1]"],
    ["A sidecar that is running but not started is incomplete.", { spec, status: { phase: "Pending", initContainerStatuses: [ready(succeeded("init1")), running("side")] } }, "False", "ContainersNotInitialized", "containers with incomplete status: [side]"],
    ["A finished init container and a started sidecar initialize the pod.", { spec, status: { phase: "Pending", initContainerStatuses: [ready(succeeded("init1")), started("side")] } }, "True", undefined, undefined],
    ["A started regular container means the pod was initialized before.", { spec, status: { phase: "Running", initContainerStatuses: [ready(succeeded("init1")), waitingLastTerminated("side", 1)], containerStatuses: [running("regular")] } }, "True", undefined, undefined],
    ["A succeeded pod with known init statuses is PodCompleted.", { spec, status: { phase: "Succeeded", initContainerStatuses: [succeeded("init1"), succeeded("side")] } }, "True", "PodCompleted", undefined],
  ];
  it.each(rows)("%s", (_name, p, status, reason, message) => {
    const c = generatePodInitializedCondition(p);
    expect({ type: c.type, status: c.status, reason: c.reason, message: c.message }).toEqual({ type: "Initialized", status, reason, message });
  });
});

describe("podConditions", () => {
  it("keeps foreign conditions first, then the kubelet's own in generateAPIPodStatus' order, PodScheduled last", () => {
    const p: Pod = {
      spec: { containers: [{ name: "a" }] },
      status: { phase: "Running", podIP: "10.0.0.5", containerStatuses: [ready(running("a"))], conditions: [
        { type: "PodScheduled", status: "True" }, { type: "Ready", status: "False" }, { type: "DisruptionTarget", status: "True", reason: "EvictionByEvictionAPI" }] },
    };
    const got = podConditions(p).map((c) => `${c.type}=${c.status}`);
    expect(got).toEqual(["DisruptionTarget=True", "PodReadyToStartContainers=True", "Initialized=True", "Ready=True", "ContainersReady=True", "PodScheduled=True"]);
  });

  it("reports the sandbox not ready and keeps transition times of unchanged conditions", () => {
    const p: Pod = { spec: { containers: [{ name: "a" }] }, status: { phase: "Pending", conditions: [{ type: "Initialized", status: "True", lastTransitionTime: "t0" }] } };
    const got = podConditions(p, { sandboxReady: false, now: "t1" });
    expect(got.map((c) => [c.type, c.status, c.reason, c.lastTransitionTime])).toEqual([
      ["PodReadyToStartContainers", "False", undefined, "t1"],
      ["Initialized", "True", undefined, "t0"],
      ["Ready", "False", "UnknownContainerStatuses", "t1"],
      ["ContainersReady", "False", "UnknownContainerStatuses", "t1"],
      ["PodScheduled", "True", undefined, "t1"],
    ]);
  });

  it("stamps observedGeneration from metadata.generation", () => {
    const p: Pod = { metadata: { generation: 3 }, spec: { containers: [] }, status: { phase: "Running", containerStatuses: [] } };
    expect(podConditions(p).every((c) => (c as { observedGeneration?: number }).observedGeneration === 3)).toBe(true);
  });
});

describe("the final status of a terminated pod (status manager TerminatePod)", () => {
  const unknown = { terminated: { exitCode: 137, reason: "ContainerStatusUnknown", message: "The container could not be located when the pod was terminated", startedAt: null, finishedAt: null } };
  const states = (xs: ContainerStatus[] | undefined) => (xs ?? []).map((x) => (x.state?.terminated ? `${x.name}=terminated/${x.state.terminated.reason ?? x.state.terminated.exitCode}` : `${x.name}=${Object.keys(x.state ?? {})[0]}`));
  const withInits = (inits: string[]): PodSpec => ({ ...twoContainers("Always"), initContainers: inits.map((name) => ({ name })) });

  it("a Pending pod without init containers: every waiting container is unknown and the pod Failed", () => {
    const p = pod(twoContainers("Always"), [waiting("containerA"), waiting("containerB")]);
    const got = terminatePodStatus(p, { ...p.status, phase: "Pending" });
    expect(got.phase).toBe("Failed");
    expect(got.containerStatuses!.map((x) => x.state)).toEqual([unknown, unknown]);
  });

  it("keeps the terminated state of containers that stopped and the phase of a Succeeded pod", () => {
    const p = pod(twoContainers("Never"), [succeeded("containerA"), succeeded("containerB")]);
    const got = terminatePodStatus(p, { ...p.status, phase: "Succeeded" });
    expect(got.phase).toBe("Succeeded");
    expect(states(got.containerStatuses)).toEqual(["containerA=terminated/0", "containerB=terminated/0"]);
  });

  it("a Running pod with one container gone: that container is unknown and the pod Failed", () => {
    const p = pod(twoContainers("Always"), [running("containerA"), terminated("containerB", 137)]);
    const got = terminatePodStatus(p, { ...p.status, phase: "Running" });
    expect(got.phase).toBe("Failed");
    expect(states(got.containerStatuses)).toEqual(["containerA=terminated/ContainerStatusUnknown", "containerB=terminated/137"]);
  });

  it.each([
    { name: "all init containers waiting: only the first is unknown, regular containers stay waiting", inits: [waiting("init-1"), waiting("init-2")], want: ["init-1=terminated/ContainerStatusUnknown", "init-2=waiting"], regular: ["containerA=waiting", "containerB=waiting"] },
    { name: "the first init container done, the second running: the second is unknown", inits: [succeeded("init-1"), running("init-2")], want: ["init-1=terminated/0", "init-2=terminated/ContainerStatusUnknown"], regular: ["containerA=waiting", "containerB=waiting"] },
    { name: "the last init container done: the pod initialized, so waiting regular containers are unknown too", inits: [succeeded("init-1"), succeeded("init-2")], want: ["init-1=terminated/0", "init-2=terminated/0"], regular: ["containerA=terminated/ContainerStatusUnknown", "containerB=terminated/ContainerStatusUnknown"] },
  ])("$name", ({ inits, want, regular }) => {
    const p = pod(withInits(["init-1", "init-2"]), [waiting("containerA"), waiting("containerB")], inits);
    const got = terminatePodStatus(p, { ...p.status, phase: "Pending" });
    expect(states(got.initContainerStatuses)).toEqual(want);
    expect(states(got.containerStatuses)).toEqual(regular);
    expect(got.phase).toBe("Failed");
  });

  it("a pod whose regular container once left Waiting has initialized, init containers or not", () => {
    expect(hasPodInitialized(pod(withInits(["init-1"]), [running("containerA")], [waiting("init-1")]))).toBe(true);
    expect(hasPodInitialized(pod(withInits(["init-1"]), [waiting("containerA")], [waiting("init-1")]))).toBe(false);
    expect(hasPodInitialized(pod(withInits(["init-1"]), [waitingLastTerminated("containerA", 1)], [waiting("init-1")]))).toBe(true);
  });

  it("a static pod keeps its phase", () => {
    const p = pod(twoContainers("Always"), [waiting("containerA"), waiting("containerB")], undefined, { annotations: { "kubernetes.io/config.source": "file" } });
    expect(terminatePodStatus(p, { ...p.status, phase: "Pending" }).phase).toBe("Pending");
  });
});
