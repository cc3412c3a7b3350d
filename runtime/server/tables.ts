// Server-side printing: a list or an object converted to a meta.k8s.io/v1 Table, as
// kube-apiserver answers `Accept: application/json;as=Table;g=meta.k8s.io;v=v1`.

import { NumberLiteral } from "../../machines/common/numberliteral.js";
import { ageCol, nameCol, tableFor, timestampSince } from "../printers.js";
import type { ResourceInfo } from "../../machines/apiserver/resources.js";
import { goQuote } from "../../machines/apiserver/status.js";

/** How much of each object a Table row carries (the includeObject query parameter). */
export type IncludeObject = "None" | "Metadata" | "Object";

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

/** meta.k8s.io's versions a Table or PartialObjectMetadata is answered in (asTable, asPartialObjectMetadata). */
export type MetaVersion = "v1" | "v1beta1";

function rowObject(obj: any, include: IncludeObject, version: MetaVersion): object | undefined {
  if (include === "None") return undefined;
  if (include === "Object") return obj;
  return partialObjectMetadata(obj, version);
}

/** meta.AsPartialObjectMetadata with its kind set: the object's metadata alone. */
export function partialObjectMetadata(obj: any, version: MetaVersion): object {
  return { kind: "PartialObjectMetadata", apiVersion: `meta.k8s.io/${version}`, metadata: obj?.metadata ?? {} };
}

/** asPartialObjectMetadataList: each item's metadata, and the list's resourceVersion, continue and remainingItemCount. */
export function partialObjectMetadataList(list: any, version: MetaVersion): object {
  const lm = list?.metadata ?? {};
  const metadata = {
    ...(lm.resourceVersion ? { resourceVersion: lm.resourceVersion } : {}),
    ...(lm.continue ? { continue: lm.continue } : {}),
    ...(lm.remainingItemCount !== undefined ? { remainingItemCount: lm.remainingItemCount } : {}),
  };
  return { kind: "PartialObjectMetadataList", apiVersion: `meta.k8s.io/${version}`, metadata, items: (Array.isArray(list?.items) ? list.items : []).map((o: any) => partialObjectMetadata(o, version)) };
}

/**
 * The Table of a kind's objects; listMeta (resourceVersion, continue) is copied from the list.
 * Without headers the columnDefinitions are left out, as in watch events after the first.
 */
export function toTable(kind: string, objects: any[], opts: { now: number; include?: IncludeObject; listMeta?: Record<string, unknown>; headers?: boolean; version?: MetaVersion }): object {
  const t = tableFor(kind, objects, { wide: true, now: opts.now });
  const include = opts.include ?? "Metadata";
  const version = opts.version ?? "v1";
  return {
    kind: "Table",
    apiVersion: `meta.k8s.io/${version}`,
    metadata: opts.listMeta ?? {},
    columnDefinitions: opts.headers === false ? [] : t.columns,
    rows: t.rows.map((r, i) => {
      const object = rowObject(objects[i], include, version);
      // metav1.TableRow's fields in order: cells, conditions (omitempty), object
      const row = r.conditions ? { cells: r.cells, conditions: r.conditions } : { cells: r.cells };
      return object ? { ...row, object } : row;
    }),
  };
}

/**
 * The Table of custom resources (apiextensions-apiserver's tableconvertor): NAME, then the
 * version's additionalPrinterColumns, or AGE when it has none; each cell read at its column's
 * JSON path (nil when absent), a date as the time since it.
 */
export function customTable(r: ResourceInfo, objects: any[], opts: { now: number; include?: IncludeObject; listMeta?: Record<string, unknown>; headers?: boolean; version?: MetaVersion }): object {
  const given = r.custom?.printerColumns ?? [];
  const defs = given.length > 0 ? given : [{ name: "Age", type: "date", jsonPath: ".metadata.creationTimestamp", description: ageCol().description }];
  const columns = [nameCol(), ...defs.map((c: any) => ({ name: String(c.name ?? ""), type: String(c.type ?? ""), format: String(c.format ?? ""), description: String(c.description ?? ""), priority: typeof c.priority === "number" ? c.priority : 0 }))];
  const include = opts.include ?? "Metadata";
  const version = opts.version ?? "v1";
  return {
    kind: "Table",
    apiVersion: `meta.k8s.io/${version}`,
    metadata: opts.listMeta ?? {},
    columnDefinitions: opts.headers === false ? [] : columns,
    rows: objects.map((o) => {
      const cells = [o?.metadata?.name ?? "", ...defs.map((c: any) => customCell(String(c.type ?? ""), jsonPathValue(o, String(c.jsonPath ?? "")), opts.now))];
      const object = rowObject(o, include, version);
      return object ? { cells, object } : { cells };
    }),
  };
}

/** The value at a simple JSON path (.a.b, .a[0].b, .a['b.c']), or undefined. */
function jsonPathValue(obj: unknown, path: string): unknown {
  const p = path.replace(/^\{|\}$/g, "").replace(/^\$/, "");
  const re = /\.([A-Za-z0-9_-]+)|\[(\d+)\]|\['([^']*)'\]|\["([^"]*)"\]/y;
  let v: unknown = obj;
  let at = 0;
  while (at < p.length) {
    re.lastIndex = at;
    const m = re.exec(p);
    if (!m) return undefined;
    at = re.lastIndex;
    const key = m[1] ?? m[3] ?? m[4];
    if (key !== undefined) {
      if (v === null || typeof v !== "object" || Array.isArray(v) || !Object.hasOwn(v, key)) return undefined;
      v = (v as Record<string, unknown>)[key];
    } else {
      if (!Array.isArray(v)) return undefined;
      v = v[Number(m[2])];
    }
  }
  return v;
}

/** cellForJSONValue: a cell of the column's type; a date is the time since it, a string printed as JSONPath prints it. */
function customCell(type: string, v: unknown, now: number): unknown {
  if (v === undefined || v === null) return null;
  switch (type) {
    case "integer": return typeof v === "number" ? Math.trunc(v) : v instanceof NumberLiteral ? v : null;
    case "number": return typeof v === "number" || v instanceof NumberLiteral ? v : null;
    case "boolean": return typeof v === "boolean" ? v : null;
    case "date": return typeof v === "string" ? timestampSince(v, now) : null;
    default: return typeof v === "string" ? v : JSON.stringify(v);
  }
}

