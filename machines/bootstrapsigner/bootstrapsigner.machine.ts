// kube-controller-manager's bootstrap signer (kind and kubeadm turn it on: --controllers=*,
// bootstrapsigner,tokencleaner): informers on kube-system's Secrets and kube-public's ConfigMaps,
// a queue holding only the key kube-public/cluster-info, one signConfigMap per ProcessNext
// (bootstrapsigner.controller.ts). The context is a value.

import { informersSynced } from "../common/client.js";
import { controllerMachine } from "../common/controller.machine.js";
import * as I from "../common/informer.js";
import * as S from "./bootstrapsigner.controller.js";
import type { SignerContext, SignerEvent, SignerInput } from "./bootstrapsigner.controller.js";

export const bootstrapSignerMachine = controllerMachine<SignerContext, SignerInput, SignerEvent>({
  id: "bootstrap-signer",
  description: "BootstrapSigner: kube-public/cluster-info's kubeconfig signed with a detached JWS (HS256) as jws-kubeconfig-<token-id> for every valid bootstrap token with usage-bootstrap-signing \"true\"; signatures of tokens that went away removed.",
  context: S.initialSigner,
  startInformers: S.startInformers,
  isCacheSynced: (c) => informersSynced(c.client),
  watch: { step: S.onWatch, description: "informers on kube-system's Secrets and kube-public's ConfigMaps: a bootstrap token or cluster-info changed pokes the queue" },
  response: { step: S.onResponse, description: "the lists and the cluster-info updates" },
  relist: (c, e, fx) => I.relist(c.client, fx, e.watchId),
  worker: {
    kind: "perMessage",
    processNext: { action: "signConfigMap", step: (c, e, fx) => S.processNext(c, e.now, fx), description: "signConfigMap: recompute the signatures, update cluster-info when one is new, changed or gone" },
    requeueDescription: "a requeued poke",
  },
});
