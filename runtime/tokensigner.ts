// The service account token signer: kube-apiserver's --service-account-signing-key-file, kept out of
// the machines. The API server machine decides a token's claims and sends them here; the signer
// answers with the JWT. A live cluster signs RS256 with a key made fresh at start (nobody can
// forge a token); a seeded simulation signs HS256 with a key derived from its seed, so that a run
// and its replay issue the same tokens.

import { createHash, createHmac, createPublicKey, generateKeyPairSync, sign, type KeyObject } from "node:crypto";
import type { SignToken, TokenSigned } from "../machines/messages.js";

const b64url = (b: Buffer | string) => Buffer.from(b).toString("base64url");

export class TokenSigner {
  private key: { privateKey: KeyObject; kid: string } | undefined;
  /** the seeded simulation's HMAC key; undefined on a live cluster */
  private readonly seeded: Buffer | undefined;

  constructor(mode: { random: true } | { random: false; seed: number }) {
    this.seeded = mode.random ? undefined : createHash("sha256").update(`podflow service account key, seed ${mode.seed}`).digest();
  }

  /** The signed JWT of the request's claims. */
  sign(req: SignToken): TokenSigned {
    const payload = b64url(JSON.stringify(req.claims));
    if (this.seeded) {
      const header = b64url(JSON.stringify({ alg: "HS256", kid: "podflow-seeded" }));
      const sig = createHmac("sha256", this.seeded).update(`${header}.${payload}`).digest();
      return { type: "TokenSigned", id: req.id, token: `${header}.${payload}.${b64url(sig)}` };
    }
    // made on the first request: a cluster that never issues a token never pays for the key
    this.key ??= rsaKey();
    const header = b64url(JSON.stringify({ alg: "RS256", kid: this.key.kid }));
    const sig = sign("sha256", Buffer.from(`${header}.${payload}`), this.key.privateKey);
    return { type: "TokenSigned", id: req.id, token: `${header}.${payload}.${b64url(sig)}` };
  }

  /**
   * The public keys tokens verify with, as /openid/v1/jwks publishes them (go-jose's JSONWebKey:
   * use, kty, kid, alg, n, e). A seeded simulation's HMAC key is secret, so it publishes none.
   */
  publicKeys(): Array<{ use: "sig"; kty: "RSA"; kid: string; alg: "RS256"; n: string; e: string }> {
    if (this.seeded) return [];
    this.key ??= rsaKey();
    const jwk = createPublicKey(this.key.privateKey).export({ format: "jwk" });
    return [{ use: "sig", kty: "RSA", kid: this.key.kid, alg: "RS256", n: String(jwk.n), e: String(jwk.e) }];
  }
}

/** A fresh RSA key; its kid is base64url(sha256(DER public key)), as kube-apiserver's keyIDFromPublicKey. */
function rsaKey(): { privateKey: KeyObject; kid: string } {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const der = publicKey.export({ type: "spki", format: "der" });
  return { privateKey, kid: b64url(createHash("sha256").update(der).digest()) };
}
