// kube-controller-manager's token cleaner (kind and kubeadm turn it on: --controllers=*,
// bootstrapsigner,tokencleaner): an informer on kube-system's Secrets, a work queue of bootstrap
// token keys, one syncFunc per ProcessNext (tokencleaner.controller.ts). The context is a value.

import { informersSynced } from "../common/client.js";
import { controllerMachine } from "../common/controller.machine.js";
import * as I from "../common/informer.js";
import * as T from "./tokencleaner.controller.js";
import type { TokenCleanerContext, TokenCleanerEvent, TokenCleanerInput } from "./tokencleaner.controller.js";

export const tokenCleanerMachine = controllerMachine<TokenCleanerContext, TokenCleanerInput, TokenCleanerEvent>({
  id: "token-cleaner",
  description: "TokenCleaner: bootstrap token Secrets (bootstrap.kubernetes.io/token) in kube-system whose expiration has passed, or does not parse, are deleted with their uid as precondition; one expiring later is queued again for then.",
  context: T.initialTokenCleaner,
  startInformers: T.startInformers,
  isCacheSynced: (c) => informersSynced(c.client),
  watch: { step: T.onWatch, description: "an informer on kube-system's Secrets: bootstrap tokens added or updated are queued" },
  response: { step: T.onResponse, description: "the Secrets list and the token deletions" },
  relist: (c, e, fx) => I.relist(c.client, fx, e.watchId),
  worker: {
    kind: "perMessage",
    processNext: { action: "processNextToken", step: (c, e, fx) => T.processNext(c, e.now, fx), description: "syncFunc for the next key: delete an expired token, or AddAfter its time left" },
    requeueDescription: "a token's expiration came (AddAfter ttl)",
  },
});
