// Why the service account validator refuses a token the API server issued, in its words:
// pkg/serviceaccount/claims.go validator.Validate (v1.35) and the getter's NotFound for the account
// (pkg/controller/serviceaccount/tokengetter.go falls back to the client's Get).

import { describe, expect, it } from "vitest";
import { serviceAccountRefusal, serviceAccountUser, type BoundObject, type IssuedToken } from "./tokenrequest.js";

const now = Date.parse("2026-12-06T10:00:00Z");
const at = (ms: number) => new Date(ms).toISOString();
const obj = (name: string, uid: string, deletionTimestamp?: string) => ({ metadata: { name, uid, ...(deletionTimestamp ? { deletionTimestamp } : {}) } });
const token = (over: Partial<IssuedToken> = {}): IssuedToken => ({ namespace: "default", serviceAccount: "robot", serviceAccountUid: "sa-uid", expires: now + 600_000, jti: "j", forAPI: true, ...over });
const pod: BoundObject = { kind: "Pod", name: "p", uid: "pod-uid" };
const refusal = (t: IssuedToken, account: unknown, bound?: unknown) => serviceAccountRefusal(t, now, (resource) => (resource === "serviceaccounts" ? account : bound));

describe("serviceAccountRefusal says why the validator refuses a token", () => {
  it.each([
    ["past its expiry and go-jose's minute of leeway", token({ expires: now - 61_000 }), obj("robot", "sa-uid"), undefined, "service account token has expired"],
    ["whose account is gone (the client's NotFound)", token(), undefined, undefined, 'serviceaccounts "robot" not found'],
    ["whose account was recreated with another uid", token(), obj("robot", "new-uid"), undefined, "service account UID (new-uid) does not match claim (sa-uid)"],
    ["whose account was deleted over a minute ago", token(), obj("robot", "sa-uid", at(now - 61_000)), undefined, "service account default/robot has been deleted"],
    ["bound to a pod that is gone", token({ bound: pod }), obj("robot", "sa-uid"), undefined, "service account token has been invalidated"],
    ["bound to a pod recreated with another uid", token({ bound: pod }), obj("robot", "sa-uid"), obj("p", "other"), "pod UID (other) does not match service account pod ref claim (pod-uid)"],
    ["bound to a pod deleted over a minute ago", token({ bound: pod }), obj("robot", "sa-uid"), obj("p", "pod-uid", at(now - 61_000)), "service account token has been invalidated"],
    ["bound to a secret recreated with another uid", token({ bound: { kind: "Secret", name: "s", uid: "s-uid" } }), obj("robot", "sa-uid"), obj("s", "x"), "secret UID (x) does not match service account secret ref claim (s-uid)"],
    ["bound to a node recreated with another uid", token({ bound: { kind: "Node", name: "n", uid: "n-uid" } }), obj("robot", "sa-uid"), obj("n", "y"), "node UID (y) does not match service account node ref claim (n-uid)"],
    ["bound to a node that is gone", token({ bound: { kind: "Node", name: "n", uid: "n-uid" } }), obj("robot", "sa-uid"), undefined, "service account token has been invalidated"],
  ])("a token %s", (_n, t, account, bound, want) => {
    expect(refusal(t, account, bound)).toBe(want);
    // the authenticator accepts exactly the tokens the validator does not refuse
    expect(serviceAccountUser(t, now, (resource) => (resource === "serviceaccounts" ? account : bound))).toBeUndefined();
  });

  it("expiry is checked before the account: an expired token of a deleted account is expired", () => {
    expect(refusal(token({ expires: now - 61_000 }), undefined)).toBe("service account token has expired");
  });

  it("a valid token bound to a live pod, or within the leeway, is not refused", () => {
    expect(refusal(token({ bound: pod, expires: now - 60_000 }), obj("robot", "sa-uid"), obj("p", "pod-uid", at(now - 59_000)))).toBeUndefined();
  });
});
