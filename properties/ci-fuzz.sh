#!/bin/sh
# CI fuzzing: a `podflow check` campaign in 2 worker threads (both cores), time-boxed (90 s of
# runs, ~2 min in all) on a seed that changes every day (printed first). Each violating run is
# shrunk and saved under properties/regressions/, which npm test replays forever; the report
# gives each one's `podflow replay` line.
set -eu
cd "$(dirname "$0")/.."
seed="${PODFLOW_SEED:-$(date -u +%Y%m%d)}"
echo "ci-fuzz seed $seed"
exec node bin/podflow.js check --seed "$seed" --seeds 100000 --steps 3000 --scenario random --faults all --time-box "${PODFLOW_TIME_BOX:-90}" --workers "${PODFLOW_WORKERS:-2}" --save properties/regressions
