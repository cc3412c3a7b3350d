// IP addresses as apimachinery v0.35 validates them: IsValidIP parses sloppily (k8s.io/utils/net
// ParseIPSloppy, which allows leading zeros), then is strict (no leading zeros, no IPv4-mapped IPv6,
// canonical form); ValidateNonSpecialIP refuses unspecified, loopback and link-local addresses.
// The fields that predate those rules (pod, Service, Endpoints and Node addresses and CIDRs) use
// IsValidIPForLegacyField / IsValidCIDRForLegacyField, strict only under StrictIPCIDRValidation,
// which is alpha and off in v1.35: there a sloppy parse is all, and the strategies warn instead.

import { invalidValue, type FieldError } from "../status.js";

/** A parsed address: 4 bytes for IPv4, 16 for IPv6. */
export interface ParsedIP {
  bytes: number[];
  leadingZeros: boolean;
}

function parseIPv4(s: string): ParsedIP | undefined {
  const parts = s.split(".");
  if (parts.length !== 4) return undefined;
  let leadingZeros = false;
  const bytes: number[] = [];
  for (const p of parts) {
    if (!/^[0-9]{1,3}$/.test(p)) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    if (p.length > 1 && p[0] === "0") leadingZeros = true;
    bytes.push(n);
  }
  return { bytes, leadingZeros };
}

function parseIPv6(s: string): ParsedIP | undefined {
  if (!/^[0-9a-fA-F:.]+$/.test(s)) return undefined;
  const halves = s.split("::");
  if (halves.length > 2) return undefined;
  let leadingZeros = false;
  const groupsOf = (h: string): number[] | undefined => {
    if (h === "") return [];
    const out: number[] = [];
    const parts = h.split(":");
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i]!;
      if (i === parts.length - 1 && p.includes(".")) {
        const v4 = parseIPv4(p);
        if (!v4) return undefined;
        leadingZeros ||= v4.leadingZeros;
        out.push((v4.bytes[0]! << 8) | v4.bytes[1]!, (v4.bytes[2]! << 8) | v4.bytes[3]!);
      } else if (/^[0-9a-fA-F]{1,4}$/.test(p)) out.push(parseInt(p, 16));
      else return undefined;
    }
    return out;
  };
  const head = groupsOf(halves[0]!);
  const tail = halves.length === 2 ? groupsOf(halves[1]!) : [];
  if (!head || !tail) return undefined;
  let groups: number[];
  if (halves.length === 2) {
    if (head.length + tail.length > 7) return undefined;
    groups = [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
  } else {
    if (head.length !== 8) return undefined;
    groups = head;
  }
  return { bytes: groups.flatMap((g) => [g >> 8, g & 0xff]), leadingZeros };
}

/** netutils.ParseIPSloppy: IPv4 (leading zeros allowed) or IPv6; undefined when not an address. */
export function parseIPSloppy(s: string): ParsedIP | undefined {
  if (s.includes(":")) return parseIPv6(s);
  return parseIPv4(s);
}

function isV4Mapped(b: number[]): boolean {
  return b.length === 16 && b.slice(0, 10).every((x) => x === 0) && b[10] === 0xff && b[11] === 0xff;
}

/** net.IP.String(): dotted IPv4 (also for IPv4-mapped IPv6), else RFC 5952 IPv6. */
export function formatIP(ip: ParsedIP): string {
  const b = ip.bytes;
  if (b.length === 4) return b.join(".");
  if (isV4Mapped(b)) return b.slice(12).join(".");
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((b[i]! << 8) | b[i + 1]!);
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) [bestStart, bestLen] = [i, j - i];
    i = j;
  }
  const hex = (g: number[]) => g.map((x) => x.toString(16)).join(":");
  if (bestStart < 0) return hex(groups);
  return `${hex(groups.slice(0, bestStart))}::${hex(groups.slice(bestStart + bestLen))}`;
}

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

/** netutils.ParseCIDRSloppy: an address (leading zeros allowed), "/" and a decimal prefix length within its size. */
export function parseCIDRSloppy(value: string): { ip: ParsedIP; len: number } | undefined {
  const slash = value.indexOf("/");
  if (slash < 0) return undefined;
  const ip = parseIPSloppy(value.slice(0, slash));
  const lenText = value.slice(slash + 1);
  if (!ip || !/^[0-9]+$/.test(lenText)) return undefined;
  const len = Number(lenText);
  return len <= ip.bytes.length * 8 ? { ip, len } : undefined;
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
  if (v4 ? b[0] === 169 && b[1] === 254 : b[0] === 0xfe && (b[1]! & 0xc0) === 0x80) errs.push(invalidValue(path, value, "may not be in the link-local range (169.254.0.0/16, fe80::/10)"));
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
