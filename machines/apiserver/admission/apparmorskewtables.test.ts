// pkg/registry/core/pod/strategy_test.go TestApplyAppArmorVersionSkew, every row's validation (the pod's annotations
// and profile fields after PrepareForCreate's applyAppArmorVersionSkew; the rows' warning column is left to
// warnings.test.ts, which covers the strategy's warning).
import { describe, expect, it } from "vitest";
import { applyAppArmorVersionSkew } from "./pod.js";

/* eslint-disable @typescript-eslint/no-explicit-any */
const K = "container.apparmor.security.beta.kubernetes.io/";
const U = { type: "Unconfined" };
const RD = { type: "RuntimeDefault" };
const LH = { type: "Localhost", localhostProfile: "test" };
const c = (name: string, profile?: object | null) => (profile === undefined ? { name } : { name, securityContext: profile === null ? {} : { appArmorProfile: profile } });
const pod = (spec: object, annotations?: Record<string, string>) => ({ metadata: annotations ? { annotations } : {}, spec });
const applied = (p: any) => {
  const copy = structuredClone(p);
  applyAppArmorVersionSkew(copy);
  return copy;
};
const annots = (p: any) => p.metadata.annotations ?? {};
const prof = (x: any) => x?.securityContext?.appArmorProfile;

describe("TestApplyAppArmorVersionSkew", () => {
  const rows: [string, any, (p: any) => void][] = [
    ["Security context nil", pod({ initContainers: [c("init")], containers: [c("ctr")] }), (p) => {
      expect(annots(p)).toEqual({});
      expect(p.spec.securityContext).toBeUndefined();
    }],
    ["Security context not nil", pod({ securityContext: {}, initContainers: [c("init")], containers: [c("ctr")] }), (p) => {
      expect(annots(p)).toEqual({});
      expect(p.spec.securityContext.appArmorProfile).toBeUndefined();
    }],
    ["Pod field unconfined and no annotation present", pod({ securityContext: { appArmorProfile: U }, initContainers: [c("init")], containers: [c("ctr")] }),
      (p) => expect(annots(p)).toEqual({ [`${K}init`]: "unconfined", [`${K}ctr`]: "unconfined" })],
    ["Pod field default and no annotation present", pod({ securityContext: { appArmorProfile: RD }, initContainers: [c("init")], containers: [c("ctr")] }),
      (p) => expect(annots(p)).toEqual({ [`${K}init`]: "runtime/default", [`${K}ctr`]: "runtime/default" })],
    ["Pod field localhost and no annotation present", pod({ securityContext: { appArmorProfile: LH }, initContainers: [c("init")], containers: [c("ctr")] }),
      (p) => expect(annots(p)).toEqual({ [`${K}init`]: "localhost/test", [`${K}ctr`]: "localhost/test" })],
    ["Pod field localhost but profile is nil", pod({ securityContext: { appArmorProfile: { type: "Localhost" } }, initContainers: [c("init")], containers: [c("ctr")] }),
      (p) => expect(annots(p)).toEqual({})],
    ["Container security context not nil", pod({ containers: [c("ctr", null)] }), (p) => expect(annots(p)).toEqual({})],
    ["Container field RuntimeDefault and no annotation present", pod({ containers: [c("ctr", RD)] }), (p) => {
      expect(annots(p)).toEqual({ [`${K}ctr`]: "runtime/default" });
      expect(p.spec.securityContext).toBeUndefined();
      expect(prof(p.spec.containers[0]).type).toBe("RuntimeDefault");
    }],
    ["Container field localhost and no annotation present", pod({ containers: [c("ctr", LH)] }), (p) => {
      expect(annots(p)).toEqual({ [`${K}ctr`]: "localhost/test" });
      expect(p.spec.securityContext).toBeUndefined();
      expect(prof(p.spec.containers[0]).type).toBe("Localhost");
    }],
    ["Container overrides pod profile", pod({ securityContext: { appArmorProfile: RD }, containers: [c("ctr", U)] }), (p) => {
      expect(annots(p)).toEqual({ [`${K}ctr`]: "unconfined" });
      expect(p.spec.securityContext.appArmorProfile.type).toBe("RuntimeDefault");
      expect(prof(p.spec.containers[0]).type).toBe("Unconfined");
    }],
    ["Multiple containers with fields (container)", pod({ initContainers: [c("init", LH)], containers: [c("a", U), c("b"), c("c", RD)] }), (p) => {
      expect(annots(p)).toEqual({ [`${K}init`]: "localhost/test", [`${K}a`]: "unconfined", [`${K}c`]: "runtime/default" });
      expect(p.spec.securityContext).toBeUndefined();
      expect([prof(p.spec.initContainers[0]).type, prof(p.spec.containers[0]).type, p.spec.containers[1].securityContext, prof(p.spec.containers[2]).type])
        .toEqual(["Localhost", "Unconfined", undefined, "RuntimeDefault"]);
    }],
    ["Annotation 'unconfined' and no fields present", pod({ containers: [c("ctr")] }, { [`${K}ctr`]: "unconfined" }), (p) => {
      expect(annots(p)).toEqual({ [`${K}ctr`]: "unconfined" });
      expect(prof(p.spec.containers[0])).toEqual({ type: "Unconfined" });
      expect(p.spec.securityContext).toBeUndefined();
    }],
    ["Annotation for non-existent container", pod({ containers: [c("ctr")] }, { [`${K}foo-bar`]: "unconfined" }), (p) => {
      expect(annots(p)).toEqual({ [`${K}foo-bar`]: "unconfined" });
      expect(p.spec.containers[0].securityContext).toBeUndefined();
      expect(p.spec.securityContext).toBeUndefined();
    }],
    ["Annotation 'runtime/default' and no fields present", pod({ securityContext: { appArmorProfile: U }, containers: [c("ctr", null)] }, { [`${K}ctr`]: "runtime/default" }), (p) => {
      expect(annots(p)).toEqual({ [`${K}ctr`]: "runtime/default" });
      expect(prof(p.spec.containers[0])).toEqual({ type: "RuntimeDefault" });
      expect(p.spec.securityContext.appArmorProfile.type).toBe("Unconfined");
    }],
    ["Multiple containers by annotations", pod({ securityContext: { appArmorProfile: RD }, initContainers: [c("init")], containers: [c("a"), c("b"), c("c")] },
      { [`${K}init`]: "unconfined", [`${K}a`]: "localhost/test", [`${K}c`]: "runtime/default" }), (p) => {
      expect(annots(p)).toEqual({ [`${K}init`]: "unconfined", [`${K}a`]: "localhost/test", [`${K}b`]: "runtime/default", [`${K}c`]: "runtime/default" });
      expect(prof(p.spec.initContainers[0]).type).toBe("Unconfined");
      expect(prof(p.spec.containers[0])).toEqual({ type: "Localhost", localhostProfile: "test" });
      expect([p.spec.containers[1].securityContext, p.spec.containers[2].securityContext]).toEqual([undefined, undefined]);
      expect(p.spec.securityContext.appArmorProfile.type).toBe("RuntimeDefault");
    }],
    ["Conflicting field and annotations", pod({ containers: [c("ctr", RD)] }, { [`${K}ctr`]: "localhost/test" }), (p) => {
      expect(annots(p)).toEqual({ [`${K}ctr`]: "localhost/test" });
      expect(prof(p.spec.containers[0])).toEqual({ type: "RuntimeDefault" });
      expect(p.spec.securityContext).toBeUndefined();
    }],
    ["Pod field and matching annotations", pod({ securityContext: { appArmorProfile: RD }, containers: [c("ctr")] }, { [`${K}ctr`]: "runtime/default" }), (p) => {
      expect(annots(p)).toEqual({ [`${K}ctr`]: "runtime/default" });
      expect(p.spec.securityContext.appArmorProfile.type).toBe("RuntimeDefault");
      expect(p.spec.containers[0].securityContext).toBeUndefined();
    }],
    ["Annotation overrides pod field", pod({ securityContext: { appArmorProfile: RD }, containers: [c("ctr")] }, { [`${K}ctr`]: "unconfined" }), (p) => {
      expect(annots(p)).toEqual({ [`${K}ctr`]: "unconfined" });
      expect(p.spec.securityContext.appArmorProfile.type).toBe("RuntimeDefault");
      expect(prof(p.spec.containers[0]).type).toBe("Unconfined");
    }],
    ["Mixed annotations and fields", pod({ securityContext: { appArmorProfile: RD }, containers: [c("unconf-annot"), c("unconf-field", U), c("default-pod")] },
      { [`${K}unconf-annot`]: "unconfined" }), (p) => {
      expect(annots(p)).toEqual({ [`${K}unconf-annot`]: "unconfined", [`${K}unconf-field`]: "unconfined", [`${K}default-pod`]: "runtime/default" });
      expect(p.spec.securityContext.appArmorProfile.type).toBe("RuntimeDefault");
      expect([prof(p.spec.containers[0]).type, prof(p.spec.containers[1]).type, p.spec.containers[2].securityContext]).toEqual(["Unconfined", "Unconfined", undefined]);
    }],
    ["Invalid annotation value", pod({ containers: [c("ctr")] }, { [`${K}ctr`]: "localhost/" }), (p) => {
      expect(annots(p)).toEqual({ [`${K}ctr`]: "localhost/" });
      expect(p.spec.containers[0].securityContext).toBeUndefined();
      expect(p.spec.securityContext).toBeUndefined();
    }],
    ["Invalid localhost annotation", pod({ containers: [c("ctr")] }, { [`${K}ctr`]: `localhost/${"a".repeat(4096)}` }), (p) => {
      expect(Object.keys(annots(p))).toContain(`${K}ctr`);
      expect(p.spec.containers[0].securityContext).toBeUndefined();
      expect(p.spec.securityContext).toBeUndefined();
    }],
    ["Invalid field type", pod({ securityContext: { appArmorProfile: { type: "invalid-type" } }, containers: [c("ctr")] }), (p) => {
      expect(annots(p)).toEqual({});
      expect(p.spec.containers[0].securityContext).toBeUndefined();
    }],
    ["Ignore annotations on windows", pod({ os: { name: "windows" }, containers: [c("ctr")] }, { [`${K}ctr`]: "runtime/default" }), (p) => {
      expect(annots(p)).toEqual({ [`${K}ctr`]: "runtime/default" });
      expect(p.spec.containers[0].securityContext).toBeUndefined();
    }],
  ];
  it.each(rows)("%s", (_n, p, check) => check(applied(p)));
});
