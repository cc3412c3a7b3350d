// Server-side printing: a list or an object converted to a meta.k8s.io/v1 Table, as
// kube-apiserver answers `Accept: application/json;as=Table;g=meta.k8s.io;v=v1`.

import { tableFor } from "../printers.js";
import { goQuote } from "../../machines/apiserver/status.js";

/** How much of each object a Table row carries (the includeObject query parameter). */
export type IncludeObject = "None" | "Metadata" | "Object";

/** Whether an Accept header asks for a meta.k8s.io/v1 Table. */
export function wantsTable(accept: string | undefined): boolean {
  if (!accept) return false;
  return accept.split(",").some((part) => {
    const p = part.replace(/\s+/g, "");
    return p.includes("as=Table") && p.includes("g=meta.k8s.io") && /(^|;)v=v1(;|$)/.test(p);
  });
}

/**
 * The includeObject of a Table request, or the 400 optionsForTransform answers when ValidateTableOptions
 * refuses it (empty is Metadata, as the Table convertor defaults it).
 */
export function tableOptions(q: URLSearchParams): { include: IncludeObject } | { error: string } {
  const v = q.get("includeObject") ?? "";
  if (v === "") return { include: "Metadata" };
  if (v === "None" || v === "Metadata" || v === "Object") return { include: v };
  return { error: `Unable to convert to Table as requested: includeObject: Invalid value: ${goQuote(v)}: must be 'Metadata', 'Object', 'None', or empty` };
}

function rowObject(obj: any, include: IncludeObject): object | undefined {
  if (include === "None") return undefined;
  if (include === "Object") return obj;
  return { kind: "PartialObjectMetadata", apiVersion: "meta.k8s.io/v1", metadata: obj.metadata };
}

/**
 * The Table of a kind's objects; listMeta (resourceVersion, continue) is copied from the list.
 * Without headers the columnDefinitions are left out, as in watch events after the first.
 */
export function toTable(kind: string, objects: any[], opts: { now: number; include?: IncludeObject; listMeta?: Record<string, unknown>; headers?: boolean }): object {
  const t = tableFor(kind, objects, { wide: true, now: opts.now });
  const include = opts.include ?? "Metadata";
  return {
    kind: "Table",
    apiVersion: "meta.k8s.io/v1",
    metadata: opts.listMeta ?? {},
    columnDefinitions: opts.headers === false ? [] : t.columns,
    rows: t.rows.map((r, i) => {
      const object = rowObject(objects[i], include);
      return object ? { cells: r.cells, object } : { cells: r.cells };
    }),
  };
}
