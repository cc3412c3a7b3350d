// A machine that throws while handling an event is caught at the actor boundary: the request it
// had in hand gets kube-apiserver's 500 InternalError, the fault is traced, and everything else
// goes on. The faulty machine is a variant built from outside (machine.provide), as mutants are.

import { describe, it, expect } from "vitest";
import { assign, type AnyStateMachine } from "xstate";
import { createCluster, type Cluster } from "./cluster.js";
import * as L from "../machines/apiserver/apiserver.logic.js";
import type { ApiServerContext } from "../machines/apiserver/apiserver.logic.js";

/** An API server whose validation throws on any object named "explode", as a logic bug on a hostile shape would. */
function throwsOnExplode(m: AnyStateMachine): AnyStateMachine {
  return m.provide({
    actions: {
      runValidation: assign(({ context }: { context: ApiServerContext }) => {
        if (context.current?.obj?.metadata?.name === "explode") throw new TypeError("Cannot read properties of undefined (reading 'explode')");
        return L.runValidation(context);
      }),
    },
  } as never);
}

/** A cluster of etcd and the API server (the variant), and a client endpoint that records what it is sent. */
function setUp(): { cluster: Cluster; got: any[]; send: (id: number, req: object) => void } {
  const cluster = createCluster({ seed: 1, clock: "simulated", only: ["etcd", "apiserver"] });
  cluster.runtime.replace("apiserver", throwsOnExplode);
  cluster.runtime.settle();
  const got: any[] = [];
  cluster.runtime.external("client", (msg) => got.push(msg));
  const send = (id: number, req: object) => cluster.runtime.send("client", "apiserver", { type: "ApiRequest", id, token: cluster.adminToken, ...req } as any);
  return { cluster, got, send };
}

const configMap = (name: string) => ({ verb: "create", group: "", resource: "configmaps", namespace: "default", body: { apiVersion: "v1", kind: "ConfigMap", metadata: { name }, data: { a: "b" } } });

describe("a fault in one request never takes the API server down", () => {
  it("the request whose handling throws gets a 500 InternalError worded as kube-apiserver's, and nothing is written", () => {
    const { cluster, got, send } = setUp();
    const revision = cluster.runtime.snapshot("etcd").context.revision;
    send(1, configMap("explode"));
    cluster.runtime.settle();
    expect(got).toEqual([
      expect.objectContaining({
        type: "ApiResponse", id: 1, ok: false, code: 500,
        status: {
          kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", code: 500, reason: "InternalError",
          message: "Internal error occurred: Cannot read properties of undefined (reading 'explode')",
          details: { causes: [{ message: "Cannot read properties of undefined (reading 'explode')" }] },
        },
      }),
    ]);
    expect(cluster.runtime.snapshot("etcd").context.revision).toBe(revision);
    expect(cluster.get("ConfigMap", "explode")).toBeUndefined();
    expect(cluster.runtime.snapshot("apiserver").value).toBe("idle");
  });

  it("the API server goes on serving: the next request succeeds", () => {
    const { cluster, got, send } = setUp();
    send(1, configMap("explode"));
    cluster.runtime.settle();
    send(2, configMap("fine"));
    cluster.runtime.settle();
    expect(got.map((m) => [m.id, m.code])).toEqual([[1, 500], [2, 201]]);
    expect(cluster.get("ConfigMap", "fine")?.data).toEqual({ a: "b" });
  });

  it("a faulty request queued behind a write fails alone: the write before it and the request after it are answered", () => {
    const { cluster, got, send } = setUp();
    // Sent together: the first is persisting when the other two arrive, so the faulty one is
    // handled while the API server handles etcd's answer to the first.
    send(1, configMap("first"));
    send(2, configMap("explode"));
    send(3, configMap("third"));
    cluster.runtime.settle();
    expect(got.map((m) => [m.id, m.code])).toEqual([[1, 201], [2, 500], [3, 201]]);
    expect(cluster.list("ConfigMap", { namespace: "default" }).map((c) => c.metadata.name)).toEqual(["first", "third"]);
  });

  it("the fault is counted and traced with the actor, the event and the message", () => {
    const { cluster, send } = setUp();
    send(1, configMap("explode"));
    cluster.runtime.settle();
    expect(cluster.runtime.internalErrorCount).toBe(1);
    expect(cluster.runtime.internalErrors).toEqual([{ actor: "apiserver", event: "ApiRequest", message: "Cannot read properties of undefined (reading 'explode')", t: cluster.now() }]);
    const faults = cluster.trace().filter((e) => e.kind === "fault" && e.fault === "internalError");
    expect(faults).toEqual([expect.objectContaining({ detail: "apiserver threw handling ApiRequest create configmaps default: Cannot read properties of undefined (reading 'explode')" })]);
  });
});
