// The API server's issued tokens, remembered with their earliest expiry: the same map, request by
// request, as walking every token (the code before the memo). An expired token is one whose exp is
// more than go-jose's jwt.DefaultLeeway (1 minute) behind now (pkg/serviceaccount/claims.go).
import fc from "fast-check";
import { Map as IMap } from "immutable";
import { describe, expect, it } from "vitest";
import { forgetExpired, jwtLeewayMs, withIssued, type IssuedToken } from "./tokenrequest.js";

const token = (expires: number): IssuedToken => ({ namespace: "default", serviceAccount: "default", serviceAccountUid: "u", expires, jti: String(expires), forAPI: true });

// the full computation: every token looked at on every request
const fullForget = (issued: IMap<string, IssuedToken>, now: number) => {
  const expired = (t: IssuedToken) => now - jwtLeewayMs > t.expires;
  return issued.some(expired) ? issued.filter((t) => !expired(t)) : issued;
};

const op = fc.record({
  key: fc.integer({ min: 0, max: 40 }).map(String),
  expires: fc.oneof(fc.integer({ min: 0, max: 10_000_000 }), fc.constant(Number.NaN)),
  // time mostly moves on, by up to ~an hour and a half, and sometimes a request is answered out of order
  advance: fc.integer({ min: -120_000, max: 5_000_000 }),
  forgetOnly: fc.boolean(),
});

describe("issued tokens: forgetting the expired ones", () => {
  it("keeps, request by request, the tokens a walk of all of them keeps, and the same map when none expired", () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 200 }), fc.boolean(), (ops, fresh) => {
        let mine = IMap<string, IssuedToken>();
        let full = IMap<string, IssuedToken>();
        let now = 0;
        for (const o of ops) {
          now += o.advance;
          // a map the memo never saw (a context restored from elsewhere) is walked once
          const from = fresh ? IMap(mine) : mine;
          const want = fullForget(full, now);
          if (o.forgetOnly) {
            const got = forgetExpired(from, now);
            expect(got.equals(want)).toBe(true);
            expect(got === from).toBe(want === full);
            mine = got;
            full = want;
          } else {
            const t = token(o.expires);
            mine = withIssued(from, o.key, t, now);
            full = want.set(o.key, t);
            expect(mine.equals(full)).toBe(true);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it("forgets a token 1 minute and 1 ms past its expiry, not one exactly 1 minute past", () => {
    const issued = IMap({ a: token(1_000_000) });
    expect(forgetExpired(issued, 1_000_000 + 60_000).has("a")).toBe(true);
    expect(forgetExpired(issued, 1_000_000 + 60_001).has("a")).toBe(false);
    const after = withIssued(issued, "b", token(5_000_000), 1_000_000 + 60_001);
    expect([...after.keys()]).toEqual(["b"]);
  });
});
