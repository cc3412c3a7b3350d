// Kubernetes' CEL IP and CIDR libraries (k8s.io/apiserver/pkg/cel/library/ip.go, cidr.go), on in the
// base environment since 1.30: ip(), isIP(), ip.isCanonical(), family(), isUnspecified(), isLoopback(),
// isLinkLocalMulticast(), isLinkLocalUnicast(), isGlobalUnicast(); cidr(), isCIDR(), containsIP(),
// containsCIDR(), ip(), masked(), prefixLength(). Addresses parse as Go's net/netip does (strict: no
// leading zeros), with its error texts; zones and IPv4-mapped IPv6 are refused as Kubernetes does.
import { formatIP } from "../../common/ip.js";
import { goQuote } from "../../common/goquote.js";
import { declare } from "./checker.js";
import { def, noOverload } from "./functions.js";
import { CelError, CelOpaque, CelThrow } from "./values.js";
import { mutant } from "../../common/mutation.js";

export const IP_TYPE = "net.IP";
export const CIDR_TYPE = "net.CIDR";

/** A netip.Addr without zone: 4 bytes (IPv4) or 16 (IPv6). */
export interface Addr {
  readonly bytes: readonly number[];
}
interface Prefix {
  readonly addr: Addr;
  readonly bits: number;
}

class NetipError extends Error {}

function addrError(input: string, msg: string, at?: string): NetipError {
  return new NetipError(`ParseAddr(${goQuote(input)}): ${msg}${at ? ` (at ${goQuote(at)})` : ""}`);
}

function parseIPv4(s: string, input = s): number[] {
  const fields: number[] = [];
  let val = 0;
  let digits = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c >= "0" && c <= "9") {
      if (digits === 1 && val === 0) throw addrError(input, "IPv4 field has octet with leading zero");
      val = val * 10 + (c.charCodeAt(0) - 48);
      digits++;
      if (val > 255) throw addrError(input, "IPv4 field has value >255");
    } else if (c === ".") {
      if (i === 0 || i === s.length - 1 || s[i - 1] === ".") throw addrError(input, "IPv4 field must have at least one digit", s.slice(i));
      if (fields.length === 3) throw addrError(input, "IPv4 address too long");
      fields.push(val);
      val = 0;
      digits = 0;
    } else throw addrError(input, "unexpected character", s.slice(i));
  }
  if (fields.length < 3) throw addrError(input, "IPv4 address too short");
  fields.push(val);
  return fields;
}

function hexVal(c: string): number {
  if (c >= "0" && c <= "9") return c.charCodeAt(0) - 48;
  if (c >= "a" && c <= "f") return c.charCodeAt(0) - 87;
  if (c >= "A" && c <= "F") return c.charCodeAt(0) - 55;
  return -1;
}

function parseIPv6(input: string): { bytes: number[]; zone: string } {
  let s = input;
  let zone = "";
  const pct = s.indexOf("%");
  if (pct >= 0) {
    zone = s.slice(pct + 1);
    s = s.slice(0, pct);
    if (zone === "") throw addrError(input, "zone must be a non-empty string");
  }
  const ip = new Array<number>(16).fill(0);
  let ellipsis = -1;
  if (s.length >= 2 && s[0] === ":" && s[1] === ":") {
    ellipsis = 0;
    s = s.slice(2);
    if (s.length === 0) return { bytes: ip, zone };
  }
  let i = 0;
  while (i < 16) {
    let off = 0;
    let acc = 0;
    for (; off < s.length; off++) {
      const h = hexVal(s[off]!);
      if (h < 0) break;
      acc = acc * 16 + h;
      if (acc > 0xffff) throw addrError(input, "IPv6 field has value >=2^16", s);
    }
    if (off === 0) throw addrError(input, "each colon-separated field must have at least one digit", s);
    if (off < s.length && s[off] === ".") {
      if (ellipsis < 0 && i !== 12) throw addrError(input, "embedded IPv4 address must replace the final 2 fields of the address", s);
      if (i + 4 > 16) throw addrError(input, "too many hex fields to fit an embedded IPv4 at the end of the address", s);
      let v4: number[];
      try {
        v4 = parseIPv4(s);
      } catch (e) {
        throw addrError(input, (e as Error).message, s);
      }
      ip.splice(i, 4, ...v4);
      s = "";
      i += 4;
      break;
    }
    ip[i] = acc >> 8;
    ip[i + 1] = acc & 0xff;
    i += 2;
    s = s.slice(off);
    if (s.length === 0) break;
    if (s[0] !== ":") throw addrError(input, "unexpected character, want colon", s);
    if (s.length === 1) throw addrError(input, "colon must be followed by more characters", s);
    s = s.slice(1);
    if (s[0] === ":") {
      if (ellipsis >= 0) throw addrError(input, "multiple :: in address", s);
      ellipsis = i;
      s = s.slice(1);
      if (s.length === 0) break;
    }
  }
  if (s.length !== 0) throw addrError(input, "trailing garbage after address", s);
  if (i < 16) {
    if (ellipsis < 0) throw addrError(input, "address string too short");
    const n = 16 - i;
    for (let j = i - 1; j >= ellipsis; j--) ip[j + n] = ip[j]!;
    for (let j = ellipsis + n - 1; j >= ellipsis; j--) ip[j] = 0;
  } else if (ellipsis >= 0) throw addrError(input, "the :: must expand to at least one field of zeros");
  return { bytes: ip, zone };
}

/** netip.ParseAddr: the address and its zone, or a NetipError with Go's message. */
function parseAddr(s: string): { bytes: number[]; zone: string } {
  for (const c of s) {
    if (c === ".") return { bytes: parseIPv4(s), zone: "" };
    if (c === ":") return parseIPv6(s);
    if (c === "%") throw addrError(s, "missing IPv6 address");
  }
  throw addrError(s, "unable to parse IP");
}

const is4In6 = (b: readonly number[]) => b.length === 16 && b.slice(0, 10).every((x) => x === 0) && b[10] === 0xff && b[11] === 0xff;

/** ip.go's parseIPAddr: netip.ParseAddr, then no zone and no IPv4-mapped IPv6. */
export function parseIPAddr(raw: string): Addr | string {
  let a: { bytes: number[]; zone: string };
  try {
    a = parseAddr(raw);
  } catch (e) {
    if (e instanceof NetipError) return `IP Address ${goQuote(raw)} parse error during conversion from string: ${e.message}`;
    throw e;
  }
  if (a.zone !== "") return `IP address ${goQuote(raw)} with zone value is not allowed`;
  if (is4In6(a.bytes)) return `IPv4-mapped IPv6 address ${goQuote(raw)} is not allowed`;
  return { bytes: a.bytes };
}

/** netip.ParsePrefix (the address's bits are kept; masked() clears them). */
function parsePrefix(s: string): Prefix & { zone: string } {
  const fail = (msg: string) => new NetipError(`netip.ParsePrefix(${goQuote(s)}): ${msg}`);
  const i = s.lastIndexOf("/");
  if (i < 0) throw fail("no '/'");
  let a: { bytes: number[]; zone: string };
  try {
    a = parseAddr(s.slice(0, i));
  } catch (e) {
    if (e instanceof NetipError) throw fail(e.message);
    throw e;
  }
  if (a.zone !== "") throw fail("IPv6 zones cannot be present in a prefix");
  const bitsStr = s.slice(i + 1);
  // strconv.Atoi would take a sign and leading zeros; ParsePrefix refuses both first
  if ((bitsStr.length > 1 && (bitsStr[0]! < "1" || bitsStr[0]! > "9")) || !/^[+-]?[0-9]+$/.test(bitsStr)) throw fail(`bad bits after slash: ${goQuote(bitsStr)}`);
  const bits = Number(bitsStr);
  if (bits < 0 || bits > a.bytes.length * 8) throw fail("prefix length out of range");
  return { addr: { bytes: a.bytes }, bits, zone: "" };
}

/** cidr.go's parseCIDR: netip.ParsePrefix, then no IPv4-mapped IPv6. */
function parseCIDR(raw: string): Prefix | string {
  let p: Prefix;
  try {
    p = parsePrefix(raw);
  } catch (e) {
    if (e instanceof NetipError) return `network address parse error during conversion from string: ${e.message}`;
    throw e;
  }
  if (is4In6(p.addr.bytes)) return `IPv4-mapped IPv6 address ${goQuote(raw)} is not allowed`;
  return p;
}

function maskedAddr(a: Addr, bits: number): Addr {
  return { bytes: a.bytes.map((b, i) => (i * 8 >= bits ? 0 : i * 8 + 8 <= bits ? b : b & (0xff << (8 - (bits - i * 8))) & 0xff)) };
}
const sameAddr = (a: Addr, b: Addr) => a.bytes.length === b.bytes.length && a.bytes.every((x, i) => x === b.bytes[i]);

function fail(message: string): never {
  throw new CelThrow(new CelError(message));
}
const ipOf = (v: unknown): Addr => (v instanceof CelOpaque && v.typeName === IP_TYPE ? (v.data as Addr) : noOverload());
const cidrOf = (v: unknown): Prefix => (v instanceof CelOpaque && v.typeName === CIDR_TYPE ? (v.data as Prefix) : noOverload());
const str = (v: unknown): string => (typeof v === "string" ? v : noOverload());
const wrapIP = (a: Addr) => new CelOpaque(IP_TYPE, a);
const wrapCIDR = (p: Prefix) => new CelOpaque(CIDR_TYPE, p);

function toIP(s: string): Addr {
  const a = parseIPAddr(s);
  return typeof a === "string" ? fail(a) : a;
}
function toCIDR(s: string): Prefix {
  const p = parseCIDR(s);
  // stringToCIDR wraps parseCIDR's message once more (the doubled prefix is Kubernetes' own)
  return typeof p === "string" ? fail(`network address parse error during conversion from string: ${p}`) : p;
}

const v4 = (a: Addr) => a.bytes.length === 4;
const isUnspecified = (a: Addr) => a.bytes.every((b) => b === 0);
const isLoopback = (a: Addr) => (v4(a) ? a.bytes[0] === 127 : a.bytes.slice(0, 15).every((b) => b === 0) && a.bytes[15] === 1);
const isMulticast = (a: Addr) => (v4(a) ? (a.bytes[0]! & 0xf0) === 0xe0 : a.bytes[0] === 0xff);
const isLinkLocalUnicast = (a: Addr) => (v4(a) ? a.bytes[0] === 169 && a.bytes[1] === 254 : a.bytes[0] === 0xfe && (a.bytes[1]! & 0xc0) === 0x80);
const isLinkLocalMulticast = (a: Addr) => (v4(a) ? a.bytes[0] === 224 && a.bytes[1] === 0 && a.bytes[2] === 0 : a.bytes[0] === 0xff && (a.bytes[1]! & 0x0f) === 0x02);
function isGlobalUnicast(a: Addr): boolean {
  if (v4(a) && (isUnspecified(a) || a.bytes.every((b) => b === 255))) return false;
  return !isUnspecified(a) && !isLoopback(a) && !isMulticast(a) && !isLinkLocalUnicast(a);
}
const ipString = (a: Addr) => formatIP({ bytes: [...a.bytes], leadingZeros: false });

def("ip", ([s]) => wrapIP(toIP(str(s))));
def("isIP", ([s]) => typeof parseIPAddr(str(s)) !== "string");
def("ip.isCanonical", ([s]) => ipString(toIP(str(s))) === s);
def(".family", ([a]) => (v4(ipOf(a)) ? 4n : 6n));
def(".isUnspecified", ([a]) => isUnspecified(ipOf(a)));
def(".isLoopback", ([a]) => isLoopback(ipOf(a)));
def(".isLinkLocalMulticast", ([a]) => isLinkLocalMulticast(ipOf(a)));
def(".isLinkLocalUnicast", ([a]) => isLinkLocalUnicast(ipOf(a)));
def(".isGlobalUnicast", ([a]) => isGlobalUnicast(ipOf(a)));
def(`.string#${IP_TYPE}`, ([a]) => ipString(ipOf(a)));
def(`.equals#${IP_TYPE}`, ([a, b]) => sameAddr(ipOf(a), ipOf(b)));

def("cidr", ([s]) => wrapCIDR(toCIDR(str(s))));
def("isCIDR", ([s]) => typeof parseCIDR(str(s)) !== "string");
def(".containsIP", ([c, x]) => {
  const p = cidrOf(c);
  // a string that is no address leaves cidrContainsIP without an IP: no such overload
  const a = typeof x === "string" ? parseIPAddr(x) : ipOf(x);
  if (typeof a === "string") return noOverload();
  return a.bytes.length === p.addr.bytes.length && sameAddr(maskedAddr(a, p.bits), maskedAddr(p.addr, p.bits));
});
def(".containsCIDR", ([c, x]) => {
  const p = cidrOf(c);
  const o = typeof x === "string" ? toCIDR(x) : cidrOf(x);
  // Kubernetes compares the masked prefix with the other's address unmasked (netip.PrefixFrom does
  // not mask): 10.0.0.0/8 does not contain 10.1.0.0/16 there, and so not here
  // the mutant forgets the prefix lengths: a /16 contains its own /8
  return sameAddr(maskedAddr(p.addr, p.bits), o.addr) && (p.bits <= o.bits || mutant("cel.contains-cidr-ignores-prefix-length"));
});
def(".ip", ([c]) => wrapIP(cidrOf(c).addr));
def(".masked", ([c]) => {
  const p = cidrOf(c);
  return wrapCIDR({ addr: maskedAddr(p.addr, p.bits), bits: p.bits });
});
def(".prefixLength", ([c]) => BigInt(cidrOf(c).bits));
def(`.string#${CIDR_TYPE}`, ([c]) => {
  const p = cidrOf(c);
  return `${ipString(p.addr)}/${p.bits}`;
});
def(`.equals#${CIDR_TYPE}`, ([a, b]) => {
  const x = cidrOf(a);
  const y = cidrOf(b);
  return x.bits === y.bits && sameAddr(x.addr, y.addr);
});

declare("ip", `string->${IP_TYPE}`);
declare("isIP", "string->bool");
declare("ip.isCanonical", "string->bool");
declare(".family", `${IP_TYPE}->int`);
for (const f of ["isUnspecified", "isLoopback", "isLinkLocalMulticast", "isLinkLocalUnicast", "isGlobalUnicast"]) declare(`.${f}`, `${IP_TYPE}->bool`);
declare("string", `${IP_TYPE}->string`, `${CIDR_TYPE}->string`);
declare("cidr", `string->${CIDR_TYPE}`);
declare("isCIDR", "string->bool");
declare(".containsIP", `${CIDR_TYPE},string->bool`, `${CIDR_TYPE},${IP_TYPE}->bool`);
declare(".containsCIDR", `${CIDR_TYPE},string->bool`, `${CIDR_TYPE},${CIDR_TYPE}->bool`);
declare(".ip", `${CIDR_TYPE}->${IP_TYPE}`);
declare(".masked", `${CIDR_TYPE}->${CIDR_TYPE}`);
declare(".prefixLength", `${CIDR_TYPE}->int`);
