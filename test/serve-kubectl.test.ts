// The real kubectl against `podflow serve`, in-process: apply, get, describe, watch, scale,
// rollout, logs, delete, and the errors kubectl prints for bad input.

import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawn } from "node:child_process";
import { findKubectl, kubectl, kubectlEnv, raw, serve, until, type Served } from "./serve-helpers.js";

const bin = findKubectl();
const examples = join(__dirname, "..", "examples");
const dep = join(examples, "deployment-service.yaml");
const init = join(examples, "init-container.yaml");

describe("podflow serve with the real kubectl", () => {
  if (!bin) {
    it("needs kubectl on PATH", () => {
      console.warn("kubectl was not found on PATH: the kubectl end-to-end checks of podflow serve did not run");
      expect(bin).toBeUndefined();
    });
    return;
  }
  let s: Served;
  const k = (args: string[], timeoutMs?: number) => kubectl(bin, s.kubeconfigPath, args, timeoutMs ? { timeoutMs } : {});
  const scratch = mkdtempSync(join(tmpdir(), "podflow-kubectl-"));

  beforeAll(async () => {
    s = await serve({ nodes: 3, speed: 10 });
  });
  afterAll(async () => {
    await s?.stop();
  });

  it("kubectl version reports the server as v1.35.0", async () => {
    const r = await k(["version", "-o", "json"]);
    expect(JSON.parse(r.out).serverVersion.gitVersion).toBe("v1.35.0");
  });

  it("kubectl apply creates the Deployment, the Service and the Pod", async () => {
    const r = await k(["apply", "-f", dep, "-f", init]);
    expect(r.err).toBe("");
    expect(r.out).toBe("deployment.apps/web created\nservice/web created\npod/myapp-pod created\n");
  });

  it("applying the same files again leaves them unchanged", async () => {
    const r = await k(["apply", "-f", init]);
    expect(r.out).toBe("pod/myapp-pod unchanged\n");
  });

  it("kubectl get pods -o wide prints Kubernetes' columns, and the init-container pod comes to Running", async () => {
    const r = await k(["get", "pods", "-o", "wide"]);
    expect(r.out.split("\n")[0]).toMatch(/^NAME +READY +STATUS +RESTARTS +AGE +IP +NODE +NOMINATED NODE +READINESS GATES$/);
    const running = await until(async () => (await k(["get", "pod", "myapp-pod", "--no-headers"])).out.match(/myapp-pod +1\/1 +Running/), 30_000);
    expect(running, "myapp-pod should be Running (scheduler, kubelet, CRI)").toBeTruthy();
  });

  it("kubectl get endpoints lists the three ready web pods on port 80", async () => {
    const ready = await until(async () => {
      const out = (await k(["get", "endpoints", "web", "--no-headers"])).out;
      return (out.match(/10\.244\.\d+\.\d+:80/g) ?? []).length === 3 ? out : undefined;
    }, 40_000);
    expect(ready, "endpoints of web should list 3 ready pods (ReplicaSet, kubelet readiness, endpoints controller)").toBeTruthy();
  });

  it("kubectl describe pod shows the pod's name, node and status", async () => {
    const r = await k(["describe", "pod", "myapp-pod"]);
    expect(r.err).toBe("");
    expect(r.out).toMatch(/^Name: +myapp-pod$/m);
    expect(r.out).toMatch(/^Namespace: +default$/m);
    expect(r.out).toMatch(/^Node: +node-\d\/172\./m);
    expect(r.out).toMatch(/^Status: +Running$/m);
  });

  it("kubectl get pods -w streams the table, then stops when killed", async () => {
    const child = spawn(bin, ["get", "pods", "-w"], { env: kubectlEnv(s.kubeconfigPath) });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    await new Promise((r) => setTimeout(r, 1500));
    await k(["label", "pod", "myapp-pod", "watched=yes"]);
    await new Promise((r) => setTimeout(r, 1500));
    child.kill("SIGINT");
    await new Promise((r) => child.on("close", r));
    const lines = out.trim().split("\n");
    expect(lines[0]).toMatch(/^NAME +READY +STATUS +RESTARTS +AGE$/);
    expect(lines.filter((l) => l.startsWith("NAME")).length).toBe(1);
    expect(lines.filter((l) => l.startsWith("myapp-pod")).length).toBeGreaterThanOrEqual(2);
  });

  it("kubectl scale sets the Deployment to 5 replicas", async () => {
    const r = await k(["scale", "deployment", "web", "--replicas=5"]);
    expect(r.out).toBe("deployment.apps/web scaled\n");
    const spec = await k(["get", "deployment", "web", "-o", "jsonpath={.spec.replicas}"]);
    expect(spec.out).toBe("5");
  });

  it("kubectl rollout status waits until the Deployment is rolled out", async () => {
    const r = await k(["rollout", "status", "deployment/web", "--timeout=60s"], 70_000);
    expect(r.out).toMatch(/deployment "web" successfully rolled out\n$/);
  }, 80_000);

  it("kubectl rollout undo goes back to the previous template", async () => {
    expect((await k(["set", "image", "deployment/web", "nginx=nginx:1.26"])).out).toBe("deployment.apps/web image updated\n");
    await k(["rollout", "status", "deployment/web", "--timeout=60s"], 70_000);
    const r = await k(["rollout", "undo", "deployment/web"]);
    expect(r.out).toBe("deployment.apps/web rolled back\n");
    const image = await until(async () => {
      const out = (await k(["get", "deployment", "web", "-o", "jsonpath={.spec.template.spec.containers[0].image}"])).out;
      return out === "nginx:1.27" ? out : undefined;
    }, 10_000);
    expect(image).toBe("nginx:1.27");
  }, 160_000);

  it("kubectl logs prints what the container wrote", async () => {
    const r = await k(["logs", "myapp-pod"]);
    expect(r.out).toBe("The app is running!\n");
    const initLog = await k(["logs", "myapp-pod", "-c", "init-wait"]);
    expect(initLog.out).toBe("waiting\ndone\n");
  });

  it("kubectl delete -f deletes what was applied", async () => {
    const r = await k(["delete", "-f", init, "--wait=false"]);
    expect(r.out).toBe('pod "myapp-pod" deleted\n');
  });

  const badJson = join(scratch, "bad.json");
  writeFileSync(badJson, '{"apiVersion": "v1", "kind": "Pod", "metadata": {');
  const v2 = join(scratch, "v2.yaml");
  writeFileSync(v2, "apiVersion: v2\nkind: Pod\nmetadata:\n  name: x\nspec:\n  containers: [{name: a, image: nginx}]\n");

  it.each([
    [
      "malformed JSON posted with create --raw is a BadRequest worded as the decoder words it",
      ["create", "--raw", "/api/v1/namespaces/default/pods", "-f", badJson],
      'Error from server (BadRequest): the object provided is unrecognized (must be of type Pod): couldn\'t get version/kind; json parse error: unexpected end of JSON input ({"apiVersion": "v1", "kind": " ...)\n',
    ],
    [
      "an apiVersion the server does not serve has no REST mapping",
      ["apply", "-f", v2],
      `error: resource mapping not found for name: "x" namespace: "" from "${v2}": no matches for kind "Pod" in version "v2"\nensure CRDs are installed first\n`,
    ],
    [
      "a JSON patch of a missing path is refused by the server with NewGenericServerResponse's fixed 422 message",
      ["patch", "deployment", "web", "--type=json", "-p", '[{"op":"replace","path":"/spec/nope/x","value":1}]'],
      "The request is invalid: the server rejected our request due to an error in our request\n",
    ],
    ["a path the server does not serve is NotFound", ["get", "--raw", "/api/v1/foos"], "Error from server (NotFound): the server could not find the requested resource\n"],
    ["a resource type discovery does not list is unknown to kubectl", ["get", "foos"], 'error: the server doesn\'t have a resource type "foos"\n'],
    ["a pod that does not exist is NotFound", ["get", "pod", "nope"], 'Error from server (NotFound): pods "nope" not found\n'],
  ])("%s", async (_name, args, expected) => {
    const r = await k(args);
    expect(r.code).not.toBe(0);
    expect(r.err).toBe(expected);
  });

  it("a request without a token is anonymous and forbidden", async () => {
    const r = await raw(s, "GET", "/api/v1/namespaces/default/pods");
    expect(r.code).toBe(403);
    expect(JSON.parse(r.body)).toMatchObject({ kind: "Status", reason: "Forbidden", message: 'pods is forbidden: User "system:anonymous" cannot list resource "pods" in API group "" in the namespace "default"' });
  });

  it("a request with an unknown token is Unauthorized", async () => {
    const r = await raw(s, "GET", "/api/v1/pods", { token: "nope" });
    expect(r.code).toBe(401);
    expect(JSON.parse(r.body)).toMatchObject({ reason: "Unauthorized", message: "Unauthorized" });
  });
});
