// Statechart docs generated from XState v5 machine definitions: Mermaid stateDiagram-v2,
// Markdown tables of states and transitions, SVG, and a terminal rendering.
//
// Conventions (kept consistent across outputs):
// - State ids are the state path joined with "_", made Mermaid-safe; labels are the state keys.
// - A transition without a target ("internal": actions only) is drawn as a self loop, like an
//   explicit self-transition; the tables tell them apart ("(internal)" vs "x (re-enter)").
// - Transitions declared on the machine root apply in every state; they cannot be drawn as an
//   edge, so they appear in the event table only (From = "(any state)").
// - Edges between direct children of one compound state are written inside that state's block;
//   all others at the top level. beautiful-mermaid assigns a node to every block in which an
//   edge mentions it, so writing a cross-level edge inside a block would duplicate the node.

import type { AnyStateMachine, AnyStateNode } from "xstate";
import type { RenderOptions } from "beautiful-mermaid";
import { IdAllocator, mdCell, mermaidLabel } from "./ids.js";
import { docSvgOptions, renderAscii, renderSvg } from "./render.js";

type TransitionDef = {
  target: ReadonlyArray<AnyStateNode> | undefined;
  source: AnyStateNode;
  actions: readonly unknown[];
  reenter: boolean;
  guard?: unknown;
  eventType: string;
  description?: string;
};

/** One transition of the machine, flattened for rendering. */
export interface TransitionInfo {
  source: AnyStateNode;
  targets: AnyStateNode[];
  /** Human label of the trigger: event type, `after 10000ms`, `after podStartTimeout`, `always`, `onDone`… */
  event: string;
  /** Sort class of the trigger: named events first, then delays, eventless, done/error. */
  eventRank: number;
  guard?: string;
  actions: string[];
  reenter: boolean;
  description?: string;
}

/** Child state nodes in document order. */
function children(node: AnyStateNode): AnyStateNode[] {
  return Object.values(node.states as Record<string, AnyStateNode>).sort((a, b) => a.order - b.order);
}

/** Every state node below `node` (excluded), depth first, document order. */
function descendants(node: AnyStateNode): AnyStateNode[] {
  return children(node).flatMap((c) => [c, ...descendants(c)]);
}

/** Dotted state path without the machine id; the root is "(machine)". */
export function statePath(node: AnyStateNode): string {
  return node.path.length === 0 ? "(machine)" : node.path.join(".");
}

/** Human name of a guard: named guards by name, `not`/`and`/`or` composed, inline ones as "inline". */
export function guardName(guard: unknown): string {
  if (typeof guard === "string") return guard;
  if (typeof guard === "function") {
    const fn = guard as { name?: string; guards?: unknown[]; stateValue?: unknown };
    if (Array.isArray(fn.guards)) {
      const parts = fn.guards.map((g) => wrapGuard(guardName(g)));
      if (fn.name === "not") return `!${parts[0] ?? ""}`;
      return parts.join(fn.name === "or" ? " || " : " && ");
    }
    if (fn.stateValue !== undefined) return `in(${JSON.stringify(fn.stateValue)})`;
    return fn.name && fn.name !== "guard" ? fn.name : "inline";
  }
  if (guard && typeof guard === "object" && "type" in guard) return String((guard as { type: unknown }).type);
  return "inline";
}

/** Parenthesises composed guard text so `!(a && b)` keeps its meaning. */
function wrapGuard(text: string): string {
  return / && | \|\| /.test(text) ? `(${text})` : text;
}

/** Human name of an action: setup() names as written, built-ins without the `xstate.` prefix. */
export function actionName(action: unknown): string {
  if (typeof action === "string") return action;
  if (typeof action === "function") {
    const fn = action as { type?: unknown; name?: string; event?: unknown; to?: unknown };
    if (typeof fn.type === "string") {
      const base = fn.type.replace(/^xstate\./, "");
      const ev = fn.event && typeof fn.event === "object" && "type" in fn.event ? String(fn.event.type) : undefined;
      if (base === "sendTo" && typeof fn.to === "string" && ev) return `sendTo(${fn.to}, ${ev})`;
      return ev ? `${base}(${ev})` : base;
    }
    return fn.name ? fn.name : "inline";
  }
  if (action && typeof action === "object" && "type" in action) return String((action as { type: unknown }).type);
  return "inline";
}

/** Label for a delayed transition: named delays by name, literal ones in ms. */
function delayLabel(delay: unknown): string {
  if (typeof delay === "number") return `after ${delay}ms`;
  if (typeof delay === "string") return /^\d+$/.test(delay) ? `after ${delay}ms` : `after ${delay}`;
  return "after (computed delay)";
}

/** Name of the invoked actor an `xstate.done.actor.<id>` event refers to. */
function invokeName(node: AnyStateNode, id: string): string {
  const inv = (node.invoke as Array<{ id: string; src: unknown }>).find((i) => i.id === id);
  return inv && typeof inv.src === "string" ? inv.src : id;
}

/** Human label and sort rank of the event that triggers `def` on `node`. */
function eventOf(node: AnyStateNode, eventType: string): { event: string; rank: number } {
  if (eventType === "") return { event: "always", rank: 2 };
  if (eventType.startsWith("xstate.after.")) {
    const def = (node.after as Array<{ eventType: string; delay: unknown }>).find((d) => d.eventType === eventType);
    return { event: delayLabel(def?.delay), rank: 1 };
  }
  if (eventType.startsWith("xstate.done.state.")) return { event: "onDone", rank: 3 };
  for (const [prefix, label] of [
    ["xstate.done.actor.", "onDone"],
    ["xstate.error.actor.", "onError"],
    ["xstate.snapshot.", "onSnapshot"],
  ] as const) {
    if (eventType.startsWith(prefix)) return { event: `${label}(${invokeName(node, eventType.slice(prefix.length))})`, rank: 3 };
  }
  return { event: eventType, rank: 0 };
}

/** Flattens one XState transition definition. */
function toInfo(node: AnyStateNode, def: TransitionDef): TransitionInfo {
  const { event, rank } = eventOf(node, def.eventType);
  const info: TransitionInfo = {
    source: node,
    targets: [...(def.target ?? [])],
    event,
    eventRank: rank,
    actions: def.actions.map(actionName),
    reenter: def.reenter,
  };
  if (def.guard !== undefined) info.guard = guardName(def.guard);
  if (def.description) info.description = def.description;
  return info;
}

/** All transitions of the machine (root included), states in document order, events in config order. */
export function machineTransitions(machine: AnyStateMachine): TransitionInfo[] {
  const nodes = [machine.root as AnyStateNode, ...descendants(machine.root as AnyStateNode)];
  return nodes.flatMap((node) => {
    const onEvents = [...(node.transitions as Map<string, TransitionDef[]>).values()].flat();
    const always = (node.always ?? []) as TransitionDef[];
    return [...onEvents, ...always].map((def) => toInfo(node, def));
  });
}

/** Assigns Mermaid ids to every non-root state, in document order. */
function allocateIds(machine: AnyStateMachine): Map<AnyStateNode, string> {
  const alloc = new IdAllocator();
  const ids = new Map<AnyStateNode, string>();
  for (const node of descendants(machine.root as AnyStateNode)) ids.set(node, alloc.idFor(node.path.join(".")));
  return ids;
}

/** Each state's dotted path (below the root) and its id in the Mermaid source, so a page can find a state in the rendered SVG. */
export function stateIds(machine: AnyStateMachine): Map<string, string> {
  const out = new Map<string, string>();
  for (const [node, id] of allocateIds(machine)) out.set(node.path.join("."), id);
  return out;
}

/** The block an edge is written in: a compound state holding both ends directly, else the root. */
function edgeHome(source: AnyStateNode, target: AnyStateNode, root: AnyStateNode): AnyStateNode {
  const parent = source.parent;
  if (parent && parent !== root && parent.type === "compound" && target.parent === parent) return parent;
  return root;
}

/** Edge label: trigger plus `[guard]`. */
function edgeLabel(t: TransitionInfo): string {
  return mermaidLabel(t.guard ? `${t.event} [${t.guard}]` : t.event);
}

/** Mermaid edges grouped by the block they belong to. */
function edgesByHome(machine: AnyStateMachine, ids: Map<AnyStateNode, string>): Map<AnyStateNode, string[]> {
  const root = machine.root as AnyStateNode;
  const homes = new Map<AnyStateNode, string[]>();
  for (const t of machineTransitions(machine)) {
    if (t.source === root) continue;
    const targets = t.targets.length > 0 ? t.targets : [t.source];
    for (const target of targets) {
      if (target === root) continue;
      const home = edgeHome(t.source, target, root);
      const list = homes.get(home) ?? [];
      list.push(`${ids.get(t.source)} --> ${ids.get(target)} : ${edgeLabel(t)}`);
      homes.set(home, list);
    }
  }
  return homes;
}

/** The direct child of `node` that contains (or is) `target`. */
function childToward(node: AnyStateNode, target: AnyStateNode): AnyStateNode {
  let cur = target;
  while (cur.parent && cur.parent !== node) cur = cur.parent;
  return cur;
}

/** Label shown for a state in the diagram. */
function stateLabel(node: AnyStateNode): string {
  return mermaidLabel(node.type === "history" ? `${node.key} (history)` : node.key);
}

/** Mermaid lines for the contents of a compound/parallel node (or the root). */
function blockBody(
  node: AnyStateNode,
  ids: Map<AnyStateNode, string>,
  edges: Map<AnyStateNode, string[]>,
  indent: string,
): string[] {
  const kids = children(node);
  const decl = (c: AnyStateNode): string[] =>
    c.type === "compound" || c.type === "parallel"
      ? [`${indent}state "${stateLabel(c)}" as ${ids.get(c)} {`, ...blockBody(c, ids, edges, `${indent}  `), `${indent}}`]
      : [`${indent}state "${stateLabel(c)}" as ${ids.get(c)}`];
  if (node.type === "parallel") {
    // Each region is its own composite, separated by Mermaid's concurrency divider.
    return kids.flatMap((c, i) => [...(i > 0 ? [`${indent}--`] : []), ...decl(c)]);
  }
  const lines = kids.flatMap(decl);
  const initial = (node.initial as { target?: ReadonlyArray<AnyStateNode> } | undefined)?.target ?? [];
  for (const t of initial) lines.push(`${indent}[*] --> ${ids.get(childToward(node, t))}`);
  for (const c of kids) if (c.type === "final") lines.push(`${indent}${ids.get(c)} --> [*]`);
  for (const e of edges.get(node) ?? []) lines.push(`${indent}${e}`);
  return lines;
}

/** Mermaid stateDiagram-v2 source for an XState v5 machine definition. */
export function machineToMermaid(machine: AnyStateMachine): string {
  const ids = allocateIds(machine);
  const edges = edgesByHome(machine, ids);
  return ["stateDiagram-v2", ...blockBody(machine.root as AnyStateNode, ids, edges, "  ")].join("\n") + "\n";
}

/** Target column text: dotted paths, "(internal)" for actions-only transitions. */
function targetText(t: TransitionInfo): string {
  if (t.targets.length === 0) return "(internal)";
  return t.targets.map((n) => (n === t.source && t.reenter ? `${statePath(n)} (re-enter)` : statePath(n))).join(", ");
}

interface EventRow {
  event: string;
  rank: number;
  from: string[];
  to: string;
  guard: string;
  actions: string;
  description: string;
}

/** Table rows: one per distinct transition, sources merged, sorted by trigger (stable). */
function eventRows(machine: AnyStateMachine, descriptions: Record<string, string>): EventRow[] {
  const root = machine.root as AnyStateNode;
  const rows: EventRow[] = [];
  for (const t of machineTransitions(machine)) {
    const row: EventRow = {
      event: t.event,
      rank: t.eventRank,
      from: [t.source === root ? "(any state)" : statePath(t.source)],
      to: targetText(t),
      guard: t.guard ?? "",
      actions: t.actions.join(", "),
      description: t.description ?? descriptions[t.event] ?? "",
    };
    const same = rows.find(
      (r) => r.event === row.event && r.to === row.to && r.guard === row.guard && r.actions === row.actions && r.description === row.description,
    );
    if (same) same.from.push(...row.from);
    else rows.push(row);
  }
  return rows.sort((a, b) => a.rank - b.rank || (a.event < b.event ? -1 : a.event > b.event ? 1 : 0));
}

/** Inline-code cell, or empty when there is nothing to show. */
function code(text: string): string {
  return text === "" ? "" : `\`${text.replace(/`/g, "'")}\``;
}

/** Markdown table of transitions: event, from state(s), to state, guard, actions, description. */
export function machineEventTable(machine: AnyStateMachine, descriptions: Record<string, string> = {}): string {
  const header = ["| Event | From | To | Guard | Actions | Description |", "| --- | --- | --- | --- | --- | --- |"];
  const body = eventRows(machine, descriptions).map(
    (r) =>
      `| ${mdCell(code(r.event))} | ${mdCell(r.from.join(", "))} | ${mdCell(r.to)} | ${mdCell(code(r.guard))} | ${mdCell(r.actions)} | ${mdCell(r.description)} |`,
  );
  return [...header, ...body].join("\n") + "\n";
}

/** Whether an entry/exit action is XState's own scheduling of an `after` delay (not the author's). */
function isDelaySchedule(action: unknown): boolean {
  const a = action as { type?: unknown; event?: { type?: unknown }; sendId?: unknown };
  if (typeof action !== "function") return false;
  if (a.type === "xstate.raise") return typeof a.event?.type === "string" && a.event.type.startsWith("xstate.after.");
  return a.type === "xstate.cancel" && typeof a.sendId === "string" && a.sendId.startsWith("xstate.after.");
}

/** Author-written entry or exit action names. */
function ownActions(actions: readonly unknown[]): string {
  return actions.filter((a) => !isDelaySchedule(a)).map(actionName).join(", ");
}

/** Names of the actors a state invokes. */
function invokes(node: AnyStateNode): string {
  return (node.invoke as Array<{ id: string; src: unknown }>).map((i) => (typeof i.src === "string" ? i.src : i.id)).join(", ");
}

/** Markdown table of states: path, type, entry/exit actions, invoked actors, description. */
export function machineStateTable(machine: AnyStateMachine): string {
  const header = ["| State | Type | Entry | Exit | Invokes | Description |", "| --- | --- | --- | --- | --- | --- |"];
  const body = descendants(machine.root as AnyStateNode).map((n) => {
    const initial = n.parent && (n.parent.initial as { target?: ReadonlyArray<AnyStateNode> } | undefined)?.target?.includes(n);
    const type = initial ? `${n.type}, initial` : n.type;
    const cells = [statePath(n), type, ownActions(n.entry), ownActions(n.exit), invokes(n), n.description ?? ""];
    return `| ${cells.map(mdCell).join(" | ")} |`;
  });
  return [...header, ...body].join("\n") + "\n";
}

/** Options for machineDoc. */
export interface MachineDocOptions {
  /** Page title; defaults to the name. */
  title?: string;
  /** Lead paragraph; defaults to the machine root's `description`. */
  description?: string;
  /** Descriptions per event label, used where a transition has no `description` of its own. */
  eventDescriptions?: Record<string, string>;
  /** Relative link to the SVG from the Markdown; defaults to `<name>.svg`; null omits the image. */
  svgHref?: string | null;
  /** SVG colours/fonts. */
  render?: RenderOptions;
}

/** Content of docs/machines/<name>.md (title, description, Mermaid, tables) and its SVG. */
export function machineDoc(name: string, machine: AnyStateMachine, opts: MachineDocOptions = {}): { markdown: string; svg: string } {
  const mermaid = machineToMermaid(machine);
  const description = opts.description ?? (machine.root as AnyStateNode).description ?? "";
  const href = opts.svgHref === undefined ? `${name}.svg` : opts.svgHref;
  const parts = [
    `# ${opts.title ?? name}`,
    "<!-- Generated from the machine definition by `podflow docs`; do not edit by hand. -->",
    ...(description ? [description] : []),
    "## Statechart",
    "```mermaid\n" + mermaid + "```",
    ...(href ? [`![${name} statechart](${href})`] : []),
    "## States",
    machineStateTable(machine).trimEnd(),
    "## Transitions",
    machineEventTable(machine, opts.eventDescriptions).trimEnd(),
  ];
  return { markdown: parts.join("\n\n") + "\n", svg: renderSvg(mermaid, opts.render ?? docSvgOptions) };
}

/** One line per transition of `node`, for the tree view. */
function treeTransitions(node: AnyStateNode, all: TransitionInfo[], indent: string): string[] {
  return all
    .filter((t) => t.source === node)
    .map((t) => {
      const trigger = t.guard ? `${t.event} [${t.guard}]` : t.event;
      const actions = t.actions.length > 0 ? ` / ${t.actions.join(", ")}` : "";
      return `${indent}- ${trigger} -> ${targetText(t)}${actions}`;
    });
}

/** Indented tree of the machine's states with their transitions (readable in any terminal). */
export function machineTree(machine: AnyStateMachine): string {
  const root = machine.root as AnyStateNode;
  const all = machineTransitions(machine);
  const walk = (node: AnyStateNode, indent: string): string[] => {
    const initial = node.parent && (node.parent.initial as { target?: ReadonlyArray<AnyStateNode> } | undefined)?.target?.includes(node);
    const marks = [initial ? "initial" : "", node.type === "atomic" ? "" : node.type].filter(Boolean);
    const head = `${indent}${node.key}${marks.length ? ` (${marks.join(", ")})` : ""}${node.description ? ` -- ${node.description}` : ""}`;
    return [head, ...treeTransitions(node, all, `${indent}    `), ...children(node).flatMap((c) => walk(c, `${indent}  `))];
  };
  return walk(root, "").join("\n") + "\n";
}

/**
 * Terminal rendering for `podflow describe machine <name>`: the indented tree by default.
 * beautiful-mermaid can draw state diagrams in ASCII, but it misplaces composite states and
 * overlaps edge labels once a state has several outgoing edges (as the apiserver machine's
 * eventless chain does), so the box drawing is opt-in (style "diagram"), falling back to the tree.
 */
export function machineAscii(machine: AnyStateMachine, opts: { style?: "tree" | "diagram"; ascii?: boolean } = {}): string {
  if ((opts.style ?? "tree") === "tree") return machineTree(machine);
  try {
    return renderAscii(machineToMermaid(machine), { ascii: opts.ascii ?? false });
  } catch {
    return machineTree(machine);
  }
}
