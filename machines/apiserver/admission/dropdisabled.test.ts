// dropDisabledClusterTrustBundleProjection / dropDisabledPodCertificateProjection (pkg/api/pod/util.go)
// with both gates at their 1.35 default (off): dropped unless the old spec already uses the kind.

import { describe, expect, it } from "vitest";
import { dropDisabledPodSpecFields, dropDisabledProjections } from "./dropdisabled.js";

const ctb = { clusterTrustBundle: { name: "example", path: "roots.pem" } };
const pc = { podCertificate: { keyType: "ED25519", signerName: "example.com/foo", credentialBundlePath: "b.pem" } };
const sa = { serviceAccountToken: { path: "token" } };
const spec = (...sources: object[]) => ({ containers: [{ name: "c", image: "i" }], volumes: [{ name: "v", projected: { sources } }] });

describe("dropDisabledProjections", () => {
  it("empties the gated sources of a new spec and keeps the others", () => {
    expect(dropDisabledProjections(spec(ctb, sa, pc), undefined).volumes[0].projected.sources).toEqual([{}, sa, {}]);
  });
  it("keeps a kind the old spec already uses (and drops the other)", () => {
    expect(dropDisabledProjections(spec(ctb, pc), spec(ctb)).volumes[0].projected.sources).toEqual([ctb, {}]);
  });
  it("returns the same spec, unchanged, when nothing is gated", () => {
    const s = spec(sa);
    expect(dropDisabledProjections(s, undefined)).toBe(s);
  });
  it("does not change its input", () => {
    const s = spec(ctb);
    dropDisabledProjections(s, undefined);
    expect(s.volumes[0]!.projected.sources).toEqual([ctb]);
  });
});

describe("dropDisabledPodSpecFields", () => {
  it("reaches a Deployment's and a CronJob's pod template (DropDisabledTemplateFields)", () => {
    const d = { kind: "Deployment", spec: { template: { spec: spec(pc) } } };
    dropDisabledPodSpecFields(d, undefined);
    expect(d.spec.template.spec.volumes[0]!.projected.sources).toEqual([{}]);
    const cj = { kind: "CronJob", spec: { jobTemplate: { spec: { template: { spec: spec(ctb) } } } } };
    dropDisabledPodSpecFields(cj, undefined);
    expect(cj.spec.jobTemplate.spec.template.spec.volumes[0]!.projected.sources).toEqual([{}]);
  });
});
