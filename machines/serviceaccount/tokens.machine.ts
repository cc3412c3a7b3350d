// kube-controller-manager's service-account token controller: informers on ServiceAccounts and on
// token Secrets, one work queue of account and Secret keys, one sync per ProcessNext
// (tokens.controller.ts); the signer's answer fills the Secret. The context is a value.

import { informersSynced } from "../common/client.js";
import { controllerMachine } from "../common/controller.machine.js";
import * as I from "../common/informer.js";
import * as T from "./tokens.controller.js";
import type { TokensControllerContext, TokensControllerEvent, TokensControllerInput } from "./tokens.controller.js";

export const tokensControllerMachine = controllerMachine<TokensControllerContext, TokensControllerInput, TokensControllerEvent>({
  id: "serviceaccount-token-controller",
  description: "Secrets of type kubernetes.io/service-account-token: filled with a signed token, ca.crt and namespace for the ServiceAccount they name, deleted when it is missing or deleted.",
  context: T.initialTokensController,
  startInformers: T.startInformers,
  isCacheSynced: (c) => informersSynced(c.client),
  watch: { step: T.onWatch, description: "informers on ServiceAccounts and token Secrets: a deleted account or an added or changed Secret is queued" },
  response: { step: T.onResponse, description: "the lists, account lookups, Secret updates and deletions" },
  relist: (c, e, fx) => I.relist(c.client, fx, e.watchId),
  worker: {
    kind: "perMessage",
    processNext: { action: "processNextKey", step: (c, _e, fx) => T.processNext(c, fx), description: "syncServiceAccount (delete its tokens) or syncSecret (fill it, or delete it) for the next key" },
    requeueDescription: "a rate-limited retry is due",
  },
  on: {
    TokenSigned: { action: "fillToken", step: (c, e, fx) => T.onTokenSigned(c, e, fx), description: "the signer signed the Secret's token: the Secret is updated with it" },
  },
});
