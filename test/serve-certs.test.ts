import { describe, it, expect } from "vitest";
import { X509Certificate } from "node:crypto";
import { createServer, connect } from "node:tls";
import { generateServingCerts, integer } from "../runtime/server/certs.js";

describe("the serving certificates podflow serve generates", () => {
  const certs = generateServingCerts();
  const ca = new X509Certificate(certs.caCert);
  const leaf = new X509Certificate(certs.cert);

  it.each([
    ["the CA is a CA and signed itself", () => ca.ca && ca.verify(ca.publicKey) && ca.checkIssued(ca)],
    ["the serving certificate was issued and signed by the CA", () => leaf.checkIssued(ca) && leaf.verify(ca.publicKey)],
    ["the serving certificate is not a CA", () => !leaf.ca],
    ["the serving certificate is valid for 127.0.0.1", () => leaf.checkIP("127.0.0.1") === "127.0.0.1"],
    ["the serving certificate is valid for localhost", () => leaf.checkHost("localhost") === "localhost"],
    ["the serving certificate is for server authentication", () => (leaf.keyUsage ?? []).includes("1.3.6.1.5.5.7.3.1")],
  ])("%s", (_name, check) => {
    expect(check()).toBe(true);
  });

  it("a TLS client that trusts only the CA completes a handshake with 127.0.0.1", async () => {
    const server = createServer({ key: certs.key, cert: certs.cert }, (s) => s.end("ok"));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as { port: number }).port;
    const got = await new Promise<string>((resolve, reject) => {
      const s = connect({ host: "127.0.0.1", port, ca: certs.caCert }, () => undefined);
      let data = "";
      s.on("data", (d) => (data += d));
      s.on("end", () => resolve(data));
      s.on("error", reject);
    });
    server.close();
    expect(got).toBe("ok");
  });
});

// A random serial starting with a zero byte was once encoded with it, which Go's x509 (kubectl)
// refuses as "malformed serial number": 1 run in ~128 failed. DER integers are minimal.
describe("DER integers", () => {
  it.each([
    { name: "a leading zero byte before a byte under 0x80 is dropped", bytes: [0x00, 0x05, 0x01], want: "02020501" },
    { name: "a leading 1 bit gets one zero byte in front", bytes: [0x80, 0x01], want: "0203008001" },
    { name: "redundant zero bytes before a leading 1 bit shrink to one", bytes: [0x00, 0x00, 0x80], want: "02020080" },
    { name: "zero is one zero byte", bytes: [0x00, 0x00], want: "020100" },
  ])("$name", ({ bytes, want }) => expect(integer(Buffer.from(bytes)).toString("hex")).toBe(want));
});
