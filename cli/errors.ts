// How kubectl apply tells an error (staging/src/k8s.io/kubectl/pkg/cmd/util/helpers.go checkErr,
// cmd/apply AddSourceToErr): its own as "error: ...", an Invalid one from the server as
// `The Kind "name" is invalid: field: message` (several causes as "* " lines, each once), any
// other as `Error from server (Reason): error when creating "file": message`.

import { type ApiError, ClientError } from "../runtime/manifests.js";

/** The lines kubectl prints for an error of `apply` on an object read from `source`; `verb` is "creating" or "patching". */
export function applyErrorLines(e: ApiError, verb: string, source: string): string[] {
  if (e instanceof ClientError) return [`error: ${e.message}`];
  const st = e.status;
  if (st.reason === "Invalid") {
    const d = st.details;
    if (!d) return [`The request is invalid${st.message ? `: ${st.message}` : ""}`];
    const head = d.kind || d.name ? `The ${d.kind ?? ""} "${d.name ?? ""}" is invalid` : `The request is invalid${(d.causes ?? []).length === 0 && st.message ? `: ${st.message}` : ""}`;
    const causes = [...new Set((d.causes ?? []).map((c) => `${c.field ?? ""}: ${c.message ?? ""}`))];
    if (causes.length === 0) return [head];
    if (causes.length === 1) return [`${head}: ${causes[0]}`];
    return [`${head}: `, ...causes.map((c) => `* ${c}`)];
  }
  return [`Error from server (${st.reason}): error when ${verb} "${source}": ${e.message}`];
}
