// The benchmark workload: N kind-sized nodes with their own podCIDRs, and Deployments of
// 100 replicas each, every one behind its own Service (a typical web tier, scaled out).

import type { Node } from "kubernetes-types/core/v1";
import { podCIDRFor } from "../machines/cni/ipam.js";
import { createCluster, type Cluster } from "../runtime/cluster.js";

/** Replicas per Deployment: small enough that every Service stays under one EndpointSlice's 100 endpoints. */
export const replicasPerDeployment = 100;

/** The cluster CIDR: a /10 holds 16384 node /24s, room for 5000 nodes (10.244.0.0/16 holds 256). */
export const benchClusterCIDR = "100.64.0.0/10";

/**
 * etcd's --quota-backend-bytes for the workload: its suggested maximum, 8 GiB, as large clusters set
 * it. The workload is created within seconds of simulated time, so kube-apiserver's compaction
 * (every 5 minutes) never runs while it grows, and at 5000 x 150k its history passes the 2 GiB
 * default ("mvcc: database space exceeded") near 100k pods.
 */
export const benchEtcdQuotaBackendBytes = 8 * 1024 ** 3;

/** The cluster the workload runs on: N bench nodes, the simulated clock, no trace, etcd's quota above. */
export function benchCluster(nodes: number, seed: number): Cluster {
  return createCluster({ nodes: benchNodes(nodes), seed, trace: false, etcdQuotaBackendBytes: benchEtcdQuotaBackendBytes });
}

/** N worker nodes (4 cpu, 16Gi, 110 pods), each with its podCIDR from the cluster CIDR. */
export function benchNodes(n: number): Node[] {
  const out: Node[] = [];
  for (let i = 0; i < n; i++) {
    const name = `node-${i + 1}`;
    const capacity = { cpu: "4", memory: "16Gi", pods: "110", "ephemeral-storage": "100Gi" };
    out.push({
      apiVersion: "v1",
      kind: "Node",
      metadata: { name, labels: { "kubernetes.io/hostname": name, "kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64" } },
      spec: { podCIDR: podCIDRFor(benchClusterCIDR, i) },
      status: { capacity, allocatable: capacity },
    });
  }
  return out;
}

/** The pod template every replica runs: nginx with small requests, as a scaled-out web tier. */
export function benchPodSpec(app: string): any {
  return {
    metadata: { labels: { app } },
    spec: {
      containers: [{
        name: "nginx",
        image: "nginx:1.27",
        ports: [{ name: "http", containerPort: 80 }],
        resources: { requests: { cpu: "10m", memory: "32Mi" } },
      }],
    },
  };
}

/** Deployments (and one Service each) totalling `pods` replicas. */
export function benchManifests(pods: number): object[] {
  const out: object[] = [];
  for (let i = 0, left = pods; left > 0; i++, left -= replicasPerDeployment) {
    const app = `web-${i}`;
    const replicas = Math.min(replicasPerDeployment, left);
    out.push({
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: app, namespace: "default", labels: { app } },
      spec: { replicas, selector: { matchLabels: { app } }, template: benchPodSpec(app) },
    });
    out.push({
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: app, namespace: "default" },
      spec: { selector: { app }, ports: [{ name: "http", port: 80, targetPort: "http" }] },
    });
  }
  return out;
}
