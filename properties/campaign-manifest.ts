// `podflow campaign manifest`: a campaign as a Kubernetes Indexed Job. Pod I runs shard I of N
// (the Job controller gives each pod its JOB_COMPLETION_INDEX; the kubelet expands $(VAR) in a
// container's command), prints its result as the last log line, and exits 0 on a violation too:
// `podflow check --merge` over `kubectl logs` decides the campaign's exit code, and a failed pod
// would only be retried by the Job controller to find the same violation again.

import { stringify } from "yaml";
import { faultsArg, type Campaign } from "./campaign.js";

export interface ManifestOptions {
  campaign: Campaign;
  shards: number;
  parallelism?: number;
  timeBoxSeconds?: number;
  image: string;
  name?: string;
  /** worker threads of each pod (its cpu request) */
  workers?: number;
  shrinkRuns?: number;
}

/** The batch/v1 Job of a campaign, as an object. */
export function campaignJob(o: ManifestOptions): Record<string, unknown> {
  const c = o.campaign;
  const workers = o.workers ?? 1;
  const name = o.name ?? `podflow-fuzz-${c.seed}`;
  const labels = { "app.kubernetes.io/name": "podflow-fuzz", "app.kubernetes.io/instance": name };
  const command = [
    "podflow", "check",
    "--shard", `$(JOB_COMPLETION_INDEX)/${o.shards}`,
    "--seed", String(c.seed), "--seeds", String(c.runs), "--steps", String(c.steps),
    "--faults", faultsArg(c.faults), "--scenario", c.scenario,
    ...(o.timeBoxSeconds !== undefined ? ["--time-box", String(o.timeBoxSeconds)] : []),
    ...(workers > 1 ? ["--workers", String(workers)] : []),
    ...(o.shrinkRuns !== undefined ? ["--shrink-runs", String(o.shrinkRuns)] : []),
    "--exit-zero",
  ];
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: { name, labels: { ...labels } },
    spec: {
      completionMode: "Indexed",
      completions: o.shards,
      parallelism: Math.min(o.parallelism ?? o.shards, o.shards),
      template: {
        metadata: { labels: { ...labels } },
        spec: {
          restartPolicy: "Never",
          containers: [
            {
              name: "shard",
              image: o.image,
              command,
              // a shard is single-threaded per worker; memory grows with the steps of a run
              resources: { requests: { cpu: String(workers), memory: "512Mi" }, limits: { memory: "2Gi" } },
            },
          ],
        },
      },
    },
  };
}

/** The Job as YAML, with the commands that run and merge it as comments. */
export function campaignManifest(o: ManifestOptions): string {
  const job = campaignJob(o);
  const name = (job.metadata as { name: string }).name;
  return [
    `# podflow fuzz campaign seed ${o.campaign.seed} in ${o.shards} shards. Run and merge:`,
    "#   kubectl apply -f job.yaml",
    `#   kubectl wait --for=condition=complete job/${name} --timeout=-1s`,
    `#   kubectl logs -l job-name=${name} --tail=-1 --max-log-requests=${o.shards} | podflow check --merge -`,
    stringify(job, { lineWidth: 0 }).trimEnd(),
    "",
  ].join("\n");
}
