// IPv4 arithmetic as Go's net package does it: addresses as unsigned 32-bit numbers, CIDRs with
// their host bits masked. Shared by the CNI's IPAM, the Service allocators and kube-proxy.

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
  return !Number.isNaN(n) && n >= c.network && n < c.network + c.size;
}

/**
 * The dotted form of an IPv4 address written as netutils.ParseIPSloppy reads it (leading zeros, or
 * IPv4-mapped IPv6 such as ::ffff:10.96.0.50); any other text is returned as it is. kube-proxy and
 * CoreDNS parse a Service's clusterIP so: a stored "::ffff:10.96.0.50" is 10.96.0.50 to them.
 */
export function sloppyIPv4(text: string): string {
  const m = /^(?:(?:0{1,4}:){5}|::(?:0{1,4}:)?)ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(text);
  const v4 = m ? m[1]! : text;
  const n = ipToInt(v4);
  return Number.isNaN(n) ? text : intToIp(n);
}
