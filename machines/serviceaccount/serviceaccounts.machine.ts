// kube-controller-manager's service-account controller: every active namespace has the "default"
// ServiceAccount, created again if it is deleted (pernamespace.controller.ts). The context is a value.

import * as P from "./pernamespace.controller.js";

/** The account the controller keeps in every namespace (DefaultServiceAccountsControllerOptions). */
export const defaultServiceAccount: P.PerNamespaceObject = {
  name: "serviceaccount-controller",
  resource: "serviceaccounts",
  kind: "ServiceAccount",
  objectName: "default",
  desired: () => ({ apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "default" } }),
};

export const serviceAccountsControllerMachine = P.perNamespaceMachine(
  defaultServiceAccount,
  "the default ServiceAccount in every active namespace: created when the namespace appears or the account is deleted.",
  "informers on Namespaces and on ServiceAccounts named default: a new namespace or a deleted account is queued",
  "syncNamespace for the next namespace: create default when it is missing",
);
