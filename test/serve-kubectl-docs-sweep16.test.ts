// Sweep 16 of the docs' task, tutorial and concept pages (kubernetes/website content/en/docs/**), step
// by step with the real kubectl against `podflow serve`: each expectation is what the page shows, or
// what Kubernetes' source does where the page is silent. The verdicts are in test/fixtures/docs/TASKS.md.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findKubectl, kubectl, serve, type Served } from "./serve-helpers.js";

const bin = findKubectl();

// tasks/access-application-cluster/create-external-load-balancer: "Preserving the client source IP"
const localLB = (extra = "") => `apiVersion: v1
kind: Service
metadata:
  name: example-service
spec:
  selector:
    app: example
  ports:
    - port: 8765
      targetPort: 9376
  externalTrafficPolicy: Local
  type: LoadBalancer
${extra}`;

describe.skipIf(!bin)("podflow serve with the real kubectl: the docs' pages, sweep 16", () => {
  let s: Served;
  const k = (args: string[], input?: string) => kubectl(bin!, s.kubeconfigPath, args, input === undefined ? {} : { input });
  const jsonpath = (args: string[], path: string) => k([...args, "-o", `jsonpath=${path}`]).then((r) => r.out);

  beforeAll(async () => {
    s = await serve({ nodes: 3, speed: 10 });
  });
  afterAll(async () => {
    await s?.stop();
  });

  it("tasks/access-application-cluster/create-external-load-balancer: externalTrafficPolicy Local gets a healthCheckNodePort from the nodePort range, kept on re-apply, released when the policy goes", async () => {
    expect((await k(["apply", "-f", "-"], localLB())).out).toBe("service/example-service created\n");
    const hc = Number(await jsonpath(["get", "svc", "example-service"], "{.spec.healthCheckNodePort}"));
    // "If healthCheckNodePort isn't specified, the service controller allocates a port from your cluster's NodePort range"
    expect(hc).toBeGreaterThanOrEqual(30000);
    expect(hc).toBeLessThanOrEqual(32767);
    expect((await k(["describe", "svc", "example-service"])).out).toMatch(new RegExp(`\\nExternal Traffic Policy: +Local\\n(?:.*\\n)*HealthCheck NodePort: +${hc}\\n`));
    // patchAllocatedValues: re-applying the manifest without the port keeps it
    expect((await k(["apply", "-f", "-"], localLB())).out).toBe("service/example-service unchanged\n");
    expect(Number(await jsonpath(["get", "svc", "example-service"], "{.spec.healthCheckNodePort}"))).toBe(hc);
    // the port is taken: another Service cannot have it as a nodePort
    const taken = await k(["create", "service", "nodeport", "np", "--tcp=80", `--node-port=${hc}`]);
    expect(taken.err).toBe(`error: failed to create NodePort service: Service "np" is invalid: spec.ports[0].nodePort: Invalid value: ${hc}: provided port is already allocated\n`);
    // updateHealthCheckNodePort's case 2: Cluster drops the field (dropTypeDependentFields) and frees the port
    expect((await k(["patch", "svc", "example-service", "-p", '{"spec":{"externalTrafficPolicy":"Cluster"}}'])).code).toBe(0);
    expect(await jsonpath(["get", "svc", "example-service"], "{.spec.healthCheckNodePort}")).toBe("");
    expect((await k(["create", "service", "nodeport", "np", "--tcp=80", `--node-port=${hc}`])).out).toBe("service/np created\n");
    // case 1 with a port asked for that is taken: allocHealthCheckNodePort's error, an InternalError
    const back = await k(["patch", "svc", "example-service", "-p", `{"spec":{"externalTrafficPolicy":"Local","healthCheckNodePort":${hc}}}`]);
    expect(back.err).toBe(`Error from server (InternalError): Internal error occurred: failed to allocate requested HealthCheck NodePort ${hc}: provided port is already allocated\n`);
    // releaseAllocatedResources: deleting the Service frees its health check port
    expect((await k(["delete", "svc", "np"])).code).toBe(0);
    expect((await k(["delete", "svc", "example-service"])).code).toBe(0);
    expect((await k(["apply", "-f", "-"], localLB(`  healthCheckNodePort: ${hc}\n`))).out).toBe("service/example-service created\n");
    expect((await k(["delete", "svc", "example-service"])).code).toBe(0);
    expect((await k(["create", "service", "nodeport", "np", "--tcp=80", `--node-port=${hc}`])).out).toBe("service/np created\n");
    expect((await k(["delete", "svc", "np"])).code).toBe(0);
  });
});
