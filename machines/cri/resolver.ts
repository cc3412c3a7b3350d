// What the resolver in a container (glibc's or musl's) reads from its /etc/resolv.conf.

export interface ResolverConfig {
  servers: string[];
  searches: string[];
  ndots: number;
}

/** nameserver lines, the last search line, and options ndots (1 when unset, at most 15). */
export function parseResolvConf(text: string): ResolverConfig {
  const servers: string[] = [];
  let searches: string[] = [];
  let ndots = 1;
  for (const line of text.split("\n")) {
    const [key, ...rest] = line.trim().split(/\s+/);
    if (key === "nameserver" && rest[0]) servers.push(rest[0]);
    else if (key === "search") searches = rest;
    else if (key === "options") {
      for (const o of rest) {
        const m = /^ndots:(\d+)$/.exec(o);
        if (m) ndots = Math.min(Number(m[1]), 15);
      }
    }
  }
  return { servers, searches, ndots };
}
