// negotiation.NegotiateOutputMediaType, the first thing every resource handler does (after the
// filters): an Accept header none of whose clauses the API's serializers can answer is a 406.

import type { Status } from "kubernetes-types/meta/v1";

/** The serializers a built-in resource answers in, in the CodecFactory's order (the 406 lists them so). */
const served: ReadonlyArray<readonly [string, string]> = [["application", "json"], ["application", "yaml"], ["application", "vnd.kubernetes.protobuf"]];

/** At most this many clauses are looked at: a header is at most MaxHeaderBytes anyway. */
const maxClauses = 1_000;

/**
 * The 406 NotAcceptable for an Accept header no clause of which names a served media type (exactly,
 * as type/*, or as * / *) with q above 0 and a transform it can make (as=Table in JSON or YAML,
 * PartialObjectMetadata[List]), or undefined when one does or the header is empty. Without
 * transforms (DefaultEndpointRestrictions: the discovery documents) no clause may ask for one.
 */
export function notAcceptable(accept: string | undefined, transforms = true): Status | undefined {
  if (accept === undefined || accept.trim() === "") return undefined;
  const clauses = accept.split(",");
  for (let i = 0; i < clauses.length && i < maxClauses; i++) if (acceptable(clauses[i]!, transforms)) return undefined;
  return {
    kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", code: 406, reason: "NotAcceptable",
    message: `only the following media types are accepted: ${served.map(([t, s]) => `${t}/${s}`).join(", ")}`,
  };
}

function acceptable(clause: string, transforms: boolean): boolean {
  const [range = "", ...rawParams] = clause.split(";").map((x) => x.trim());
  const slash = range.indexOf("/");
  // goautoneg takes a bare "*" for */*; anything else without a subtype is no media range
  const [type, sub] = range === "*" ? ["*", "*"] : slash > 0 ? [range.slice(0, slash).toLowerCase(), range.slice(slash + 1).toLowerCase()] : ["", ""];
  if (type === "") return false;
  const params = new Map<string, string>();
  for (const p of rawParams) {
    const eq = p.indexOf("=");
    if (eq > 0) params.set(p.slice(0, eq).trim(), p.slice(eq + 1).trim());
  }
  const q = params.get("q");
  if (q !== undefined && !(Number(q) > 0)) return false;
  return served.some(([t, s]) => {
    const matches = (type === t && (sub === s || sub === "*")) || (type === "*" && sub === "*");
    return matches && streamable(params, s) && (transforms ? transformable(params, s) : !params.has("as"));
  });
}

/** acceptMediaTypeOptions' stream parameter: a serializer with a stream serializer (not YAML's), and the watch schema only. */
function streamable(params: ReadonlyMap<string, string>, subtype: string): boolean {
  const stream = params.get("stream") ?? "";
  return stream === "" || (subtype !== "yaml" && stream === "watch");
}

/** AllowsMediaTypeTransform: no conversion, a Table as JSON or YAML, or PartialObjectMetadata[List]. */
function transformable(params: ReadonlyMap<string, string>, subtype: string): boolean {
  const as = params.get("as");
  if (as === undefined) return true;
  const g = params.get("g") ?? "";
  const v = params.get("v") ?? "";
  if (g !== "meta.k8s.io" || (v !== "v1" && v !== "v1beta1")) return false;
  if (as === "Table") return subtype === "json" || subtype === "yaml";
  return as === "PartialObjectMetadata" || as === "PartialObjectMetadataList";
}

/** The pretty=1 parameter of the Accept clause negotiation settles on (acceptMediaTypeOptions: "if specified, the pretty serializer will be used"). */
export function acceptAsksPretty(accept: string | undefined): boolean {
  return negotiatedClause(accept)?.pretty === true;
}

/**
 * The served media type negotiation settles on (application/json, application/yaml or
 * application/vnd.kubernetes.protobuf), or undefined when the header is empty or names none: the
 * first served type a wildcard clause matches, one a clause of q=0 names excepted (rejectedMediaTypes).
 */
export function negotiatedMediaType(accept: string | undefined): string | undefined {
  const chosen = negotiatedClause(accept);
  if (!chosen) return undefined;
  const rejected = new Set(parsedClauses(accept!).filter((c) => c.q <= 0 && c.type !== "*" && c.sub !== "*").map((c) => `${c.type}/${c.sub}`));
  const match = served.find(([t, s]) => (chosen.type === "*" || chosen.type === t) && (chosen.sub === "*" || chosen.sub === s) && !rejected.has(`${t}/${s}`));
  return match ? `${match[0]}/${match[1]}` : undefined;
}

/** A conversion of the answer an Accept clause asks for (MediaTypeOptions.Convert): the kind and meta.k8s.io's version. */
export interface Transform {
  as: "Table" | "PartialObjectMetadata" | "PartialObjectMetadataList";
  version: "v1" | "v1beta1";
}

/**
 * The conversion of the clause negotiation settles on, if it asks for one (response.go's
 * doTransformObject reads mediaType.Convert): only that clause counts, not another that asks a Table.
 */
export function negotiatedTransform(accept: string | undefined): Transform | undefined {
  const params = negotiatedClause(accept)?.params;
  const as = params?.get("as");
  if (params === undefined || as === undefined) return undefined;
  // acceptable() let through only meta.k8s.io v1 or v1beta1 and these three kinds
  return { as: as as Transform["as"], version: params.get("v") as Transform["version"] };
}

/** The stream types a watch answers in (MediaTypesForSerializer's streamMediaTypes): YAML has no stream serializer. */
export const watchMediaTypes = ["application/json;stream=watch", "application/vnd.kubernetes.protobuf;stream=watch"];

function parsedClauses(accept: string) {
  return accept.split(",").slice(0, maxClauses).map((c, i) => {
    const parts = c.split(";").map((x) => x.trim());
    const [type = "", sub = ""] = parts[0] === "*" ? ["*", "*"] : parts[0]!.toLowerCase().split("/");
    const params = new Map<string, string>();
    for (const p of parts.slice(1)) {
      const eq = p.indexOf("=");
      if (eq > 0) params.set(p.slice(0, eq).trim(), p.slice(eq + 1).trim());
    }
    const q = params.has("q") ? Number(params.get("q")) : 1;
    return { c, i, q: Number.isNaN(q) ? 0 : q, type, sub, pretty: params.get("pretty") === "1", params };
  });
}

/**
 * The Accept clause negotiation settles on: goautoneg's order, higher q first, then a concrete
 * type before a wildcard one (a sort that keeps header order among equals for the few clauses a
 * client sends), and the first clause a served media type answers.
 */
function negotiatedClause(accept: string | undefined) {
  if (accept === undefined || accept.trim() === "") return undefined;
  const clauses = parsedClauses(accept);
  clauses.sort((a, b) => b.q - a.q || (a.type === "*" ? 1 : 0) - (b.type === "*" ? 1 : 0) || (a.sub === "*" ? 1 : 0) - (b.sub === "*" ? 1 : 0) || a.i - b.i);
  return clauses.find((x) => acceptable(x.c, true));
}
