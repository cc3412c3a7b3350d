// kube-apiserver's /metrics: the Prometheus text exposition of the metrics podflow has the facts
// for (its build, its feature gates and its storages' object counts), written as client_golang's expfmt writes them:
// families sorted by name, each with its HELP (component-base prefixes the stability level, and a
// deprecated metric's version) and TYPE, series sorted by their label values.

import { featureGates135 } from "../../machines/common/featuregates.js";

export interface StoredCount {
  group: string;
  resource: string;
  count: number;
}

/** What promhttp answers the text format with (client_golang 1.20+ adds the escaping scheme). */
export const metricsContentType = "text/plain; version=0.0.4; charset=utf-8; escaping=underscores";

interface Family {
  name: string;
  help: string;
  type: "gauge" | "counter";
  series: { labels: readonly (readonly [string, string])[]; value: number }[];
}

/** The /metrics text of an API server with these build facts (from /version) and stored counts. */
export function apiServerMetrics(version: Record<string, string>, stored: readonly StoredCount[]): string {
  const v = (k: string) => version[k] ?? "";
  const families: Family[] = [
    {
      name: "apiserver_resource_objects",
      help: "[ALPHA] Number of stored objects at the time of last check split by kind. In case of a fetching error, the value will be -1.",
      type: "gauge",
      series: stored.map((s) => ({ labels: [["group", s.group], ["resource", s.resource]] as const, value: s.count })),
    },
    {
      name: "apiserver_storage_objects",
      help: "[STABLE] (Deprecated since 1.34.0) [DEPRECATED, consider using apiserver_resource_objects instead] Number of stored objects at the time of last check split by kind. In case of a fetching error, the value will be -1.",
      type: "gauge",
      // GroupResource.String(): "pods", "deployments.apps"
      series: stored.map((s) => ({ labels: [["resource", s.group === "" ? s.resource : `${s.resource}.${s.group}`]] as const, value: s.count })),
    },
    {
      name: "kubernetes_build_info",
      help: "[ALPHA] A metric with a constant '1' value labeled by major, minor, git version, git commit, git tree state, build date, Go version, and compiler from which Kubernetes was built, and platform on which it is running.",
      type: "gauge",
      series: [{
        labels: [["build_date", v("buildDate")], ["compiler", v("compiler")], ["git_commit", v("gitCommit")], ["git_tree_state", v("gitTreeState")], ["git_version", v("gitVersion")], ["go_version", v("goVersion")], ["major", v("major")], ["minor", v("minor")], ["platform", v("platform")]],
        value: 1,
      }],
    },
    {
      name: "kubernetes_feature_enabled",
      help: "[BETA] This metric records the data about the stage and enablement of a k8s feature.",
      type: "gauge",
      // recorded once at start (AddMetrics): every gate known at the emulation version, by its default
      series: featureGates135.map((g) => ({ labels: [["name", g.name], ["stage", g.stage]] as const, value: g.enabled ? 1 : 0 })),
    },
  ];
  return families.filter((f) => f.series.length > 0).sort((a, b) => cmp(a.name, b.name)).map(familyText).join("");
}

function familyText(f: Family): string {
  const series = [...f.series].sort((a, b) => {
    for (let i = 0; i < a.labels.length; i++) {
      const c = cmp(a.labels[i]![1], b.labels[i]![1]);
      if (c !== 0) return c;
    }
    return 0;
  });
  const lines = series.map((s) => `${f.name}${s.labels.length > 0 ? `{${s.labels.map(([k, val]) => `${k}="${escapeLabel(val)}"`).join(",")}}` : ""} ${s.value}`);
  return `# HELP ${f.name} ${escapeHelp(f.help)}\n# TYPE ${f.name} ${f.type}\n${lines.join("\n")}\n`;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

// the text format escapes backslash and newline in HELP, and the double quote too in a label value
function escapeHelp(s: string): string {
  return s.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");
}

function escapeLabel(s: string): string {
  return escapeHelp(s).replace(/"/g, '\\"');
}
