// Mermaid sequence diagrams from podflow traces: one arrow per delivered (or refused) message,
// optional notes for state changes, etcd writes, Kubernetes Events and injected faults.

import { IdAllocator, mermaidLabel, naturalCompare } from "./ids.js";
import type { TraceEntry } from "./trace-types.js";

export { renderSvg, renderAscii, validateMermaid } from "./render.js";
export type { MermaidValidation } from "./render.js";
export type { TraceEntry } from "./trace-types.js";

/** Options for traceToSequenceDiagram. */
export interface SequenceOptions {
  title?: string;
  /** Participants drawn first, in this order; the others follow in the default order. */
  participants?: string[];
  /** Stop after this many arrows; a closing note says how many were left out. */
  maxMessages?: number;
  /** Keep only entries for which this returns true (applied before everything else). */
  include?: (e: TraceEntry) => boolean;
  /** `Note over <actor>` for each state change. Default false. */
  states?: boolean;
  /** A note for each Kubernetes Event (reason and message). Default false. */
  events?: boolean;
  /** `Note over etcd` for each put/delete with its revision. Default false. */
  writes?: boolean;
  /** A note for each injected fault. Default true. */
  faults?: boolean;
  /** A crossed arrow for each refused delivery. Default true. */
  refused?: boolean;
}

// Default left-to-right order: the request path of a Pod from client to node agents.
const ranks: Array<(name: string) => boolean> = [
  (n) => /^(kubectl|client|user)\b/.test(n),
  (n) => n.startsWith("apiserver"),
  (n) => n.startsWith("etcd"),
  (n) => n.startsWith("scheduler"),
  (n) => n.startsWith("kubelet"),
  (n) => n.startsWith("cri"),
  (n) => n.startsWith("cni"),
  (n) => /controller/.test(n),
];

/** Position class of a participant in the default order (unknown names last). */
function rank(name: string): number {
  const i = ranks.findIndex((r) => r(name));
  return i === -1 ? ranks.length : i;
}

/** Orders participant names: explicit ones first, then client, apiserver, etcd, scheduler, kubelet, cri, cni, controllers, others. */
export function orderParticipants(names: Iterable<string>, explicit: string[] = []): string[] {
  const rest = [...new Set(names)].filter((n) => !explicit.includes(n));
  rest.sort((a, b) => rank(a) - rank(b) || naturalCompare(a, b));
  return [...new Set(explicit), ...rest];
}

/** Participants an entry draws on, given which notes are enabled. */
function actorsOf(e: TraceEntry, o: Required<Pick<SequenceOptions, "states" | "writes" | "refused">>): string[] {
  switch (e.kind) {
    case "deliver":
      return [e.from, e.to];
    case "refused":
      return o.refused ? [e.from, e.to] : [];
    case "state":
      return o.states ? [e.actor] : [];
    case "write":
      return o.writes ? ["etcd"] : [];
    default:
      return [];
  }
}

/** Text of a note spanning the whole diagram, or over one participant. */
function noteOver(ids: string[], text: string): string {
  const span = ids.length > 1 ? `${ids[0]},${ids[ids.length - 1]}` : ids[0]!;
  return `  Note over ${span}: ${mermaidLabel(text)}`;
}

/** Entries kept after the arrow budget, and how many arrows fell beyond it. */
function budget(entries: TraceEntry[], max: number, refused: boolean): { shown: TraceEntry[]; omitted: number } {
  const shown: TraceEntry[] = [];
  let arrows = 0;
  let omitted = 0;
  for (const e of entries) {
    const isArrow = e.kind === "deliver" || (e.kind === "refused" && refused);
    if (arrows >= max) {
      if (isArrow) omitted++;
      continue;
    }
    shown.push(e);
    if (isArrow) arrows++;
  }
  return { shown, omitted };
}

/** Mermaid sequenceDiagram for a trace: participants in stable order, one arrow per message. */
export function traceToSequenceDiagram(trace: TraceEntry[], opts: SequenceOptions = {}): string {
  const o = { states: false, events: false, writes: false, faults: true, refused: true, ...opts };
  const entries = [...trace].filter(opts.include ?? (() => true)).sort((a, b) => a.seq - b.seq);
  const { shown, omitted } = budget(entries, opts.maxMessages ?? Infinity, o.refused);
  // Only participants that appear in what is drawn (plus explicit ones) are declared.
  const order = orderParticipants(shown.flatMap((e) => actorsOf(e, o)), opts.participants ?? []);
  const alloc = new IdAllocator();
  const id = (name: string): string => alloc.idFor(name);
  const lines = ["sequenceDiagram"];
  if (opts.title) lines.push(`  title ${mermaidLabel(opts.title)}`);
  for (const name of order) {
    const pid = id(name);
    lines.push(pid === name ? `  participant ${pid}` : `  participant ${pid} as ${mermaidLabel(name)}`);
  }
  const all = order.map(id);
  for (const e of shown) {
    const line = entryLine(e, o, id, all);
    if (line !== undefined) lines.push(line);
  }
  if (omitted > 0 && all.length > 0) lines.push(noteOver(all, `… ${omitted} more message${omitted === 1 ? "" : "s"} omitted`));
  return lines.join("\n") + "\n";
}

/** The Mermaid statement for one entry, or undefined when that kind is not shown. */
function entryLine(
  e: TraceEntry,
  o: Required<Pick<SequenceOptions, "states" | "events" | "writes" | "faults" | "refused">>,
  id: (name: string) => string,
  all: string[],
): string | undefined {
  switch (e.kind) {
    case "deliver":
      return `  ${id(e.from)}->>${id(e.to)}: ${mermaidLabel(e.summary || e.type)}`;
    case "refused":
      return o.refused ? `  ${id(e.from)}-x${id(e.to)}: ${mermaidLabel(`${e.type} refused: ${e.why}`)}` : undefined;
    case "state":
      return o.states ? noteOver([id(e.actor)], e.value) : undefined;
    case "write":
      return o.writes ? noteOver([id("etcd")], `${e.op} ${e.key} (rev ${e.revision})`) : undefined;
    case "event":
      return o.events && all.length > 0 ? noteOver(all, `${e.eventType} ${e.reason} ${e.object}: ${e.message}`) : undefined;
    case "fault":
      return o.faults && all.length > 0 ? noteOver(all, `fault ${e.fault}: ${e.detail}`) : undefined;
  }
}
