// Manifests from the Kubernetes docs (test/fixtures/docs, kubernetes/website content/en/examples)
// applied end to end to the simulated cluster: each expectation is what Kubernetes 1.35 does with
// the manifest, from its source (cited beside each case).

import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { createCluster, type Cluster } from "../runtime/cluster.js";
import { containerLogs } from "../runtime/server/logs.js";

const fixture = (path: string): string => readFileSync(join(import.meta.dirname, "fixtures", "docs", path), "utf8");

async function withCluster(run: (c: Cluster) => Promise<void>): Promise<void> {
  const c = createCluster({ nodes: 3, seed: 1, clock: "simulated" });
  try {
    await run(c);
  } finally {
    await c.stop();
  }
}

const podEvents = (c: Cluster, name: string) => c.events().filter((e: any) => e.involvedObject?.name === name).map((e: any) => [e.type, e.reason, e.message]);

describe("pods/private-reg-pod.yaml: the image is the placeholder <your-private-image>", () => {
  // pkg/kubelet/images/image_manager.go EnsureImageExists: applyDefaultImageTag fails before any
  // pull, an InspectFailed event, ErrInvalidImageName ("InvalidImageName"); SyncPod fails and the
  // pod worker retries after its backOffPeriod (pod_workers.go completeWork), so time goes on.
  it("settles with the container waiting in InvalidImageName, never pulling", async () => {
    await withCluster(async (c) => {
      await c.apply(fixture("pods/private-reg-pod.yaml"));
      await c.settle();
      c.advance(30_000);
      await c.settle();
      const pod = c.get("Pod", "private-reg", "default");
      const msg = 'Failed to apply default image tag "<your-private-image>": couldn\'t parse image name "<your-private-image>": invalid reference format';
      expect(pod?.status?.phase).toBe("Pending");
      expect(pod?.status?.containerStatuses?.[0]?.state).toEqual({ waiting: { reason: "InvalidImageName", message: msg } });
      const events = podEvents(c, "private-reg");
      expect(events).toContainEqual(["Warning", "InspectFailed", msg]);
      expect(events).toContainEqual(["Warning", "Failed", "Error: InvalidImageName"]);
      expect(events.map((e) => e[1])).not.toContain("Pulling");
      // Each retried sync records both events again (kubelet.go backOffPeriod 10 s, jittered up to
      // half again in completeWork): by 30 s at least two syncs, the correlator counting the repeats.
      const counts = c.events().filter((e: any) => e.involvedObject?.name === "private-reg" && (e.reason === "InspectFailed" || e.reason === "Failed")).map((e: any) => e.count);
      expect(counts).toHaveLength(2);
      for (const n of counts) expect(n).toBeGreaterThanOrEqual(2);
    });
  });
});

describe("pods/image-volumes-subpath.yaml: an image volume mounted with a subPath", () => {
  // kubernetes#130135 (KEP-4639 beta, 1.33) dropped ValidateVolumeMounts' "not allowed in image
  // volume sources" for subPath and subPathExpr.
  it("is accepted and runs", async () => {
    await withCluster(async (c) => {
      await c.apply(fixture("pods/image-volumes-subpath.yaml"));
      await c.settle();
      const pod = c.get("Pod", "image-volume", "default");
      expect(pod?.spec?.containers?.[0]?.volumeMounts?.[0]).toEqual({ name: "volume", mountPath: "/volume", subPath: "dir" });
      expect(pod?.status?.phase).toBe("Running");
    });
  });
});

// kubectl parses and checks a manifest before sending it: these are its own errors (exit 1, no
// request). Texts as kubectl 1.32 prints them for these very files (sigs.k8s.io/yaml's go-yaml
// scanner; kubectl/pkg/validation's ValidateSchema and its ValidationHelpMessage).
describe("the docs' manifests kubectl refuses before sending", () => {
  const refusal = async (path: string): Promise<string> => {
    let message = "";
    await withCluster(async (c) => {
      await c.apply(fixture(path), path).catch((e: Error) => { message = e.message; });
    });
    return message;
  };
  it.each([
    ["pods/inject/pod-multiple-secret-env-variable.yaml", "error parsing pods/inject/pod-multiple-secret-env-variable.yaml: error converting YAML to JSON: yaml: line 15: found a tab character that violates indentation"],
    ["controllers/job-pod-failure-policy-ignore.yaml", "error parsing controllers/job-pod-failure-policy-ignore.yaml: error converting YAML to JSON: yaml: line 24: found a tab character that violates indentation"],
    ["pods/inject/pod-single-secret-env-variable.yaml", 'error validating "pods/inject/pod-single-secret-env-variable.yaml": error validating data: apiVersion not set; if you choose to ignore these errors, turn validation off with --validate=false'],
  ])("%s", async (path, want) => {
    expect(await refusal(path)).toBe(want);
  });
});

describe("service/networking/dual-stack-*: IPv6 asked of a single-stack IPv4 cluster (kind's default)", () => {
  // pkg/registry/core/service/storage/alloc.go initIPFamilyFields: "If there is a family requested
  // then it has to be configured on cluster", whatever the policy; PreferDualStack alone is kept.
  // the Status message (kubectl prints it after "The ")
  const invalid = 'Service "my-service" is invalid: spec.ipFamilies[0]: Invalid value: "IPv6": not configured on this cluster';
  it.each([["service/networking/dual-stack-ipfamilies-ipv6.yaml"], ["service/networking/dual-stack-prefer-ipv6-lb-svc.yaml"]])("%s is refused", async (path) => {
    await withCluster(async (c) => {
      const err = await c.apply(fixture(path), path).then(() => undefined, (e: Error) => e.message);
      expect(err).toBe(invalid);
      expect(c.get("Service", "my-service", "default")).toBeUndefined();
    });
  });
  it("service/networking/dual-stack-preferred-svc.yaml gets the one family there is", async () => {
    await withCluster(async (c) => {
      await c.apply(fixture("service/networking/dual-stack-preferred-svc.yaml"));
      const spec = c.get("Service", "my-service", "default")?.spec;
      expect([spec?.ipFamilyPolicy, spec?.ipFamilies, spec?.clusterIPs?.length]).toEqual(["PreferDualStack", ["IPv4"], 1]);
    });
  });
});

describe("admin/resource/storagelimits.yaml: a LimitRange of type PersistentVolumeClaim (1Gi to 2Gi)", () => {
  // plugin/pkg/admission/limitranger/admission.go PersistentVolumeClaimValidateLimitFunc: min
  // against the request (minConstraint), max against the request (maxRequestConstraint); Forbidden.
  it.each([
    ["admin/resource/pvc-limit-greater.yaml", 'persistentvolumeclaims "pvc-limit-greater" is forbidden: maximum storage usage per PersistentVolumeClaim is 2Gi, but request is 5Gi'],
    ["admin/resource/pvc-limit-lower.yaml", 'persistentvolumeclaims "pvc-limit-lower" is forbidden: minimum storage usage per PersistentVolumeClaim is 1Gi, but request is 500Mi'],
  ])("refuses %s", async (path, want) => {
    await withCluster(async (c) => {
      await c.apply(fixture("admin/resource/storagelimits.yaml"));
      await c.settle();
      const err = await c.apply(fixture(path), path).then(() => undefined, (e: any) => [e.status?.code, e.status?.reason, e.message]);
      expect(err).toEqual([403, "Forbidden", want]);
      expect(c.list("PersistentVolumeClaim")).toEqual([]);
    });
  });
});

describe("application/basic-daemonset.yaml: an init container cats the node's /etc/machine-id (hostPath type File)", () => {
  // A hostPath of type File is bind-mounted as that file (pkg/volume/hostpath checks it is one),
  // so `cat /etc/machine-id > /var/log/machine-id.log` succeeds and every node's pod runs.
  it("runs a pod on each of the 3 nodes, the init container completed", async () => {
    await withCluster(async (c) => {
      await c.apply(fixture("application/basic-daemonset.yaml"));
      await c.settle();
      const pods = c.list("Pod", { namespace: "default" });
      expect(pods.map((p: any) => [p.status?.phase, p.status?.initContainerStatuses?.[0]?.state?.terminated?.exitCode])).toEqual([["Running", 0], ["Running", 0], ["Running", 0]]);
      expect(c.get("DaemonSet", "example-daemonset", "default")?.status?.numberReady).toBe(3);
    });
  });
});

describe("application/job/job-tmpl.yaml: the template with $ITEM not yet substituted", () => {
  // The Job's own labels are the user's (jobgroup); only a Job without labels takes its template's
  // map (SetDefaults_Job), so only the template's generated job-name labels carry the bad name:
  // ValidateObjectMeta's name error and ValidatePodTemplateSpec's spec.template.labels error
  // (one cause per job-name label, two; the message dedups them as ToAggregate does).
  it("is refused for its name and its template's job-name label, not the Job's labels", async () => {
    await withCluster(async (c) => {
      const path = "application/job/job-tmpl.yaml";
      const status = await c.apply(fixture(path), path).then(() => undefined, (e: any) => e.status);
      expect([status?.code, status?.reason, status?.details?.causes?.map((x: any) => x.field)]).toEqual([422, "Invalid", ["metadata.name", "spec.template.labels", "spec.template.labels"]]);
    });
  });
});

describe("service/networking/vap-servicecidr-deny.yaml: a ValidatingAdmissionPolicy and its Binding", () => {
  // admissionregistration.k8s.io/v1 (GA in 1.30) serves both. The scheme's defaults
  // (pkg/apis/admissionregistration/v1 SetDefaults_MatchResources, SetDefaults_Rule) fill the match
  // policy, both selectors and each rule's scope; the strategies' PrepareForCreate set generation 1
  // and clear the policy's status (validatingadmissionpolicy/strategy.go, ...binding/strategy.go).
  it("stores both, defaulted", async () => {
    await withCluster(async (c) => {
      const results = await c.apply(fixture("service/networking/vap-servicecidr-deny.yaml"));
      expect(results.map((r: any) => r.action)).toEqual(["created", "created"]);
      const policy = c.get("ValidatingAdmissionPolicy", "servicecidrs.deny");
      expect(policy?.metadata?.generation).toBe(1);
      expect(policy?.spec?.failurePolicy).toBe("Fail");
      expect(policy?.spec?.matchConstraints).toEqual({
        matchPolicy: "Equivalent", namespaceSelector: {}, objectSelector: {},
        resourceRules: [{ apiGroups: ["networking.k8s.io"], apiVersions: ["v1"], operations: ["CREATE", "UPDATE"], resources: ["servicecidrs"], scope: "*" }],
      });
      expect(policy?.spec?.validations).toHaveLength(2);
      const binding = c.get("ValidatingAdmissionPolicyBinding", "servicecidrs-deny-binding");
      expect(binding?.metadata?.generation).toBe(1);
      expect(binding?.spec).toEqual({ policyName: "servicecidrs.deny", validationActions: ["Deny", "Audit"] });
    });
  });

  // The status strategy keeps the stored spec and the generation; the main one keeps the stored
  // status and counts a spec change in the generation (validatingadmissionpolicy/strategy.go).
  it("a status write changes only the status; a spec write only the spec, generation 2", async () => {
    await withCluster(async (c) => {
      await c.apply(fixture("service/networking/vap-servicecidr-deny.yaml"));
      // the policy status controller writes the first status (observedGeneration 1): the writes below follow it
      await c.settle();
      const req = (subresource: string | undefined, body: any) => c.request({ verb: "update", group: "admissionregistration.k8s.io", resource: "validatingadmissionpolicies", name: "servicecidrs.deny", ...(subresource ? { subresource } : {}), body });
      const p = c.get("ValidatingAdmissionPolicy", "servicecidrs.deny");
      const st: any = await req("status", { ...p, spec: { ...p.spec, failurePolicy: "Ignore" }, status: { observedGeneration: 1, typeChecking: {} } });
      expect([st.object?.spec?.failurePolicy, st.object?.status, st.object?.metadata?.generation]).toEqual(["Fail", { observedGeneration: 1, typeChecking: {} }, 1]);
      const up: any = await req(undefined, { ...st.object, spec: { ...st.object.spec, failurePolicy: "Ignore" }, status: {} });
      expect([up.object?.spec?.failurePolicy, up.object?.status, up.object?.metadata?.generation]).toEqual(["Ignore", { observedGeneration: 1, typeChecking: {} }, 2]);
    });
  });
});

describe("pods/storage/projected-{podcertificate,clustertrustbundle}.yaml: projections whose gates 1.35 leaves off", () => {
  // pkg/features/kube_features.go (1.35): ClusterTrustBundleProjection beta since 1.33 and
  // PodCertificateRequest beta in 1.35, both Default: false. pkg/api/pod/util.go's
  // dropDisabledClusterTrustBundleProjection / dropDisabledPodCertificateProjection clear those
  // sources on create (no old pod uses them); validateProjectionSources has no rule against an
  // empty source, and GetWarningsForPod (run after PrepareForCreate) warns about each one.
  it.each([
    ["pods/storage/projected-podcertificate.yaml", "podcertificate-pod", "my-x509-credentials", 1],
    ["pods/storage/projected-clustertrustbundle.yaml", "sa-ctb-name-test", "token-vol", 2],
  ])("%s: the sources are dropped, the pod runs", async (path, name, volume, sources) => {
    await withCluster(async (c) => {
      const [result] = await c.apply(fixture(path), path);
      expect(result?.warnings).toEqual(Array(sources).fill(`volume "${volume}" (Projected) has no sources provided`));
      await c.settle();
      const pod = c.get("Pod", name, "default");
      expect(pod?.spec?.volumes?.find((v: any) => v.name === volume)?.projected?.sources).toEqual(Array(sources).fill({}));
      expect(pod?.status?.phase).toBe("Running");
    });
  });
});

describe("pods/security/seccomp: Localhost profiles are files under the kubelet's seccomp root", () => {
  // pkg/kubelet/kuberuntime/helpers.go fieldSeccompProfile: LocalhostRef is
  // filepath.Join(seccompProfileRoot, localhostProfile), the root /var/lib/kubelet/seccomp; the
  // container's field wins over the pod's (getSeccompProfile). containerd's contrib/seccomp
  // WithProfile reads that file when NewContainer applies the spec ("cannot load seccomp profile
  // %q: %v", wrapped as "failed to create containerd container: %w"), so a missing file is a
  // CreateContainerError (as rancher/rke2#8312 shows it).
  const missing = (path: string) => `failed to create containerd container: cannot load seccomp profile "${path}": open ${path}: no such file or directory`;

  it("fields.yaml is refused: ephemeralContainers cannot be set on create (ValidatePodCreate)", async () => {
    await withCluster(async (c) => {
      const path = "pods/security/seccomp/fields.yaml";
      const err = await c.apply(fixture(path), path).then(() => undefined, (e: any) => [e.status?.code, e.message]);
      expect(err).toEqual([422, 'Pod "pod" is invalid: spec.ephemeralContainers: Forbidden: cannot be set on create']);
    });
  });

  it("fields.yaml without its ephemeral container: the init container runs (RuntimeDefault), the container's my-profile.json is missing", async () => {
    await withCluster(async (c) => {
      const pod = parse(fixture("pods/security/seccomp/fields.yaml"));
      delete pod.spec.ephemeralContainers;
      await c.apply(pod);
      await c.settle();
      const got = c.get("Pod", "pod", "default");
      expect(got?.status?.phase).toBe("Pending");
      expect(got?.status?.initContainerStatuses?.[0]?.state?.terminated?.reason).toBe("Completed");
      const msg = missing("/var/lib/kubelet/seccomp/my-profile.json");
      expect(got?.status?.containerStatuses?.[0]?.state).toEqual({ waiting: { reason: "CreateContainerError", message: msg } });
      expect(podEvents(c, "pod")).toContainEqual(["Warning", "Failed", `Error: ${msg}`]);
    });
  });

  it("ga/fine-pod.yaml runs where the tutorial's profiles are on the node (kind.yaml mounts them), not with another name", async () => {
    await withCluster(async (c) => {
      await c.apply(fixture("pods/security/seccomp/ga/fine-pod.yaml"));
      const other = parse(fixture("pods/security/seccomp/ga/fine-pod.yaml"));
      other.metadata.name = "other-pod";
      other.spec.securityContext.seccompProfile.localhostProfile = "profiles/absent.json";
      await c.apply(other);
      await c.settle();
      expect(c.get("Pod", "fine-pod", "default")?.status?.phase).toBe("Running");
      expect(c.get("Pod", "other-pod", "default")?.status?.containerStatuses?.[0]?.state?.waiting?.message).toBe(missing("/var/lib/kubelet/seccomp/profiles/absent.json"));
    });
  });
});

/** Runs `sh -c cmd` in a pod's first container as kubectl exec does (the kubelet's GetExec, the CRI's ExecRun): stdout and stderr. */
async function execIn(c: Cluster, podName: string, cmd: string): Promise<string> {
  const pod = c.get("Pod", podName, "default");
  const inbox: any[] = [];
  const me = `test/exec-${podName}-${cmd.length}`;
  c.runtime.external(me, (m: any) => void inbox.push(m));
  c.runtime.send(me, `kubelet/${pod.spec.nodeName}`, { type: "GetExec", id: 1, podNamespace: "default", podName, container: pod.spec.containers[0].name, cmd: ["sh", "-c", cmd], tty: false, stdin: false, stdout: true, stderr: true });
  await c.settle();
  const session = inbox.find((m) => m.type === "StreamReady").session;
  c.runtime.send(me, `cri/${pod.spec.nodeName}`, { type: "ExecRun", session, stdin: "" });
  await c.settle();
  const out = inbox.find((m) => m.type === "ExecOutput");
  return out.stdout + out.stderr;
}

describe("pods/security/security-context-{5,6}.yaml and the page's first pod: the process identity", () => {
  // containerd's CRI plugin: oci.WithUser (runAsUser:runAsGroup), WithAdditionalGIDs (Merge: the
  // image's /etc/group memberships of the user; mergeGids dedups and sorts), WithSupplementalGroups
  // (the kubelet's fsGroup then supplementalGroups, determineEffectiveSecurityContext); kubelet
  // convertContainerStatusUser puts the runtime's answer in containerStatuses[].user (GA in 1.35).
  // agnhost's Dockerfile adds user-defined-in-image (1000) to group-defined-in-image (50000).
  it("security-context-5.yaml (Merge): id -G has the image's 50000, as the page shows", async () => {
    await withCluster(async (c) => {
      await c.apply(fixture("pods/security/security-context-5.yaml"));
      await c.settle();
      const pod = c.get("Pod", "security-context-demo", "default");
      expect(pod?.status?.containerStatuses?.[0]?.user).toEqual({ linux: { uid: 1000, gid: 3000, supplementalGroups: [3000, 4000, 50000] } });
      expect(await execIn(c, "security-context-demo", "id -u; id -g; id -G")).toBe("1000\n3000\n3000 4000 50000\n");
      expect(await execIn(c, "security-context-demo", "tail -2 /etc/group")).toBe("user-defined-in-image:x:1000:\ngroup-defined-in-image:x:50000:user-defined-in-image\n");
    });
  });

  it("security-context-6.yaml (Strict): the page's id and status.containerStatuses[].user; the node reports the feature", async () => {
    await withCluster(async (c) => {
      await c.apply(fixture("pods/security/security-context-6.yaml"));
      await c.settle();
      const pod = c.get("Pod", "security-context-demo", "default");
      expect(pod?.status?.containerStatuses?.[0]?.user).toEqual({ linux: { gid: 3000, supplementalGroups: [3000, 4000], uid: 1000 } });
      expect(await execIn(c, "security-context-demo", "id -G")).toBe("3000 4000\n");
      expect(c.get("Node", pod.spec.nodeName)?.status?.features).toEqual({ supplementalGroupsPolicy: true });
    });
  });

  it("the page's security-context-demo on busybox:1.28: `id` prints uid=1000 gid=3000 groups=2000,3000,4000", async () => {
    // examples/pods/security/security-context.yaml as the page shows it today (the stored copy is older)
    const pod = {
      apiVersion: "v1", kind: "Pod", metadata: { name: "security-context-demo" },
      spec: {
        securityContext: { runAsUser: 1000, runAsGroup: 3000, fsGroup: 2000, supplementalGroups: [4000] },
        volumes: [{ name: "sec-ctx-vol", emptyDir: {} }],
        containers: [{ name: "sec-ctx-demo", image: "busybox:1.28", command: ["sh", "-c", "sleep 1h"], volumeMounts: [{ name: "sec-ctx-vol", mountPath: "/data/demo" }], securityContext: { allowPrivilegeEscalation: false } }],
      },
    };
    await withCluster(async (c) => {
      await c.apply(pod);
      await c.settle();
      expect(await execIn(c, "security-context-demo", "id")).toBe("uid=1000 gid=3000 groups=2000,3000,4000\n");
      // busybox's whoami: no passwd entry for 1000
      expect(await execIn(c, "security-context-demo", "whoami; echo $?")).toBe("1\nwhoami: unknown uid 1000\n");
    });
  });

  it("Kubernetes' SupplementalGroupsPolicy e2e pod: id -G is 1000 50000 60000 (Merge), 1000 60000 (Strict)", async () => {
    const e2ePod = (name: string, policy?: string) => ({
      apiVersion: "v1", kind: "Pod", metadata: { name },
      spec: {
        securityContext: { runAsUser: 1000, supplementalGroups: [60000], ...(policy ? { supplementalGroupsPolicy: policy } : {}) },
        containers: [{ name: "test-container", image: "registry.k8s.io/e2e-test-images/agnhost:2.56", command: ["sh", "-c", "id -G; while :; do sleep 1; done"] }],
        restartPolicy: "Never",
      },
    });
    await withCluster(async (c) => {
      await c.apply(e2ePod("merge"));
      await c.apply(e2ePod("strict", "Strict"));
      await c.settle();
      expect(c.get("Pod", "merge", "default")?.status?.containerStatuses?.[0]?.user).toEqual({ linux: { uid: 1000, gid: 1000, supplementalGroups: [1000, 50000, 60000] } });
      expect(c.get("Pod", "strict", "default")?.status?.containerStatuses?.[0]?.user).toEqual({ linux: { uid: 1000, gid: 1000, supplementalGroups: [1000, 60000] } });
      expect(await execIn(c, "merge", "id -G")).toBe("1000 50000 60000\n");
      expect(await execIn(c, "strict", "id -G")).toBe("1000 60000\n");
      // the main process printed it too (the e2e test reads the pod's log)
      const merge = c.get("Pod", "merge", "default");
      const lines = containerLogs(c as never, merge.spec.nodeName, merge.status.containerStatuses[0].containerID.replace(/^[a-z]+:\/\//, ""));
      await c.settle();
      expect((await lines).map((l) => l.line)).toEqual(["1000 50000 60000"]);
    });
  });
});

describe("pods/storage/expandable-pvc{,-pod}.yaml: expanding a claim of kind's standard class", () => {
  // plugin/pkg/admission/storage/persistentvolume/resize (PersistentVolumeClaimResize, on by
  // default): a storage request may grow only on a Bound claim whose StorageClass sets
  // allowVolumeExpansion true; kind's standard (rancher.io/local-path) does not, so the page's
  // patch is refused until the class is patched as the page's note says.
  const grow = (c: Cluster, storage: string) => c.request({ verb: "patch", group: "", resource: "persistentvolumeclaims", namespace: "default", name: "expandable-pvc", patchType: "strategic", body: { spec: { resources: { requests: { storage } } } } } as never).then((r: any) => (r.ok ? "ok" : [r.code, r.status?.message]), (e: any) => [e.status?.code, e.status?.message ?? e.message]);
  it("a Pending claim cannot grow (validation); a Bound one only once its class allows expansion (admission)", async () => {
    await withCluster(async (c) => {
      await c.apply(fixture("pods/storage/expandable-pvc.yaml"));
      await c.settle();
      // ValidatePersistentVolumeClaimUpdate runs before admission: an unbound claim's spec is immutable
      const pending: any = await grow(c, "2Gi");
      expect([pending[0], pending[1].split("\n")[0]]).toEqual([422, 'PersistentVolumeClaim "expandable-pvc" is invalid: spec: Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims']);
      await c.apply(fixture("pods/storage/expandable-pvc-pod.yaml"));
      await c.settle();
      expect(c.get("PersistentVolumeClaim", "expandable-pvc", "default")?.status?.phase).toBe("Bound");
      expect(await grow(c, "2Gi")).toEqual([403, 'persistentvolumeclaims "expandable-pvc" is forbidden: only dynamically provisioned pvc can be resized and the storageclass that provisions the pvc must support resize']);
      expect(c.get("PersistentVolumeClaim", "expandable-pvc", "default")?.spec?.resources?.requests?.storage).toBe("1Gi");
      // kubectl patch storageclass standard -p '{"allowVolumeExpansion":true}'
      await c.request({ verb: "patch", group: "storage.k8s.io", resource: "storageclasses", name: "standard", patchType: "merge", body: { allowVolumeExpansion: true } } as never);
      await c.settle();
      expect(await grow(c, "2Gi")).toBe("ok");
      expect(c.get("PersistentVolumeClaim", "expandable-pvc", "default")?.spec?.resources?.requests?.storage).toBe("2Gi");
    });
  });
});

describe("pods/config/redis-pod.yaml with example-redis-config.yaml: redis:5 given only args", () => {
  // args without command run the image's ENTRYPOINT docker-entrypoint.sh with them; docker-library
  // redis's script turns a first argument that is an option or `something.conf` into
  // `redis-server "$@"`. redis's server.c main logs "Configuration loaded" when it has arguments.
  it("runs redis-server with the ConfigMap's redis.conf (it exited: sh could not find the file as a command)", async () => {
    await withCluster(async (c) => {
      await c.apply(fixture("pods/config/example-redis-config.yaml"));
      await c.apply(fixture("pods/config/redis-pod.yaml"));
      await c.settle();
      const pod = c.get("Pod", "redis", "default");
      expect([pod?.status?.phase, pod?.status?.containerStatuses?.[0]?.restartCount]).toEqual(["Running", 0]);
      const lines = containerLogs(c as never, pod.spec.nodeName, pod.status.containerStatuses[0].containerID.replace(/^[a-z]+:\/\//, ""));
      await c.settle();
      const log = (await lines).map((l) => l.line.replace(/^1:C \d\d \w{3} \d{4} [\d:.]+ /, ""));
      // redis 5 logs its start-up lines at LL_WARNING ("#"), and a release tarball is not modified
      expect(log.slice(1, 3)).toEqual(["# Redis version=5.0.14, bits=64, commit=00000000, modified=0, pid=1, just started", "# Configuration loaded"]);
      expect(await execIn(c, "redis", "cat /usr/local/etc/redis/redis.conf")).toBe("maxmemory 2mb\nmaxmemory-policy allkeys-lru\n");
    });
  });
});

describe("controllers/replication-nginx-1.9.2.yaml: nginx run as `nginx -T`", () => {
  // nginx.c main: with -t/-T (ngx_test_config) nginx checks the configuration, logs the two
  // notices to stderr, -T dumps the files it read to stdout, and returns 0: no server. Under the
  // RC's restartPolicy Always the container completes and is restarted with back-off.
  it("completes with status 0 and its pods go into CrashLoopBackOff", async () => {
    await withCluster(async (c) => {
      await c.apply(fixture("controllers/replication-nginx-1.9.2.yaml"));
      await c.settle();
      c.advance(60_000);
      await c.settle();
      const pods = c.list("Pod", { namespace: "default" });
      expect(pods).toHaveLength(5);
      for (const p of pods) {
        const s = p.status.containerStatuses[0];
        expect([s.state.waiting?.reason, s.lastState.terminated?.reason, s.lastState.terminated?.exitCode]).toEqual(["CrashLoopBackOff", "Completed", 0]);
      }
      const p = pods[0];
      const lines = containerLogs(c as never, p.spec.nodeName, p.status.containerStatuses[0].containerID.replace(/^[a-z]+:\/\//, ""));
      await c.settle();
      const log = (await lines).map((l) => l.line);
      expect(log.slice(0, 3)).toEqual(["nginx: the configuration file /etc/nginx/nginx.conf syntax is ok", "nginx: configuration file /etc/nginx/nginx.conf test is successful", "# configuration file /etc/nginx/nginx.conf:"]);
    });
  });
});

describe("controllers/job-pod-failure-policy-config-issue.yaml: a Job whose image does not exist", () => {
  // Docker Hub has no non-existing-repo/non-existing-image: containerd's resolve fails with "pull
  // access denied, repository does not exist" (ErrImagePull, then ImagePullBackOff). The page then
  // marks a pod with the ConfigIssue condition and deletes it: the FailJob rule fails the Job
  // (pkg/controller/job: "Pod default/<pod> has condition ConfigIssue matching FailJob rule at index 0").
  it("its pods wait in ImagePullBackOff; a pod marked ConfigIssue and deleted fails the Job", async () => {
    await withCluster(async (c) => {
      await c.apply(fixture("controllers/job-pod-failure-policy-config-issue.yaml"));
      await c.settle();
      c.advance(30_000);
      await c.settle();
      const pods = c.list("Pod", { namespace: "default" });
      expect(pods).toHaveLength(2);
      expect(pods.map((p: any) => p.status.containerStatuses[0].state.waiting?.reason)).toEqual(["ImagePullBackOff", "ImagePullBackOff"]);
      const name = pods[0].metadata.name;
      await c.request({ verb: "patch", group: "", resource: "pods", namespace: "default", name, subresource: "status", patchType: "strategic", body: { status: { conditions: [{ type: "ConfigIssue", status: "True", reason: "NonExistingImage", lastTransitionTime: "2026-01-01T00:00:30Z" }] } } } as never);
      await c.settle();
      await c.delete("Pod", name, "default");
      await c.settle();
      c.advance(60_000);
      await c.settle();
      const failed = c.get("Job", "job-pod-failure-policy-config-issue", "default")?.status?.conditions?.find((x: any) => x.type === "Failed");
      expect([failed?.status, failed?.reason, failed?.message]).toEqual(["True", "PodFailurePolicy", `Pod default/${name} has condition ConfigIssue matching FailJob rule at index 0`]);
    });
  });
});

// Sweep 4: the quota walkthroughs (tasks/administer-cluster/manage-resources/quota-memory-cpu-namespace,
// quota-pod-namespace, quota-api-object). plugin/pkg/admission/resourcequota/controller.go
// checkRequest: "exceeded quota: %s, requested: %s, used: %s, limited: %s", Forbidden.
describe("admin/resource/quota-*.yaml: ResourceQuota admission as the quota pages show it", () => {
  const refusal = (c: Cluster, path: string) => c.apply(fixture(path), path).then(() => undefined, (e: any) => [e.status?.code, e.message]);
  it("quota-mem-cpu: the first pod fits and is counted, the second is refused on requests.memory", async () => {
    await withCluster(async (c) => {
      await c.apply(fixture("admin/resource/quota-mem-cpu.yaml"));
      await c.settle(); // the page views the quota first (see quota-objects below)
      await c.apply(fixture("admin/resource/quota-mem-cpu-pod.yaml"));
      await c.settle();
      expect(c.get("ResourceQuota", "mem-cpu-demo", "default")?.status?.used).toEqual({ "limits.cpu": "800m", "limits.memory": "800Mi", "requests.cpu": "400m", "requests.memory": "600Mi" });
      expect(await refusal(c, "admin/resource/quota-mem-cpu-pod-2.yaml")).toEqual([403, 'pods "quota-mem-cpu-demo-2" is forbidden: exceeded quota: mem-cpu-demo, requested: requests.memory=700Mi, used: requests.memory=600Mi, limited: requests.memory=1Gi']);
    });
  });
  it("quota-objects: one PersistentVolumeClaim allowed, the second refused", async () => {
    await withCluster(async (c) => {
      await c.apply(fixture("admin/resource/quota-objects.yaml"));
      // the page views the quota (kubectl get resourcequota --output=yaml) before the first claim:
      // created at once after it, the claim can race the controller's first sync of the quota,
      // whose caches have not seen the charged claim yet (used 0 until the 5-minute full resync)
      await c.settle();
      await c.apply(fixture("admin/resource/quota-objects-pvc.yaml"));
      await c.settle();
      expect(await refusal(c, "admin/resource/quota-objects-pvc-2.yaml")).toEqual([403, 'persistentvolumeclaims "pvc-quota-demo-2" is forbidden: exceeded quota: object-quota-demo, requested: persistentvolumeclaims=1, used: persistentvolumeclaims=1, limited: persistentvolumeclaims=1']);
      expect(c.get("ResourceQuota", "object-quota-demo", "default")?.status?.used).toEqual({ persistentvolumeclaims: "1", "services.loadbalancers": "0", "services.nodeports": "0" });
    });
  });
  it("quota-pod: a 3-replica Deployment under pods: 2 runs 2, its ReplicaSet's creates refused", async () => {
    await withCluster(async (c) => {
      await c.apply(fixture("admin/resource/quota-pod.yaml"));
      await c.settle(); // the page views the quota first (see quota-objects below)
      await c.apply(fixture("admin/resource/quota-pod-deployment.yaml"));
      await c.settle();
      const status = c.get("Deployment", "pod-quota-demo", "default")?.status;
      expect([status?.replicas, status?.availableReplicas]).toEqual([2, 2]);
      // the page's YAML is from before controller_utils stopped wrapping the error ("unable to
      // create pods: ..."): the condition's message is the apiserver's Status message
      const failure = status?.conditions?.find((x: any) => x.type === "ReplicaFailure");
      expect([failure?.status, failure?.reason]).toEqual(["True", "FailedCreate"]);
      expect(failure?.message).toMatch(/^pods "pod-quota-demo-[a-z0-9]+-[a-z0-9]{5}" is forbidden: exceeded quota: pod-demo, requested: pods=1, used: pods=2, limited: pods=2$/);
    });
  });
});

describe("controllers/job-pod-failure-policy-failjob.yaml: exit code 42 fails the Job", () => {
  // concepts/workloads/controllers/job "Pod failure policy" and the task page: the pod's main
  // container echoes, sleeps 30 s and exits 42; pkg/controller/job/pod_failure_policy.go's message.
  it("fails with reason PodFailurePolicy naming the container, the pod and rule 0", async () => {
    await withCluster(async (c) => {
      await c.apply(fixture("controllers/job-pod-failure-policy-failjob.yaml"));
      await c.settle();
      c.advance(60_000);
      await c.settle();
      const failed = c.get("Job", "job-pod-failure-policy-failjob", "default")?.status?.conditions?.find((x: any) => x.type === "Failed");
      expect([failed?.status, failed?.reason]).toEqual(["True", "PodFailurePolicy"]);
      expect(failed?.message).toMatch(/^Container main for pod default\/job-pod-failure-policy-failjob-[a-z0-9]{5} failed with exit code 42 matching FailJob rule at index 0$/);
    });
  });
});

describe("controllers/job-backoff-limit-per-index-failindex.yaml: FailIndex on exit 42, one retry on exit 1", () => {
  // concepts/workloads/controllers/job "Backoff limit per index": the page's status shows
  // failedIndexes 0,1 and succeededIndexes 2,3, failed 3 (index 0 twice, index 1 once), succeeded 2.
  it("fails the Job with FailedIndexes", async () => {
    await withCluster(async (c) => {
      await c.apply(fixture("controllers/job-backoff-limit-per-index-failindex.yaml"));
      await c.settle();
      c.advance(60_000);
      await c.settle();
      const s = c.get("Job", "job-backoff-limit-per-index-failindex", "default")?.status;
      expect([s?.failedIndexes, s?.completedIndexes, s?.failed, s?.succeeded]).toEqual(["0,1", "2,3", 3, 2]);
      const failed = s?.conditions?.find((x: any) => x.type === "Failed");
      expect([failed?.status, failed?.reason, failed?.message]).toEqual(["True", "FailedIndexes", "Job has failed indexes"]);
    });
  });
});

describe("application/job/indexed-job.yaml: each index reverses its own word", () => {
  // tasks/job/indexed-parallel-processing-static: the init container writes items[JOB_COMPLETION_INDEX]
  // and `rev` prints it reversed; the page reads index 3's log: "xuq".
  it("completes 5/5, index 3 printing xuq", async () => {
    await withCluster(async (c) => {
      await c.apply(fixture("application/job/indexed-job.yaml"));
      await c.settle();
      expect(c.get("Job", "indexed-job", "default")?.status?.succeeded).toBe(5);
      const p = c.list("Pod", { namespace: "default" }).find((x: any) => x.metadata.annotations?.["batch.kubernetes.io/job-completion-index"] === "3");
      const lines = containerLogs(c as never, p.spec.nodeName, p.status.containerStatuses[0].containerID.replace(/^[a-z]+:\/\//, ""));
      await c.settle();
      expect((await lines).map((l) => l.line)).toEqual(["xuq"]);
    });
  });
});

describe("debug/termination.yaml: the termination message", () => {
  // tasks/debug/debug-application/determine-reason-pod-failure: the container writes "Sleep expired"
  // to /dev/termination-log and exits 0; the kubelet copies it into lastState.terminated.message.
  it("is in the last terminated state after the first exit", async () => {
    await withCluster(async (c) => {
      await c.apply(fixture("debug/termination.yaml"));
      await c.settle();
      c.advance(15_000);
      await c.settle();
      const last = c.get("Pod", "termination-demo", "default")?.status?.containerStatuses?.[0]?.lastState?.terminated;
      expect([last?.exitCode, last?.reason, last?.message]).toEqual([0, "Completed", "Sleep expired\n"]);
    });
  });
});

describe("service/pod-with-graceful-termination.yaml: a terminating endpoint keeps serving", () => {
  // tutorials/services/pods-and-endpoint-termination-flow: while the preStop hook holds the pod for
  // its 120 s grace period, its EndpointSlice entry is ready false, serving true, terminating true.
  it("shows the deleted pod's endpoint as serving and terminating", async () => {
    await withCluster(async (c) => {
      await c.apply(fixture("service/pod-with-graceful-termination.yaml"));
      await c.settle();
      const pod = c.list("Pod", { namespace: "default" })[0];
      await c.delete("Pod", pod.metadata.name, "default");
      // settle() would run the whole grace period (a work timer): 5 s into it instead
      c.advance(5_000);
      const endpoints = c.list("EndpointSlice", { namespace: "default" }).filter((s: any) => s.metadata.labels?.["kubernetes.io/service-name"] === "nginx-service").flatMap((s: any) => s.endpoints ?? []);
      const old = endpoints.find((e: any) => e.targetRef?.name === pod.metadata.name);
      expect(old?.conditions).toEqual({ ready: false, serving: true, terminating: true });
      expect(endpoints.filter((e: any) => e.conditions?.ready)).toHaveLength(1);
    });
  });
});

// Fields of features later than 1.35 or removed before it: refused as 1.35 refuses them.
describe("the docs' manifests 1.35 refuses", () => {
  it.each([
    // TaintTolerationComparisonOperators (KEP-5471) is alpha, off: validateTolerations' NotSupported
    ["pods/pod-with-numeric-toleration.yaml", 'Pod "nginx-numeric-toleration" is invalid: spec.tolerations[0].operator: Unsupported value: "Gt": supported values: "Equal", "Exists"'],
    // emptyDir.mode (KEP-5502) is alpha in 1.37: 1.35's decoder has no such field
    ["pods/emptydir-volume-mode.yaml", 'Pod in version "v1" cannot be handled as a Pod: strict decoding error: unknown field "spec.volumes[0].emptyDir.mode"'],
  ])("%s", async (path, want) => {
    await withCluster(async (c) => {
      const err = await c.apply(fixture(path), path).then(() => undefined, (e: Error) => e.message);
      expect(err).toBe(want);
      expect(c.list("Pod", { namespace: "default" })).toEqual([]);
    });
  });
  it("application/job/cronjob.yaml (the stored batch/v1beta1 copy): no matches for kind", async () => {
    await withCluster(async (c) => {
      const err = await c.apply(fixture("application/job/cronjob.yaml"), "cronjob.yaml").then(() => undefined, (e: Error) => e.message);
      expect(err).toContain('no matches for kind "CronJob" in version "batch/v1beta1"');
    });
  });
});

describe("pods/multi-container/adapter.yaml: a sidecar that reformats the app's log as it grows", () => {
  // The adapter runs `tail -F raw.log | while read line; do echo "adapted: $line"; done`: tail never
  // ends, so the loop must read each line as tail writes it (the shell's pipeline runs both at once,
  // busybox ash's read builtin taking a line at a time). It printed nothing before.
  it("prints each raw event prefixed with adapted:", async () => {
    await withCluster(async (c) => {
      await c.apply(fixture("pods/multi-container/adapter.yaml"));
      await c.settle();
      c.advance(7_000);
      await c.settle();
      const pod = c.get("Pod", "adapter-pattern-example", "default");
      const adapter = pod.status.initContainerStatuses.find((s: any) => s.name === "adapter");
      const lines = containerLogs(c as never, pod.spec.nodeName, adapter.containerID.replace(/^[a-z]+:\/\//, ""));
      await c.settle();
      const log = (await lines).map((l) => l.line);
      expect(log.length).toBeGreaterThanOrEqual(3);
      for (const l of log) expect(l).toMatch(/^adapted: \w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d UTC \d{4} raw event$/);
    });
  });
});

// Quantity.MarshalJSON stores the canonical form whatever the client wrote: the pages print the
// stored objects (tasks/configure-pod-container/assign-cpu-resource, tasks/administer-cluster/
// manage-resources/cpu-default-namespace and memory-default-namespace).
describe("quantities as the API server stores them", () => {
  it("pods/resource/cpu-request-limit.yaml: requests cpu \"0.5\" is stored as 500m", async () => {
    await withCluster(async (c) => {
      await c.apply({ apiVersion: "v1", kind: "Namespace", metadata: { name: "cpu-example" } });
      await c.apply(fixture("pods/resource/cpu-request-limit.yaml"));
      expect(c.get("Pod", "cpu-demo", "cpu-example")?.spec?.containers?.[0]?.resources).toEqual({ limits: { cpu: "1" }, requests: { cpu: "500m" } });
    });
  });
  it("admin/resource/cpu-defaults*.yaml: defaultRequest 0.5 is 500m; a request of \"0.75\" is 750m", async () => {
    await withCluster(async (c) => {
      await c.apply(fixture("admin/resource/cpu-defaults.yaml"));
      expect(c.get("LimitRange", "cpu-limit-range", "default")?.spec?.limits).toEqual([{ default: { cpu: "1" }, defaultRequest: { cpu: "500m" }, type: "Container" }]);
      await c.apply(fixture("admin/resource/cpu-defaults-pod-2.yaml"));
      await c.apply(fixture("admin/resource/cpu-defaults-pod-3.yaml"));
      expect(c.get("Pod", "default-cpu-demo-2", "default")?.spec?.containers?.[0]?.resources).toEqual({ limits: { cpu: "1" }, requests: { cpu: "1" } });
      expect(c.get("Pod", "default-cpu-demo-3", "default")?.spec?.containers?.[0]?.resources).toEqual({ limits: { cpu: "1" }, requests: { cpu: "750m" } });
    });
  });
  it("admin/resource/memory-defaults*.yaml: the page's three pods", async () => {
    await withCluster(async (c) => {
      await c.apply(fixture("admin/resource/memory-defaults.yaml"));
      for (const f of ["memory-defaults-pod.yaml", "memory-defaults-pod-2.yaml", "memory-defaults-pod-3.yaml"]) await c.apply(fixture(`admin/resource/${f}`));
      const res = (name: string) => c.get("Pod", name, "default")?.spec?.containers?.[0]?.resources;
      expect(res("default-mem-demo")).toEqual({ limits: { memory: "512Mi" }, requests: { memory: "256Mi" } });
      expect(res("default-mem-demo-2")).toEqual({ limits: { memory: "1Gi" }, requests: { memory: "1Gi" } });
      expect(res("default-mem-demo-3")).toEqual({ limits: { memory: "512Mi" }, requests: { memory: "128Mi" } });
    });
  });
});

describe("secret/bootstrap-token-secret-literal.yaml: a bootstrap token that expired on 2020-09-13", () => {
  // kind runs kube-controller-manager with --controllers=*,bootstrapsigner,tokencleaner: the token
  // cleaner (pkg/controller/bootstrap/tokencleaner.go) deletes an expired bootstrap token Secret,
  // and the bootstrap signer never signs cluster-info with it (validateSecretForSigning).
  it("is created, then deleted by the token cleaner; cluster-info carries no signature of it", async () => {
    await withCluster(async (c) => {
      await c.apply(fixture("secret/bootstrap-token-secret-literal.yaml"));
      await c.settle();
      expect(c.get("Secret", "bootstrap-token-5emitj", "kube-system")).toBeUndefined();
      expect(c.get("ConfigMap", "cluster-info", "kube-public")?.data).not.toHaveProperty("jws-kubeconfig-5emitj");
    });
  });
});
