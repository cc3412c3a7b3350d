// podflow serve: the Kubernetes REST API of a live simulated cluster over HTTP(S).

export { startServer, parsePath, pathNotFound, type ServeOptions, type RunningServer, type ResourcePath, type Route } from "./http.js";
export { kubeconfig } from "./kubeconfig.js";
export { generateServingCerts, type ServingCerts } from "./certs.js";
export { goJsonSyntaxError, decodeBody, summarizeData } from "./decode.js";
export { toTable } from "./tables.js";
export { negotiatedTransform, type Transform } from "./negotiate.js";
export { aggregatedDiscovery, apiResourceList, versionInfo, wantsAggregated } from "./discovery.js";
