// int64 fields past 2^53 (a JS number's exact range) through the real server: Kubernetes keeps any
// integer up to 9223372036854775807 exactly (its int64 fields, json.Marshal writes them as written)
// and refuses a larger one at decode time, so a Go client can always read back what it wrote.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { request } from "node:https";
import { BinaryWriter, WireType } from "@bufbuild/protobuf/wire";
import { findKubectl, kubectl, raw, serve, until, type Served } from "./serve-helpers.js";
import { goSecondsMs } from "../machines/common/numberliteral.js";

const max = "9223372036854775807";
const PB = "application/vnd.kubernetes.protobuf";

/** The 400 a create answers for a number its Go field cannot hold: transformDecodeError around encoding/json's UnmarshalTypeError. */
// sigs.k8s.io/json (encoding/json's fork) decode.go literalStore: `if err != nil || v.OverflowInt(n)` -> UnmarshalTypeError{Value: "number " + s}
// apiserver handlers/rest.go transformDecodeError: `%s in version %q cannot be handled as a %s: %v`
const overflow = (n: string, field: string) => ({
  kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", reason: "BadRequest", code: 400,
  message: `Pod in version "v1" cannot be handled as a Pod: json: cannot unmarshal number ${n} into Go struct field ${field} of type int64`,
});

const podJson = (name: string, grace: string, extra = "") =>
  `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"${name}"},"spec":{"terminationGracePeriodSeconds":${grace}${extra},"containers":[{"name":"c","image":"nginx"}]}}`;

/** A raw HTTPS request whose answer is kept as bytes (a protobuf body is not UTF-8). */
function rawBytes(s: Served, method: string, path: string, headers: Record<string, string>, body?: Buffer): Promise<{ code: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, s.server.url), { method, ca: s.server.caCert, headers: { Authorization: `Bearer ${s.cluster.adminToken}`, ...headers } }, (res) => {
      const parts: Buffer[] = [];
      res.on("data", (d: Buffer) => parts.push(d));
      res.on("end", () => resolve({ code: res.statusCode ?? 0, body: Buffer.concat(parts) }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

/** The integer text at a JSON path in an answer, read from the text itself (JSON.parse would round it). */
function numberAt(text: string, key: string): string | undefined {
  return new RegExp(`"${key}":\\s*(-?[0-9]+)`).exec(text)?.[1];
}

describe("time.Second * time.Duration(seconds) wraps as Go's int64 multiplication does", () => {
  it.each([
    // (2^63-1) * 1e9 mod 2^64 = -1e9: a grace period of 2^63-1 s is -1 s
    [BigInt(max), -1000],
    [9223372036n, 9223372036000],
    // 9223372037e9 - 2^64 = -9223372036709551616 ns
    [9223372037n, -9223372036709],
    [10_000_000_000n, -8446744073709],
  ])("%s s is %d ms", (seconds, ms) => {
    expect(goSecondsMs(seconds)).toBe(ms);
  });
});

const bin = findKubectl();
describe.runIf(bin)("int64 values past 2^53 round-trip exactly through podflow serve", () => {
  let s: Served;
  const k = (args: string[], input?: string) => kubectl(bin!, s.kubeconfigPath, args, { timeoutMs: 20_000, ...(input !== undefined ? { input } : {}) });
  const token = () => s.cluster.adminToken;
  beforeAll(async () => {
    s = await serve({ nodes: 1, speed: 10 });
  });
  afterAll(async () => {
    await s?.stop();
  });

  it("kubectl apply of 2^63-1 and 2^53+1 reads back as written in -o json, -o yaml and jsonpath", async () => {
    const yaml = `apiVersion: v1\nkind: Pod\nmetadata: {name: wide}\nspec:\n  terminationGracePeriodSeconds: ${max}\n  containers: [{name: c, image: nginx}]\n`;
    const r = await k(["apply", "-f", "-"], yaml);
    expect(r.err).toBe("");
    expect(r.out).toBe("pod/wide created\n");
    const json = (await k(["get", "pod", "wide", "-o", "json"])).out;
    expect(numberAt(json, "terminationGracePeriodSeconds")).toBe(max);
    expect((await k(["get", "pod", "wide", "-o", "yaml"])).out).toContain(`  terminationGracePeriodSeconds: ${max}\n`);
    expect((await k(["get", "pod", "wide", "-o", "jsonpath={.spec.terminationGracePeriodSeconds}"])).out).toBe(max);
    // kubectl's own client-side printers get the exact value from the JSON the server wrote
    expect((await k(["get", "pod", "wide", "-o", "custom-columns=G:.spec.terminationGracePeriodSeconds", "--no-headers"])).out).toBe(`${max}\n`);
    const rawGet = await raw(s, "GET", "/api/v1/namespaces/default/pods/wide", { token: token() });
    expect(numberAt(rawGet.body, "terminationGracePeriodSeconds")).toBe(max);
  });

  it("a JSON body with 2^63 is a 400 naming the number as written, and nothing is stored", async () => {
    for (const [n, extra, field] of [
      ["9223372036854775808", "", "PodSpec.spec.terminationGracePeriodSeconds"],
      ["-9223372036854775809", "", "PodSpec.spec.terminationGracePeriodSeconds"],
      ["30", `,"securityContext":{"runAsUser":18446744073709551616}`, "PodSecurityContext.spec.securityContext.runAsUser"],
    ] as const) {
      const r = await raw(s, "POST", "/api/v1/namespaces/default/pods", { token: token(), body: podJson("over", n, extra) });
      expect(r.code).toBe(400);
      expect(JSON.parse(r.body)).toEqual(overflow(n === "30" ? "18446744073709551616" : n, field));
    }
    expect((await raw(s, "GET", "/api/v1/namespaces/default/pods/over", { token: token() })).code).toBe(404);
  });

  it("a YAML body: go-yaml reads 2^63 as a uint64 and YAMLToJSON writes it exactly, so the 400 names it as written", async () => {
    // goyaml.v2 resolve(): ParseInt fails, ParseUint gives uint64 9223372036854775808; json.Marshal writes it whole
    const body = "apiVersion: v1\nkind: Pod\nmetadata: {name: over}\nspec:\n  terminationGracePeriodSeconds: 9223372036854775808\n  containers: [{name: c, image: nginx}]\n";
    const r = await raw(s, "POST", "/api/v1/namespaces/default/pods", { token: token(), body, headers: { "Content-Type": "application/yaml" } });
    expect(r.code).toBe(400);
    expect(JSON.parse(r.body)).toEqual(overflow("9223372036854775808", "PodSpec.spec.terminationGracePeriodSeconds"));
    const ok = await raw(s, "POST", "/api/v1/namespaces/default/pods", { token: token(), body: body.replace("over", "yaml-max").replace("9223372036854775808", max), headers: { "Content-Type": "application/yaml", Accept: "application/yaml" } });
    expect(ok.code).toBe(201);
    expect(ok.body).toContain(`  terminationGracePeriodSeconds: ${max}\n`);
  });

  it("validation quotes the bad value exactly: runAsUser 2^53+1 is out of range as 9007199254740993", async () => {
    // ValidatePodSecurityContext: IsValidUserID -> "must be between 0 and 2147483647, inclusive", the value printed by %v of the int64
    const r = await raw(s, "POST", "/api/v1/namespaces/default/pods", { token: token(), body: podJson("uid", "30", `,"securityContext":{"runAsUser":9007199254740993}`) });
    expect(r.code).toBe(422);
    expect(JSON.parse(r.body).message).toBe('Pod "uid" is invalid: spec.securityContext.runAsUser: Invalid value: 9007199254740993: must be between 0 and 2147483647, inclusive');
  });

  it("merge, JSON and strategic patches carry an int64 past 2^53 exactly", async () => {
    const cj = `{"apiVersion":"batch/v1","kind":"CronJob","metadata":{"name":"nightly"},"spec":{"schedule":"0 3 * * *","startingDeadlineSeconds":9007199254740993,"jobTemplate":{"spec":{"template":{"spec":{"restartPolicy":"Never","containers":[{"name":"c","image":"busybox"}]}}}}}}`;
    const created = await raw(s, "POST", "/apis/batch/v1/namespaces/default/cronjobs", { token: token(), body: cj });
    expect(created.code).toBe(201);
    expect(numberAt(created.body, "startingDeadlineSeconds")).toBe("9007199254740993");
    const path = "/apis/batch/v1/namespaces/default/cronjobs/nightly";
    for (const [type, body, want] of [
      ["application/merge-patch+json", '{"spec":{"startingDeadlineSeconds":9223372036854775806}}', "9223372036854775806"],
      ["application/json-patch+json", '[{"op":"replace","path":"/spec/startingDeadlineSeconds","value":9007199254740995}]', "9007199254740995"],
      // util/json.Unmarshal (PreserveInts): an integer within int64 is an int64, exactly
      ["application/strategic-merge-patch+json", `{"spec":{"startingDeadlineSeconds":${max}}}`, max],
    ] as const) {
      const r = await raw(s, "PATCH", path, { token: token(), body, headers: { "Content-Type": type } });
      expect(r.code).toBe(200);
      expect(numberAt(r.body, "startingDeadlineSeconds")).toBe(want);
      expect(numberAt((await raw(s, "GET", path, { token: token() })).body, "startingDeadlineSeconds")).toBe(want);
    }
    expect((await k(["get", "cronjob", "nightly", "-o", "jsonpath={.spec.startingDeadlineSeconds}"])).out).toBe(max);
  });

  it("server-side apply (a YAML apply patch, merged by structured-merge-diff) keeps 2^63-1 and 2^63-2 exactly", async () => {
    const cj = (n: string) => `apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: ssa}\nspec:\n  schedule: "0 3 * * *"\n  startingDeadlineSeconds: ${n}\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          restartPolicy: Never\n          containers: [{name: c, image: busybox}]\n`;
    for (const n of [max, "9223372036854775806"]) {
      const r = await k(["apply", "--server-side", "-f", "-"], cj(n));
      expect(r.err).toBe("");
      expect((await k(["get", "cronjob", "ssa", "-o", "jsonpath={.spec.startingDeadlineSeconds}"])).out).toBe(n);
    }
  });

  it("a protobuf body's int64 varint is kept whole, and a protobuf answer writes it back as the same varint", async () => {
    // k8s.io/api core/v1 generated.proto: Pod {metadata = 1, spec = 2}; PodSpec {containers = 2, terminationGracePeriodSeconds = 4}; Container {name = 1, image = 2}
    const w = new BinaryWriter();
    w.tag(1, WireType.LengthDelimited).fork().tag(1, WireType.LengthDelimited).string("proto-wide").join();
    w.tag(2, WireType.LengthDelimited).fork();
    w.tag(2, WireType.LengthDelimited).fork().tag(1, WireType.LengthDelimited).string("c").tag(2, WireType.LengthDelimited).string("nginx").join();
    w.tag(4, WireType.Varint).int64(BigInt(max));
    w.join();
    const object = w.finish();
    const env = new BinaryWriter();
    env.tag(1, WireType.LengthDelimited).fork().tag(1, WireType.LengthDelimited).string("v1").tag(2, WireType.LengthDelimited).string("Pod").join();
    env.tag(2, WireType.LengthDelimited).bytes(object);
    const body = Buffer.concat([Buffer.from([0x6b, 0x38, 0x73, 0x00]), env.finish()]);
    const created = await rawBytes(s, "POST", "/api/v1/namespaces/default/pods", { "Content-Type": PB, Accept: "application/json" }, body);
    expect(created.code).toBe(201);
    expect(numberAt(created.body.toString("utf8"), "terminationGracePeriodSeconds")).toBe(max);
    const pb = await rawBytes(s, "GET", "/api/v1/namespaces/default/pods/proto-wide", { Accept: PB });
    expect(pb.code).toBe(200);
    // field 4, varint: 0x20, then 2^63-1 as nine bytes (eight 0xff and 0x7f)
    expect(pb.body.includes(Buffer.from([0x20, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]))).toBe(true);
  });

  it("a watch event carries the exact value", async () => {
    const r = await raw(s, "GET", "/api/v1/namespaces/default/pods?watch=1&fieldSelector=metadata.name%3Dwide&timeoutSeconds=1", { token: token() });
    const added = r.body.split("\n").find((l) => l.startsWith('{"type":"ADDED"'));
    expect(added && numberAt(added, "terminationGracePeriodSeconds")).toBe(max);
  });

  it("deleting a running pod with a grace period of 2^63-1 s: deletionGracePeriodSeconds keeps it, and the container is SIGKILLed at once (exit 137)", async () => {
    const ran = await until(async () => (await k(["get", "pod", "wide", "-o", "jsonpath={.status.containerStatuses[0].state.running.startedAt}"])).out !== "", 30_000);
    expect(ran).toBe(true);
    const del = await raw(s, "DELETE", "/api/v1/namespaces/default/pods/wide", { token: token() });
    expect(del.code).toBe(200);
    // rest.BeforeDelete: SetDeletionGracePeriodSeconds(options.GracePeriodSeconds), CheckGracefulDelete having taken the pod's own
    expect(numberAt(del.body, "deletionGracePeriodSeconds")).toBe(max);
    const pod = JSON.parse(del.body);
    // ... and deletionTimestamp = now + time.Second * time.Duration(2^63-1) = now - 1 s: not after the deletion
    const after = await raw(s, "POST", "/api/v1/namespaces/default/configmaps", { token: token(), body: '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"clock"}}' });
    expect(Date.parse(pod.metadata.deletionTimestamp)).toBeLessThanOrEqual(Date.parse(JSON.parse(after.body).metadata.creationTimestamp));
    // the kubelet hands 2^63-1 to StopContainer; containerd's time.Duration(timeout)*time.Second is -1 s, so
    // `if timeout > 0` (SIGTERM and wait) is skipped and the task is SIGKILLed: exit 137, as runc reports a kill
    const watch = await raw(s, "GET", `/api/v1/namespaces/default/pods?watch=1&fieldSelector=metadata.name%3Dwide&resourceVersion=${pod.metadata.resourceVersion}&timeoutSeconds=3`, { token: token() });
    const states = watch.body.split("\n").filter((l) => l !== "").map((l) => JSON.parse(l).object?.status?.containerStatuses?.[0]?.state?.terminated).filter((t) => t !== undefined);
    expect(states[0]).toMatchObject({ exitCode: 137, reason: "Error" });
  }, 60_000);

  it("a Job whose activeDeadlineSeconds is 2^63-1 fails at once: pastActiveDeadline's allowed duration wraps to -1 s", async () => {
    const job = `{"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"forever"},"spec":{"activeDeadlineSeconds":${max},"template":{"spec":{"restartPolicy":"Never","containers":[{"name":"c","image":"busybox","command":["sleep","3600"]}]}}}}`;
    const created = await raw(s, "POST", "/apis/batch/v1/namespaces/default/jobs", { token: token(), body: job });
    expect(created.code).toBe(201);
    expect(numberAt(created.body, "activeDeadlineSeconds")).toBe(max);
    // job controller: JobReasonDeadlineExceeded, "Job was active longer than specified deadline"
    const failed = await until(async () => (await k(["get", "job", "forever", "-o", 'jsonpath={.status.conditions[?(@.type=="Failed")].reason}: {.status.conditions[?(@.type=="Failed")].message}'])).out.startsWith("DeadlineExceeded"), 30_000);
    expect(failed).toBe(true);
    expect((await k(["get", "job", "forever", "-o", 'jsonpath={.status.conditions[?(@.type=="Failed")].message}'])).out).toBe("Job was active longer than specified deadline");
  }, 40_000);
});
