// The Service variables (getServiceEnvVarMap) are built once per version of the kubelet's service
// informer store: a container started after a Service changed must see the change, as the
// kubelet's next makeEnvironmentVariables reads its lister afresh.

import { OrderedMap } from "immutable";
import { describe, expect, it } from "vitest";
import { createCluster } from "../../runtime/cluster.js";
import { serviceEnvFor } from "./serviceenv.js";
import { serviceWatchId, type KubeletContext } from "./types.js";

const svc = (namespace: string, name: string, clusterIP: string, port = 80) =>
  ({ metadata: { namespace, name }, spec: { clusterIP, ports: [{ name: "http", port, protocol: "TCP" }] } });
const kubernetes = svc("default", "kubernetes", "10.96.0.1", 443);
const storeOf = (...services: any[]) => OrderedMap<string, any>(services.map((s) => [`${s.metadata.namespace}/${s.metadata.name}`, s]));
const ctxWith = (store: OrderedMap<string, any>) =>
  ({ client: { informers: new Map([[serviceWatchId, { synced: true, store }]]) } }) as unknown as KubeletContext;
const pod = (namespace: string, enableServiceLinks?: boolean) => ({ metadata: { namespace, name: "p" }, spec: { containers: [], ...(enableServiceLinks === undefined ? {} : { enableServiceLinks }) } });

describe("the Service variables follow the service informer's store", () => {
  it("a Service created, changed, then deleted shows in the next container's variables", () => {
    const before = storeOf(kubernetes);
    expect(serviceEnvFor(ctxWith(before), pod("default"))?.WEB_SERVICE_HOST).toBeUndefined();
    const created = before.set("default/web", svc("default", "web", "10.96.0.10"));
    expect(serviceEnvFor(ctxWith(created), pod("default"))?.WEB_SERVICE_HOST).toBe("10.96.0.10");
    const changed = created.set("default/web", svc("default", "web", "10.96.0.10", 8080));
    expect(serviceEnvFor(ctxWith(changed), pod("default"))?.WEB_SERVICE_PORT).toBe("8080");
    expect(serviceEnvFor(ctxWith(changed.delete("default/web")), pod("default"))?.WEB_SERVICE_HOST).toBeUndefined();
    // an earlier store still gives its own variables
    expect(serviceEnvFor(ctxWith(created), pod("default"))?.WEB_SERVICE_PORT).toBe("80");
  });

  it("the same store gives each namespace its own Services, and none without service links", () => {
    const store = storeOf(kubernetes, svc("default", "web", "10.96.0.10"), svc("shop", "cart", "10.96.0.20"));
    const inShop = serviceEnvFor(ctxWith(store), pod("shop"))!;
    expect(inShop.CART_SERVICE_HOST).toBe("10.96.0.20");
    expect(inShop.WEB_SERVICE_HOST).toBeUndefined();
    expect(serviceEnvFor(ctxWith(store), pod("default"))!.CART_SERVICE_HOST).toBeUndefined();
    const noLinks = serviceEnvFor(ctxWith(store), pod("shop", false))!;
    expect(noLinks.CART_SERVICE_HOST).toBeUndefined();
    // default/kubernetes is in every pod's variables, service links or not (masterServices)
    expect(noLinks.KUBERNETES_SERVICE_HOST).toBe("10.96.0.1");
    expect(inShop.KUBERNETES_SERVICE_HOST).toBe("10.96.0.1");
  });

  it("kubelets whose stores hold the same Services share one record, and part ways when their Services differ", () => {
    const web = svc("default", "web", "10.96.0.10");
    // two kubelets' stores: separate values, the same Service objects (one watch event each)
    const a = storeOf(kubernetes, web);
    const b = storeOf(web, kubernetes);
    const envA = serviceEnvFor(ctxWith(a), pod("default"))!;
    expect(serviceEnvFor(ctxWith(b), pod("default"))).toBe(envA);
    // a kubelet that already saw a new Service gets its variables; the other keeps its own
    const bNewer = b.set("default/api", svc("default", "api", "10.96.0.11"));
    const envB = serviceEnvFor(ctxWith(bNewer), pod("default"))!;
    expect(envB.API_SERVICE_HOST).toBe("10.96.0.11");
    expect(serviceEnvFor(ctxWith(a.set("default/other", kubernetes)), pod("default"))).toBe(envA);
    expect(serviceEnvFor(ctxWith(storeOf(kubernetes, web)), pod("default"))!.API_SERVICE_HOST).toBeUndefined();
    // the same name with another object (a changed port) is another set
    const changed = storeOf(kubernetes, svc("default", "web", "10.96.0.10", 8080));
    expect(serviceEnvFor(ctxWith(changed), pod("default"))!.WEB_SERVICE_PORT).toBe("8080");
    expect(envA.WEB_SERVICE_PORT).toBe("80");
  });

  it("in a cluster, containers on two nodes hold one shared record of their namespace's Service variables", async () => {
    const c = createCluster({ nodes: 2, seed: 5, trace: false });
    await c.settle();
    const service = (name: string) => ({ apiVersion: "v1", kind: "Service", metadata: { name, namespace: "default" }, spec: { selector: { app: name }, ports: [{ name: "http", port: 80 }] } });
    const podOn = (name: string, node: string) => ({ apiVersion: "v1", kind: "Pod", metadata: { name, namespace: "default" }, spec: { nodeName: node, containers: [{ name: "c", image: "nginx:1.27" }] } });
    await c.apply([service("web"), service("api")]);
    await c.settle();
    await c.apply([podOn("a", "node-1"), podOn("b", "node-2")]);
    await c.settle();
    const base = (node: string) => [...c.runtime.snapshot(`cri/${node}`).context.containers.values()].map((x: any) => x.env.base);
    const [one] = base("node-1"), [two] = base("node-2");
    expect(one.WEB_SERVICE_PORT_HTTP).toBe("80");
    expect(one.API_PORT_80_TCP_PROTO).toBe("tcp");
    expect(two).toBe(one);
    await c.stop();
  });
});
