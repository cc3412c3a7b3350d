// The kubeconfig `podflow serve` writes: one cluster, one user with the admin bearer token,
// one context, current-context set to it; and a user and a context NAME@podflow for each
// `--user NAME:GROUPS`.

import { stringify } from "yaml";

/** A kubeconfig (v1 Config) for a server URL, a CA (omitted for plain HTTP) and a bearer token. */
export function kubeconfig(opts: { server: string; caPem?: string; token: string; name?: string; users?: ReadonlyArray<{ name: string; token: string }> }): string {
  const name = opts.name ?? "podflow";
  const cluster: Record<string, string> = { server: opts.server };
  if (opts.caPem) cluster["certificate-authority-data"] = Buffer.from(opts.caPem).toString("base64");
  return stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name, cluster }],
    users: [{ name: `${name}-admin`, user: { token: opts.token } }, ...(opts.users ?? []).map((u) => ({ name: `${name}-${u.name}`, user: { token: u.token } }))],
    contexts: [
      { name, context: { cluster: name, user: `${name}-admin`, namespace: "default" } },
      ...(opts.users ?? []).map((u) => ({ name: `${u.name}@${name}`, context: { cluster: name, user: `${name}-${u.name}`, namespace: "default" } })),
    ],
    "current-context": name,
    preferences: {},
  });
}
