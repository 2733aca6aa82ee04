#!/usr/bin/env python3
"""Checks of deploy/ that need more than one tool call; scripts/deploy-check.sh runs them.

  deploy_check.py alert-tests              promtool unit tests of the alert rules
  deploy_check.py kubernetes               the KEDA ScaledObject and the manifests agree
  deploy_check.py queries METRICS_FILE     every PromQL expression of the dashboard and the
                                           alert rules parses and names exported metrics
  deploy_check.py configmap DIR            writes the ConfigMap's files to DIR, the settings
                                           pointing at the rule pack there
  deploy_check.py sync-rule-pack           copies data/rule-pack.toml into the ConfigMap

METRICS_FILE is the Prometheus text exposition of a running service (its /metrics).
Needs PyYAML and promtool (Debian's `prometheus` package).
"""

import copy
import json
import os
import re
import subprocess
import sys
import tempfile
import tomllib

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ALERTS = os.path.join(ROOT, "deploy/prometheus/alerts.yml")
ALERT_TESTS = os.path.join(ROOT, "deploy/prometheus/alerts_test.yml")
DASHBOARDS = os.path.join(ROOT, "deploy/grafana/dashboards")
K8S = os.path.join(ROOT, "deploy/k8s")
RULE_PACK = os.path.join(ROOT, "data/rule-pack.toml")

# Grafana's built-in variables, replaced by a value of their kind before parsing.
GRAFANA_VARIABLES = {"$__rate_interval": "1m", "$__interval": "1m", "$__range": "1h"}
# Series Prometheus makes itself, which any query may name.
PROMETHEUS_SERIES = {"up", "ALERTS", "ALERTS_FOR_STATE"}
KEYWORDS = {"and", "or", "unless", "bool", "offset", "inf", "nan", "atan2"}


def load_yaml(path):
    with open(path, encoding="utf-8") as f:
        return yaml.safe_load(f)


def fail(message):
    print(f"deploy check failed: {message}", file=sys.stderr)
    sys.exit(1)


def promtool(*args):
    """Runs promtool; its output is shown only when it fails."""
    result = subprocess.run(["promtool", *args], capture_output=True, text=True)
    return result.returncode, result.stdout + result.stderr


# ---------------------------------------------------------------- alert unit tests

def alert_tests():
    """promtool compares annotations in full: adds each alert's runbook (written once, in
    alerts.yml) to the expected alerts, then runs `promtool test rules`."""
    runbooks = {
        rule["alert"]: rule["annotations"]["runbook"]
        for group in load_yaml(ALERTS)["groups"]
        for rule in group["rules"]
        if "alert" in rule
    }
    tests = load_yaml(ALERT_TESTS)
    tested = {"firing": set(), "quiet": set()}
    for case in tests["tests"]:
        for check in case.get("alert_rule_test", []):
            name = check["alertname"]
            tested["firing" if check["exp_alerts"] else "quiet"].add(name)
            for alert in check["exp_alerts"]:
                alert.setdefault("exp_annotations", {})["runbook"] = runbooks[name]
    for kind, names in tested.items():
        missing = sorted(set(runbooks) - names)
        if missing:
            fail(f"alerts with no {kind} test case in alerts_test.yml: {missing}")
    tests["rule_files"] = [ALERTS]
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "alerts_test.yml")
        with open(path, "w", encoding="utf-8") as f:
            yaml.safe_dump(tests, f, sort_keys=False)
        status, output = promtool("test", "rules", path)
    print(output.strip())
    if status != 0:
        fail("promtool test rules")


# ---------------------------------------------------------------- PromQL expressions

def dashboard_expressions():
    """(where, expr) of every query target of every dashboard, Grafana variables replaced."""
    found = []
    for name in sorted(os.listdir(DASHBOARDS)):
        with open(os.path.join(DASHBOARDS, name), encoding="utf-8") as f:
            dashboard = json.load(f)
        for panel in dashboard["panels"]:
            for target in panel.get("targets", []):
                expr = target["expr"]
                for variable, value in GRAFANA_VARIABLES.items():
                    expr = expr.replace(variable, value)
                if "$" in expr:
                    fail(f"{name}, panel {panel['title']!r}: unknown variable in {expr!r}")
                found.append((f"{name}: panel {panel['title']!r}", expr))
    return found


def alert_expressions():
    return [
        (f"alerts.yml: {rule.get('alert') or rule.get('record')}", rule["expr"])
        for group in load_yaml(ALERTS)["groups"]
        for rule in group["rules"]
    ]


def parse_errors(expressions):
    """promtool's parse errors for expressions, each checked as a recording rule."""
    rules = [{"record": f"expr_{i}", "expr": expr} for i, (_, expr) in enumerate(expressions)]
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "expressions.yml")
        with open(path, "w", encoding="utf-8") as f:
            yaml.safe_dump({"groups": [{"name": "expressions", "rules": rules}]}, f)
        status, output = promtool("check", "rules", path)
    return None if status == 0 else output


def metric_names(expr):
    """The metric names an expression selects. The expression is known to parse: strings,
    label matchers, ranges, durations and grouping label lists are removed, then every
    identifier that is not a call, a keyword or a number is a metric name."""
    text = re.sub(r'"(?:\\.|[^"\\])*"|\'(?:\\.|[^\'\\])*\'', " ", expr)
    text = re.sub(r"\{[^}]*\}", " ", text)
    text = re.sub(r"\[[^\]]*\]", " ", text)
    text = re.sub(
        r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", " ", text
    )
    text = re.sub(r"\boffset\s+-?[0-9a-z]+", " ", text)
    text = re.sub(r"(?<![\w:])\d[\w.]*", " ", text)
    names = set()
    for match in re.finditer(r"[A-Za-z_:][\w:]*", text):
        word = match.group(0)
        if text[match.end():].lstrip().startswith("(") or word.lower() in KEYWORDS:
            continue
        names.add(word)
    return names


def exported_names(metrics_text):
    """Metric names of a /metrics exposition (histograms as their _bucket/_sum/_count)."""
    names = set()
    for line in metrics_text.splitlines():
        if line and not line.startswith("#"):
            names.add(re.match(r"[A-Za-z_:][\w:]*", line).group(0))
    return names


def unknown_names(expressions, exported):
    """(where, name) for every selected name that is neither exported nor a series
    Prometheus makes itself."""
    return [
        (where, name)
        for where, expr in expressions
        for name in sorted(metric_names(expr))
        if name not in exported and name not in PROMETHEUS_SERIES
    ]


def self_test(exported):
    """The checks must be able to fail: a misspelt metric and a broken expression."""
    wrong = [("self-test", "sum(rate(traction_screen_outcome_total[5m]))")]
    assert unknown_names(wrong, exported) == [("self-test", "traction_screen_outcome_total")]
    assert parse_errors([("self-test", "sum(rate(traction_screen_outcomes_total[5m])")])
    assert metric_names(
        'histogram_quantile(0.99, sum by (le) (rate(a_bucket{x="y"}[5m]))) > 2 * b offset 1h'
    ) == {"a_bucket", "b"}


def queries(metrics_file):
    with open(metrics_file, encoding="utf-8") as f:
        exported = exported_names(f.read())
    self_test(exported)
    expressions = dashboard_expressions() + alert_expressions()
    errors = parse_errors(expressions)
    if errors:
        fail(f"promtool cannot parse a query:\n{errors}")
    unknown = unknown_names(expressions, exported)
    if unknown:
        fail("queries name metrics the service does not export: "
             + "; ".join(f"{where}: {name}" for where, name in unknown))
    used = set().union(*(metric_names(expr) for _, expr in expressions))
    print(f"{len(expressions)} queries parse; the {len(used)} metrics they name are exported")


# ---------------------------------------------------------------- Kubernetes

def manifests():
    """Every object of deploy/k8s, by kind."""
    objects = {}
    for name in sorted(os.listdir(K8S)):
        if name.endswith(".yaml") and name != "kustomization.yaml":
            with open(os.path.join(K8S, name), encoding="utf-8") as f:
                for doc in yaml.safe_load_all(f):
                    objects.setdefault(doc["kind"], []).append(doc)
    return objects


def kubernetes():
    """What kubernetes-validate cannot see: the KEDA objects' shape, and the manifests'
    agreement with each other and with the repository."""
    objects = manifests()
    (deployment,) = objects["Deployment"]
    (config_map,) = objects["ConfigMap"]
    (scaled,) = objects["ScaledObject"]
    (trigger_auth,) = objects["TriggerAuthentication"]
    settings = tomllib.loads(config_map["data"]["traction-screen.toml"])
    with open(RULE_PACK, encoding="utf-8") as f:
        if config_map["data"]["rule-pack.toml"] != f.read():
            fail(
                "the ConfigMap's rule-pack.toml differs from data/rule-pack.toml "
                "(python3 scripts/deploy_check.py sync-rule-pack copies it)"
            )

    pod = deployment["spec"]["template"]["spec"]
    grace, drain = pod["terminationGracePeriodSeconds"], settings["drain_timeout"]
    if not drain < grace:
        fail(f"terminationGracePeriodSeconds {grace} leaves no time after drain_timeout {drain}")
    assert scaled["apiVersion"] == "keda.sh/v1alpha1", scaled["apiVersion"]
    assert trigger_auth["apiVersion"] == "keda.sh/v1alpha1", trigger_auth["apiVersion"]
    assert scaled["spec"]["scaleTargetRef"]["name"] == deployment["metadata"]["name"]
    (trigger,) = scaled["spec"]["triggers"]
    assert trigger["type"] == "kafka", trigger["type"]
    assert trigger["authenticationRef"]["name"] == trigger_auth["metadata"]["name"]
    meta = trigger["metadata"]
    expected = {
        "bootstrapServers": settings["brokers"],
        "consumerGroup": settings["group_id"],
        "topic": settings["input_topic"],
    }
    for key, value in expected.items():
        if meta[key] != value:
            fail(f"ScaledObject trigger {key} {meta[key]!r}, the ConfigMap says {value!r}")
    partitions = int(config_map["metadata"]["annotations"]["traction-screen/input-partitions"])
    if scaled["spec"]["maxReplicaCount"] != partitions:
        fail(f"maxReplicaCount {scaled['spec']['maxReplicaCount']} != {partitions} input partitions")
    secret_keys = {
        ref["key"]
        for ref in trigger_auth["spec"]["secretTargetRef"]
    } | {
        env["valueFrom"]["secretKeyRef"]["key"]
        for env in pod["containers"][0].get("env", [])
        if "secretKeyRef" in env.get("valueFrom", {})
    }
    (secret,) = objects["Secret"]
    if secret_keys - set(secret["stringData"]):
        fail(f"keys used but not in the example Secret: {sorted(secret_keys - set(secret['stringData']))}")
    print(f"KEDA ScaledObject parses; up to {partitions} replicas, lag trigger on "
          f"{meta['topic']} for group {meta['consumerGroup']}; drain {drain} s < grace {grace} s")


def configmap(directory):
    """The ConfigMap's files as the pod sees them, with the rule pack's path moved to
    `directory`, for the binary to read."""
    objects = manifests()
    (config_map,) = objects["ConfigMap"]
    os.makedirs(directory, exist_ok=True)
    pack = os.path.join(directory, "rule-pack.toml")
    mounted = "/etc/traction-screen/rule-pack.toml"
    for name, text in config_map["data"].items():
        if name == "traction-screen.toml":
            if f'rule_pack = "{mounted}"' not in text:
                fail(f"the settings do not load the mounted rule pack {mounted}")
            text = text.replace(mounted, pack)
        with open(os.path.join(directory, name), "w", encoding="utf-8") as f:
            f.write(text)


def sync_rule_pack():
    """Copies data/rule-pack.toml into the ConfigMap (its last key, a block scalar)."""
    path = os.path.join(ROOT, "deploy/k8s/configmap.yaml")
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    key = lines.index("  rule-pack.toml: |")
    with open(RULE_PACK, encoding="utf-8") as f:
        pack = [f"    {line}" if line else "" for line in f.read().splitlines()]
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines[: key + 1] + pack) + "\n")


if __name__ == "__main__":
    command = sys.argv[1:2]
    if command == ["alert-tests"]:
        alert_tests()
    elif command == ["kubernetes"]:
        kubernetes()
    elif command == ["sync-rule-pack"]:
        sync_rule_pack()
    elif command == ["queries"] and len(sys.argv) == 3:
        queries(sys.argv[2])
    elif command == ["configmap"] and len(sys.argv) == 3:
        configmap(sys.argv[2])
    else:
        sys.exit(__doc__)
