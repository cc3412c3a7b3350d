// IP addresses as apimachinery v0.35 validates them: IsValidIP parses sloppily (k8s.io/utils/net
// ParseIPSloppy, which allows leading zeros), then is strict (no leading zeros, no IPv4-mapped IPv6,
// canonical form); ValidateNonSpecialIP refuses unspecified, loopback and link-local addresses.
// The fields that predate those rules (pod, Service, Endpoints and Node addresses and CIDRs) use
// IsValidIPForLegacyField / IsValidCIDRForLegacyField, strict only under StrictIPCIDRValidation,
// which is alpha and off in v1.35: there a sloppy parse is all, and the strategies warn instead.

import { invalidValue, type FieldError } from "../status.js";

import { formatIP, isV4Mapped, parseCIDRSloppy, parseIPSloppy, type ParsedIP } from "../../common/ip.js";

export { parseCIDRSloppy };
import { mutant } from "../../common/mutation.js";

export { formatIP, parseIPSloppy, type ParsedIP };

/** True for an IPv6 address that is not IPv4 (netutils.IsIPv6String). */
export function isIPv6(s: string): boolean {
  const ip = parseIPSloppy(s);
  return !!ip && ip.bytes.length === 16 && !isV4Mapped(ip.bytes);
}

const invalidIP = "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)";

/** The strict parse of IsValidIP and of legacy fields under StrictIPCIDRValidation: no leading zeros, not IPv4-mapped. */
function strictIPErrors(value: string, path: string): FieldError[] {
  const ip = parseIPSloppy(value);
  if (!ip) return [invalidValue(path, value, invalidIP)];
  const errs: FieldError[] = [];
  if (ip.leadingZeros) errs.push(invalidValue(path, value, "must not have leading 0s"));
  if (value.includes(":") && isV4Mapped(ip.bytes)) errs.push(invalidValue(path, value, "must not be an IPv4-mapped IPv6 address"));
  return errs;
}

/**
 * IsValidIPForLegacyField without StrictIPCIDRValidation (v1.35's default): any address
 * ParseIPSloppy reads, leading zeros and IPv4-mapped IPv6 included; GetWarningsForIP warns of them.
 */
export function validateLegacyIP(value: string, path: string): FieldError[] {
  if (canonicalIPv4(value) >= 0) return [];
  return parseIPSloppy(value) ? [] : [invalidValue(path, value, invalidIP)];
}

const invalidCIDR = "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)";

/** IsValidCIDRForLegacyField without StrictIPCIDRValidation: what ParseCIDRSloppy reads, host bits set or not (that is a warning). */
export function validateLegacyCIDR(value: string, path: string): FieldError[] {
  return parseCIDRSloppy(value) ? [] : [invalidValue(path, value, invalidCIDR)];
}

// An IPv4 address in canonical dotted form (four decimal bytes, no leading zeros) as a 32-bit number,
// else -1. Every Endpoints or pod address is one: the checks below answer it without the parsers.
function canonicalIPv4(s: string): number {
  let out = 0;
  let parts = 0;
  let val = 0;
  let digits = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 46) {
      if (digits === 0 || val > 255) return -1;
      out = out * 256 + val;
      parts++;
      val = 0;
      digits = 0;
      continue;
    }
    if (c < 48 || c > 57 || digits === 3 || (digits === 1 && val === 0)) return -1;
    val = val * 10 + (c - 48);
    digits++;
  }
  if (digits === 0 || val > 255 || parts !== 3) return -1;
  return out * 256 + val;
}

/** validation.IsValidIP (strict): an address, without leading zeros, not IPv4-mapped, in canonical form. */
export function validateIP(value: string, path: string): FieldError[] {
  if (canonicalIPv4(value) >= 0) return [];
  const errs = strictIPErrors(value, path);
  if (errs.length > 0) return errs;
  const ip = parseIPSloppy(value)!;
  const canonical = formatIP(ip);
  return value === canonical ? [] : [invalidValue(path, value, `must be in canonical form ("${canonical}")`)];
}

/** ValidateNonSpecialIP: not unspecified, loopback, link-local unicast or link-local multicast. */
export function validateNonSpecialIP(value: string, path: string): FieldError[] {
  const n = canonicalIPv4(value);
  // Not 0.0.0.0, 127/8, 169.254/16 or 224.0.0/24: nothing to say (the rest goes the long way).
  if (n > 0 && n >>> 24 !== 127 && n >>> 16 !== 0xa9fe && n >>> 8 !== 0xe00000) return [];
  const ip = parseIPSloppy(value);
  if (!ip) return [invalidValue(path, value, "must be a valid IP address")];
  const b = isV4Mapped(ip.bytes) ? ip.bytes.slice(12) : ip.bytes;
  const errs: FieldError[] = [];
  const v4 = b.length === 4;
  if (b.every((x) => x === 0)) errs.push(invalidValue(path, value, `may not be unspecified (${value})`));
  if (v4 ? b[0] === 127 : b.slice(0, 15).every((x) => x === 0) && b[15] === 1) errs.push(invalidValue(path, value, "may not be in the loopback range (127.0.0.0/8, ::1/128)"));
  if ((v4 ? b[0] === 169 && b[1] === 254 : b[0] === 0xfe && (b[1]! & 0xc0) === 0x80) && !mutant("validation.non-special-ip-link-local-accepted")) errs.push(invalidValue(path, value, "may not be in the link-local range (169.254.0.0/16, fe80::/10)"));
  if (v4 ? b[0] === 224 && b[1] === 0 && b[2] === 0 : b[0] === 0xff && (b[1]! & 0x0f) === 0x02) errs.push(invalidValue(path, value, "may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)"));
  return errs;
}

/** validation.IsValidCIDR (strict): a CIDR without leading zeros or IPv4-mapped addresses, host bits clear, canonical. */
export function validateCIDR(value: string, path: string): FieldError[] {
  const slash = value.indexOf("/");
  const ip = slash > 0 ? parseIPSloppy(value.slice(0, slash)) : undefined;
  const lenText = slash > 0 ? value.slice(slash + 1) : "";
  const bits = ip ? ip.bytes.length * 8 : 0;
  if (!ip || !/^[0-9]+$/.test(lenText) || Number(lenText) > bits) return [invalidValue(path, value, invalidCIDR)];
  const len = Number(lenText);
  if (ip.leadingZeros || (lenText.length > 1 && lenText[0] === "0")) return [invalidValue(path, value, "must not have leading 0s in IP or prefix length")];
  const masked = ip.bytes.map((b, i) => {
    const keep = Math.max(0, Math.min(8, len - i * 8));
    return b & ((0xff << (8 - keep)) & 0xff);
  });
  if (masked.some((b, i) => b !== ip.bytes[i])) return [invalidValue(path, value, "must not have bits set beyond the prefix length")];
  const canonical = `${formatIP({ bytes: masked, leadingZeros: false })}/${len}`;
  return value === canonical ? [] : [invalidValue(path, value, `must be in canonical form ("${canonical}")`)];
}
