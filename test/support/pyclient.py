# The official Python client (python3-kubernetes) against `podflow serve`: each step prints one
# JSON line so the vitest test can judge it. Run with Debian's /usr/bin/python3.
import json, sys, threading
from kubernetes import client, config, watch
from kubernetes.client.rest import ApiException

def out(step, **kw):
    print(json.dumps({"step": step, **kw}), flush=True)

config.load_kube_config(config_file=sys.argv[1])
core = client.CoreV1Api()

out("namespaces", names=sorted(n.metadata.name for n in core.list_namespace().items))

# Watch from the list's resourceVersion, as an informer does, while the pod is created.
rv = core.list_namespaced_pod("default").metadata.resource_version
events = []
def watcher():
    w = watch.Watch()
    for ev in w.stream(core.list_namespaced_pod, "default", resource_version=rv, timeout_seconds=20,
                       field_selector="metadata.name=py-hello"):
        events.append((ev["type"], ev["object"].status.phase))
        if ev["object"].status.phase == "Succeeded":
            w.stop()
t = threading.Thread(target=watcher)
t.start()

pod = client.V1Pod(
    metadata=client.V1ObjectMeta(name="py-hello", labels={"from": "python"}),
    spec=client.V1PodSpec(restart_policy="Never", containers=[client.V1Container(
        name="hello", image="busybox:1.36", command=["sh", "-c", "echo hello from python; echo bye"])]))
created = core.create_namespaced_pod("default", pod)
out("created", name=created.metadata.name, uid=bool(created.metadata.uid), phase=created.status.phase)

try:
    core.create_namespaced_pod("default", pod)
    out("duplicate", status=None)
except ApiException as e:
    out("duplicate", status=e.status, reason=json.loads(e.body).get("reason"), message=json.loads(e.body).get("message"))

t.join(30)
out("watched", events=events)

listed = core.list_namespaced_pod("default", label_selector="from=python")
out("listed", names=[p.metadata.name for p in listed.items], phases=[p.status.phase for p in listed.items])

out("log", text=core.read_namespaced_pod_log("py-hello", "default", container="hello"))

try:
    core.read_namespaced_pod("nope", "default")
except ApiException as e:
    out("missing", status=e.status, message=json.loads(e.body).get("message"))

core.delete_namespaced_pod("py-hello", "default", grace_period_seconds=0)
out("deleted")
