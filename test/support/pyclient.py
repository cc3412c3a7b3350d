# The official Python client (python3-kubernetes) against `podflow serve`: each step prints one
# JSON line so the vitest test can judge it. Run with Debian's /usr/bin/python3.
import json, sys, threading, time
from kubernetes import client, config, watch
from kubernetes.client.rest import ApiException
from kubernetes.stream import stream

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

# exec through kubernetes.stream (WebSocket, v4.channel.k8s.io) into a running two-container pod
two = client.V1Pod(
    metadata=client.V1ObjectMeta(name="py-two"),
    spec=client.V1PodSpec(containers=[
        client.V1Container(name="a", image="busybox:1.36", command=["sleep", "3600"]),
        client.V1Container(name="b", image="busybox:1.36", command=["sleep", "3600"])]))
core.create_namespaced_pod("default", two)
for _ in range(100):
    if core.read_namespaced_pod("py-two", "default").status.phase == "Running":
        break
    time.sleep(0.2)

def exec_(name, command, **kw):
    return stream(core.connect_get_namespaced_pod_exec, name, "default", command=command,
                  stderr=True, stdin=False, stdout=True, tty=False, **kw)

out("exec", text=exec_("py-two", ["sh", "-c", "echo $HOSTNAME in a"], container="a"))

# stdout and stderr apart, then the Status on the error channel (podflow runs a command that has
# stdin once stdin ends, which v4.channel.k8s.io signals only by closing: no stdin here)
ws = stream(core.connect_get_namespaced_pod_exec, "py-two", "default", container="b",
            command=["sh", "-c", "echo out; echo oops >&2; exit 3"],
            stderr=True, stdin=False, stdout=True, tty=False, _preload_content=False)
ws.run_forever(timeout=10)
stdout, stderr, status = ws.read_stdout(timeout=1), ws.read_stderr(timeout=1), ws.peek_channel(3, timeout=1)
closed = not ws.is_open()
out("exec-streams", stdout=stdout, stderr=stderr, status=json.loads(status) if status else None, closed=closed, code=ws.returncode)
ws.close()

def exec_error(name, command, **kw):
    try:
        exec_(name, command, **kw)
        return None
    except ApiException as e:
        return e.reason

out("exec-no-container", reason=exec_error("py-two", ["ls"]))
out("exec-bad-container", reason=exec_error("py-two", ["ls"], container="zz"))
out("exec-not-running", reason=exec_error("py-hello", ["ls"]))
out("exec-no-pod", reason=exec_error("nope", ["ls"]))
out("alive", names=sorted(p.metadata.name for p in core.list_namespaced_pod("default").items))

core.delete_namespaced_pod("py-two", "default", grace_period_seconds=0)
core.delete_namespaced_pod("py-hello", "default", grace_period_seconds=0)
out("deleted")
