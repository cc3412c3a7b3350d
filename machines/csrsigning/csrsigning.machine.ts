// kube-controller-manager's csrsigning controller: an informer on CertificateSigningRequests, a
// work queue of their names, one sync per ProcessNext (csrsigning.controller.ts); the runtime's
// cluster CA answers a SignCertificate with the certificate. The context is a value.

import { informersSynced } from "../common/client.js";
import { controllerMachine } from "../common/controller.machine.js";
import * as I from "../common/informer.js";
import * as T from "./csrsigning.controller.js";
import type { CSRSigningContext, CSRSigningEvent, CSRSigningInput } from "./csrsigning.controller.js";

export const csrSigningMachine = controllerMachine<CSRSigningContext, CSRSigningInput, CSRSigningEvent>({
  id: "csrsigning-controller",
  description: "approved CertificateSigningRequests for kubernetes.io/kube-apiserver-client, kube-apiserver-client-kubelet and kubelet-serving: signed by the cluster CA (status.certificate), or Failed (SignerValidationFailure) when their subject or usages are not the signer's.",
  context: T.initialCSRSigning,
  startInformers: T.startInformers,
  isCacheSynced: (c) => informersSynced(c.client),
  watch: { step: T.onWatch, description: "an informer on CertificateSigningRequests: every change is queued" },
  response: { step: T.onResponse, description: "the list and the /status writes" },
  relist: (c, e, fx) => I.relist(c.client, fx, e.watchId),
  worker: {
    kind: "perMessage",
    processNext: { action: "processNextKey", step: (c, e, fx) => T.processNext(c, e.now, fx), description: "signer.handle for the next request: fail it, or ask the CA to sign it" },
    requeueDescription: "a rate-limited retry is due",
  },
  on: {
    CertificateSigned: { action: "writeCertificate", step: (c, e, fx) => T.onCertificateSigned(c, e, fx), description: "the CA signed the request: status.certificate is written" },
  },
});
