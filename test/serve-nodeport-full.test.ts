// A Service that needs a nodePort when the range has none left: pkg/registry/core/service/storage/alloc.go's
// allocNodePorts wraps portallocator's ErrFull ("range is full") in errors.NewInternalError, so the
// answer is a 500 InternalError, not a field error, and nothing is stored.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findKubectl, kubectl, raw, serve, type Served } from "./serve-helpers.js";

const bin = findKubectl();

// the default --service-node-port-range 30000-32767 holds 2768 ports
const rangeSize = 32767 - 30000 + 1;

describe.skipIf(!bin)("a full nodePort range through kubectl", () => {
  let s: Served;
  const k = (args: string[], input?: string) => kubectl(bin!, s.kubeconfigPath, args, input === undefined ? {} : { input });
  beforeAll(async () => {
    s = await serve({ nodes: 1, speed: 10 });
  });
  afterAll(async () => {
    await s?.stop();
  });

  it("answers 500 InternalError 'failed to allocate a nodePort: range is full' and stores nothing", async () => {
    const ports = Array.from({ length: rangeSize }, (_, i) => ({ name: `p${i}`, port: i + 1, protocol: "TCP" }));
    const filler = { apiVersion: "v1", kind: "Service", metadata: { name: "filler" }, spec: { type: "NodePort", ports } };
    const made = await raw(s, "POST", "/api/v1/namespaces/default/services", { token: s.cluster.adminToken, body: JSON.stringify(filler) });
    expect(made.code).toBe(201);
    const got = JSON.parse(made.body).spec.ports.map((p: any) => p.nodePort).sort((a: number, b: number) => a - b);
    expect(got[0]).toBe(30000);
    expect(got[rangeSize - 1]).toBe(32767);

    const one = { apiVersion: "v1", kind: "Service", metadata: { name: "one" }, spec: { type: "NodePort", ports: [{ port: 80 }] } };
    const refused = await raw(s, "POST", "/api/v1/namespaces/default/services", { token: s.cluster.adminToken, body: JSON.stringify(one) });
    expect(refused.code).toBe(500);
    // errors.NewInternalError: the message prefixed, the error itself as the one cause
    expect(JSON.parse(refused.body)).toEqual({
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message: "Internal error occurred: failed to allocate a nodePort: range is full",
      reason: "InternalError",
      details: { causes: [{ message: "failed to allocate a nodePort: range is full" }] },
      code: 500,
    });
    // kubectl create service wraps the server's error (create_service.go: "failed to create %s service: %v")
    const viaKubectl = await k(["create", "service", "nodeport", "two", "--tcp=80"]);
    expect(viaKubectl.err).toBe("error: failed to create NodePort service: Internal error occurred: failed to allocate a nodePort: range is full\n");
    const viaFile = await k(["create", "-f", "-"], JSON.stringify(one));
    expect(viaFile.err).toBe('Error from server (InternalError): error when creating "STDIN": Internal error occurred: failed to allocate a nodePort: range is full\n');
    expect((await k(["get", "svc", "one", "two"])).err).toBe('Error from server (NotFound): services "one" not found\nError from server (NotFound): services "two" not found\n');
    // a ClusterIP Service needs no nodePort and is still made
    expect((await k(["create", "service", "clusterip", "three", "--tcp=80"])).out).toBe("service/three created\n");
    // freeing one port lets the next NodePort Service have it
    expect((await k(["patch", "svc", "filler", "--type=json", "-p", '[{"op":"remove","path":"/spec/ports/0"}]'])).code).toBe(0);
    expect((await k(["create", "-f", "-"], JSON.stringify(one))).out).toBe("service/one created\n");
  }, 120_000);
});
