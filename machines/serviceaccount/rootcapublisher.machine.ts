// kube-controller-manager's root-CA publisher: every active namespace has the kube-root-ca.crt
// ConfigMap holding the cluster CA, created when missing and put back when it differs
// (pernamespace.controller.ts). The context is a value.

import { clusterCACert, rootCAConfigMapName } from "../common/ca.js";
import * as P from "./pernamespace.controller.js";

/** DescriptionAnnotation and its text, as the publisher writes them. */
const descriptionAnnotation = "kubernetes.io/description";
const description = "Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.";

/** The ConfigMap the publisher keeps in every namespace. */
export const rootCAConfigMap: P.PerNamespaceObject = {
  name: "root-ca-cert-publisher",
  resource: "configmaps",
  kind: "ConfigMap",
  objectName: rootCAConfigMapName,
  desired: (ctx) => ({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: rootCAConfigMapName, annotations: { [descriptionAnnotation]: description } }, data: { "ca.crt": ctx.rootCA ?? clusterCACert } }),
  // syncNamespace: the data (and the annotation) are put back when they differ; everything else is kept.
  repair: (cm, ctx) => {
    const ca = ctx.rootCA ?? clusterCACert;
    const data = cm.data ?? {};
    const same = Object.keys(data).length === 1 && data["ca.crt"] === ca && cm.metadata?.annotations?.[descriptionAnnotation] === description;
    if (same) return undefined;
    return { ...cm, metadata: { ...cm.metadata, annotations: { ...(cm.metadata?.annotations ?? {}), [descriptionAnnotation]: description } }, data: { "ca.crt": ca } };
  },
};

export const rootCaPublisherMachine = P.perNamespaceMachine(
  rootCAConfigMap,
  "the kube-root-ca.crt ConfigMap (the cluster CA) in every active namespace: created when missing, put back when changed.",
  "informers on Namespaces and on ConfigMaps named kube-root-ca.crt: a new namespace or a changed or deleted ConfigMap is queued",
  "syncNamespace for the next namespace: create or repair kube-root-ca.crt",
);
