// The scheme defaults of storage.k8s.io/v1's CSIDriver (pkg/apis/storage/v1/defaults.go
// SetDefaults_CSIDriver, with v1.35's gates: SELinuxMountReadWriteOncePod is on by default).

type Obj = any;

const isObj = (v: unknown): v is Obj => v !== null && typeof v === "object" && !Array.isArray(v);

/** SetDefaults_CSIDriver: attach required, no pod info, no capacity, fsGroup by fstype, persistent volumes only, no republish, no SELinux mount. */
export function defaultCSIDriver(d: Obj): void {
  if (!isObj(d.spec)) d.spec = {};
  const spec = d.spec;
  spec.attachRequired ??= true;
  spec.podInfoOnMount ??= false;
  spec.storageCapacity ??= false;
  spec.fsGroupPolicy ??= "ReadWriteOnceWithFSType";
  if (!Array.isArray(spec.volumeLifecycleModes) || spec.volumeLifecycleModes.length === 0) spec.volumeLifecycleModes = ["Persistent"];
  spec.requiresRepublish ??= false;
  spec.seLinuxMount ??= false;
}
