// More kubectl verbs against `podflow serve`, with what kubectl prints against a v1.35 cluster:
// wait, rollout restart, label and annotate (with and without --overwrite), edit through $EDITOR,
// and api-resources' columns for the kinds podflow serves.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execFile } from "node:child_process";
import { findKubectl, kubectl, kubectlEnv, serve, until, type Served } from "./serve-helpers.js";

const bin = findKubectl();

describe.skipIf(!bin)("podflow serve with the real kubectl: wait, rollout restart, label, annotate, edit, api-resources", () => {
  let s: Served;
  const k = (args: string[], timeoutMs = 30_000) => kubectl(bin!, s.kubeconfigPath, args, { timeoutMs });
  const scratch = mkdtempSync(join(tmpdir(), "podflow-verbs-"));

  beforeAll(async () => {
    s = await serve({ nodes: 1, speed: 10 });
    expect((await k(["create", "deployment", "web", "--image=nginx", "--replicas=2"])).out).toBe("deployment.apps/web created\n");
    expect((await k(["run", "solo", "--image=nginx"])).out).toBe("pod/solo created\n");
  });
  afterAll(async () => {
    await s?.stop();
  });

  it("kubectl wait --for=condition=Ready and --for=condition=Available", async () => {
    expect(await k(["wait", "--for=condition=Ready", "pod/solo", "--timeout=60s"], 70_000)).toEqual({ code: 0, out: "pod/solo condition met\n", err: "" });
    expect(await k(["wait", "--for=condition=Available", "deployment/web", "--timeout=60s"], 70_000)).toEqual({ code: 0, out: "deployment.apps/web condition met\n", err: "" });
    const none = await k(["wait", "--for=condition=Ready", "pod/nope", "--timeout=1s"]);
    expect(none.code).toBe(1);
    expect(none.err).toBe('Error from server (NotFound): pods "nope" not found\n');
  }, 150_000);

  it("kubectl rollout restart stamps the template and rolls out a new ReplicaSet", async () => {
    const before = (await k(["get", "rs", "-l", "app=web", "-o", "name"])).out.trim().split("\n");
    expect(before).toHaveLength(1);
    expect(await k(["rollout", "restart", "deployment/web"])).toEqual({ code: 0, out: "deployment.apps/web restarted\n", err: "" });
    const stamp = (await k(["get", "deployment", "web", "-o", "jsonpath={.spec.template.metadata.annotations.kubectl\\.kubernetes\\.io/restartedAt}"])).out;
    expect(stamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$|^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const status = await k(["rollout", "status", "deployment/web", "--timeout=60s"], 70_000);
    expect(status.out.trimEnd().split("\n").at(-1)).toBe('deployment "web" successfully rolled out');
    const after = (await k(["get", "rs", "-l", "app=web", "-o", "name"])).out.trim().split("\n");
    expect(after).toHaveLength(2);
    expect((await k(["get", "deployment", "web", "-o", "jsonpath={.metadata.annotations.deployment\\.kubernetes\\.io/revision}"])).out).toBe("2");
  }, 90_000);

  it("kubectl label and annotate refuse to change a value without --overwrite", async () => {
    expect((await k(["label", "pod", "solo", "tier=web"])).out).toBe("pod/solo labeled\n");
    const again = await k(["label", "pod", "solo", "tier=db"]);
    expect(again.code).toBe(1);
    expect(again.err).toBe("error: 'tier' already has a value (web), and --overwrite is false\n");
    expect((await k(["label", "pod", "solo", "tier=db", "--overwrite"])).out).toBe("pod/solo labeled\n");
    expect((await k(["get", "pod", "solo", "-o", "jsonpath={.metadata.labels.tier}"])).out).toBe("db");
    expect((await k(["label", "pod", "solo", "tier-"])).out).toBe("pod/solo unlabeled\n");
    expect((await k(["annotate", "pod", "solo", "note=one"])).out).toBe("pod/solo annotated\n");
    const a = await k(["annotate", "pod", "solo", "note=two"]);
    expect(a.code).toBe(1);
    expect(a.err).toBe("error: --overwrite is false but found the following declared annotation(s): 'note' already has a value (one)\n");
    expect((await k(["annotate", "pod", "solo", "note=two", "--overwrite"])).out).toBe("pod/solo annotated\n");
    expect((await k(["get", "pod", "solo", "-o", "jsonpath={.metadata.annotations.note}"])).out).toBe("two");
  });

  it("kubectl edit with $EDITOR set to a script: the edit is patched in", async () => {
    const editor = join(scratch, "editor.sh");
    writeFileSync(editor, "#!/bin/sh\nsed -i 's/replicas: 2/replicas: 3/' \"$1\"\n");
    chmodSync(editor, 0o755);
    const r = await new Promise<{ code: number; out: string; err: string }>((resolve) => {
      execFile(bin!, ["edit", "deployment/web"], { env: { ...kubectlEnv(s.kubeconfigPath), EDITOR: editor, KUBE_EDITOR: editor }, timeout: 30_000 }, (e, out, err) => resolve({ code: e ? 1 : 0, out, err }));
    });
    expect(r).toEqual({ code: 0, out: "deployment.apps/web edited\n", err: "" });
    expect((await k(["get", "deployment", "web", "-o", "jsonpath={.spec.replicas}"])).out).toBe("3");
    // an editor that changes nothing: kubectl says so and writes nothing
    const same = join(scratch, "same.sh");
    writeFileSync(same, "#!/bin/sh\ntrue\n");
    chmodSync(same, 0o755);
    const n = await new Promise<{ out: string; err: string }>((resolve) => {
      execFile(bin!, ["edit", "deployment/web"], { env: { ...kubectlEnv(s.kubeconfigPath), EDITOR: same, KUBE_EDITOR: same }, timeout: 30_000 }, (_e, out, err) => resolve({ out, err }));
    });
    expect(n.err).toBe("Edit cancelled, no changes made.\n");
    const three = await until(async () => (await k(["get", "deployment", "web", "-o", "jsonpath={.status.readyReplicas}"])).out === "3", 30_000);
    expect(three).toBe(true);
  }, 60_000);

  it("kubectl api-resources: the served kinds with v1.35's names, short names, versions and scope", async () => {
    const r = await k(["api-resources"]);
    expect(r.err).toBe("");
    const rows = r.out.trimEnd().split("\n");
    expect(rows[0]).toMatch(/^NAME +SHORTNAMES +APIVERSION +NAMESPACED +KIND$/);
    // each row as "name shortnames apiversion namespaced kind" (SHORTNAMES may be empty: four columns then)
    const table = rows.slice(1).map((l) => {
      const cols = l.trim().split(/\s+/);
      return [cols[0]!, ...(cols.length === 5 ? cols.slice(1) : ["", ...cols.slice(1)])].join(" ");
    });
    const want: [string, string][] = [
      ["bindings", " v1 true Binding"], ["configmaps", "cm v1 true ConfigMap"], ["endpoints", "ep v1 true Endpoints"],
      ["events", "ev v1 true Event"], ["limitranges", "limits v1 true LimitRange"], ["namespaces", "ns v1 false Namespace"],
      ["nodes", "no v1 false Node"], ["persistentvolumeclaims", "pvc v1 true PersistentVolumeClaim"], ["persistentvolumes", "pv v1 false PersistentVolume"],
      ["pods", "po v1 true Pod"], ["replicationcontrollers", "rc v1 true ReplicationController"], ["resourcequotas", "quota v1 true ResourceQuota"],
      ["secrets", " v1 true Secret"], ["serviceaccounts", "sa v1 true ServiceAccount"], ["services", "svc v1 true Service"],
      ["controllerrevisions", " apps/v1 true ControllerRevision"], ["daemonsets", "ds apps/v1 true DaemonSet"], ["deployments", "deploy apps/v1 true Deployment"],
      ["replicasets", "rs apps/v1 true ReplicaSet"], ["statefulsets", "sts apps/v1 true StatefulSet"],
      ["horizontalpodautoscalers", "hpa autoscaling/v2 true HorizontalPodAutoscaler"], ["cronjobs", "cj batch/v1 true CronJob"], ["jobs", " batch/v1 true Job"],
      ["leases", " coordination.k8s.io/v1 true Lease"], ["endpointslices", " discovery.k8s.io/v1 true EndpointSlice"],
      ["poddisruptionbudgets", "pdb policy/v1 true PodDisruptionBudget"], ["priorityclasses", "pc scheduling.k8s.io/v1 false PriorityClass"],
      ["storageclasses", "sc storage.k8s.io/v1 false StorageClass"],
    ];
    for (const [name, cols] of want) expect(table, name).toContain(`${name} ${cols}`);
    // the "all" category: what kubectl get all lists
    const all = (await k(["api-resources", "--categories=all", "-o", "name"])).out.trim().split("\n").sort();
    expect(all).toEqual(["cronjobs.batch", "daemonsets.apps", "deployments.apps", "horizontalpodautoscalers.autoscaling", "jobs.batch", "pods", "replicasets.apps", "replicationcontrollers", "services", "statefulsets.apps"]);
  });
});
