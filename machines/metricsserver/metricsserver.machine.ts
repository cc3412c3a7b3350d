// metrics-server (sigs.k8s.io/metrics-server) as podflow runs it: not a kube-controller-manager
// controller, but the same shape (informers until synced, then running), on the shared factory.
// It scrapes every node's container stats each metric resolution (scrape chart) and serves
// metrics.k8s.io/v1beta1 behind the API server's aggregation layer. The context is a value.

import { informersSynced } from "../common/client.js";
import { controllerMachine } from "../common/controller.machine.js";
import * as I from "../common/informer.js";
import * as M from "./metricsserver.controller.js";
import type { MetricsServerContext, MetricsServerEvent, MetricsServerInput } from "./metricsserver.controller.js";

export const metricsServerMachine = controllerMachine<MetricsServerContext, MetricsServerInput, MetricsServerEvent>({
  id: "metrics-server",
  description: "scrapes each node's container CPU and memory every metric resolution; serves PodMetrics and NodeMetrics (metrics.k8s.io/v1beta1) as rates between the last two scrapes.",
  context: M.initialMetricsServer,
  startInformers: M.startInformers,
  isCacheSynced: (c) => informersSynced(c.client),
  onCacheSynced: { action: "startScraping", step: (c, _e, fx) => M.startScraping(c, fx) },
  watch: { step: M.onWatch, description: "informers on Nodes (whom to scrape) and Pods (the labels of PodMetrics)" },
  response: { step: M.onResponse, description: "the Nodes and Pods lists" },
  relist: (c, e, fx) => I.relist(c.client, fx, e.watchId),
  on: {
    ProxiedApiRequest: { action: "serveMetricsRequest", step: (c, e, fx) => M.onProxiedRequest(c, e, fx), description: "get or list of pods or nodes in metrics.k8s.io, forwarded by the aggregator: answered from the last two scrapes" },
  },
  running: {
    ScrapeTimer: { action: "scrapeTick", step: (c, e, fx) => M.onScrapeTimer(c, e.event, fx), description: "the scrape chart's tick (ListContainerStats to every node) or its timeout" },
    ListContainerStatsResult: { action: "recordStats", step: (c, e, fx) => M.onStats(c, e, fx), description: "a node's container stats: its newest sample" },
  },
});
