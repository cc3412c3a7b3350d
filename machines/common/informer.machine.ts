// One informer's reflector (client-go tools/cache/reflector.go ListAndWatch): it lists, then
// watches from the list's resourceVersion; a watch that ends (the API server's 410 Gone, "too old
// resource version", or a closed connection, both an ERROR event here) sends it back to list
// again, keeping its store until the new list replaces it; a list that fails is tried again after
// the reflector's back-off (800 ms). The store and the requests are data beside the chart
// (client.ts); every controller keeps one chart per informer, as a value, and informer.ts steps it.

import { emit, setup } from "xstate";

export type InformerEvent =
  /** the list answered: the store is replaced and the watch opened from its resourceVersion */
  | { type: "Listed" }
  /** the list failed */
  | { type: "ListFailed" }
  /** the watch ended: 410 Gone or the connection closed */
  | { type: "WatchError" };

/** How long a reflector waits before listing again after a failed list (its back-off's start). */
export const RELIST_DELAY_MS = 800;

export const informerMachine = setup({
  types: { events: {} as InformerEvent, emitted: {} as { type: "List" } },
  delays: { relistDelay: RELIST_DELAY_MS },
  actions: { list: emit({ type: "List" as const }) },
}).createMachine({
  id: "informer",
  description: "a reflector's ListAndWatch: listing, then watching; relisting when the watch ends (410 Gone, closed); a failed list is retried after a back-off.",
  initial: "listing",
  states: {
    listing: {
      description: "the first list is on its way; the cache has not synced",
      on: { Listed: "watching", ListFailed: "backingOff", WatchError: { target: "relisting", actions: "list" } },
    },
    watching: {
      description: "the store holds the list, and watch events keep it current; the cache has synced",
      on: { WatchError: { target: "relisting", actions: "list", description: "410 Gone or the watch closed: list again" } },
    },
    relisting: {
      description: "listing again; the store keeps the old objects until the new list replaces them (deltas for the difference)",
      on: { Listed: "watching", ListFailed: "backingOff", WatchError: { target: "relisting", reenter: true, actions: "list" } },
    },
    backingOff: {
      description: "the list failed: the reflector waits before listing again",
      after: { relistDelay: { target: "relisting", actions: "list" } },
      on: { WatchError: { target: "relisting", actions: "list" } },
    },
  },
});
