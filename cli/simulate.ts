// `podflow simulate`: apply manifests to a simulated cluster, run it to settle, print it as
// kubectl get would; optionally write the trace and its sequence diagram.

import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { Document, parse as parseYaml, visit } from "yaml";
import { createCluster, type ApplyResult, type Cluster } from "../runtime/cluster.js";
import { ApiError, clientError, parseManifests } from "../runtime/manifests.js";
import { applyErrorLines } from "./errors.js";
import { resourceForKind } from "../machines/apiserver/resources.js";
import { goHtmlEscaped, goMapsSorted } from "../machines/apiserver/schema/decode.js";
import { renderTable, tableFor } from "../runtime/printers.js";
import { traceToSequenceDiagram } from "../runtime/docs/sequence.js";
import type { IO } from "./io.js";

/** Kinds `simulate` prints, in the order kubectl get all (plus nodes, endpoints and claims) prints them. */
const printedKinds = ["Node", "Pod", "ReplicationController", "Service", "Endpoints", "DaemonSet", "Deployment", "ReplicaSet", "StatefulSet", "CronJob", "Job", "PersistentVolumeClaim"];

function readManifests(files: string[]): { text: string; source: string }[] {
  return files.map((f) => {
    if (f !== "-" && !existsSync(f)) throw clientError(`the path "${f}" does not exist`);
    return { text: f === "-" ? readFileSync(0, "utf8") : readFileSync(f, "utf8"), source: f };
  });
}

/** "deployment.apps/web" or "pod/x": how kubectl names what it applied. */
function appliedName(kind: string, name: string): string {
  const group = resourceForKind(kind)?.group ?? "";
  return `${kind.toLowerCase()}${group ? `.${group}` : ""}/${name}`;
}

/** An object the user applied, as `simulate` reports it. */
export interface AppliedRef {
  kind: string;
  name: string;
  namespace?: string;
}

const systemNamespaces = new Set(["kube-system", "kube-node-lease"]);

/**
 * The objects worth printing: everything outside the system namespaces, and inside them what the
 * user applied (the docs' fluentd DaemonSet lives in kube-system), what those own (its pods) and
 * the Endpoints of a printed Service; the cluster's own (kube-dns) stay hidden.
 */
export function shownObjects(objs: any[], applied: readonly AppliedRef[]): any[] {
  const appliedKeys = new Set(applied.map((a) => `${a.kind}/${a.namespace ?? ""}/${a.name}`));
  const byUid = new Map<string, any>(objs.map((o) => [o.metadata.uid, o]));
  const memo = new Map<string, boolean>();
  const shown = (o: any, depth: number): boolean => {
    const { namespace, name, uid } = o.metadata;
    if (!systemNamespaces.has(namespace)) return true;
    if (memo.has(uid)) return memo.get(uid)!;
    // ownership chains are short (Deployment, ReplicaSet, Pod); the bound keeps a cycle finite
    const owners: any[] = depth > 8 ? [] : (o.metadata.ownerReferences ?? []).map((r: any) => byUid.get(r.uid)).filter(Boolean);
    const service = o.kind === "Endpoints" ? objs.find((s) => s.kind === "Service" && s.metadata.namespace === namespace && s.metadata.name === name) : undefined;
    const result = appliedKeys.has(`${o.kind}/${namespace}/${name}`) || owners.some((w) => shown(w, depth + 1)) || (service !== undefined && shown(service, depth + 1));
    memo.set(uid, result);
    return result;
  };
  return objs.filter((o) => shown(o, 0));
}

/**
 * What `kubectl get -o json|yaml` prints for objects of several kinds: a List of the objects
 * without managedFields (--show-managed-fields=false), all unstructured maps, so every key comes
 * sorted; JSON indented by 4, YAML as sigs.k8s.io/yaml writes it: sequences not indented, YAML 1.1
 * quoting (a timestamp or "yes" string is quoted), no anchors for shared parts.
 */
export function kubectlOutput(objects: readonly any[], output: "json" | "yaml"): string {
  const items = objects.map((o) => {
    if (o.metadata?.managedFields === undefined) return o;
    const { managedFields: _, ...metadata } = o.metadata;
    return { ...o, metadata };
  });
  const list = { apiVersion: "v1", items, kind: "List", metadata: { resourceVersion: "" } };
  // json.MarshalIndent of the maps: keys sorted, HTML characters escaped
  if (output === "json") return goHtmlEscaped(JSON.stringify(goMapsSorted(list), null, 4));
  const doc = new Document(list, { version: "1.1", aliasDuplicateObjects: false, sortMapEntries: true });
  // go-yaml double-quotes a string that would read back as another type ("True", "80", a
  // timestamp, ""), and single-quotes one that cannot be plain for its characters
  visit(doc, {
    Scalar(_, node) {
      if (typeof node.value === "string" && readsAsOtherType(node.value)) node.type = "QUOTE_DOUBLE";
    },
  });
  return doc.toString({ indentSeq: false, lineWidth: 0, singleQuote: true });
}

/** True when a plain scalar of this text is YAML 1.1's null, bool, number or timestamp. */
function readsAsOtherType(text: string): boolean {
  if (text.includes("\n")) return false;
  try {
    const v: unknown = parseYaml(text, { version: "1.1" });
    return v === null || typeof v === "number" || typeof v === "boolean" || typeof v === "bigint" || v instanceof Date;
  } catch {
    return false;
  }
}

/** Prints the cluster as kubectl get would, kind by kind, then the events. */
export function printCluster(cluster: Cluster, output: string | undefined, out: (s: string) => void, applied: readonly AppliedRef[] = []): void {
  const now = cluster.now();
  // every printed kind at once: an owner may be of another kind than what it owns
  const visible = new Set(shownObjects(printedKinds.flatMap((k) => cluster.list(k)), applied).map((o) => o.metadata.uid));
  if (output === "yaml" || output === "json") {
    out(kubectlOutput(printedKinds.flatMap((k) => cluster.list(k)).filter((o) => visible.has(o.metadata.uid)), output));
    return;
  }
  const wide = output === "wide";
  for (const kind of printedKinds) {
    const objs = cluster.list(kind).filter((o) => visible.has(o.metadata.uid));
    if (objs.length === 0) continue;
    const t = tableFor(kind, objs, { wide, now });
    out(renderTable(t, { wide }).trimEnd());
    out("");
  }
  const events = cluster.events();
  if (events.length > 0) {
    out(renderTable(tableFor("Event", events, { wide: false, now }), {}).trimEnd());
  }
}

export interface SimulateOptions {
  nodes: string;
  seed: string;
  output?: string;
  traceDiagram?: string;
  trace?: string;
  advance?: string;
  /** etcd's --quota-backend-bytes ("0" or absent: etcd's default, 2 GiB) */
  etcdQuotaBackendBytes?: string;
}

/** Whether the object is already stored (a kind the server does not know: no). */
function liveObjectExists(cluster: Cluster, obj: any): boolean {
  if (typeof obj?.kind !== "string" || typeof obj?.metadata?.name !== "string" || resourceForKind(obj.kind) === undefined) return false;
  return cluster.get(obj.kind, obj.metadata.name, obj.metadata.namespace ?? "default") !== undefined;
}

/** Runs the manifests to settle (and --advance seconds more), prints the cluster; resolves to the exit code. */
export async function simulate(files: string[], opts: SimulateOptions, io: IO): Promise<number> {
  const docs = readManifests(files);
  const objs: { obj: any; source: string }[] = [];
  for (const d of docs) for (const obj of parseManifests(d.text, d.source)) objs.push({ obj, source: d.source });
  const seed = Number(opts.seed);
  const quota = Number(opts.etcdQuotaBackendBytes ?? 0);
  const cluster = createCluster({ nodes: Number(opts.nodes), seed, clock: "simulated", ...(quota > 0 ? { etcdQuotaBackendBytes: quota } : {}) });
  const applied: AppliedRef[] = [];
  const refused: string[] = [];
  const warned = new Set<string>();
  try {
    // as kubectl apply: an object the server refuses does not stop the others; its error is told
    // after them, and the command then fails
    for (const { obj, source } of objs) {
      let r: ApplyResult | undefined;
      // kubectl creates what it cannot get and patches what it can
      const existed = liveObjectExists(cluster, obj);
      // kubectl's warning handler prints each server warning once per command, as it arrives
      const warn = (warnings: readonly string[]) => {
        for (const w of warnings) {
          if (warned.has(w)) continue;
          warned.add(w);
          io.err(`Warning: ${w}`);
        }
      };
      try {
        [r] = await cluster.apply([obj], source);
      } catch (e) {
        if (!(e instanceof ApiError)) throw e;
        warn(e.warnings);
        refused.push(...applyErrorLines(e, existed ? "patching" : "creating", source));
        continue;
      }
      applied.push({ kind: r!.kind, name: r!.name, ...(r!.namespace !== undefined ? { namespace: r!.namespace } : {}) });
      warn(r!.warnings ?? []);
      if (!opts.output || opts.output === "wide") io.err(`${appliedName(r!.kind, r!.name)} ${r!.action}`);
    }
    for (const line of refused) io.err(line);
    if (applied.length === 0 && refused.length > 0) return 1;
    await cluster.settle();
    const more = Number(opts.advance ?? 0);
    if (!(more >= 0)) throw new ApiError({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", code: 400, reason: "BadRequest", message: `--advance must be a number of seconds, not "${opts.advance}"` });
    if (more > 0) {
      cluster.advance(more * 1000);
      await cluster.settle();
    }
    printCluster(cluster, opts.output, io.out, applied);
    if (opts.trace) writeFileSync(opts.trace, cluster.runtime.traceJsonl());
    if (opts.traceDiagram) {
      writeFileSync(opts.traceDiagram, "```mermaid\n" + traceToSequenceDiagram([...cluster.trace()], { title: `podflow simulate ${files.join(" ")} --seed ${seed}` }) + "\n```\n");
    }
    return refused.length > 0 ? 1 : 0;
  } finally {
    await cluster.stop();
  }
}
