// Object-count quotas and quota scopes with the real kubectl against `podflow serve`, from the
// docs' pages and their manifests (examples/admin/resource/, unchanged):
// - tasks/administer-cluster/manage-resources/quota-api-object: a quota on claims and Services;
// - concepts/policy/resource-quotas, "Resource Quota Per PriorityClass" (quota-objects-priority.yaml,
//   the same three quotas as policy/quota.yaml) and "Object count quota" (kubectl create quota
//   with count/<resource>.<group>), each checked with the `kubectl describe quota` it shows.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findKubectl, kubectl, serve, until, type Served } from "./serve-helpers.js";

const bin = findKubectl();
const resource = join(__dirname, "..", "examples", "admin", "resource");

describe.skipIf(!bin)("podflow serve with the real kubectl: object-count quotas and quota scopes", () => {
  let s: Served;
  const k = (args: string[]) => kubectl(bin!, s.kubeconfigPath, args, {});
  const dir = mkdtempSync(join(tmpdir(), "podflow-quota-"));
  const file = (name: string, text: string) => {
    const p = join(dir, name);
    writeFileSync(p, text);
    return p;
  };

  beforeAll(async () => {
    s = await serve({ nodes: 2, speed: 10 });
  });
  afterAll(async () => {
    await s?.stop();
  });

  it("quota-api-object: one claim allowed, the second refused with the page's message; no NodePort Service, two LoadBalancers", async () => {
    const ns = ["--namespace=quota-object-example"];
    expect((await k(["create", "namespace", "quota-object-example"])).code).toBe(0);
    expect((await k(["apply", "-f", join(resource, "quota-objects.yaml"), ...ns])).out).toBe("resourcequota/object-quota-demo created\n");
    const status = await until(async () => {
      const out = (await k(["get", "resourcequota", "object-quota-demo", ...ns, "--output=yaml"])).out;
      return out.includes("  used:") ? out : undefined;
    }, 20_000);
    // the page's output
    expect(status!.slice(status!.indexOf("status:"))).toBe([
      "status:", "  hard:", '    persistentvolumeclaims: "1"', '    services.loadbalancers: "2"', '    services.nodeports: "0"',
      "  used:", '    persistentvolumeclaims: "0"', '    services.loadbalancers: "0"', '    services.nodeports: "0"', "",
    ].join("\n"));
    expect((await k(["apply", "-f", join(resource, "quota-objects-pvc.yaml"), ...ns])).out).toBe("persistentvolumeclaim/pvc-quota-demo created\n");
    expect((await k(["get", "resourcequota", "object-quota-demo", ...ns, "-o", "jsonpath={.status.used.persistentvolumeclaims}"])).out).toBe("1");
    const refused = await k(["apply", "-f", join(resource, "quota-objects-pvc-2.yaml"), ...ns]);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('persistentvolumeclaims "pvc-quota-demo-2" is forbidden: exceeded quota: object-quota-demo, requested: persistentvolumeclaims=1, used: persistentvolumeclaims=1, limited: persistentvolumeclaims=1');
    // services.nodeports: "0" leaves no room for a NodePort Service; two LoadBalancers fit, a third does not
    const nodePort = await k(["create", "service", "nodeport", "np", "--tcp=80:80", ...ns]);
    expect(nodePort.err).toContain('services "np" is forbidden: exceeded quota: object-quota-demo, requested: services.nodeports=1, used: services.nodeports=0, limited: services.nodeports=0');
    const lb = (name: string) => file(`${name}.yaml`, `apiVersion: v1\nkind: Service\nmetadata: {name: ${name}}\nspec:\n  type: LoadBalancer\n  allocateLoadBalancerNodePorts: false\n  selector: {app: x}\n  ports: [{port: 80}]\n`);
    expect((await k(["apply", "-f", lb("lb1"), ...ns])).code).toBe(0);
    expect((await k(["apply", "-f", lb("lb2"), ...ns])).code).toBe(0);
    expect((await k(["apply", "-f", lb("lb3"), ...ns])).err).toContain("exceeded quota: object-quota-demo, requested: services.loadbalancers=1, used: services.loadbalancers=2, limited: services.loadbalancers=2");
    // deleting one gives its place back: the controller recounts
    expect((await k(["delete", "service", "lb1", ...ns])).code).toBe(0);
    const freed = await until(async () => ((await k(["get", "quota", "object-quota-demo", ...ns, "-o", "jsonpath={.status.used.services\\.loadbalancers}"])).out === "1" ? true : undefined), 20_000);
    expect(freed).toBe(true);
    expect((await k(["apply", "-f", lb("lb3"), ...ns])).code).toBe(0);
  });

  it("quota per PriorityClass: describe quota shows 0 used, then the high-priority pod counted by pods-high alone", async () => {
    for (const [name, value] of [["high", 1000000], ["medium", 1000], ["low", 10]] as const) {
      expect((await k(["create", "priorityclass", name, `--value=${value}`])).code).toBe(0);
    }
    expect((await k(["create", "-f", join(resource, "quota-objects-priority.yaml")])).out).toBe("resourcequota/pods-high created\nresourcequota/pods-medium created\nresourcequota/pods-low created\n");
    const describe = async () => (await k(["describe", "quota"])).out;
    const empty = [
      "Name:       pods-high", "Namespace:  default", "Resource    Used  Hard", "--------    ----  ----", "cpu         0     1k", "memory      0     200Gi", "pods        0     10", "", "",
      "Name:       pods-low", "Namespace:  default", "Resource    Used  Hard", "--------    ----  ----", "cpu         0     5", "memory      0     10Gi", "pods        0     10", "", "",
      "Name:       pods-medium", "Namespace:  default", "Resource    Used  Hard", "--------    ----  ----", "cpu         0     10", "memory      0     20Gi", "pods        0     10", "",
    ].join("\n");
    expect(await until(async () => { const out = await describe(); return out === empty ? out : undefined; }, 20_000)).toBe(empty);
    // the page's high-priority-pod.yaml
    const pod = file("high-priority-pod.yaml", [
      "apiVersion: v1", "kind: Pod", "metadata:", "  name: high-priority", "spec:", "  containers:", "  - name: high-priority", "    image: ubuntu",
      '    command: ["/bin/sh"]', '    args: ["-c", "while true; do echo hello; sleep 10;done"]', "    resources:", "      requests:", '        memory: "10Gi"', '        cpu: "500m"',
      "      limits:", '        memory: "10Gi"', '        cpu: "500m"', "  priorityClassName: high", "",
    ].join("\n"));
    expect((await k(["create", "-f", pod])).out).toBe("pod/high-priority created\n");
    const out = await describe();
    expect(out.slice(0, out.indexOf("Name:       pods-low"))).toBe([
      "Name:       pods-high", "Namespace:  default", "Resource    Used  Hard", "--------    ----  ----", "cpu         500m  1k", "memory      10Gi  200Gi", "pods        1     10", "", "", "",
    ].join("\n"));
    expect(out.slice(out.indexOf("Name:       pods-low"))).toBe(empty.slice(empty.indexOf("Name:       pods-low")));
  });

  it("object count quota: kubectl create quota with count/<resource>.<group>; a Deployment of 2 is counted, describe quota shows it", async () => {
    const ns = ["--namespace=myspace"];
    expect((await k(["create", "namespace", "myspace"])).code).toBe(0);
    expect((await k(["create", "quota", "test", "--hard=count/deployments.apps=2,count/replicasets.apps=4,count/pods=3,count/secrets=4", ...ns])).out).toBe("resourcequota/test created\n");
    await until(async () => ((await k(["get", "quota", "test", ...ns, "-o", "jsonpath={.status.used}"])).out !== "" ? true : undefined), 20_000);
    expect((await k(["create", "deployment", "nginx", "--image=nginx", ...ns, "--replicas=2"])).out).toBe("deployment.apps/nginx created\n");
    // the page shows count/secrets 1: the token Secret a ServiceAccount had before v1.24; v1.35 makes none
    const want = [
      "Name:                   test", "Namespace:              myspace", "Resource                Used  Hard", "--------                ----  ----",
      "count/deployments.apps  1     2", "count/pods              2     3", "count/replicasets.apps  1     4", "count/secrets           0     4", "",
    ].join("\n");
    const out = await until(async () => { const o = (await k(["describe", "quota", ...ns])).out; return o === want ? o : undefined; }, 30_000);
    expect(out).toBe(want);
    // a third Deployment would pass count/deployments.apps=2 once two exist
    expect((await k(["create", "deployment", "second", "--image=nginx", ...ns, "--replicas=0"])).code).toBe(0);
    const third = await k(["create", "deployment", "third", "--image=nginx", ...ns]);
    expect(third.err).toContain('deployments.apps "third" is forbidden: exceeded quota: test, requested: count/deployments.apps=1, used: count/deployments.apps=2, limited: count/deployments.apps=2');
  });
});
