#!/usr/bin/env bash
# Checks of the deployment files with the real tools (no Docker engine or cluster needed):
#
#   bash scripts/deploy-check.sh
#
# - deploy/prometheus: `promtool check config` and `check rules`, and the alert rules' unit
#   tests (`promtool test rules`, through scripts/deploy_check.py);
# - docker-compose.yml: `docker-compose config` (Debian's docker-compose);
# - deploy/k8s: `kubernetes-validate` (pinned Kubernetes version) for the core kinds, and
#   the KEDA objects parsed and checked against the Deployment and ConfigMap;
# - every PromQL expression of the Grafana dashboard and the alert rules parses (promtool)
#   and names only metrics a running service exports (the demo's /metrics);
# - the ConfigMap's settings and rule pack are accepted by `traction-screen run`;
# - the binary carries its rule pack and ICD-10-CM data: it screens with no data/ around.
# Needs: promtool and docker-compose (apt: prometheus, docker-compose), kubernetes-validate
# (pip); .ci/run installs them.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
KUBERNETES_VERSION=1.32.0

echo "--> promtool: Prometheus configuration, alert rules and their unit tests"
promtool check config deploy/prometheus/prometheus.yml
python3 scripts/deploy_check.py alert-tests

echo "--> docker-compose config"
docker-compose --file docker-compose.yml config --quiet

echo "--> Kubernetes manifests (Kubernetes ${KUBERNETES_VERSION})"
kubernetes-validate --kubernetes-version "$KUBERNETES_VERSION" --strict --quiet \
  deploy/k8s/configmap.yaml deploy/k8s/deployment.yaml deploy/k8s/service.yaml \
  deploy/k8s/pdb.yaml deploy/k8s/secret.example.yaml
python3 scripts/deploy_check.py kubernetes

cargo build --locked --quiet
bin=$PWD/target/debug/traction-screen
work=$(mktemp -d)
demo=""
trap 'if [ -n "$demo" ]; then kill "$demo" 2>/dev/null || true; wait "$demo" 2>/dev/null || true; fi; rm -rf "$work"' EXIT

echo "--> dashboard and alert queries against a running service's /metrics"
admin=$(free_port)
"$bin" demo --events 3000 --rate 200 --admin-addr "127.0.0.1:${admin}" >"$work/demo.log" 2>&1 &
demo=$!
# The lag gauge appears with the first statistics report after partitions are assigned.
for _ in $(seq 1 300); do
  if curl -fsS "http://127.0.0.1:${admin}/metrics" -o "$work/metrics.txt" 2>/dev/null \
    && grep -q '^traction_screen_consumer_lag{' "$work/metrics.txt"; then
    break
  fi
  if ! kill -0 "$demo" 2>/dev/null; then
    echo "the demo exited before exporting its metrics:" >&2; cat "$work/demo.log" >&2; exit 1
  fi
  sleep 0.2
done
kill "$demo"; wait "$demo" 2>/dev/null || true; demo=""
python3 scripts/deploy_check.py queries "$work/metrics.txt"

echo "--> the ConfigMap's settings and rule pack are accepted by the binary"
python3 scripts/deploy_check.py configmap "$work/config"
# Bad settings or a bad pack exit 2 at once; accepted, it starts and waits for the cluster
# (unreachable here) until the timeout stops it.
status=0
timeout 5 "$bin" run --config "$work/config/traction-screen.toml" --admin-addr 127.0.0.1:0 \
  --kafka-config sasl.username=check --kafka-config sasl.password=check \
  >"$work/run.log" 2>&1 || status=$?
if [ "$status" -ne 124 ]; then
  echo "traction-screen run with the ConfigMap's settings exited with status $status:" >&2
  grep -v '^{' "$work/run.log" >&2 || true
  exit 1
fi
echo "accepted (still starting after 5 s, as expected without a cluster)"

echo "--> the binary screens with no data files around it (rule pack and ICD data compiled in)"
cp "$bin" "$work/traction-screen"
cp tests/fixtures/examples/encounters.jsonl "$work/"
(cd "$work" && env -u TRACTION_SCREEN_RULE_PACK ./traction-screen check encounters.jsonl >outcomes.jsonl) \
  || [ $? -eq 1 ]   # 1: some encounter FAILed, as the examples do
python3 - "$work/outcomes.jsonl" tests/fixtures/examples/expected.jsonl <<'PY'
import json, sys
def summary(path, keep=("rule_id", "severity", "line_number")):
    rows = [json.loads(line) for line in open(path)]
    return {r["event_id"]: (r["verdict"], [{k: f[k] for k in keep} for f in r["findings"]])
            for r in rows}
got, expected = summary(sys.argv[1]), summary(sys.argv[2])
assert got == expected, f"outside the repository the binary screens differently:\n{got}\n{expected}"
print(f"{len(got)} example encounters screened as expected from an empty directory")
PY
