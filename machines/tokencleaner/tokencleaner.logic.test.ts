import { describe, expect, it } from "vitest";
import type { Secret } from "kubernetes-types/core/v1";
import { evalSecret, isWatchedToken } from "./tokencleaner.logic.js";
import { getExpiration, parseRFC3339 } from "../common/bootstraptoken.js";

// Expectations from pkg/controller/bootstrap/tokencleaner_test.go (newTokenSecret: kube-system,
// type bootstrap.kubernetes.io/token; addSecretExpiration) and cluster-bootstrap's GetExpiration.
const NOW = Date.parse("2026-01-01T12:00:00Z");
const b64 = (s: string) => Buffer.from(s).toString("base64");
const timeString = (deltaMs: number) => new Date(NOW + deltaMs).toISOString().replace(/\.000Z$/, "Z");
function tokenSecret(expiration?: string): Secret {
  const data: Record<string, string> = { "token-id": b64("tokenID"), "token-secret": b64("tokenSecret") };
  if (expiration !== undefined) data.expiration = b64(expiration);
  return { metadata: { name: "bootstrap-token-tokenID", namespace: "kube-system", uid: "0f1e2d3c" }, type: "bootstrap.kubernetes.io/token", data };
}

describe("the token cleaner's evalSecret (tokencleaner_test.go)", () => {
  it("TestCleanerNoExpiration: a token without an expiration is kept, and not looked at again", () => {
    expect(evalSecret(tokenSecret(), NOW)).toEqual({ action: "keep" });
  });
  it("TestCleanerExpired: a token expired an hour ago is deleted with its uid as precondition", () => {
    expect(evalSecret(tokenSecret(timeString(-3_600_000)), NOW)).toEqual({ action: "delete", uid: "0f1e2d3c" });
  });
  it("TestCleanerNotExpired / TestCleanerExpiredAt: a token expiring later is not deleted but queued again when it expires", () => {
    expect(evalSecret(tokenSecret(timeString(3_600_000)), NOW)).toEqual({ action: "requeueAfter", ms: 3_600_000 });
    expect(evalSecret(tokenSecret(timeString(2_000)), NOW)).toEqual({ action: "requeueAfter", ms: 2_000 });
    expect(evalSecret(tokenSecret(timeString(2_000)), NOW + 2_000)).toEqual({ action: "delete", uid: "0f1e2d3c" });
  });
  it("an expiration that does not parse as RFC 3339 counts as expired (GetExpiration)", () => {
    for (const bad of ["tomorrow", "2020-09-13", "2020-09-13 04:39:10Z", "2020-13-01T00:00:00Z", "2021-02-29T00:00:00Z"]) {
      expect(getExpiration(tokenSecret(bad), NOW)).toEqual({ remainingMs: 0, expired: true });
    }
  });
  it("RFC 3339 offsets and fractions are read as Go's time.Parse reads them", () => {
    expect(parseRFC3339("2020-09-13T04:39:10Z")).toBe(Date.UTC(2020, 8, 13, 4, 39, 10));
    expect(parseRFC3339("2020-09-13T06:39:10.5+02:00")).toBe(Date.UTC(2020, 8, 13, 4, 39, 10, 500));
  });
  it("watches only bootstrap token Secrets in kube-system (the informer's FilterFunc)", () => {
    expect(isWatchedToken(tokenSecret())).toBe(true);
    expect(isWatchedToken({ ...tokenSecret(), type: "Opaque" })).toBe(false);
    expect(isWatchedToken({ ...tokenSecret(), metadata: { name: "bootstrap-token-abcdef", namespace: "default" } })).toBe(false);
  });
});
