// ValidateTokenRequest (pkg/apis/authentication/validation): spec.expirationSeconds may be from
// MinTokenAgeSec (10 minutes) to MaxTokenAgeSec (2^32 seconds), both ends included.
import { describe, expect, it } from "vitest";
import { prepareTokenRequest } from "./tokenrequest.js";

const sa = { metadata: { name: "robot", namespace: "default", uid: "sa-uid" } };
const ask = (expirationSeconds: number) => prepareTokenRequest(sa, { spec: { expirationSeconds } }, Date.parse("2026-01-01T00:00:00Z"), () => undefined);
const refusal = (r: ReturnType<typeof ask>) => ("error" in r ? r.error.details?.causes?.map((c: { message?: string }) => c.message) : undefined);

describe("a TokenRequest's expirationSeconds", () => {
  it("599 s is refused: less than 10 minutes", () => expect(refusal(ask(599))).toEqual(["Invalid value: 599: may not specify a duration less than 10 minutes"]));
  it("600 s, exactly 10 minutes, is accepted", () => expect(refusal(ask(600))).toBeUndefined());
  it("2^32 s is accepted", () => expect(refusal(ask(2 ** 32))).toBeUndefined());
  it("2^32 + 1 s is refused", () => expect(refusal(ask(2 ** 32 + 1))).toEqual([`Invalid value: ${2 ** 32 + 1}: may not specify a duration larger than 2^32 seconds`]));
});
