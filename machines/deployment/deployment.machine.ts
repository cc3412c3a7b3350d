// kube-controller-manager's Deployment controller: informers on Deployments, ReplicaSets and
// Pods, a work queue of Deployment keys, one key synced per ProcessNext (deployment.controller.ts).

import { informersSynced } from "../common/client.js";
import { controllerMachine } from "../common/controller.machine.js";
import * as I from "../common/informer.js";
import * as D from "./deployment.controller.js";
import type { DeploymentControllerContext, DeploymentControllerEvent, DeploymentControllerInput } from "./deployment.controller.js";

export const deploymentControllerMachine = controllerMachine<DeploymentControllerContext, DeploymentControllerInput, DeploymentControllerEvent>({
  id: "deployment-controller",
  description: "Deployments: a ReplicaSet per pod-template-hash, RollingUpdate or Recreate, proportional scaling, status and conditions.",
  context: D.initialDeploymentController,
  startInformers: D.startInformers,
  isCacheSynced: (c) => informersSynced(c.client),
  watch: { step: D.onWatch, description: "informers: Deployments, their ReplicaSets, and pod deletions for Recreate" },
  response: { step: D.onResponse, description: "lists, canAdopt's live GET of the Deployment (then the ReplicaSet adoptions, or none if it is being deleted), ReplicaSet creations and scalings (ScalingReplicaSet), status writes" },
  relist: (c, e, fx) => I.relist(c.client, fx, e.watchId),
  worker: {
    kind: "perMessage",
    processNext: { action: "processNextKey", step: (c, e, fx) => D.processNext(c, e.now, fx), description: "syncDeployment for the next key" },
    requeueDescription: "a rate-limited retry is due",
  },
  on: {
    RolloutTimer: { action: "checkProgress", step: (c, e, fx) => D.onRolloutTimer(c, e.key, e.event, fx), description: "a rollout's progress deadline passed (rollout chart): requeueStuckDeployment" },
  },
});
