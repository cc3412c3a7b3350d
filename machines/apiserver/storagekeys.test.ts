// Where kube-apiserver keeps each resource in etcd (what `etcdctl get --prefix /registry/` shows on a
// kubeadm or kind cluster): the bare resource name for every built-in group, and the storage
// factory's SpecialDefaultResourcePrefixes for services, endpoints, nodes, replication controllers
// and ingresses.

import { describe, expect, it } from "vitest";
import { resourceFor, resourceOfKey, storageKey, storagePrefix, unpreparedKey } from "./resources.js";

describe("etcd keys", () => {
  it.each([
    ["", "pods", "default", "/registry/pods/default/x"],
    ["", "services", "default", "/registry/services/specs/default/x"],
    ["", "endpoints", "default", "/registry/services/endpoints/default/x"],
    ["", "nodes", undefined, "/registry/minions/x"],
    ["", "replicationcontrollers", "default", "/registry/controllers/default/x"],
    ["", "secrets", "default", "/registry/secrets/default/x"],
    ["apps", "deployments", "default", "/registry/deployments/default/x"],
    ["coordination.k8s.io", "leases", "kube-node-lease", "/registry/leases/kube-node-lease/x"],
    ["policy", "poddisruptionbudgets", "default", "/registry/poddisruptionbudgets/default/x"],
    ["discovery.k8s.io", "endpointslices", "default", "/registry/endpointslices/default/x"],
    ["scheduling.k8s.io", "priorityclasses", undefined, "/registry/priorityclasses/x"],
    ["networking.k8s.io", "ingresses", "default", "/registry/ingress/default/x"],
    ["rbac.authorization.k8s.io", "clusterroles", undefined, "/registry/clusterroles/x"],
  ])("%s %s", (group, resource, namespace, key) => {
    const r = resourceFor(group, resource)!;
    expect(storageKey(r, namespace, "x")).toBe(key);
    expect(key.startsWith(storagePrefix(r, namespace))).toBe(true);
    expect(resourceOfKey(key)).toBe(resource);
  });

  it("the services and endpoints prefixes do not hold each other's keys", () => {
    const services = storagePrefix(resourceFor("", "services")!);
    expect("/registry/services/endpoints/default/x".startsWith(services)).toBe(false);
  });
});

describe("keys storage.PrepareKey refuses", () => {
  const pods = resourceFor("", "pods")!;
  it("a . or .. segment, in the namespace of a list's prefix or an object's key, is refused with the key it makes", () => {
    expect(unpreparedKey(pods, "..")).toBe("/pods/..");
    expect(unpreparedKey(pods, ".")).toBe("/pods/.");
    expect(unpreparedKey(pods, "..", "x")).toBe("/pods/../x");
    expect(unpreparedKey(resourceFor("", "services")!, ".", "x")).toBe("/services/specs/./x");
  });
  it("dots inside a segment, no namespace (every namespace), and a cluster-scoped kind's key are keys", () => {
    expect(unpreparedKey(pods, "a..")).toBeUndefined();
    expect(unpreparedKey(pods, "..a", "x")).toBeUndefined();
    expect(unpreparedKey(pods, undefined)).toBeUndefined();
    expect(unpreparedKey(pods, "")).toBeUndefined();
    expect(unpreparedKey(resourceFor("", "nodes")!, "..", "x")).toBeUndefined();
  });
});
