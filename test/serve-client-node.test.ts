// @kubernetes/client-node against `podflow serve`: an Informer lists and watches pods while a
// Deployment rolls out.

import { describe, it, expect, beforeAll, afterAll } from "vitest";
import * as k8s from "@kubernetes/client-node";
import { serve, until, type Served } from "./serve-helpers.js";

const deployment = (image: string) => ({
  apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web", namespace: "default" },
  spec: {
    replicas: 3, selector: { matchLabels: { app: "web" } },
    template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "nginx", image }] } },
  },
});

describe("@kubernetes/client-node against podflow serve", () => {
  let s: Served;
  let kc: k8s.KubeConfig;
  beforeAll(async () => {
    s = await serve({ nodes: 3, speed: 10 });
    kc = new k8s.KubeConfig();
    kc.loadFromString(s.kubeconfigText);
  });
  afterAll(async () => {
    await s?.stop();
  });

  it("lists namespaces through the typed client", async () => {
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const list = await core.listNamespace();
    expect(list.items.map((n) => n.metadata?.name).sort()).toEqual(["default", "kube-node-lease", "kube-public", "kube-system"]);
  });

  it("an informer lists, then sees a pod created, labelled and deleted through the watch", async () => {
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const informer = k8s.makeInformer(kc, "/api/v1/namespaces/default/pods", () => core.listNamespacedPod({ namespace: "default", labelSelector: "informer=yes" }), "informer=yes");
    const seen: string[] = [];
    informer.on("add", (p: k8s.V1Pod) => seen.push(`add ${p.metadata!.name}`));
    informer.on("update", (p: k8s.V1Pod) => seen.push(`update ${p.metadata!.name} ${p.metadata!.labels?.step ?? ""}`));
    informer.on("delete", (p: k8s.V1Pod) => seen.push(`delete ${p.metadata!.name}`));
    await informer.start();
    try {
      const pod = { metadata: { name: "watched", labels: { informer: "yes" } }, spec: { containers: [{ name: "c", image: "nginx" }] } };
      await core.createNamespacedPod({ namespace: "default", body: pod });
      await core.patchNamespacedPod({ namespace: "default", name: "watched", body: { metadata: { labels: { step: "two" } } } }, k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.MergePatch));
      await core.deleteNamespacedPod({ namespace: "default", name: "watched", gracePeriodSeconds: 0 });
      const done = await until(async () => (seen.includes("delete watched") ? seen : undefined), 10_000);
      expect(done).toBeDefined();
      expect(seen[0]).toBe("add watched");
      expect(seen).toContain("update watched two");
    } finally {
      await informer.stop();
    }
  });

  it("an informer sees the pods of a Deployment appear, and the new template's pods during a rollout", async () => {
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const apps = kc.makeApiClient(k8s.AppsV1Api);
    const informer = k8s.makeInformer(kc, "/api/v1/namespaces/default/pods", () => core.listNamespacedPod({ namespace: "default" }), "app=web");
    const added: string[] = [];
    informer.on("add", (p: k8s.V1Pod) => added.push(p.metadata!.name!));
    await informer.start();
    try {
      await apps.createNamespacedDeployment({ namespace: "default", body: deployment("nginx:1.27") as k8s.V1Deployment });
      const three = await until(async () => (informer.list().length === 3 ? informer.list() : undefined), 20_000);
      expect(three?.length, "the ReplicaSet controller should create 3 pods").toBe(3);
      await apps.patchNamespacedDeployment({ namespace: "default", name: "web", body: { spec: { template: { spec: { containers: [{ name: "nginx", image: "nginx:1.26" }] } } } } }, k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.StrategicMergePatch));
      const rolled = await until(async () => {
        const pods = informer.list();
        return pods.length === 3 && pods.every((p) => p.spec?.containers[0]?.image === "nginx:1.26") ? pods : undefined;
      }, 60_000);
      expect(rolled?.length, "the Deployment controller should replace all pods with nginx:1.26").toBe(3);
      expect(added.length).toBeGreaterThanOrEqual(6);
    } finally {
      await informer.stop();
    }
  }, 90_000);
});
