// fileKeyRef (EnvFiles) create-time validation, end to end through the API server:
// validateFileKeySelector (key a relaxed env var name, volumeName a DNS-1123 label, path without
// backsteps, each required) and validateFileKeyRefVolumes (the volume exists and is an emptyDir).

import { describe, expect, it } from "vitest";
import { createCluster } from "../../../runtime/cluster.js";

const pod = (ref: Record<string, unknown>, volumes: unknown[] = [{ name: "config", emptyDir: {} }]) => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name: "envfile" },
  spec: {
    volumes,
    containers: [{ name: "app", image: "busybox", command: ["sh", "-c", "env"], env: [{ name: "DB_ADDRESS", valueFrom: { fileKeyRef: ref } }] }],
  },
});

const at = "spec.containers[0].env[0].valueFrom.fileKeyRef";

describe("fileKeyRef validation (EnvFiles)", () => {
  const c = createCluster({ nodes: 1, seed: 2 });
  const create = (body: unknown) => c.requestSync({ verb: "create", group: "", resource: "pods", namespace: "default", body, dryRun: true });
  const message = (body: unknown) => {
    const r = create(body);
    return r.ok ? "created" : r.status.message;
  };

  it("accepts a reference to a file of an emptyDir volume", () => {
    expect(message(pod({ volumeName: "config", path: "config.env", key: "DB_ADDRESS" }))).toBe("created");
  });

  it.each([
    { name: "a volume the pod does not have is Not found", ref: { volumeName: "nope", path: "config.env", key: "K" }, want: `Pod "envfile" is invalid: ${at}.volumeName: Not found: "nope"` },
    { name: "a missing key is required", ref: { volumeName: "config", path: "config.env" }, want: `Pod "envfile" is invalid: ${at}.key: Required value` },
    { name: "a missing path is required", ref: { volumeName: "config", key: "K" }, want: `Pod "envfile" is invalid: ${at}.path: Required value` },
    { name: "a path with a backstep is invalid", ref: { volumeName: "config", path: "../config.env", key: "K" }, want: `Pod "envfile" is invalid: ${at}.path: Invalid value: "../config.env": must not contain '..'` },
    { name: "a key with '=' is not an environment variable name", ref: { volumeName: "config", path: "config.env", key: "A=B" }, want: `Pod "envfile" is invalid: ${at}.key: Invalid value: "A=B": a valid environment variable name must consist only of printable ASCII characters other than '='` },
  ])("$name", ({ ref, want }) => {
    expect(message(pod(ref))).toBe(want);
  });

  it("a volume that is not an emptyDir is refused", () => {
    expect(message(pod({ volumeName: "config", path: "config.env", key: "K" }, [{ name: "config", configMap: { name: "cm" } }])))
      .toBe(`Pod "envfile" is invalid: ${at}.volumeName: Invalid value: "config": referenced volume must be of type emptyDir`);
  });

  it("a volumeName that is no DNS label is invalid and, naming no volume, not found", () => {
    const r = create(pod({ volumeName: "Config", path: "config.env", key: "K" }));
    expect(!r.ok && r.status.details?.causes?.map((x: any) => `${x.field}: ${x.message}`)).toEqual([
      `${at}.volumeName: Invalid value: "Config": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`,
      `${at}.volumeName: Not found: "Config"`,
    ]);
  });
});
