import { describe, expect, it } from "vitest";
import { computeDetachedSignature, detachedTokenIsValid } from "./jws.js";

// The vectors of k8s.io/cluster-bootstrap/token/jws/jws_test.go and, for "abc123"/"tokenSecret"
// over "payload", of pkg/controller/bootstrap/bootstrapsigner_test.go (TestSimpleSign).
const content = "Hello from the other side. I must have called a thousand times.";
const secret = "my voice is my passcode";
const id = "joshua";

describe("ComputeDetachedSignature (jws_test.go)", () => {
  it("signs content with the token as HS256, the header naming the token id, the payload left out", () => {
    expect(computeDetachedSignature(content, id, secret)).toBe("eyJhbGciOiJIUzI1NiIsImtpZCI6Impvc2h1YSJ9..VShe2taLd-YTrmWuRkcL_8QTNDHYxQIEBsAYYiIj1_8");
  });
  it("signs empty content", () => {
    expect(computeDetachedSignature("", id, secret)).toBe("eyJhbGciOiJIUzI1NiIsImtpZCI6Impvc2h1YSJ9..7Ui1ALizW4jXphVUB7xUqC9vLYLL9RZeOFfVLoB7Tgk");
  });
  it("signs with an empty secret (zero-padded to 32 bytes)", () => {
    expect(computeDetachedSignature(content, id, "")).toBe("eyJhbGciOiJIUzI1NiIsImtpZCI6Impvc2h1YSJ9..UfkqvDGiIFxrMnFseDj9LYJOLNrvjW8aHhF71mvvAs8");
  });
  it("gives the bootstrap signer test's signature for token abc123.tokenSecret over \"payload\"", () => {
    expect(computeDetachedSignature("payload", "abc123", "tokenSecret")).toBe("eyJhbGciOiJIUzI1NiIsImtpZCI6ImFiYzEyMyJ9..QSxpUG7Q542CirTI2ECPSZjvBOJURUW5a7XqFpNI958");
  });
});

describe("DetachedTokenIsValid (jws_test.go)", () => {
  it("accepts the signature the content and token give, and refuses another", () => {
    const sig = "eyJhbGciOiJIUzI1NiIsImtpZCI6Impvc2h1YSJ9..VShe2taLd-YTrmWuRkcL_8QTNDHYxQIEBsAYYiIj1_8";
    expect(detachedTokenIsValid(sig, content, id, secret)).toBe(true);
    expect(detachedTokenIsValid(`${sig}foo`, content, id, secret)).toBe(false);
  });
});
