import { describe, expect, it } from "vitest";
import { resolveImage, type ImageInfo } from "../registry.js";
import { startContainer } from "./index.js";
import { drive, recordingIO } from "./testkit.js";
import type { Effect, EffectResult } from "./types.js";

function image(ref: string): ImageInfo {
  const r = resolveImage(ref);
  if (!r.ok) throw new Error(r.message);
  return r.image;
}

const dns = (e: Effect): EffectResult => (e.type === "dns" ? { type: "dns", server: "10.96.0.10", fqdn: e.name === "kubernetes.default" ? "kubernetes.default.svc.cluster.local" : `${e.name}.default.svc.cluster.local`, addresses: e.name === "kubernetes.default" ? ["10.96.0.1"] : [] } : undefined);

function nslookup(ref: string, name: string) {
  const io = recordingIO();
  const p = startContainer({ image: image(ref), command: ["nslookup", name], env: {}, fs: io.fs }, io);
  const result = drive(p.run, io, { answer: dns });
  return { out: io.out, err: io.err, result };
}

describe("nslookup as busybox 1.28 prints it (Kubernetes' DNS debugging docs use that image)", () => {
  it("answers a Service name with the old 'Address 1:' lines", () => {
    const { out, result } = nslookup("busybox:1.28", "kubernetes.default");
    expect(out).toEqual(["Server:    10.96.0.10", "Address 1: 10.96.0.10 kube-dns.kube-system.svc.cluster.local", "", "Name:      kubernetes.default", "Address 1: 10.96.0.1 kubernetes.default.svc.cluster.local"]);
    expect(result).toEqual({ state: "exited", code: 0 });
  });

  it("says it can't resolve an unknown name and exits 1", () => {
    const { err, result } = nslookup("busybox:1.28", "myservice.default.svc.cluster.local");
    expect(err).toContain("nslookup: can't resolve 'myservice.default.svc.cluster.local'");
    expect(result).toEqual({ state: "exited", code: 1 });
  });

  it("keeps the newer format for busybox 1.36", () => {
    const { out } = nslookup("busybox:1.36", "kubernetes.default");
    expect(out[0]).toBe("Server:\t\t10.96.0.10");
  });
});
