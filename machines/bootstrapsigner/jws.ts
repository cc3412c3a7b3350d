// k8s.io/cluster-bootstrap/token/jws: a JWS (RFC 7515) compact serialization signed HS256 with the
// token secret, its payload left out (Appendix F, detached content): "<header>..<signature>".
// HMAC-SHA256 from node:crypto; the jose package's signers are async, and a machine step is not.

import { createHmac } from "node:crypto";

const b64url = (b: Buffer): string => b.toString("base64url");

/** ComputeDetachedSignature: header {"alg":"HS256","kid":<token id>}, the content signed, the payload dropped. */
export function computeDetachedSignature(content: string, tokenId: string, tokenSecret: string): string {
  // go-jose wants HS256 keys of 32 bytes at least: a shorter secret is padded with zeros.
  const secret = Buffer.from(tokenSecret, "utf8");
  const key = secret.length < 32 ? Buffer.concat([secret, Buffer.alloc(32 - secret.length)]) : secret;
  // go-jose marshals the protected header's keys in sorted order: alg, then kid.
  const header = b64url(Buffer.from(JSON.stringify({ alg: "HS256", kid: tokenId }), "utf8"));
  const signingInput = `${header}.${b64url(Buffer.from(content, "utf8"))}`;
  const signature = b64url(createHmac("sha256", key).update(signingInput, "utf8").digest());
  return `${header}..${signature}`;
}

/** DetachedTokenIsValid: the detached JWS is the one this content and token give. */
export function detachedTokenIsValid(detachedToken: string, content: string, tokenId: string, tokenSecret: string): boolean {
  return detachedToken === computeDetachedSignature(content, tokenId, tokenSecret);
}
