// Why legacy.go's legacyValidator.Validate (v1.35, lookup on) refuses a secret-based token, in its words.

import { describe, expect, it } from "vitest";
import { invalidSinceLabel, legacyTokenRefusal, legacyTokenUser, type LegacyToken } from "./legacytoken.js";

const token = "h.p.sig";
const t = { namespace: "default", secretName: "s", serviceAccount: "robot", serviceAccountUid: "sa-uid", signed: "h.p" } satisfies LegacyToken;
const secret = (over: { deleting?: boolean; data?: string; labels?: Record<string, string> } = {}) => ({
  metadata: { name: "s", uid: "s-uid", ...(over.deleting ? { deletionTimestamp: "2026-12-06T10:00:00Z" } : {}), ...(over.labels ? { labels: over.labels } : {}) },
  data: { token: Buffer.from(over.data ?? token).toString("base64") },
});
const account = (uid = "sa-uid", deleting = false) => ({ metadata: { name: "robot", uid, ...(deleting ? { deletionTimestamp: "2026-12-06T10:00:00Z" } : {}) } });
const lookupOf = (sec: unknown, sa: unknown) => (resource: string) => (resource === "secrets" ? sec : sa);

describe("legacyTokenRefusal says why the legacy validator refuses a secret-based token", () => {
  it.each([
    ["whose Secret is gone", undefined, account(), "Token has been invalidated"],
    ["whose Secret is being deleted", secret({ deleting: true }), account(), "Token has been invalidated"],
    ["whose Secret holds another token", secret({ data: "other" }), account(), "Token does not match server's copy"],
    ["whose account is gone (the client's NotFound)", secret(), undefined, 'serviceaccounts "robot" not found'],
    ["whose account is being deleted", secret(), account("sa-uid", true), "ServiceAccount default/robot has been deleted"],
    ["whose account was recreated with another uid", secret(), account("new"), "ServiceAccount UID (new) does not match claim (sa-uid)"],
    [
      "whose Secret the cleaner marked invalid",
      secret({ labels: { [invalidSinceLabel]: "2026-12-01" } }),
      account(),
      "the token in secret default/s for service account default/robot has been marked invalid. Use tokens from the TokenRequest API or manually created secret-based tokens, or remove the 'kubernetes.io/legacy-token-invalid-since' label from the secret to temporarily allow use of this token",
    ],
  ])("a token %s", (_n, sec, sa, want) => {
    expect(legacyTokenRefusal(t, token, lookupOf(sec, sa))).toBe(want);
    expect(legacyTokenUser(t, token, lookupOf(sec, sa))).toBeUndefined();
  });

  it('a token whose Secret and account are as issued is accepted; an empty invalid-since label marks nothing (invalidSince != "")', () => {
    expect(legacyTokenRefusal(t, token, lookupOf(secret({ labels: { [invalidSinceLabel]: "" } }), account()))).toBeUndefined();
    expect(legacyTokenUser(t, token, lookupOf(secret(), account()))?.name).toBe("system:serviceaccount:default:robot");
  });
});
