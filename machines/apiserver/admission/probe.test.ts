import { describe, it, expect } from "vitest";
import { mutate } from "./index.js";

// GRPCAction.service carries `+default=""` (k8s.io/api core/v1 types.go): the generated defaulter sets it.
describe("gRPC probe defaulting", () => {
  const pod = (grpc: object) => ({ apiVersion: "v1", kind: "Pod", metadata: { name: "p", namespace: "default" }, spec: { containers: [{ name: "etcd", image: "registry.k8s.io/etcd:3.5.1-0", livenessProbe: { grpc } }] } });
  it("a grpc probe without a service gets the empty service name", () => {
    expect(mutate(pod({ port: 2379 }), { now: "2026-01-01T00:00:00Z", operation: "CREATE" }).spec.containers[0].livenessProbe.grpc).toEqual({ port: 2379, service: "" });
  });
  it("a named service is kept", () => {
    expect(mutate(pod({ port: 2379, service: "liveness" }), { now: "2026-01-01T00:00:00Z", operation: "CREATE" }).spec.containers[0].livenessProbe.grpc.service).toBe("liveness");
  });
});
