// The fourteenth hostile round, each answer checked against kube-apiserver 1.35's source: a
// TokenRequest's boundObjectRef judged as token.go judges it (the core group's Pod, Node or Secret
// only, the pod running as the account, the registry's key checks on the name, the request echoed);
// impersonated extras whose header names unescape to one key kept together; a pod's grace period
// turned into a duration as Go multiplies it (time.Second * time.Duration(n) wraps past 292 years);
// names in messages quoted as strconv.Quote quotes them; a pod-bound token's node claims and the
// node extras of pod- and node-bound tokens; a TokenReview's token read as the bearer token
// authenticator reads a header, and its error for a token no authenticator knows; the kubelet's
// 3607-second pod-bound token extended to a year.

import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { serve, raw, until, type Served } from "./serve-helpers.js";

let s: Served;
const admin = (method: string, path: string, body?: unknown, contentType = "application/json") => {
  const text = body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body);
  return raw(s, method, path, { token: s.cluster.adminToken, ...(text !== undefined ? { body: text } : {}), headers: { "Content-Type": contentType, ...(text !== undefined ? { "Content-Length": String(Buffer.byteLength(text)) } : {}) } });
};
const status = (r: { body: string }) => JSON.parse(r.body);
const ns = "/api/v1/namespaces/default";

beforeAll(async () => {
  s = await serve({ nodes: 1 });
}, 60_000);
afterAll(async () => {
  await s?.stop();
});

// pkg/registry/core/serviceaccount/storage/token.go (TokenREST.Create)
describe("a TokenRequest's boundObjectRef judged as token.go judges it", () => {
  const token = (boundObjectRef: unknown) => admin("POST", `${ns}/serviceaccounts/robot/token`, { spec: { boundObjectRef } });
  beforeAll(async () => {
    expect((await admin("POST", `${ns}/serviceaccounts`, { metadata: { name: "robot" } })).code).toBe(201);
    const pod = (name: string, sa?: string) => ({ metadata: { name }, spec: { ...(sa ? { serviceAccountName: sa } : {}), containers: [{ name: "c", image: "nginx" }] } });
    // the ServiceAccount admission plugin waits for the account to be seen
    expect(await until(async () => (await admin("POST", `${ns}/pods`, pod("as-robot", "robot"))).code === 201, 10_000)).toBe(true);
    expect((await admin("POST", `${ns}/pods`, pod("as-default"))).code).toBe(201);
  });

  it("a pod running as another account is 400 and no token is issued", async () => {
    const r = await token({ kind: "Pod", apiVersion: "v1", name: "as-default" });
    expect(r.code).toBe(400);
    expect(status(r).reason).toBe("BadRequest");
    expect(status(r).message).toBe('cannot bind token for serviceaccount "robot" to pod running with different serviceaccount name.');
    expect(status(r).status).toBe("Failure");
  });

  it("a Pod of another group, or any other kind, is refused naming FromAPIVersionAndKind's group and version", async () => {
    const cases: Array<[unknown, string]> = [
      [{ kind: "Pod", apiVersion: "apps/v1", name: "as-robot" }, "cannot bind token to object of type apps/v1, Kind=Pod"],
      [{ kind: "ConfigMap", apiVersion: "v1", name: "as-robot" }, "cannot bind token to object of type /v1, Kind=ConfigMap"],
      // ParseGroupVersion refuses a/b/c: the kind alone is left
      [{ kind: "ConfigMap", apiVersion: "a/b/c", name: "as-robot" }, "cannot bind token to object of type /, Kind=ConfigMap"],
      [{ name: "as-robot" }, "cannot bind token to object of type /, Kind="],
    ];
    for (const [ref, message] of cases) {
      const r = await token(ref);
      expect([r.code, status(r).message], JSON.stringify(ref)).toEqual([400, message]);
    }
  });

  it("a Pod whose apiVersion does not parse has no group: it binds, and the reference is answered as it was sent", async () => {
    const r = await token({ kind: "Pod", apiVersion: "a/b/c", name: "as-robot" });
    expect(r.code).toBe(201);
    // out := req.DeepCopy(): no uid filled in, the apiVersion kept
    expect(status(r).spec.boundObjectRef).toEqual({ kind: "Pod", apiVersion: "a/b/c", name: "as-robot" });
    expect(status(r).metadata.creationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const claims = JSON.parse(Buffer.from(status(r).status.token.split(".")[1], "base64url").toString());
    expect(claims["kubernetes.io"].pod.name).toBe("as-robot");
  });

  it("an empty or unsafe name is the registry's key error (400), not a NotFound", async () => {
    const empty = await token({ kind: "Pod", apiVersion: "v1", name: "" });
    expect([empty.code, status(empty).message]).toEqual([400, "Name parameter required."]);
    const unsafe = await token({ kind: "Secret", apiVersion: "v1", name: "a%b" });
    expect([unsafe.code, status(unsafe).message]).toEqual([400, `Name parameter invalid: "a%b": may not contain '%'`]);
    const dots = await token({ kind: "Node", apiVersion: "v1", name: ".." });
    expect([dots.code, status(dots).message]).toEqual([400, `Name parameter invalid: "..": may not be '..'`]);
  });
});

// staging/src/k8s.io/apiserver/pkg/endpoints/filters/impersonation.go: userExtra[extraKey] = append(userExtra[extraKey], extraValue)
describe("impersonated extras whose header names unescape to one key are one extra", () => {
  const whoami = (headers: Record<string, string>) =>
    raw(s, "POST", "/apis/authentication.k8s.io/v1/selfsubjectreviews", { token: s.cluster.adminToken, body: JSON.stringify({ apiVersion: "authentication.k8s.io/v1", kind: "SelfSubjectReview" }), headers: { "Content-Type": "application/json", ...headers } });

  it("Impersonate-Extra-a%62 and Impersonate-Extra-ab both set the extra ab: every value is kept", async () => {
    const r = await whoami({ "Impersonate-User": "alice", "Impersonate-Extra-a%62": "x", "Impersonate-Extra-ab": "y" });
    expect(r.code).toBe(201);
    // Go ranges over the header map, so the values' order is not fixed: both are there
    expect([...status(r).status.userInfo.extra.ab].sort()).toEqual(["x", "y"]);
    expect(Object.keys(status(r).status.userInfo.extra)).toEqual(["ab"]);
  });

  it("an empty key after the prefix is the extra named by the empty string", async () => {
    const r = await whoami({ "Impersonate-User": "alice", "Impersonate-Extra-": "v" });
    expect(r.code).toBe(201);
    expect(status(r).status.userInfo.extra).toEqual({ "": ["v"] });
  });
});

// staging/src/k8s.io/apiserver/pkg/registry/rest/delete.go (BeforeDelete):
// now := metav1.NewTime(metav1.Now().Add(time.Second * time.Duration(*options.GracePeriodSeconds)))
describe("a pod's grace period made a duration as BeforeDelete makes it: int64 nanoseconds that wrap", () => {
  const pods = `${ns}/pods`;
  const scheduled = async (name: string) => {
    expect((await admin("POST", pods, { metadata: { name }, spec: { containers: [{ name: "c", image: "nginx" }] } })).code).toBe(201);
    // CheckGracefulDelete gives an unscheduled pod no grace period at all
    const pod = await until(async () => {
      const r = await admin("GET", `${pods}/${name}`);
      return status(r).spec?.nodeName ? status(r) : undefined;
    }, 20_000);
    expect(pod).toBeDefined();
    return Date.parse(pod.metadata.creationTimestamp);
  };
  const seconds = (a: number, b: number) => (a - b) / 1000;

  it("18446740473 s is 2^64 ns and 3,600.7 s short of it: the deletionTimestamp is an hour in the past, not in the year 2611", async () => {
    const created = await scheduled("grace-wrap");
    const r = await admin("DELETE", `${pods}/grace-wrap?gracePeriodSeconds=18446740473`);
    expect(r.code).toBe(200);
    expect(status(r).metadata.deletionGracePeriodSeconds).toBe(18446740473);
    // created a few (simulated) seconds before the delete; the duration is -3600.7 s
    const offset = seconds(Date.parse(status(r).metadata.deletionTimestamp), created);
    expect(offset).toBeGreaterThan(-3602);
    expect(offset).toBeLessThan(-3400);
  });

  it("2^63-1 s (kubectl delete --grace-period=9223372036854775807) is a time, not a 500: -1 s from now", async () => {
    const created = await scheduled("grace-max");
    const r = await admin("DELETE", `${pods}/grace-max?gracePeriodSeconds=9223372036854775807`);
    expect(r.code).toBe(200);
    const offset = seconds(Date.parse(status(r).metadata.deletionTimestamp), created);
    expect(offset).toBeGreaterThan(-2);
    expect(offset).toBeLessThan(200);
    // the server goes on
    expect((await admin("GET", `${pods}`)).code).toBe(200);
  });
});

// NewNotFound and NewInvalid write the name with %q: strconv.Quote escapes what strconv.IsPrint refuses
describe("a name in a Status message quoted as Go's %q quotes it (strconv.Quote)", () => {
  const cms = `${ns}/configmaps`;

  it("an unprintable rune is \\uNNNN: a zero-width space, a no-break space, a soft hyphen, a line separator", async () => {
    for (const [escaped, quoted] of [["%E2%80%8B", "\\u200b"], ["%C2%A0", "\\u00a0"], ["%C2%AD", "\\u00ad"], ["%E2%80%A8", "\\u2028"], ["%EF%BB%BF", "\\ufeff"]]) {
      const r = await admin("GET", `${cms}/${escaped}`);
      expect(r.code).toBe(404);
      expect(status(r).message, escaped).toBe(`configmaps "${quoted}" not found`);
      // the details carry the name itself
      expect(status(r).details.name).toBe(decodeURIComponent(escaped));
    }
  });

  it("BEL, backspace, form feed and vertical tab are \\a, \\b, \\f and \\v; other controls \\xNN", async () => {
    const r = await admin("GET", `${cms}/a%07%08%0C%0B%01b`);
    expect(status(r).message).toBe(`configmaps "a\\a\\b\\f\\v\\x01b" not found`);
  });

  it("letters, marks and symbols of any script are printed as they are", async () => {
    const r = await admin("GET", `${cms}/${encodeURIComponent("ñandú-日本-😀-e\u0301")}`);
    expect(status(r).message).toBe(`configmaps "ñandú-日本-😀-e\u0301" not found`);
  });

  it("a create's Invalid quotes the name and the bad value the same way", async () => {
    const r = await admin("POST", cms, { metadata: { name: "a\u0085b" } });
    expect(r.code).toBe(422);
    expect(status(r).message.startsWith(`ConfigMap "a\\u0085b" is invalid: metadata.name: Invalid value: "a\\u0085b": a lowercase RFC 1123 subdomain`)).toBe(true);
  });
});

// token.go (ServiceAccountTokenPodNodeInfo, GA in 1.32) and pkg/serviceaccount/claims.go's Validate,
// staging/src/k8s.io/apiserver/pkg/authentication/serviceaccount/util.go (ServiceAccountInfo.UserInfo)
describe("a bound token names its node: a scheduled pod's in its claims, and both kinds in the user's extras", () => {
  const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString());
  const whoami = async (token: string) => status(await raw(s, "POST", "/apis/authentication.k8s.io/v1/selfsubjectreviews", { token, body: JSON.stringify({ apiVersion: "authentication.k8s.io/v1", kind: "SelfSubjectReview" }), headers: { "Content-Type": "application/json" } })).status.userInfo;
  let node: { name: string; uid: string };
  beforeAll(async () => {
    expect((await admin("POST", `${ns}/serviceaccounts`, { metadata: { name: "placed" } })).code).toBe(201);
    expect(await until(async () => (await admin("POST", `${ns}/pods`, { metadata: { name: "placed" }, spec: { serviceAccountName: "placed", containers: [{ name: "c", image: "nginx" }] } })).code === 201, 10_000)).toBe(true);
    const nodeName = await until(async () => status(await admin("GET", `${ns}/pods/placed`)).spec?.nodeName as string | undefined, 20_000);
    expect(nodeName).toBeDefined();
    node = { name: nodeName!, uid: status(await admin("GET", `/api/v1/nodes/${nodeName}`)).metadata.uid };
  });

  it("a token bound to a scheduled pod carries kubernetes.io.node, and authenticates with node-name and node-uid beside pod-name and pod-uid", async () => {
    const r = await admin("POST", `${ns}/serviceaccounts/placed/token`, { spec: { boundObjectRef: { kind: "Pod", apiVersion: "v1", name: "placed" } } });
    expect(r.code).toBe(201);
    const token = status(r).status.token;
    expect(claimsOf(token)["kubernetes.io"].node).toEqual(node);
    const extra = (await whoami(token)).extra;
    expect(extra["authentication.kubernetes.io/node-name"]).toEqual([node.name]);
    expect(extra["authentication.kubernetes.io/node-uid"]).toEqual([node.uid]);
    expect(extra["authentication.kubernetes.io/pod-name"]).toEqual(["placed"]);
  });

  it("a token bound to the Node itself authenticates with node-name and node-uid", async () => {
    const r = await admin("POST", `${ns}/serviceaccounts/placed/token`, { spec: { boundObjectRef: { kind: "Node", apiVersion: "v1", name: node.name } } });
    expect(r.code).toBe(201);
    const extra = (await whoami(status(r).status.token)).extra;
    expect(extra["authentication.kubernetes.io/node-name"]).toEqual([node.name]);
    expect(extra["authentication.kubernetes.io/node-uid"]).toEqual([node.uid]);
    expect(extra["authentication.kubernetes.io/pod-name"]).toBeUndefined();
  });
});

// pkg/registry/authentication/tokenreview/storage.go puts the token in "Authorization: Bearer <token>";
// staging/src/k8s.io/apiserver/pkg/authentication/request/bearertoken/bearertoken.go reads it back
describe("a TokenReview's token read as the bearer token authenticator reads its header", () => {
  const review = async (token: string) => {
    const r = await admin("POST", "/apis/authentication.k8s.io/v1/tokenreviews", { apiVersion: "authentication.k8s.io/v1", kind: "TokenReview", spec: { token } });
    expect(r.code).toBe(201);
    return status(r).status;
  };

  it("the text after a space is not the token: the admin's token followed by anything authenticates as the admin", async () => {
    const st = await review(`${s.cluster.adminToken} trailing words`);
    expect(st.authenticated).toBe(true);
    expect(st.user.username).toBe("admin");
    // trailing white space is trimmed (strings.TrimSpace)
    expect((await review(`${s.cluster.adminToken} \t\n`)).authenticated).toBe(true);
  });

  it("a token no authenticator knows is refused with bearertoken's invalid bearer token", async () => {
    expect(await review("no-such-token")).toEqual({ user: {}, error: "invalid bearer token" });
    // a tab is no separator: the whole text is the token
    expect(await review(`${s.cluster.adminToken}\tx`)).toEqual({ user: {}, error: "invalid bearer token" });
  });

  it("a token that starts with a space, or is all white space, is no token: not authenticated, and no error", async () => {
    expect(await review(` ${s.cluster.adminToken}`)).toEqual({ user: {} });
    expect(await review("   ")).toEqual({ user: {} });
  });
});

// token.go: r.extendExpiration && pod != nil && ExpirationSeconds == WarnOnlyBoundTokenExpirationSeconds && isKubeAudiences
describe("a pod-bound token asked for 3607 s for the API server lives a year, warning after 3607 s (--service-account-extend-token-expiration)", () => {
  const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString());
  const ask = async (spec: Record<string, unknown>) => {
    const r = await admin("POST", `${ns}/serviceaccounts/robot/token`, { spec });
    expect(r.code).toBe(201);
    return status(r);
  };
  // the account robot and its pod as-robot are made by the first describe
  const pod = { kind: "Pod", apiVersion: "v1", name: "as-robot" };

  it("the token's exp is a year on, its warnafter 3607 s on; the answer's expirationTimestamp is the 3607 s asked", async () => {
    const tr = await ask({ expirationSeconds: 3607, boundObjectRef: pod });
    const c = claimsOf(tr.status.token);
    expect(c.exp - c.iat).toBe(24 * 365 * 60 * 60);
    expect(c["kubernetes.io"].warnafter - c.iat).toBe(3607);
    expect((Date.parse(tr.status.expirationTimestamp) - Date.parse(tr.metadata.creationTimestamp)) / 1000).toBe(3607);
    expect(tr.spec.expirationSeconds).toBe(3607);
  });

  it("another audience, another duration, or no pod: the token ends when asked, with no warnafter", async () => {
    for (const spec of [{ expirationSeconds: 3607, audiences: ["vault"], boundObjectRef: pod }, { expirationSeconds: 3608, boundObjectRef: pod }, { expirationSeconds: 3607 }]) {
      const c = claimsOf((await ask(spec)).status.token);
      expect(c.exp - c.iat, JSON.stringify(spec)).toBe(spec.expirationSeconds);
      expect(c["kubernetes.io"].warnafter).toBeUndefined();
    }
  });
});
