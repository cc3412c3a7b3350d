// The token manager's TokenRequest for a projected serviceAccountToken source (pkg/volume/projected/projected.go
// collectData): audiences only when the source names one, the source's expirationSeconds, the pod bound by name and uid.

import { describe, expect, it } from "vitest";
import type { Pod } from "kubernetes-types/core/v1";
import { onTokenResponse, tokenFile, tokenRequestBody } from "./tokens.js";
import type { PodWorker } from "./types.js";

const pod: Pod = { metadata: { name: "web", namespace: "default" }, spec: { containers: [] } };

describe("tokenRequestBody", () => {
  const rows: Array<[string, { audience?: string; expirationSeconds?: number; path: string }, object]> = [
    ["the admission plugin's source asks for 3607 s and no audience (the API server's)", { expirationSeconds: 3607, path: "token" }, { expirationSeconds: 3607 }],
    ["a source with an audience asks for that one audience", { audience: "vault", expirationSeconds: 600, path: "vault-token" }, { audiences: ["vault"], expirationSeconds: 600 }],
  ];
  for (const [name, source, spec] of rows) {
    it(name, () => {
      expect(tokenRequestBody(pod, "uid-1", source)).toEqual({
        apiVersion: "authentication.k8s.io/v1",
        kind: "TokenRequest",
        spec: { ...spec, boundObjectRef: { apiVersion: "v1", kind: "Pod", name: "web", uid: "uid-1" } },
      });
    });
  }
});

describe("onTokenResponse", () => {
  const asked = { "v/token": { kind: "asked" } } as const;
  const answered = (tokens: any, res: any) => ({ tokens: onTokenResponse(tokens, "v/token", { type: "ApiResponse", id: 1, ...res }) }) as unknown as PodWorker;
  it("an answered request is the file's content", () => {
    const w = answered(asked, { ok: true, code: 201, object: { status: { token: "a.b.c" } } });
    expect(tokenFile(w, "v", "token")).toEqual({ token: "a.b.c" });
  });
  it("a refused request is the mount's error in token_manager's words", () => {
    const w = answered(asked, { ok: false, code: 404, status: { message: 'serviceaccounts "x" not found' } });
    expect(tokenFile(w, "v", "token")).toEqual({ error: 'failed to fetch token: serviceaccounts "x" not found' });
  });
  it("an answer no one waits for changes nothing", () => {
    const w = answered({}, { ok: true, code: 201, object: { status: { token: "a.b.c" } } });
    expect(tokenFile(w, "v", "token")).toBeUndefined();
  });
});
