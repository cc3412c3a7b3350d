// metrics-server's scrape cycle (sigs.k8s.io/metrics-server pkg/server: the scrape loop every
// --metric-resolution, 15 s by default): waiting for the next tick, then scraping every node's
// resource metrics until each has answered (or its scrape timed out), then waiting again.

import { emit, setup } from "xstate";

export type ScrapeEvent = { type: "Scraped" };

/** metrics-server's default --metric-resolution. */
export const metricResolutionMs = 15_000;
/** How long one scrape may take (its default --kubelet-request-timeout is 10 s). */
export const scrapeTimeoutMs = 10_000;

export const scrapeLifecycleMachine = setup({
  types: { context: {} as Record<string, never>, events: {} as ScrapeEvent, emitted: {} as { type: "ScrapeNodes" } },
  delays: { metricResolution: metricResolutionMs, scrapeTimeout: scrapeTimeoutMs },
  actions: { scrapeNodes: emit({ type: "ScrapeNodes" as const }) },
}).createMachine({
  id: "scrape",
  description: "metrics-server's scrape loop: every metricResolution each node's resource metrics are collected; usage is the rate between a container's last two samples.",
  context: {},
  initial: "waiting",
  states: {
    waiting: {
      description: "until the next tick of the metric resolution",
      after: { metricResolution: { target: "scraping", actions: "scrapeNodes", description: "ListContainerStats to every node" } },
    },
    scraping: {
      description: "waiting for every node's stats; a node that does not answer is skipped this round",
      on: { Scraped: "waiting" },
      after: { scrapeTimeout: { target: "waiting", description: "the nodes that did not answer keep their earlier samples" } },
    },
  },
});
