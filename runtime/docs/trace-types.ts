// One line of a podflow trace (JSON lines). Shared by the runtime that writes traces
// and the doc generators that turn them into sequence diagrams.

/** A single trace entry; `t` is simulated milliseconds, `seq` a total order. */
export type TraceEntry =
  | { seq: number; t: number; kind: "deliver"; from: string; to: string; type: string; summary: string }
  | { seq: number; t: number; kind: "state"; actor: string; value: string }
  | { seq: number; t: number; kind: "write"; key: string; revision: number; op: "put" | "delete" }
  | {
      seq: number;
      t: number;
      kind: "event";
      object: string;
      reason: string;
      message: string;
      eventType: "Normal" | "Warning";
    }
  | { seq: number; t: number; kind: "fault"; fault: string; detail: string }
  | { seq: number; t: number; kind: "refused"; from: string; to: string; type: string; why: string };

/** The `kind` discriminator of a trace entry. */
export type TraceKind = TraceEntry["kind"];
