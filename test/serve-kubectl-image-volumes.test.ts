// Image volumes (KEP-4639, ImageVolume beta and on by default in 1.35) through serve and the real
// kubectl: the docs' tasks/configure-pod-container/image-volumes page. The kubelet pulls the
// volume's image as it pulls a container's (kuberuntime_manager.go getImageVolumes: the pod is the
// events' object, no container fieldPath), fails the start of a container mounting a volume it
// could not pull with that pull's reason (toKubeContainerImageVolumes), and the runtime mounts the
// image's files read-only. quay.io/crio/artifact holds dir/file ("1") and file ("2"), as the page
// and cri-o's test/image-volume.bats show.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findKubectl, kubectl, serve, type Served } from "./serve-helpers.js";

const bin = findKubectl();

const pod = (name: string, reference: string, extra: { pullPolicy?: string; subPath?: string } = {}) => ({
  apiVersion: "v1", kind: "Pod", metadata: { name },
  spec: {
    containers: [{ name: "shell", command: ["sleep", "infinity"], image: "debian", volumeMounts: [{ name: "volume", mountPath: "/volume", ...(extra.subPath ? { subPath: extra.subPath } : {}) }] }],
    volumes: [{ name: "volume", image: { reference, ...(extra.pullPolicy ? { pullPolicy: extra.pullPolicy } : {}) } }],
  },
});

describe.skipIf(!bin)("image volumes through kubectl", () => {
  let s: Served;
  const k = (args: string[], input?: string) => kubectl(bin!, s.kubeconfigPath, args, { timeoutMs: 60_000, ...(input !== undefined ? { input } : {}) });
  const events = async (name: string) => JSON.parse((await k(["get", "events", "--field-selector", `involvedObject.name=${name}`, "-o", "json"])).out).items as any[];
  const waiting = async (name: string) => (await k(["get", "pod", name, "-o", "jsonpath={.status.containerStatuses[0].state.waiting.reason}"])).out;
  const until = async (f: () => Promise<boolean>, ms = 40_000) => {
    for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 250))) if (await f()) return true;
    return false;
  };
  beforeAll(async () => {
    s = await serve({ nodes: 1, speed: 10 });
    const pods = [
      pod("image-volume", "quay.io/crio/artifact:v2", { pullPolicy: "IfNotPresent" }),
      pod("image-volume-subpath", "quay.io/crio/artifact:v2", { pullPolicy: "IfNotPresent", subPath: "dir" }),
      pod("bad-volume", "quay.io/crio/artifact:nope"),
      pod("never-volume", "quay.io/crio/artifact:v1", { pullPolicy: "Never" }),
    ];
    expect((await k(["apply", "-f", "-"], pods.map((p) => JSON.stringify(p)).join("\n"))).code).toBe(0);
    expect((await k(["wait", "--for=condition=Ready", "pod/image-volume", "pod/image-volume-subpath", "--timeout=60s"])).code).toBe(0);
  }, 90_000);
  afterAll(async () => {
    await s?.stop();
  });

  it("the page's steps: cat /volume/dir/file prints 1, cat /volume/file prints 2", async () => {
    expect(await k(["exec", "image-volume", "--", "cat", "/volume/dir/file"])).toMatchObject({ code: 0, out: "1\n" });
    expect(await k(["exec", "image-volume", "--", "cat", "/volume/file"])).toMatchObject({ code: 0, out: "2\n" });
    expect((await k(["exec", "image-volume", "--", "ls", "/volume"])).out).toBe("dir\nfile\n");
  }, 60_000);

  it("with subPath: dir the container sees that directory alone (/volume/file is dir/file)", async () => {
    expect((await k(["exec", "image-volume-subpath", "--", "cat", "/volume/file"])).out).toBe("1\n");
  }, 60_000);

  it("the volume is read-only whatever the mount says (the KEP mounts it ro)", async () => {
    // GNU coreutils' touch on Debian: open(2) fails with EROFS
    expect(await k(["exec", "image-volume", "--", "touch", "/volume/x"])).toMatchObject({ code: 1, err: "touch: cannot touch '/volume/x': Read-only file system\ncommand terminated with exit code 1\n" });
  }, 60_000);

  it("the kubelet pulls the volume's image with the pod as the events' object (no container fieldPath)", async () => {
    const evs = await events("image-volume");
    const pulling = evs.filter((e) => e.reason === "Pulling" && e.message === 'Pulling image "quay.io/crio/artifact:v2"');
    expect(pulling).toHaveLength(1);
    expect(pulling[0].involvedObject.fieldPath).toBeUndefined();
    const pulled = evs.find((e) => e.reason === "Pulled" && e.message.startsWith('Successfully pulled image "quay.io/crio/artifact:v2" in '));
    expect(pulled?.involvedObject.fieldPath).toBeUndefined();
    // the container's own image, after: its events name the container
    expect(evs.some((e) => e.reason === "Pulling" && e.message === 'Pulling image "debian"' && e.involvedObject.fieldPath === "spec.containers{shell}")).toBe(true);
  }, 60_000);

  // kubectl's describe.go printImageVolumeSource; the pullPolicy SetDefaults_Volume gave (IfNotPresent for a tag other than latest)
  it("kubectl describe shows the volume's type, reference and pullPolicy", async () => {
    const out = (await k(["describe", "pod", "bad-volume"])).out;
    expect(out).toContain("  volume:\n    Type:        Image (a container image or OCI artifact)\n    Reference:   quay.io/crio/artifact:nope\n    PullPolicy:  IfNotPresent\n");
  }, 60_000);

  it("a reference that cannot be pulled: Failed on the pod, the container ErrImagePull then ImagePullBackOff, its own image never pulled", async () => {
    expect(await until(async () => (await waiting("bad-volume")) === "ImagePullBackOff")).toBe(true);
    const evs = await events("bad-volume");
    const failed = evs.find((e) => e.reason === "Failed" && e.message.startsWith('Failed to pull image "quay.io/crio/artifact:nope": '));
    expect(failed?.message).toBe('Failed to pull image "quay.io/crio/artifact:nope": rpc error: code = NotFound desc = failed to pull and unpack image "quay.io/crio/artifact:nope": failed to resolve reference "quay.io/crio/artifact:nope": quay.io/crio/artifact:nope: not found');
    expect(failed?.involvedObject.fieldPath).toBeUndefined();
    expect(evs.some((e) => e.reason === "BackOff" && e.message === 'Back-off pulling image "quay.io/crio/artifact:nope"')).toBe(true);
    // toKubeContainerImageVolumes fails the start before startContainer pulls the container's image
    expect(evs.some((e) => e.involvedObject.fieldPath === "spec.containers{shell}")).toBe(false);
    // the reason and its message read together: the back-off ends and the next pull's ErrImagePull replaces both
    let state = "";
    expect(
      await until(async () => {
        state = (await k(["get", "pod", "bad-volume", "-o", "jsonpath={.status.containerStatuses[0].state.waiting.reason}|{.status.containerStatuses[0].state.waiting.message}"])).out;
        return state.startsWith("ImagePullBackOff|");
      }),
    ).toBe(true);
    expect(state).toBe('ImagePullBackOff|Back-off pulling image "quay.io/crio/artifact:nope": ErrImagePull: rpc error: code = NotFound desc = failed to pull and unpack image "quay.io/crio/artifact:nope": failed to resolve reference "quay.io/crio/artifact:nope": quay.io/crio/artifact:nope: not found');
  }, 60_000);

  it("pullPolicy Never and an image not on the node: ErrImageNeverPull", async () => {
    expect(await until(async () => (await waiting("never-volume")) === "ErrImageNeverPull")).toBe(true);
    const evs = await events("never-volume");
    expect(evs.some((e) => e.reason === "ErrImageNeverPull" && e.message === 'Container image "quay.io/crio/artifact:v1" is not present with pull policy of Never' && e.involvedObject.fieldPath === undefined)).toBe(true);
  }, 60_000);
});
