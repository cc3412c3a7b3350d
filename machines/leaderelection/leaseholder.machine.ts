// A component's Lease holder as an actor: kube-controller-manager's and kube-scheduler's leader
// election, kube-apiserver's identity lease controller. It has no informers; once started it runs
// the lease chart (leaseholder.lifecycle.machine.ts). The context is a value.

import { controllerMachine } from "../common/controller.machine.js";
import * as H from "./leaseholder.controller.js";
import type { LeaseHolderContext, LeaseHolderInput, LeaseHolderMessage } from "./leaseholder.controller.js";

export const leaseHolderMachine = controllerMachine<LeaseHolderContext, LeaseHolderInput, LeaseHolderMessage>({
  id: "lease-holder",
  description: "holds a Lease in kube-system: acquired, then renewed every retry period (leader election: 2 s, lost past a 10 s renew deadline; kube-apiserver's identity Lease: every 10 s).",
  context: H.initialLeaseHolder,
  startInformers: () => {},
  isCacheSynced: () => true,
  onCacheSynced: { action: "startHolding", step: (c, _e, fx) => H.start(c, fx) },
  watch: { step: () => {}, description: "none: a holder watches nothing" },
  response: { step: H.onResponse, description: "the lock's get, create and updates: held or not, to the chart" },
  on: {
    LeaseTimer: { action: "retryPeriodElapsed", step: (c, e, fx) => H.onTimer(c, e, fx), description: "the chart's timer: tryAcquireOrRenew again" },
  },
});
