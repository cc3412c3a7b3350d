// `podflow simulate -o yaml|json` prints what `kubectl get -o yaml|json` prints for the same
// objects: checked against the real kubectl reading them from `podflow serve`.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { kubectlOutput } from "../cli/simulate.js";
import { findKubectl, kubectl, serve, until, type Served } from "./serve-helpers.js";

const bin = findKubectl();

describe.skipIf(!bin)("simulate's -o yaml and -o json are kubectl get's", () => {
  let s: Served;
  const k = (args: string[]) => kubectl(bin!, s.kubeconfigPath, args, {});

  beforeAll(async () => {
    s = await serve({ nodes: 2, speed: 10 });
  });
  afterAll(async () => {
    await s?.stop();
  });

  it("a List of pods and Services: keys sorted, sequences not indented, strings quoted as go-yaml quotes them, no managedFields, no YAML anchors", async () => {
    const pod = { apiVersion: "v1", kind: "Pod", metadata: { name: "web", labels: { app: "web", tier: "yes" } }, spec: { containers: [{ name: "nginx", image: "nginx:1.27", ports: [{ containerPort: 80 }], args: ["-g", "daemon off;"] }] } };
    const svc = { apiVersion: "v1", kind: "Service", metadata: { name: "web", annotations: { note: "two\nlines", "on": "on", port: "80", html: "<a href='x'>&</a>" } }, spec: { selector: { app: "web" }, ports: [{ port: 80 }] } };
    for (const o of [pod, svc]) expect((await kubectl(bin!, s.kubeconfigPath, ["apply", "-f", "-"], { input: JSON.stringify(o) })).code).toBe(0);
    await until(async () => ((await k(["get", "pod", "web", "-o", "jsonpath={.status.phase}"])).out === "Running" ? true : undefined), 30_000);
    const objects = () => [...s.cluster.list("Pod"), ...s.cluster.list("Service")].filter((o) => o.metadata.namespace === "default");
    for (const output of ["yaml", "json"] as const) {
      // the cluster runs on (a status write can land between kubectl's read and ours): compare a
      // read that no write overlapped, one whose objects were the same before and after it
      let real = "";
      let ours = "";
      for (let attempt = 0; attempt < 5; attempt++) {
        const before = kubectlOutput(objects(), output);
        real = (await k(["get", "pods,services", "-o", output])).out;
        ours = `${kubectlOutput(objects(), output).trimEnd()}\n`;
        if (`${before.trimEnd()}\n` === ours) break;
      }
      expect(ours).toBe(real);
    }
    const yaml = kubectlOutput(objects(), "yaml");
    expect(yaml).not.toContain("managedFields");
    expect(yaml).not.toMatch(/[&*]a\d/);
    expect(yaml).toMatch(/\n {4}creationTimestamp: "\d{4}-/);
  });
});
