// Round twenty-five's mutants and the checks that catch them: each rule below holds on the correct
// code and fails with its mutant on. The expectations are Kubernetes' and Linux's rules, not the code's
// output: client-go's EventCorrelator combines the tenth distinct message of similar events within 600 s,
// lets a burst of 25 events through per object and adds one each 300 s, and keeps a repeat's first
// timestamp (events_cache.go); the events.k8s.io/v1 broadcaster leaves the note out of isomorphism, writes
// the second event as a series, finishes a series after 6 minutes and refreshes only series
// (event_broadcaster.go); NodeRestriction's kubelet labels check k8s.io too and take subdomains at a dot
// (getForbiddenLabels, IsKubeletLabel); a feature gate's spec is the last at or before the emulated
// version, compared as versions, and a gate not yet specified is left out (featuregate.GetAll); the kernel's
// generic_permission counts supplementary groups and gives an owner its own bits alone, a sticky directory
// keeps others from removing a file, a setgid directory passes its group on, chmod is the owner's, and a
// read-only root's writable bind is a path, not a prefix; busybox find's -mindepth and -perm /MODE and df's
// reserved blocks and rounded Use% (findutils/find.c, coreutils/df.c); the kubelet kills with at least 2 s
// (killContainer's minimumGracePeriodInSeconds). Which of the components' own tests caught each mutant
// before these rows: properties/mutants/README.md, the twenty-sixth round.
import { afterEach, describe, expect, it } from "vitest";
import { Map as IMap } from "immutable";
import { setMutants } from "../../machines/common/mutation.js";
import { correlate, newCorrelator, type CoreEvent, type Correlated } from "../../machines/common/eventcorrelator.js";
import { finishSeries, observeV1, refreshSeries, type EventV1, type SeriesCache } from "../../machines/common/eventseries.js";
import { isForbiddenNodeLabel } from "../../machines/common/kubeletlabels.js";
import { featureGatesAt } from "../../machines/common/featuregates.js";
import { cell, MemFS, type FsWriter } from "../../machines/cri/workload/memfs.js";
import { resolveImage } from "../../machines/cri/registry.js";
import { startContainer } from "../../machines/cri/workload/index.js";
import { drive, recordingIO } from "../../machines/cri/workload/testkit.js";
import type { Effect, SysinfoResult } from "../../machines/cri/workload/types.js";
import { withMinimumGrace } from "../../machines/kubelet/kuberuntime.js";
import { rfc3339, rfc3339Micro } from "../../machines/common/time.js";
import { lessForDeletion } from "../../machines/replicaset/replicaset.logic.js";
import { managedByExternalController } from "../../machines/job/job.logic.js";
import type { Pod } from "kubernetes-types/core/v1";
import type { Job } from "kubernetes-types/batch/v1";

afterEach(() => setMutants([]));

const T0 = Date.parse("2026-01-01T00:00:00Z");

const coreEvent = (message: string, at: number, reason = "BackOff"): CoreEvent => ({
  metadata: { name: `p.${at}`, namespace: "default" },
  involvedObject: { kind: "Pod", namespace: "default", name: "p", uid: "uid-p", apiVersion: "v1" },
  reason,
  message,
  source: { component: "kubelet", host: "n1" },
  firstTimestamp: rfc3339(at),
  lastTimestamp: rfc3339(at),
  count: 1,
  type: "Normal",
});

/** Records each [message, time] in turn through one correlator; the last answer. */
function correlateAll(events: Array<[string, number]>): Correlated[] {
  let c = newCorrelator();
  let n = 0;
  const out: Correlated[] = [];
  for (const [message, at] of events) {
    const r = correlate(c, coreEvent(message, at), at, () => `agg.${n++}`);
    c = r.correlator;
    out.push(r);
  }
  return out;
}

const messageOf = (r: Correlated | undefined) => (r && !r.skip ? r.event.message : undefined);

/** Ten distinct messages of one reason and object, a second apart: the tenth is "(combined from similar events): ...". */
function tenthDistinctMessageCombined(): boolean {
  const rs = correlateAll(Array.from({ length: 10 }, (_, i): [string, number] => [`m${i}`, T0 + i * 1000]));
  return messageOf(rs[8]) === "m8" && messageOf(rs[9]) === "(combined from similar events): m9";
}

/** Nine distinct messages, then a tenth 601 s after the ninth: the record started afresh, the tenth is itself. */
function quietIntervalStartsAfresh(): boolean {
  const events = Array.from({ length: 9 }, (_, i): [string, number] => [`m${i}`, T0 + i * 1000]);
  events.push(["m9", T0 + 8000 + 601_000]);
  return messageOf(correlateAll(events).at(-1)) === "m9";
}

/** 25 identical events at once pass, the 26th is dropped; 300 s after the burst one more passes, then none. */
function spamBucketRefills(): boolean {
  const burst = Array.from({ length: 26 }, (): [string, number] => ["x", T0]);
  const later: Array<[string, number]> = [["x", T0 + 300_000], ["x", T0 + 300_000]];
  const rs = correlateAll([...burst, ...later]);
  return rs.slice(0, 25).every((r) => !r.skip) && rs[25]!.skip && !rs[26]!.skip && rs[27]!.skip;
}

/** The same event at T0 and T0+5s: the second is the first counted, count 2, firstTimestamp T0's. */
function repeatKeepsFirstTimestamp(): boolean {
  const rs = correlateAll([["x", T0], ["x", T0 + 5000]]);
  const r = rs[1]!;
  return !r.skip && r.event.count === 2 && r.event.firstTimestamp === rfc3339(T0) && r.event.lastTimestamp === rfc3339(T0 + 5000) && r.event.metadata.name === `p.${T0}`;
}

const v1Event = (note: string, at = T0): EventV1 => ({
  apiVersion: "events.k8s.io/v1",
  kind: "Event",
  metadata: { name: "p.1", namespace: "default" },
  eventTime: rfc3339Micro(at),
  reportingController: "default-scheduler",
  reportingInstance: "default-scheduler-cp",
  action: "Scheduling",
  reason: "FailedScheduling",
  regarding: { kind: "Pod", namespace: "default", name: "p", uid: "uid-p", apiVersion: "v1" },
  note,
  type: "Warning",
});

/** Two FailedScheduling events with different notes are isomorphic: the second writes a series of count 2. */
function noteNotInIsomorphism(): boolean {
  const first = observeV1(IMap(), v1Event("0/3 nodes are available: 3 Insufficient cpu."), T0);
  const second = observeV1(first.cache, v1Event("0/3 nodes are available: 3 Insufficient memory."), T0 + 1000);
  return second.write?.series?.count === 2;
}

/** The second isomorphic event is written (the series, count 2); the third only counts. */
function secondEventStartsSeries(): boolean {
  const a = observeV1(IMap(), v1Event("n"), T0);
  const b = observeV1(a.cache, v1Event("n"), T0 + 1000);
  const c = observeV1(b.cache, v1Event("n"), T0 + 2000);
  return b.write?.series?.count === 2 && c.write === undefined && [...c.cache.values()][0]?.series?.count === 3;
}

/** A series last observed 6 min 1 s ago is written a last time and forgotten; one 5 min ago stays. */
function seriesFinishedAfterSixMinutes(): boolean {
  const cacheAt = (lastObserved: number): SeriesCache => IMap([["k", { ...v1Event("n"), series: { count: 2, lastObservedTime: rfc3339Micro(lastObserved) } }]]);
  const now = T0 + 3_600_000;
  const old = finishSeries(cacheAt(now - 361_000), now);
  const fresh = finishSeries(cacheAt(now - 300_000), now);
  return old.writes.length === 1 && old.cache.size === 0 && fresh.writes.length === 0 && fresh.cache.size === 1;
}

/** The 30-minute refresh writes the series, not the single event beside it. */
function refreshWritesOnlySeries(): boolean {
  const cache: SeriesCache = IMap([
    ["single", v1Event("one")],
    ["series", { ...v1Event("two"), series: { count: 4, lastObservedTime: rfc3339Micro(T0) } }],
  ]);
  const writes = refreshSeries(cache);
  return writes.length === 1 && writes[0]!.note === "two";
}

/** A kubelet may not set example.k8s.io/role (a k8s.io label no kubelet label names); example.com/role it may. */
function k8sIoLabelsForbidden(): boolean {
  return isForbiddenNodeLabel("example.k8s.io/role") && !isForbiddenNodeLabel("example.com/role");
}

/** A kubelet may set foo.node.kubernetes.io/bar and x.kubelet.kubernetes.io/y (subdomains of its label namespaces). */
function kubeletNamespaceSubdomainsAllowed(): boolean {
  return !isForbiddenNodeLabel("foo.node.kubernetes.io/bar") && !isForbiddenNodeLabel("x.kubelet.kubernetes.io/y") && isForbiddenNodeLabel("foo.kubernetes.io/bar");
}

/** example-kubernetes.io/role is no kubernetes.io label (the domain starts at a dot): a kubelet may set it. */
function domainSuffixAtDot(): boolean {
  return !isForbiddenNodeLabel("example-kubernetes.io/role") && !isForbiddenNodeLabel("notk8s.io/x") && isForbiddenNodeLabel("node-role.kubernetes.io/worker");
}

const gateAt = (version: string, name: string) => featureGatesAt(version).find((g) => g.name === name);

/** Emulating 1.8, RotateKubeletServerCertificate (alpha 1.7, beta 1.12) is ALPHA and off. */
function gateVersionsComparedAsVersions(): boolean {
  const g = gateAt("1.8", "RotateKubeletServerCertificate");
  return g?.stage === "ALPHA" && g.enabled === false;
}

/** Emulating 1.35, InPlacePodVerticalScaling (alpha 1.27, beta 1.33, GA 1.35) is GA and on; emulating 1.33, BETA and on. */
function gateTakesLastSpec(): boolean {
  const ga = gateAt("1.35", "InPlacePodVerticalScaling");
  const beta = gateAt("1.33", "InPlacePodVerticalScaling");
  return ga?.stage === "" && ga.enabled && beta?.stage === "BETA" && beta.enabled;
}

/** Emulating 1.34, GangScheduling (alpha from 1.35) is not known; emulating 1.35 it is ALPHA and off. */
function preAlphaGateLeftOut(): boolean {
  const g = gateAt("1.35", "GangScheduling");
  return gateAt("1.34", "GangScheduling") === undefined && g?.stage === "ALPHA" && !g.enabled;
}

const root: FsWriter = { uid: 0, gid: 0, now: T0 };

/** A filesystem that root has written, then acts as `who` (a mutable writer, as a process's is). */
function fsAs(setup: (fs: MemFS) => void): { fs: MemFS; as: (w: FsWriter) => void } {
  let who = root;
  const fs = new MemFS(cell(), false, () => who);
  setup(fs);
  return { fs, as: (w) => { who = w; } };
}

/** A file 0640 of group 2000: uid 1000 with supplementary group 2000 reads it; without it, EACCES. */
function supplementaryGroupsCount(): boolean {
  const { fs, as } = fsAs((f) => { f.write("/secret", "s"); f.chown("/secret", 0, 2000); f.chmod("/secret", 0o640); });
  as({ uid: 1000, gid: 1000, now: T0, groups: [2000] });
  const withGroup = fs.read("/secret");
  as({ uid: 1000, gid: 1000, now: T0 });
  const without = fs.read("/secret");
  return withGroup === "s" && typeof without !== "string" && without.error === "EACCES";
}

/** A file 0070 owned by uid 1000 group 1000: its owner may not read it (the owner's bits alone), another of group 1000 may. */
function ownerGetsOwnBitsAlone(): boolean {
  const { fs, as } = fsAs((f) => { f.write("/f", "x"); f.chown("/f", 1000, 1000); f.chmod("/f", 0o070); });
  as({ uid: 1000, gid: 1000, now: T0 });
  const owner = fs.read("/f");
  as({ uid: 1001, gid: 1000, now: T0 });
  return typeof owner !== "string" && owner.error === "EACCES" && fs.read("/f") === "x";
}

/** In /tmp (1777) uid 1000 may not remove uid 1001's file (EPERM); uid 1001 may. */
function stickyDirectoryKeepsOthersOut(): boolean {
  const { fs, as } = fsAs((f) => { f.mkdir("/tmp"); f.chmod("/tmp", 0o1777); });
  as({ uid: 1001, gid: 1001, now: T0 });
  fs.write("/tmp/theirs", "x");
  as({ uid: 1000, gid: 1000, now: T0 });
  const other = fs.remove("/tmp/theirs");
  as({ uid: 1001, gid: 1001, now: T0 });
  return other === "EPERM" && fs.remove("/tmp/theirs") === undefined;
}

/** In a setgid directory of group 2000, uid 1000 (group 1000) makes a file of group 2000 and a setgid directory of group 2000. */
function setgidDirectoryPassesGroup(): boolean {
  const { fs, as } = fsAs((f) => { f.mkdir("/shared"); f.chown("/shared", 0, 2000); f.chmod("/shared", 0o2777); });
  as({ uid: 1000, gid: 1000, now: T0 });
  fs.write("/shared/f", "x");
  fs.mkdir("/shared/d");
  const file = fs.stat("/shared/f");
  const dir = fs.stat("/shared/d");
  return !("error" in file) && file.gid === 2000 && file.uid === 1000 && !("error" in dir) && dir.gid === 2000 && (dir.mode & 0o2000) !== 0;
}

/** uid 1000 may not chmod root's file (EPERM); root may. */
function chmodIsTheOwners(): boolean {
  const { fs, as } = fsAs((f) => f.write("/etc-file", "x"));
  as({ uid: 1000, gid: 1000, now: T0 });
  const user = fs.chmod("/etc-file", 0o666);
  as(root);
  return user === "EPERM" && fs.chmod("/etc-file", 0o600) === undefined;
}

/** readOnlyRootFilesystem with /etc/hosts bound writable: /etc/hosts is written, /etc/hosts.new is EROFS. */
function writableBindIsAPath(): boolean {
  const image = MemFS.rootfs();
  image.mkdir("/etc", true);
  image.write("/etc/hosts", "127.0.0.1 localhost\n");
  const fs = new MemFS(cell(image.tree), true, () => root, ["/etc/hosts"]);
  return fs.write("/etc/hosts", "10.0.0.1 p\n") === undefined && fs.write("/etc/hosts.new", "x") === "EROFS";
}

const GiB = 1024 ** 3;
const node: SysinfoResult = { type: "sysinfo", cpus: 2, memTotalBytes: 4 * GiB, memUsedBytes: GiB, diskBytes: 100 * GiB, diskUsedBytes: 2 * GiB };

/** busybox sh -c script in a container over fs: its standard output lines. */
function busybox(script: string, fs: MemFS = MemFS.rootfs()): string[] {
  const found = resolveImage("busybox:1.37");
  if (!found.ok) throw new Error(found.message);
  const io = recordingIO({}, fs);
  const p = startContainer({ image: found.image, command: ["sh", "-c", script], env: {}, fs: io.fs }, io);
  drive(p.run, io, { answer: (e: Effect) => (e.type === "sysinfo" ? node : undefined) });
  return io.out;
}

/** find /d -mindepth 1: everything under /d, not /d itself; -mindepth 2 only what is two levels down. */
function mindepthSkipsOnlyShallower(): boolean {
  const script = "mkdir -p /d/s && echo x > /d/f && echo y > /d/s/g; ";
  return JSON.stringify(busybox(`${script}find /d -mindepth 1`)) === JSON.stringify(["/d/f", "/d/s", "/d/s/g"])
    && JSON.stringify(busybox(`${script}find /d -mindepth 2`)) === JSON.stringify(["/d/s/g"]);
}

/** Files 0600, 0640 and 0604: find -perm /044 (any of the bits) finds the second and third; -perm -044 (all) none. */
function permSlashNeedsAnyBit(): boolean {
  const script = "mkdir /d && for f in a b c; do echo > /d/$f; done && chmod 600 /d/a && chmod 640 /d/b && chmod 604 /d/c; ";
  return JSON.stringify(busybox(`${script}find /d -type f -perm /044`)) === JSON.stringify(["/d/b", "/d/c"])
    && busybox(`${script}find /d -type f -perm -044`).length === 0;
}

function dfOver(mountsText: string, files: Record<string, string>): string[] {
  const fs = MemFS.rootfs(["/scratch"]);
  fs.write("/proc/mounts", mountsText);
  for (const [path, data] of Object.entries(files)) fs.write(path, data);
  return busybox("df /", fs).concat(busybox("df /scratch", fs));
}

/**
 * The root overlay of 100 GiB, 2 GiB used: 5% of the blocks (5 GiB) is kept from Available (97517568 KiB);
 * a tmpfs of 12 KiB with 8 KiB of files is 2 of 3 blocks used: Use% 67 (rounded), not 66.
 */
function dfKeepsReservedAndRounds(): boolean {
  const lines = dfOver("overlay / overlay rw,relatime 0 0\ntmpfs /scratch tmpfs rw,size=12k 0 0\n", { "/scratch/f": "x".repeat(8192) });
  return lines[1] === "overlay              104857600   2097152  97517568   2% /" && lines[3] === "tmpfs                       12         8         4  67% /scratch";
}

/** killContainer's grace is at least 2 s: 0 and 1 become 2, 5 stays 5. */
function killGraceAtLeastTwoSeconds(): boolean {
  return withMinimumGrace(0) === 2 && withMinimumGrace(1) === 2 && withMinimumGrace(5) === 5;
}

/** A Running, Ready pod of a ReplicaSet on node n1, created `ageS` seconds before T0, with the given restarts and annotations. */
const rsPod = (uid: string, over: { node?: string; ageS?: number; restarts?: number; cost?: string } = {}): Pod => ({
  metadata: { name: `web-${uid}`, namespace: "default", uid, creationTimestamp: rfc3339(T0 - (over.ageS ?? 100) * 1000), ...(over.cost !== undefined ? { annotations: { "controller.kubernetes.io/pod-deletion-cost": over.cost } } : {}) },
  spec: { containers: [{ name: "c", image: "nginx" }], ...(over.node === "" ? {} : { nodeName: over.node ?? "n1" }) },
  status: over.node === ""
    ? { phase: "Pending" }
    : { phase: "Running", conditions: [{ type: "Ready", status: "True", lastTransitionTime: rfc3339(T0 - 3_600_000) }], containerStatuses: [{ name: "c", image: "nginx", imageID: "", ready: true, restartCount: over.restarts ?? 0, state: { running: {} } }] },
});

/** Both orders: a is deleted before b, and b not before a. */
const deletedFirst = (a: Pod, b: Pod) => lessForDeletion(a, 1, b, 1, T0) && !lessForDeletion(b, 1, a, 1, T0);

/** A Pending pod no node holds is deleted before a Running one (ActivePodsWithRanks: unassigned < assigned). */
function unassignedDeletedFirst(): boolean {
  return deletedFirst(rsPod("a", { node: "" }), rsPod("b"));
}

/** pod-deletion-cost -5 is deleted before 100. */
function lowerDeletionCostFirst(): boolean {
  return deletedFirst(rsPod("a", { cost: "-5" }), rsPod("b", { cost: "100" }));
}

/** A pod with 5 restarts is deleted before one with none. */
function moreRestartsFirst(): boolean {
  return deletedFirst(rsPod("a", { restarts: 5 }), rsPod("b"));
}

/**
 * Created 1010 s and 1000 s ago: both in the 2^39 ns bucket, so LogarithmicScaleDown ties them and the lower uid
 * goes first (a, the older); 100 s and 1000 s ago are different buckets: the newer goes first.
 */
function creationTimesInLogBuckets(): boolean {
  return deletedFirst(rsPod("a", { ageS: 1010 }), rsPod("b", { ageS: 1000 })) && deletedFirst(rsPod("d", { ageS: 100 }), rsPod("c", { ageS: 1000 }));
}

const managedJob = (managedBy?: string): Job => ({ metadata: { name: "j", namespace: "default" }, spec: { template: {}, ...(managedBy ? { managedBy } : {}) } });

/** managedBy kubernetes.io/job-controller is the built-in controller's own: no external manager; example.com/queue is one. */
function builtinManagedByIsOurs(): boolean {
  return managedByExternalController(managedJob("kubernetes.io/job-controller")) === undefined
    && managedByExternalController(managedJob()) === undefined
    && managedByExternalController(managedJob("example.com/queue")) === "example.com/queue";
}

describe("round twenty-five's mutants", () => {
  const rows: Array<[string, () => boolean]> = [
    ["eventcorrelator.aggregates-at-eleventh", tenthDistinctMessageCombined],
    ["eventcorrelator.aggregate-interval-ignored", quietIntervalStartsAfresh],
    ["eventcorrelator.spam-never-refills", spamBucketRefills],
    ["eventcorrelator.spam-burst-one-short", spamBucketRefills],
    ["eventcorrelator.repeat-takes-new-first-timestamp", repeatKeepsFirstTimestamp],
    ["eventseries.note-in-key", noteNotInIsomorphism],
    ["eventseries.second-not-written", secondEventStartsSeries],
    ["eventseries.finish-after-refresh-time", seriesFinishedAfterSixMinutes],
    ["eventseries.refresh-writes-single-events", refreshWritesOnlySeries],
    ["kubeletlabels.k8s-io-domain-free", k8sIoLabelsForbidden],
    ["kubeletlabels.label-namespace-subdomain-forbidden", kubeletNamespaceSubdomainsAllowed],
    ["kubeletlabels.domain-suffix-without-dot", domainSuffixAtDot],
    ["featuregates.version-compared-as-text", gateVersionsComparedAsVersions],
    ["featuregates.first-spec-wins", gateTakesLastSpec],
    ["featuregates.pre-alpha-gate-listed", preAlphaGateLeftOut],
    ["memfs.supplementary-groups-ignored", supplementaryGroupsCount],
    ["memfs.owner-falls-through-to-group", ownerGetsOwnBitsAlone],
    ["memfs.sticky-directory-ignored", stickyDirectoryKeepsOthersOut],
    ["memfs.setgid-directory-ignored", setgidDirectoryPassesGroup],
    ["memfs.chmod-by-anyone", chmodIsTheOwners],
    ["memfs.writable-prefix-without-slash", writableBindIsAPath],
    ["busybox.find-mindepth-off-by-one", mindepthSkipsOnlyShallower],
    ["busybox.find-perm-any-needs-all", permSlashNeedsAnyBit],
    ["busybox.df-reserved-blocks-available", dfKeepsReservedAndRounds],
    ["busybox.df-percent-truncated", dfKeepsReservedAndRounds],
    ["kubelet.minimum-grace-not-enforced", killGraceAtLeastTwoSeconds],
    ["replicaset.unassigned-deleted-last", unassignedDeletedFirst],
    ["replicaset.deletion-cost-highest-first", lowerDeletionCostFirst],
    ["replicaset.fewer-restarts-deleted-first", moreRestartsFirst],
    ["replicaset.scale-down-exact-times", creationTimesInLogBuckets],
    ["job.managed-by-builtin-name-external", builtinManagedByIsOurs],
  ];
  for (const [name, holds] of rows) {
    it(`${name}: the rule holds, and the mutant breaks it`, () => {
      expect(holds()).toBe(true);
      setMutants([name]);
      expect(holds()).toBe(false);
    });
  }
});
