// validateIP and validateNonSpecialIP answer canonical IPv4 addresses without the parsers: the
// answers must be those of apimachinery's IsValidIP and ValidateNonSpecialIP (rows from
// validation/ip_test.go), and, over many near-IPv4 strings, those of a plain reading of the rules.

import { describe, expect, it } from "vitest";
import { validateIP, validateNonSpecialIP } from "./ip.js";

const msgs = (errs: { detail?: string; message?: string }[]) => errs.map((e) => e.detail ?? e.message ?? "");

describe("validateIP / validateNonSpecialIP on IPv4 (ip_test.go)", () => {
  it.each([
    ["1.2.3.4", 0, 0],
    ["0.0.0.0", 0, 1],
    ["255.255.255.255", 0, 0],
    ["127.0.0.1", 0, 1],
    ["169.254.10.1", 0, 1],
    ["224.0.0.5", 0, 1],
    ["224.0.1.5", 0, 0],
    ["10.0.0.1", 0, 0],
    ["1.2.3.04", 1, 0],
    ["001.2.3.4", 1, 0],
    ["256.1.1.1", 1, 1],
    ["1.2.3", 1, 1],
    ["1.2.3.4.5", 1, 1],
    ["1.2.3.", 1, 1],
    [".1.2.3", 1, 1],
    ["1..2.3", 1, 1],
    ["1.2.3.4 ", 1, 1],
    ["+1.2.3.4", 1, 1],
    ["", 1, 1],
  ])("%s: %i IsValidIP errors, %i ValidateNonSpecialIP errors", (ip, strict, special) => {
    expect(validateIP(ip, "ip")).toHaveLength(strict);
    expect(validateNonSpecialIP(ip, "ip")).toHaveLength(special);
  });

  // The rules written out plainly: four decimal parts of at most 3 digits each at most 255; a part
  // of more than one digit starting with 0 is a leading zero (parsed, then refused by the strict check).
  function reference(s: string): { strict: number; special: number } {
    const parts = s.split(".");
    if (parts.length !== 4 || parts.some((p) => !/^[0-9]{1,3}$/.test(p) || Number(p) > 255)) return { strict: 1, special: 1 };
    const b = parts.map(Number);
    const special = Number(b.every((x) => x === 0)) + Number(b[0] === 127) + Number(b[0] === 169 && b[1] === 254) + Number(b[0] === 224 && b[1] === 0 && b[2] === 0);
    return { strict: parts.some((p) => p.length > 1 && p[0] === "0") ? 1 : 0, special };
  }

  it("agrees with the rules on many near-IPv4 strings", () => {
    let seed = 3;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2147483648) % n);
    const pieces = ["0", "1", "00", "01", "9", "10", "99", "127", "169", "254", "224", "255", "256", "999", "1000", "", "a", " "];
    for (let i = 0; i < 20000; i++) {
      const n = 2 + rand(4);
      const s = Array.from({ length: n }, () => pieces[rand(pieces.length)]).join(".");
      const want = reference(s);
      expect([s, validateIP(s, "ip").length]).toEqual([s, want.strict]);
      expect([s, validateNonSpecialIP(s, "ip").length]).toEqual([s, want.special]);
    }
    expect(msgs(validateIP("1.2.3.04", "ip"))).toEqual(["must not have leading 0s"]);
  });
});
