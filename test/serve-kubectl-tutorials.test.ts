// The docs' stateful tutorials with the real kubectl against `podflow serve`, their manifests
// unchanged (examples/application/, copied from kubernetes/website content/en/examples), each
// step checked against what the tutorial's page shows:
// - tasks/run-application/run-single-instance-stateful-application (MySQL on a hand-made PV);
// - tutorials/stateful-application/mysql-wordpress-persistent-volume (kustomize's Secret
//   generator, claims provisioned by the default StorageClass);
// - tutorials/stateful-application/zookeeper (a StatefulSet of three, its PDB, the ensemble's
//   identities: host names, myid, FQDNs and zoo.cfg);
// - tutorials/stateful-application/cassandra (a StatefulSet of three on a StorageClass naming
//   minikube's provisioner, then the same with the class edited for this cluster, as the page tells
//   other clusters' users to do; nodetool status; scaling to four).

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execFile } from "node:child_process";
import { findKubectl, kubectl, kubectlEnv, serve, until, type Served } from "./serve-helpers.js";

const bin = findKubectl();
const app = join(__dirname, "..", "examples", "application");

describe.skipIf(!bin)("podflow serve with the real kubectl: the docs' stateful tutorials", () => {
  let s: Served;
  const k = (args: string[]) => kubectl(bin!, s.kubeconfigPath, args, {});
  // kubectl edit runs $KUBE_EDITOR on a temporary file; a non-interactive editor makes the page's one change
  const kubectlWithEditor = (args: string[], editor: string) => new Promise<{ code: number; out: string; err: string }>((resolve) => {
    execFile(bin!, args, { env: { ...kubectlEnv(s.kubeconfigPath), KUBE_EDITOR: editor }, timeout: 30_000 }, (error, out, err) => resolve({ code: error ? 1 : 0, out, err }));
  });

  beforeAll(async () => {
    s = await serve({ nodes: 2, speed: 10 });
  });
  afterAll(async () => {
    await s?.stop();
  });

  it("MySQL: the PV and claim bind, the Deployment's pod runs 1/1, describe pvc shows what the page shows, and the objects delete by name", async () => {
    expect((await k(["apply", "-f", join(app, "mysql", "mysql-pv.yaml")])).out).toBe("persistentvolume/mysql-pv-volume created\npersistentvolumeclaim/mysql-pv-claim created\n");
    expect((await k(["apply", "-f", join(app, "mysql", "mysql-deployment.yaml")])).out).toBe("service/mysql created\ndeployment.apps/mysql created\n");
    const running = await until(async () => {
      const out = (await k(["get", "pods", "-l", "app=mysql"])).out;
      return /^mysql-[a-z0-9]+-[a-z0-9]{5} +1\/1 +Running +0 +(?:\d+[dhms])+$/m.test(out) ? out : undefined;
    }, 30_000);
    expect(running, "kubectl get pods -l app=mysql").toMatch(/^NAME +READY +STATUS +RESTARTS +AGE$/m);
    const pvc = (await k(["describe", "pvc", "mysql-pv-claim"])).out;
    expect(pvc).toMatch(/^Name: +mysql-pv-claim$/m);
    expect(pvc).toMatch(/^Status: +Bound$/m);
    expect(pvc).toMatch(/^Volume: +mysql-pv-volume$/m);
    expect(pvc).toMatch(/^Annotations: +pv\.kubernetes\.io\/bind-completed: yes\n +pv\.kubernetes\.io\/bound-by-controller: yes$/m);
    expect(pvc).toMatch(/^Capacity: +20Gi$/m);
    expect(pvc).toMatch(/^Access Modes: +RWO$/m);
    const deploy = (await k(["describe", "deployment", "mysql"])).out;
    expect(deploy).toMatch(/^StrategyType: +Recreate$/m);
    expect(deploy).toMatch(/^ +\/var\/lib\/mysql from mysql-persistent-storage \(rw\)$/m);
    expect(deploy).toMatch(/^ +ClaimName: +mysql-pv-claim$/m);
    // clusterIP: None, so the Service's DNS name resolves to the pod's IP
    expect((await k(["get", "svc", "mysql", "-o", "jsonpath={.spec.clusterIP}"])).out).toBe("None");
    expect((await k(["delete", "deployment,svc", "mysql"])).out).toBe('deployment.apps "mysql" deleted\nservice "mysql" deleted\n');
    expect((await k(["delete", "pvc", "mysql-pv-claim"])).out).toBe('persistentvolumeclaim "mysql-pv-claim" deleted\n');
    expect((await k(["delete", "pv", "mysql-pv-volume"])).out).toBe('persistentvolume "mysql-pv-volume" deleted\n');
  });

  it("WordPress with MySQL: apply -k makes the Secret mysql-pass-<hash>, both claims Bound on standard, the pods Running, the LoadBalancer pending; delete -k removes it all", async () => {
    const dir = mkdtempSync(join(tmpdir(), "podflow-wordpress-"));
    copyFileSync(join(app, "wordpress", "mysql-deployment.yaml"), join(dir, "mysql-deployment.yaml"));
    copyFileSync(join(app, "wordpress", "wordpress-deployment.yaml"), join(dir, "wordpress-deployment.yaml"));
    // the page's two `cat <<EOF` steps
    writeFileSync(join(dir, "kustomization.yaml"), "secretGenerator:\n- name: mysql-pass\n  literals:\n  - password=YOUR_PASSWORD\nresources:\n  - mysql-deployment.yaml\n  - wordpress-deployment.yaml\n");
    expect((await k(["apply", "-k", dir])).code).toBe(0);
    expect((await k(["get", "secrets"])).out).toMatch(/^mysql-pass-[a-z0-9]{10} +Opaque +1 +(?:\d+[dhms])+$/m);
    const bound = await until(async () => {
      const out = (await k(["get", "pvc"])).out;
      const rows = ["mysql-pv-claim", "wp-pv-claim"].map((n) => new RegExp(`^${n} +Bound +pvc-[0-9a-f-]+ +20Gi +RWO +standard +<unset> +(?:\\d+[dhms])+$`, "m"));
      return rows.every((r) => r.test(out)) ? out : undefined;
    }, 60_000);
    expect(bound, "kubectl get pvc: both claims Bound").toBeTruthy();
    const pods = await until(async () => {
      const out = (await k(["get", "pods"])).out;
      return /^wordpress-mysql-[a-z0-9]+-[a-z0-9]{5} +1\/1 +Running +0 +(?:\d+[dhms])+$/m.test(out) && /^wordpress-[a-z0-9]+-[a-z0-9]{5} +1\/1 +Running +0 +(?:\d+[dhms])+$/m.test(out) ? out : undefined;
    }, 60_000);
    expect(pods, "kubectl get pods: Running").toBeTruthy();
    // the database's password is the generated Secret's
    const mysqlPod = (await k(["get", "pods", "-l", "tier=mysql", "-o", "jsonpath={.items[0].metadata.name}"])).out;
    expect((await k(["exec", mysqlPod, "--", "printenv", "MYSQL_ROOT_PASSWORD"])).out).toBe("YOUR_PASSWORD\n");
    expect((await k(["get", "services", "wordpress"])).out).toMatch(/^wordpress +LoadBalancer +10\.\d+\.\d+\.\d+ +<pending> +80:3\d{4}\/TCP +(?:\d+[dhms])+$/m);
    expect((await k(["delete", "-k", dir])).code).toBe(0);
    const gone = await until(async () => ((await k(["get", "pvc,deployments,secrets", "-o", "name"])).out.trim() === "" ? true : undefined), 30_000);
    expect(gone).toBe(true);
  });

  it("ZooKeeper: zk-0, zk-1, zk-2 become Ready in order, each with its host name, myid ordinal+1, FQDN under zk-hs, the ensemble in zoo.cfg, and its datadir claim Bound", async () => {
    const applied = (await k(["apply", "-f", join(app, "zookeeper", "zookeeper.yaml")])).out;
    expect(applied).toBe("service/zk-hs created\nservice/zk-cs created\npoddisruptionbudget.policy/zk-pdb created\nstatefulset.apps/zk created\n");
    const ready = await until(async () => {
      const out = (await k(["get", "pods", "-l", "app.kubernetes.io/name=zk"])).out;
      return ["zk-0", "zk-1", "zk-2"].every((p) => new RegExp(`^${p} +1/1 +Running +0 +\\d+(s|m\\d*s?)$`, "m").test(out)) ? out : undefined;
    }, 90_000);
    expect(ready, "kubectl get pods: three Ready").toBeTruthy();
    // OrderedReady: each pod was created after the one before it was Ready
    const created = JSON.parse((await k(["get", "pods", "-l", "app.kubernetes.io/name=zk", "-o", "json"])).out).items
      .map((p: any) => [p.metadata.name, Date.parse(p.metadata.creationTimestamp)]).sort();
    expect(created.map((c: any) => c[0])).toEqual(["zk-0", "zk-1", "zk-2"]);
    expect(created[0][1] <= created[1][1] && created[1][1] <= created[2][1]).toBe(true);
    for (const i of [0, 1, 2]) {
      expect((await k(["exec", `zk-${i}`, "--", "hostname"])).out).toBe(`zk-${i}\n`);
      expect((await k(["exec", `zk-${i}`, "--", "cat", "/var/lib/zookeeper/data/myid"])).out).toBe(`${i + 1}\n`);
      expect((await k(["exec", `zk-${i}`, "--", "hostname", "-f"])).out).toBe(`zk-${i}.zk-hs.default.svc.cluster.local\n`);
    }
    const cfg = (await k(["exec", "zk-0", "--", "cat", "/opt/zookeeper/conf/zoo.cfg"])).out.split("\n");
    expect(cfg).toEqual(expect.arrayContaining(["clientPort=2181", "dataDir=/var/lib/zookeeper/data", "tickTime=2000", "initLimit=10", "maxClientCnxns=60",
      "server.1=zk-0.zk-hs.default.svc.cluster.local:2888:3888", "server.2=zk-1.zk-hs.default.svc.cluster.local:2888:3888", "server.3=zk-2.zk-hs.default.svc.cluster.local:2888:3888"]));
    // the page's `kubectl get pvc -l app=zk` names a label the manifest no longer sets; the claims carry app.kubernetes.io/name=zk
    const pvc = (await k(["get", "pvc", "-l", "app.kubernetes.io/name=zk"])).out;
    for (const i of [0, 1, 2]) expect(pvc).toMatch(new RegExp(`^datadir-zk-${i} +Bound +pvc-[0-9a-f-]+ +10Gi +RWO +standard +<unset> +\\d+(s|m\\d*s?)$`, "m"));
    expect((await k(["get", "pdb", "zk-pdb"])).out).toMatch(/^zk-pdb +N\/A +1 +1 +\d+(s|m\d*s?)$/m);
  });

  it("Cassandra: unchanged, its claims wait for minikube's provisioner; with the StorageClass edited for this cluster, cassandra-0..2 come up in order, nodetool status shows three nodes UN in DC1-K8Demo, and scaling to 4 adds cassandra-3", async () => {
    const dir = join(app, "cassandra");
    expect((await k(["apply", "-f", join(dir, "cassandra-service.yaml")])).out).toBe("service/cassandra created\n");
    expect((await k(["get", "svc", "cassandra"])).out).toMatch(/^NAME +TYPE +CLUSTER-IP +EXTERNAL-IP +PORT\(S\) +AGE\ncassandra +ClusterIP +None +<none> +9042\/TCP +(?:\d+[dhms])+\n$/);
    expect((await k(["apply", "-f", join(dir, "cassandra-statefulset.yaml")])).out).toBe("statefulset.apps/cassandra created\nstorageclass.storage.k8s.io/fast created\n");
    // No provisioner k8s.io/minikube-hostpath runs here: the PV controller waits for it (ExternalProvisioning), cassandra-0 stays Pending.
    const waiting = await until(async () => {
      const out = (await k(["describe", "pvc", "cassandra-data-cassandra-0"])).out;
      return /ExternalProvisioning/.test(out) ? out : undefined;
    }, 30_000);
    expect(waiting).toMatch(/^Status: +Pending$/m);
    expect(waiting).toMatch(/^StorageClass: +fast$/m);
    expect(waiting?.replace(/\s+/g, " ")).toContain("Waiting for a volume to be created either by the external provisioner 'k8s.io/minikube-hostpath' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered.");
    expect((await k(["get", "pods", "-l", "app.kubernetes.io/name=cassandra"])).out).toMatch(/^cassandra-0 +0\/1 +Pending +0 +(?:\d+[dhms])+$/m);
    expect((await k(["get", "pods", "-l", "app.kubernetes.io/name=cassandra"])).out).not.toMatch(/cassandra-1/);
    // The page: "modify cassandra-statefulset.yaml to suit your cluster". Here the class names kind's local-path provisioner.
    await k(["delete", "statefulset", "cassandra"]);
    await k(["delete", "pvc", "-l", "app.kubernetes.io/name=cassandra"]);
    await k(["delete", "storageclass", "fast"]);
    const edited = join(mkdtempSync(join(tmpdir(), "cassandra-")), "cassandra-statefulset.yaml");
    writeFileSync(edited, readFileSync(join(dir, "cassandra-statefulset.yaml"), "utf8").replace("provisioner: k8s.io/minikube-hostpath", "provisioner: rancher.io/local-path\nvolumeBindingMode: WaitForFirstConsumer"));
    expect((await k(["apply", "-f", edited])).out).toBe("statefulset.apps/cassandra created\nstorageclass.storage.k8s.io/fast created\n");
    const pods = (n: number) => until(async () => {
      const out = (await k(["get", "pods", "-l", "app.kubernetes.io/name=cassandra"])).out;
      return Array.from({ length: n }, (_, i) => `cassandra-${i}`).every((p) => new RegExp(`^${p} +1/1 +Running +0 +\\d+(s|m\\d*s?)$`, "m").test(out)) ? out : undefined;
    }, 120_000);
    expect(await pods(3), "kubectl get pods: three Ready").toBeTruthy();
    const created = JSON.parse((await k(["get", "pods", "-l", "app.kubernetes.io/name=cassandra", "-o", "json"])).out).items
      .map((p: any) => [p.metadata.name, Date.parse(p.metadata.creationTimestamp), p.status.podIP]).sort();
    expect(created.map((c: any) => c[0])).toEqual(["cassandra-0", "cassandra-1", "cassandra-2"]);
    expect(created[0][1] <= created[1][1] && created[1][1] <= created[2][1]).toBe(true);
    const ring = (await k(["exec", "cassandra-0", "--", "nodetool", "status"])).out.split("\n");
    expect(ring.slice(0, 5)).toEqual(["Datacenter: DC1-K8Demo", "======================", "Status=Up/Down", "|/ State=Normal/Leaving/Joining/Moving", expect.stringMatching(/^-- {2}Address +Load {7}Tokens {7}Owns \(effective\) {2}Host ID {31}Rack$/)]);
    const rows = ring.filter((l) => l.startsWith("UN"));
    expect(rows).toHaveLength(3);
    for (const [, , ip] of created) expect(rows.some((r) => new RegExp(`^UN {2}${ip.replace(/\./g, "\\.")} +\\d+\\.\\d\\d KiB +32 +\\d+\\.\\d% +[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12} {2}Rack1-K8Demo$`).test(r)), `${ip} in ${rows}`).toBe(true);
    // Owns (effective) over the ring: replication factor 2 in all
    expect(rows.reduce((n, r) => n + Number(/ (\d+\.\d)% /.exec(r)![1]), 0)).toBeCloseTo(200, 0);
    expect((await k(["get", "statefulset", "cassandra"])).out).toMatch(/^cassandra +3\/3 +\d+(s|m\d*s?)$/m);
    // kubectl edit statefulset cassandra: replicas 3 -> 4, saved by an editor that changes that line
    const edit = await kubectlWithEditor(["edit", "statefulset", "cassandra"], "sed -i 's/^  replicas: 3$/  replicas: 4/'");
    expect(edit.out).toBe("statefulset.apps/cassandra edited\n");
    expect(await pods(4), "kubectl get pods: four Ready").toBeTruthy();
    expect((await k(["get", "statefulset", "cassandra"])).out).toMatch(/^cassandra +4\/4 +\d+(s|m\d*s?)$/m);
    expect((await k(["exec", "cassandra-0", "--", "nodetool", "status"])).out.split("\n").filter((l) => l.startsWith("UN"))).toHaveLength(4);
    // the readiness script passes on a node that is Up and Normal; nodetool drain (the preStop hook) takes it down
    expect((await k(["exec", "cassandra-3", "--", "/bin/bash", "-c", "/ready-probe.sh"])).code).toBe(0);
    expect((await k(["exec", "cassandra-3", "--", "/bin/sh", "-c", "nodetool drain"])).code).toBe(0);
    expect((await k(["exec", "cassandra-3", "--", "/bin/bash", "-c", "/ready-probe.sh"])).code).toBe(1);
    expect((await k(["logs", "cassandra-3"])).out).toMatch(/StorageService\.java:\d+ - DRAINED$/m);
    // scaling back to 3 runs cassandra-3's preStop hook (nodetool drain) as it stops: no FailedPreStopHook
    expect((await k(["scale", "statefulset", "cassandra", "--replicas=3"])).out).toBe("statefulset.apps/cassandra scaled\n");
    const gone = await until(async () => ((await k(["get", "pods", "-l", "app.kubernetes.io/name=cassandra"])).out.includes("cassandra-3") ? undefined : true), 60_000);
    expect(gone).toBe(true);
    const events = (await k(["get", "events", "--field-selector", "involvedObject.name=cassandra-3"])).out;
    expect(events).toMatch(/Killing +pod\/cassandra-3 +Stopping container cassandra/);
    expect(events).not.toMatch(/FailedPreStopHook/);
  });
});
