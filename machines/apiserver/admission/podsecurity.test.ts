// PodSecurity's checks and evaluation, with the expectations of k8s.io/pod-security-admission's
// own tests (policy/check_*_test.go, admission/admission_test.go) and its message formats
// (policy/checks.go ForbiddenDetail, admission/admission.go EvaluatePod / EvaluatePodsInNamespace).
import { describe, expect, it } from "vitest";
import { evaluatePod, podSecurityNamespace, podSecurityPod, podSecurityWorkload, policyToEvaluate } from "./podsecurity.js";

const latest = { level: "restricted" as const };
const baseline = { level: "baseline" as const };
const one = (lv: { level: "baseline" | "restricted"; minor?: number }, spec: any, meta: any = {}) => evaluatePod(lv, meta, spec);
const find = (results: { reason: string; detail: string }[], reason: string) => results.find((r) => r.reason === reason);
// a container restricted:latest allows
const good = (name: string, extra: any = {}) => ({ name, image: "nginx", securityContext: { allowPrivilegeEscalation: false, runAsNonRoot: true, capabilities: { drop: ["ALL"] }, seccompProfile: { type: "RuntimeDefault" }, ...extra } });

describe("the checks (policy/check_*_test.go)", () => {
  it("runAsNonRoot", () => {
    expect(find(one(latest, { containers: [{ name: "a" }] }), "runAsNonRoot != true")?.detail).toBe('pod or container "a" must set securityContext.runAsNonRoot=true');
    expect(find(one(latest, { securityContext: { runAsNonRoot: false }, containers: [{ name: "a" }] }), "runAsNonRoot != true")?.detail).toBe("pod must not set securityContext.runAsNonRoot=false");
    const cs = [{ name: "a" }, { name: "b", securityContext: {} }, { name: "c", securityContext: { runAsNonRoot: false } }, { name: "d", securityContext: { runAsNonRoot: false } }, { name: "e", securityContext: { runAsNonRoot: true } }];
    expect(find(one(latest, { securityContext: { runAsNonRoot: true }, containers: cs }), "runAsNonRoot != true")?.detail).toBe('containers "c", "d" must not set securityContext.runAsNonRoot=false');
    // the container fields may be left unset when the pod-level runAsNonRoot is true (Pod Security Standards, restricted)
    expect(find(one(latest, { securityContext: { runAsNonRoot: true }, containers: [{ name: "a" }, { name: "b", securityContext: {} }] }), "runAsNonRoot != true")).toBeUndefined();
    const fall = [{ name: "a" }, { name: "b", securityContext: {} }, { name: "d", securityContext: { runAsNonRoot: true } }];
    expect(find(one(latest, { containers: fall }), "runAsNonRoot != true")?.detail).toBe('pod or containers "a", "b" must set securityContext.runAsNonRoot=true');
    // hostUsers=false relaxes it from 1.35 on
    expect(find(one(latest, { hostUsers: false, containers: [{ name: "a" }] }), "runAsNonRoot != true")).toBeUndefined();
    expect(find(one({ level: "restricted", minor: 34 }, { hostUsers: false, containers: [{ name: "a" }] }), "runAsNonRoot != true")).toBeDefined();
  });

  it("capabilities: restricted replaces baseline's check", () => {
    const spec = { containers: [
      { name: "a", securityContext: { capabilities: { add: ["FOO", "BAR"] } } },
      { name: "b", securityContext: { capabilities: { add: ["BAR", "BAZ"] } } },
      { name: "c", securityContext: { capabilities: { add: ["NET_BIND_SERVICE", "CHOWN"], drop: ["ALL", "FOO"] } } },
    ] };
    const r = one(latest, spec);
    expect(find(r, "unrestricted capabilities")?.detail).toBe('containers "a", "b" must set securityContext.capabilities.drop=["ALL"]; containers "a", "b", "c" must not include "BAR", "BAZ", "CHOWN", "FOO" in securityContext.capabilities.add');
    expect(find(r, "non-default capabilities")).toBeUndefined();
    expect(find(one(baseline, spec), "non-default capabilities")?.detail).toBe('containers "a", "b" must not include "BAR", "BAZ", "FOO" in securityContext.capabilities.add');
    // sets.String.List() orders by bytes: U+FFFD before U+1F600 (UTF-16 units would put it after)
    expect(find(one(baseline, { containers: [{ name: "a", securityContext: { capabilities: { add: ["\u{1F600}", "\uFFFD"] } } }] }), "non-default capabilities")?.detail).toBe('container "a" must not include "\uFFFD", "\u{1F600}" in securityContext.capabilities.add');
    expect(find(one(latest, { os: { name: "windows" }, containers: [{ name: "a" }] }), "unrestricted capabilities")).toBeUndefined();
  });

  it("seLinuxOptions", () => {
    const spec = { securityContext: { seLinuxOptions: { type: "foo", user: "bar", role: "baz" } }, containers: [
      { name: "a", securityContext: { seLinuxOptions: { type: "container_t" } } },
      { name: "b", securityContext: { seLinuxOptions: { type: "container_init_t" } } },
      { name: "c", securityContext: { seLinuxOptions: { type: "container_kvm_t" } } },
      { name: "d", securityContext: { seLinuxOptions: { type: "container_engine_t" } } },
      { name: "e", securityContext: { seLinuxOptions: { type: "bar" } } },
      { name: "f", securityContext: { seLinuxOptions: { user: "bar" } } },
      { name: "g", securityContext: { seLinuxOptions: { role: "baz" } } },
    ] };
    expect(find(one(baseline, spec), "seLinuxOptions")?.detail).toBe('pod and containers "e", "f", "g" set forbidden securityContext.seLinuxOptions: types "bar", "foo"; user may not be set; role may not be set');
    expect(find(one(baseline, { securityContext: { seLinuxOptions: { type: "bad" } }, containers: [{ name: "a" }] }), "seLinuxOptions")?.detail).toBe('pod set forbidden securityContext.seLinuxOptions: type "bad"');
  });

  it("restricted volume types", () => {
    const allowed = ["emptyDir", "secret", "persistentVolumeClaim", "downwardAPI", "configMap", "projected", "csi", "ephemeral", "image"].map((t, i) => ({ name: `a${i + 1}`, [t]: {} }));
    const restricted = ["hostPath", "gcePersistentDisk", "awsElasticBlockStore", "gitRepo", "nfs", "iscsi", "glusterfs", "rbd", "flexVolume", "cinder", "cephfs", "flocker", "fc", "azureFile", "vsphereVolume", "quobyte", "azureDisk", "photonPersistentDisk", "portworxVolume", "scaleIO", "storageos"].map((t, i) => ({ name: `b${i + 1}`, [t]: {} }));
    const r = one(latest, { volumes: [...allowed, ...restricted, { name: "c1" }], containers: [] });
    expect(find(r, "restricted volume types")?.detail).toBe(
      'volumes "b1", "b2", "b3", "b4", "b5", "b6", "b7", "b8", "b9", "b10", "b11", "b12", "b13", "b14", "b15", "b16", "b17", "b18", "b19", "b20", "b21", "c1"' +
        ' use restricted volume types ' +
        '"awsElasticBlockStore", "azureDisk", "azureFile", "cephfs", "cinder", "fc", "flexVolume", "flocker", "gcePersistentDisk", "gitRepo", "glusterfs", ' +
        '"hostPath", "iscsi", "nfs", "photonPersistentDisk", "portworxVolume", "quobyte", "rbd", "scaleIO", "storageos", "unknown", "vsphereVolume"',
    );
    expect(find(r, "hostPath volumes")).toBeUndefined();
    expect(find(one(baseline, { volumes: [{ name: "h", hostPath: { path: "/" } }], containers: [] }), "hostPath volumes")?.detail).toBe('volume "h"');
  });

  it("hostPorts, host namespaces, privileged, sysctls, hostProcess", () => {
    expect(find(one(baseline, { containers: [{ name: "a", ports: [{ hostPort: 0 }] }, { name: "b", ports: [{ hostPort: 0 }, { hostPort: 20 }] }] }), "hostPort")?.detail).toBe('container "b" uses hostPort 20');
    const ports = { containers: [{ name: "a", ports: [{ hostPort: 0 }] }, { name: "b", ports: [{ hostPort: 0 }, { hostPort: 10 }, { hostPort: 20 }] }, { name: "c", ports: [{ hostPort: 0 }, { hostPort: 10 }, { hostPort: 30 }] }] };
    expect(find(one(baseline, ports), "hostPort")?.detail).toBe('containers "b", "c" use hostPorts 10, 20, 30');
    expect(find(one(baseline, { hostNetwork: true, hostPID: true, hostIPC: true, containers: [] }), "host namespaces")?.detail).toBe("hostNetwork=true, hostPID=true, hostIPC=true");
    expect(find(one(baseline, { containers: [{ name: "a", securityContext: { privileged: true } }, { name: "b", securityContext: { privileged: true } }] }), "privileged")?.detail).toBe('containers "a", "b" must not set securityContext.privileged=true');
    expect(find(one(baseline, { securityContext: { sysctls: [{ name: "a" }, { name: "b" }] }, containers: [] }), "forbidden sysctls")?.detail).toBe("a, b");
    expect(find(one({ level: "baseline", minor: 26 }, { securityContext: { sysctls: [{ name: "net.ipv4.ip_local_reserved_ports" }] }, containers: [] }), "forbidden sysctls")?.detail).toBe("net.ipv4.ip_local_reserved_ports");
    expect(find(one(baseline, { securityContext: { sysctls: [{ name: "net.ipv4.tcp_rmem" }] }, containers: [] }), "forbidden sysctls")).toBeUndefined();
    expect(find(one(baseline, { securityContext: { windowsOptions: { hostProcess: true } }, containers: [{ name: "a", securityContext: { windowsOptions: { hostProcess: true } } }] }), "hostProcess")?.detail).toBe('pod and container "a" must not set securityContext.windowsOptions.hostProcess=true');
  });

  it("AppArmor, seccomp, procMount, runAsUser, allowPrivilegeEscalation", () => {
    expect(find(one(baseline, { securityContext: { appArmorProfile: { type: "Unconfined" } }, containers: [] }), "forbidden AppArmor profile")?.detail).toBe('pod must not set AppArmor profile type to "Unconfined"');
    expect(find(one(baseline, { containers: [{ name: "c", securityContext: { seccompProfile: { type: "Unconfined" } } }] }), "seccompProfile")?.detail).toBe('container "c" must not set securityContext.seccompProfile.type to "Unconfined"');
    expect(find(one(latest, { containers: [{ name: "a" }] }), "seccompProfile")?.detail).toBe('pod or container "a" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"');
    expect(find(one(baseline, { containers: [{ name: "a", securityContext: { procMount: "Unmasked" } }] }), "procMount")?.detail).toBe('container "a" must not set securityContext.procMount to "Unmasked"');
    // a user-namespace pod may unmask /proc at baseline, never at restricted
    expect(find(one(baseline, { hostUsers: false, containers: [{ name: "a", securityContext: { procMount: "Unmasked" } }] }), "procMount")).toBeUndefined();
    expect(find(one(latest, { hostUsers: false, containers: [{ name: "a", securityContext: { procMount: "Unmasked" } }] }), "procMount")).toBeDefined();
    expect(find(one(latest, { securityContext: { runAsUser: 0 }, containers: [{ name: "a", securityContext: { runAsUser: 0 } }] }), "runAsUser=0")?.detail).toBe('pod and container "a" must not set runAsUser=0');
    expect(find(one(latest, { containers: [{ name: "a" }, { name: "b", securityContext: { allowPrivilegeEscalation: true } }] }), "allowPrivilegeEscalation != false")?.detail).toBe('containers "a", "b" must set securityContext.allowPrivilegeEscalation=false');
  });

  it("a compliant pod passes restricted:latest, the checks run baseline first then restricted (registry order)", () => {
    expect(one(latest, { containers: [good("a")], initContainers: [good("i")] })).toEqual([]);
    const r = one(latest, { hostNetwork: true, containers: [{ name: "c", securityContext: { privileged: true } }] });
    expect(r.map((x) => x.reason)).toEqual(["host namespaces", "privileged", "allowPrivilegeEscalation != false", "unrestricted capabilities", "runAsNonRoot != true", "seccompProfile"]);
  });
});

describe("the plugin (admission/admission.go)", () => {
  const nginx = { apiVersion: "v1", kind: "Pod", metadata: { name: "nginx" }, spec: { containers: [{ image: "nginx", name: "nginx", ports: [{ containerPort: 80 }] }] } };
  const restricted = { "pod-security.kubernetes.io/enforce": "restricted" };
  const refusal = 'violates PodSecurity "restricted:latest": allowPrivilegeEscalation != false (container "nginx" must set securityContext.allowPrivilegeEscalation=false), unrestricted capabilities (container "nginx" must set securityContext.capabilities.drop=["ALL"]), runAsNonRoot != true (pod or container "nginx" must set securityContext.runAsNonRoot=true), seccompProfile (pod or container "nginx" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")';
  const warning = `would violate ${refusal.slice("violates ".length)}`;

  it("refuses a pod the enforce level forbids; no labels is privileged", () => {
    expect(podSecurityPod(nginx, undefined, restricted, undefined)).toEqual({ refused: refusal, warnings: [] });
    expect(podSecurityPod(nginx, undefined, undefined, undefined)).toEqual({ warnings: [] });
    expect(podSecurityPod(nginx, undefined, { "pod-security.kubernetes.io/enforce": "baseline" }, undefined)).toEqual({ warnings: [] });
    expect(podSecurityPod(nginx, undefined, { "pod-security.kubernetes.io/enforce": "restricted", "pod-security.kubernetes.io/enforce-version": "v1.24" }, undefined).refused).toMatch(/^violates PodSecurity "restricted:v1.24": /);
  });

  it("an unknown enforce level is restricted (fails closed), an unknown version latest", () => {
    expect(podSecurityPod(nginx, undefined, { "pod-security.kubernetes.io/enforce": "strict" }, undefined).refused).toBe(refusal);
    expect(podSecurityPod(nginx, undefined, { ...restricted, "pod-security.kubernetes.io/enforce-version": "1.25" }, undefined).refused).toBe(refusal);
  });

  it("warns with the warn level, and warn defaults to a stricter enforce level", () => {
    const warned = podSecurityPod(nginx, undefined, { "pod-security.kubernetes.io/warn": "restricted" }, undefined);
    expect(warned).toEqual({ warnings: [warning] });
    expect(policyToEvaluate({ "pod-security.kubernetes.io/enforce": "baseline", "pod-security.kubernetes.io/enforce-version": "v1.22" }).policy.warn).toEqual({ level: "baseline", minor: 22 });
  });

  it("lets updates through that change no image, and status and other ignored subresources", () => {
    const running = { ...nginx, metadata: { ...nginx.metadata, labels: { a: "b" } } };
    expect(podSecurityPod(running, nginx, restricted, undefined)).toEqual({ warnings: [] });
    const newImage = { ...nginx, spec: { containers: [{ ...nginx.spec.containers[0], image: "nginx:2" }] } };
    expect(podSecurityPod(newImage, nginx, restricted, undefined).refused).toBe(refusal);
    expect(podSecurityPod(newImage, nginx, restricted, "status")).toEqual({ warnings: [] });
    // isSignificantPodUpdate compares the init containers' images too
    const withInit = { ...nginx, spec: { ...nginx.spec, initContainers: [{ name: "setup", image: "busybox" }] } };
    const newInitImage = { ...withInit, spec: { ...withInit.spec, initContainers: [{ name: "setup", image: "busybox:1.37" }] } };
    expect(podSecurityPod(newInitImage, withInit, restricted, undefined).refused).toMatch(/^violates PodSecurity "restricted:latest": /);
    const debug = { ...nginx, spec: { ...nginx.spec, ephemeralContainers: [{ name: "debug", image: "busybox" }] } };
    expect(podSecurityPod(debug, nginx, restricted, "ephemeralcontainers").refused).toContain('containers "nginx", "debug" must set securityContext.allowPrivilegeEscalation=false');
  });

  it("only warns about a workload's pod template", () => {
    const dep = { kind: "Deployment", spec: { template: { metadata: {}, spec: nginx.spec } } };
    expect(podSecurityWorkload(dep, restricted, undefined)).toEqual([warning]);
    expect(podSecurityWorkload({ kind: "CronJob", spec: { jobTemplate: { spec: { template: { spec: nginx.spec } } } } }, { "pod-security.kubernetes.io/warn": "baseline" }, undefined)).toEqual([]);
    expect(podSecurityWorkload(dep, undefined, undefined)).toEqual([]);
  });

  it("refuses invalid labels on a namespace, warns about existing pods a new enforce level forbids", () => {
    const ns = (labels: any) => ({ kind: "Namespace", metadata: { name: "x", labels } });
    expect(podSecurityNamespace(ns({ "pod-security.kubernetes.io/enforce": "foo", "pod-security.kubernetes.io/warn-version": "1.2" }), undefined, undefined, () => [])).toEqual({
      invalid: [
        { label: "pod-security.kubernetes.io/enforce", value: "foo", message: "must be one of privileged, baseline, restricted" },
        { label: "pod-security.kubernetes.io/warn-version", value: "1.2", message: 'must be "latest" or "v1.x"' },
      ],
    });
    const pods = [
      { metadata: { name: "b" }, spec: { hostNetwork: true, containers: [good("c")] } },
      { metadata: { name: "a" }, spec: { hostNetwork: true, containers: [good("c")] } },
      { metadata: { name: "z" }, spec: { containers: [{ name: "c", securityContext: { privileged: true } }] } },
      { metadata: { name: "ok" }, spec: { containers: [good("c")] } },
    ];
    expect(podSecurityNamespace(ns(restricted), ns({}), undefined, () => pods)).toEqual({
      warnings: [
        'existing pods in namespace "x" violate the new PodSecurity enforce level "restricted:latest"',
        "a (and 1 other pod): host namespaces",
        "z: privileged, allowPrivilegeEscalation != false, unrestricted capabilities, runAsNonRoot != true, seccompProfile",
      ],
    });
    // loosening, or keeping, the level checks nothing
    expect(podSecurityNamespace(ns({ "pod-security.kubernetes.io/enforce": "baseline" }), ns(restricted), undefined, () => pods)).toEqual({ warnings: [] });
    // an update keeping the same invalid labels is allowed
    expect(podSecurityNamespace(ns({ "pod-security.kubernetes.io/enforce": "foo" }), ns({ "pod-security.kubernetes.io/enforce": "foo" }), undefined, () => [])).toEqual({ warnings: [] });
  });

  it("checks at most 3000 existing pods (namespaceMaxPodsToCheck), one per controller first", () => {
    const ns = (labels: any) => ({ kind: "Namespace", metadata: { name: "big", labels } });
    const owned = (name: string, uid: string) => ({ metadata: { name, ownerReferences: [{ controller: true, uid }] }, spec: { hostPID: true, containers: [] } });
    const pods = [...Array.from({ length: 3000 }, (_, i) => owned(`rs-${String(i).padStart(4, "0")}`, "u1")), owned("other", "u2")];
    expect(podSecurityNamespace(ns({ "pod-security.kubernetes.io/enforce": "baseline" }), ns({}), undefined, () => pods)).toEqual({
      warnings: [
        "new PodSecurity enforce level only checked against the first 3000 of 3001 existing pods",
        'existing pods in namespace "big" violate the new PodSecurity enforce level "baseline:latest"',
        // the second controller's pod is checked before the first one's other replicas
        "other (and 2999 other pods): host namespaces",
      ],
    });
  });
});
