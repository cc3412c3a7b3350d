// IPv4 arithmetic as Go's net package does it: addresses as unsigned 32-bit numbers, CIDRs with
// their host bits masked. Shared by the CNI's IPAM, the Service allocators and kube-proxy. And any
// address, IPv4 or IPv6, parsed as k8s.io/utils/net's ParseIPSloppy and printed as net.IP.String().

import { mutant } from "./mutation.js";

/** A parsed IPv4 CIDR: network address as an unsigned int, prefix length and address count. */
export interface CIDR {
  network: number;
  prefix: number;
  size: number;
}

/** The unsigned 32-bit value of a dotted-quad IPv4 address; NaN when malformed. */
export function ipToInt(ip: string): number {
  const parts = ip.split(".");
  if (parts.length !== 4) return NaN;
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p)) return NaN;
    const octet = Number(p);
    if (octet > 255) return NaN;
    n = n * 256 + octet;
  }
  return n;
}

/** The dotted-quad form of an unsigned 32-bit integer. */
export function intToIp(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join(".");
}

/** Parses "a.b.c.d/p", masking host bits as Go's net.ParseCIDR does; throws when malformed. */
export function parseCIDR(cidr: string): CIDR {
  const [ip, bits, extra] = cidr.split("/");
  const prefix = Number(bits);
  const addr = ipToInt(ip ?? "");
  if (extra !== undefined || !/^\d{1,2}$/.test(bits ?? "") || prefix > 32 || Number.isNaN(addr)) {
    throw new Error(`invalid CIDR address: ${cidr}`);
  }
  const size = 2 ** (32 - prefix);
  return { network: addr - (addr % size), prefix, size };
}

/** The canonical text of a parsed CIDR ("10.244.1.0/24"). */
export function formatCIDR(c: CIDR): string {
  return `${intToIp(c.network)}/${c.prefix}`;
}

/** True when ip lies inside cidr (network and broadcast included, as net.IPNet.Contains). */
export function cidrContains(cidr: string, ip: string): boolean {
  const c = parseCIDR(cidr);
  const n = ipToInt(ip);
  return !Number.isNaN(n) && n >= c.network && n < c.network + c.size - (mutant("ip.cidr-excludes-broadcast") ? 1 : 0);
}

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

/** An IPv6 address of the ::ffff:0:0/96 block (an IPv4 address written as IPv6). */
export function isV4Mapped(b: number[]): boolean {
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

/**
 * The dotted form of an IPv4 address written as netutils.ParseIPSloppy reads it (leading zeros, or
 * IPv4-mapped IPv6 such as ::ffff:10.96.0.50); any other text is returned as it is. kube-proxy and
 * CoreDNS parse a Service's clusterIP so: a stored "::ffff:10.96.0.50" is 10.96.0.50 to them.
 */
export function sloppyIPv4(text: string): string {
  const ip = parseIPSloppy(text);
  if (!ip || !(ip.bytes.length === 4 || isV4Mapped(ip.bytes))) return text;
  return ip.bytes.slice(-4).join(".");
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

/**
 * The address `offset` past a CIDR's network address, for either family (addOffsetAddress: an
 * IPv6 range is searched over all its host bits). Undefined when malformed or past the range.
 */
export function addressAtOffset(cidr: string, offset: number | bigint): string | undefined {
  const p = parseCIDRSloppy(cidr);
  const off = typeof offset === "bigint" ? offset : Number.isInteger(offset) ? BigInt(offset) : -1n;
  if (!p || off < 0n || off >= 1n << BigInt(p.ip.bytes.length * 8 - p.len)) return undefined;
  const bytes = p.ip.bytes.map((b, i) => b & ((0xff << Math.max(0, Math.min(8, (i + 1) * 8 - p.len))) & 0xff));
  let carry = off;
  for (let i = bytes.length - 1; i >= 0 && carry > 0n; i--) {
    const sum = BigInt(bytes[i]!) + (carry & 0xffn);
    bytes[i] = Number(sum & 0xffn);
    carry = (carry >> 8n) + (sum >> 8n);
  }
  return formatIP({ bytes, leadingZeros: false });
}

/** The number of addresses of a CIDR of either family (2^host bits); undefined when malformed. */
export function cidrAddressCount(cidr: string): bigint | undefined {
  const p = parseCIDRSloppy(cidr);
  return p ? 1n << BigInt(p.ip.bytes.length * 8 - p.len) : undefined;
}

/** A family's address as net.ParseIP reads it: IPv6 unless it is dotted or IPv4-mapped. */
export function isIPv6Address(text: string): boolean {
  const ip = parseIPSloppy(text);
  return ip !== undefined && ip.bytes.length === 16 && !isV4Mapped(ip.bytes);
}

/** net.JoinHostPort: an IPv6 address is bracketed ("[fd00::1]:80"), an IPv4 one is not. */
export function joinHostPort(ip: string, port: number | string): string {
  return ip.includes(":") ? `[${ip}]:${port}` : `${ip}:${port}`;
}

/** An IPv6 address as net.IP.String() prints it ("fd00:10:96:0::a" is fd00:10:96::a); other text as it is. */
export function canonicalIPv6(text: string): string {
  const ip = isIPv6Address(text) ? parseIPSloppy(text) : undefined;
  return ip === undefined ? text : formatIP(ip);
}

/** net.SplitHostPort of "ip:port" or "[ipv6]:port": the address without brackets, and the port text. */
export function splitHostPort(hostPort: string): [string, string] {
  if (hostPort.startsWith("[")) {
    const close = hostPort.indexOf("]");
    return [hostPort.slice(1, close), hostPort.slice(close + 2)];
  }
  const i = hostPort.lastIndexOf(":");
  return i < 0 ? [hostPort, ""] : [hostPort.slice(0, i), hostPort.slice(i + 1)];
}
