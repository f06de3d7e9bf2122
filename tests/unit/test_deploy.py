"""The deployment files are checked here, since no container runtime runs on this machine:
hadolint on the Dockerfile, yamllint on every YAML file, the Kubernetes schemas, and the
essentials a class server needs (non-root, health checks, sticky websockets, every limit settable).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
BIN = Path(sys.executable).parent
DOCKERFILE = (DEPLOY / "Dockerfile").read_text()
COMPOSE = yaml.safe_load((DEPLOY / "docker-compose.yml").read_text())
K8S = {p.stem: list(yaml.safe_load_all(p.read_text())) for p in (DEPLOY / "k8s").glob("*.yaml")}
OBJECTS = {(d["kind"], d["metadata"]["name"]): d for docs in K8S.values() for d in docs if "metadata" in d}
APP = OBJECTS["Deployment", "lstm-state-lab"]
TEMPLATE = (DEPLOY / "nginx.conf.template").read_text()


def _tool(name: str) -> str:
    path = BIN / name
    assert path.exists(), f"{name} is missing: pip install -r requirements-test.txt"
    return str(path)


def _code_limits() -> set[str]:
    """Every LSTM_LAB_* setting of a server: lstm_core/limits/settings.py's list, and the run store's path
    and URL (LSTM_LAB_DEBUG is the CLI's, not a server's)."""
    from lstm_core.limits.settings import SETTINGS, STORE_URL

    return (set(SETTINGS) | {"LSTM_LAB_DB", STORE_URL}) - {"LSTM_LAB_DEBUG"}


def test_hadolint_finds_nothing():
    out = subprocess.run([_tool("hadolint"), str(DEPLOY / "Dockerfile")], capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr


def test_yamllint_finds_nothing():
    out = subprocess.run(
        [_tool("yamllint"), "-c", str(DEPLOY / ".yamllint"), "--strict", str(DEPLOY)],
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stdout + out.stderr


def test_kubernetes_manifests_match_their_schemas():
    files = sorted(str(p) for p in (DEPLOY / "k8s").glob("*.yaml") if p.stem != "kustomization")
    out = subprocess.run([_tool("kubernetes-validate"), "--strict", *files], capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr
    kustomized = set(K8S["kustomization"][0]["resources"])
    assert kustomized == {Path(f).name for f in files}


def test_dockerfile_essentials():
    # A tag that is rebuilt (python:3.11-slim-trixie), not a frozen patch tag (python:3.11.7-…).
    base = re.search(r"^FROM (\S+)", DOCKERFILE, re.M)[1]
    assert re.fullmatch(r"python:3\.1[1-3]-slim-(trixie|bookworm)", base), f"not a maintained tag: {base}"
    user = re.findall(r"^USER (\S+)", DOCKERFILE, re.M)
    assert user and user[-1] not in ("root", "0"), "the container must not run as root"
    assert re.search(r"^HEALTHCHECK .*\n?.*/_stcore/health", DOCKERFILE, re.M)
    assert 'CMD ["streamlit", "run", "app.py"]' in DOCKERFILE
    for setting in (
        "STREAMLIT_SERVER_ADDRESS=0.0.0.0",
        "STREAMLIT_SERVER_ENABLE_XSRF_PROTECTION=true",
        "STREAMLIT_BROWSER_GATHER_USAGE_STATS=false",
        "STREAMLIT_SERVER_FILE_WATCHER_TYPE=none",
        "STREAMLIT_SERVER_MAX_UPLOAD_SIZE=",
    ):
        assert setting in DOCKERFILE, setting
    assert "tensorflow-cpu" in (ROOT / "requirements.txt").read_text()


def test_the_watcher_is_off_on_command_lines_only():
    """Community Cloud runs `streamlit run app.py` with the config file alone and reloads pushed
    modules through the file watcher, so the config keeps it; whatever starts a server here turns
    it off on its command line (a .venv inside the project would flood the log)."""
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert "fileWatcherType" not in config.get("server", {})
    assert "WATCHER=(--server.fileWatcherType none)" in (ROOT / "scripts" / "run_app.sh").read_text()
    assert "--server.fileWatcherType none" in (DEPLOY / "local_cluster.sh").read_text()
    assert "STREAMLIT_SERVER_FILE_WATCHER_TYPE=none" in DOCKERFILE


def test_every_limit_can_be_set_in_every_deployment():
    limits = _code_limits()
    assert limits, "no LSTM_LAB_* limits found in the code"
    compose_env = set(COMPOSE["services"]["app"]["environment"])
    k8s_env = {e["name"] for e in APP["spec"]["template"]["spec"]["containers"][0]["env"]}
    for name in sorted(limits):
        assert f"{name}=" in DOCKERFILE, f"{name} missing from the Dockerfile's ENV"
        assert name in compose_env, f"{name} missing from docker-compose.yml"
        assert name in k8s_env, f"{name} missing from k8s/deployment.yaml"
    # ... and nothing stale: every variable the files set is one the app reads.
    stale = (set(re.findall(r"(LSTM_LAB_[A-Z_]+)=", DOCKERFILE)) | compose_env | k8s_env) - limits
    assert not stale, f"the deployment files set variables the app does not read: {sorted(stale)}"


def test_compose_images_are_maintained_tags():
    images = {name: svc["image"] for name, svc in COMPOSE["services"].items() if name != "app"}
    assert images["nginx"] in ("nginx:stable-alpine", "nginx:mainline-alpine"), images
    assert re.fullmatch(r"postgres:1[7-9]-alpine", images["db"]), images


def test_dockerignore_lets_through_exactly_what_the_image_copies():
    lines = [ln.strip() for ln in (ROOT / ".dockerignore").read_text().splitlines()]
    rules = [ln for ln in lines if ln and not ln.startswith("#")]
    assert rules[0] == "*", "start from nothing, then let through what the image needs"
    allowed = {r[1:].rstrip("/") for r in rules if r.startswith("!")}
    copied = set()
    for sources in re.findall(r"^COPY (.+) \S+$", DOCKERFILE, re.M):
        copied |= set(sources.split())
    assert copied == allowed, (copied, allowed)
    assert {".venv", ".git", "tests"}.isdisjoint(allowed)


def test_compose_puts_sticky_nginx_in_front_of_replicas():
    app, nginx = COMPOSE["services"]["app"], COMPOSE["services"]["nginx"]
    assert app["deploy"]["replicas"] >= 2
    assert "/_stcore/health" in " ".join(app["healthcheck"]["test"])
    assert nginx["depends_on"]["app"]["condition"] == "service_healthy"
    assert any(v.startswith("./nginx.conf.template:") for v in nginx["volumes"])
    assert "server app:8501;" in nginx["environment"]["LAB_UPSTREAMS"]


def test_nginx_template_is_sticky_and_upgrades_websockets():
    assert re.search(r"hash \$lab_affinity consistent;", TEMPLATE)
    assert "proxy_set_header Upgrade $http_upgrade;" in TEMPLATE
    assert "proxy_set_header Connection $connection_upgrade;" in TEMPLATE
    assert "proxy_http_version 1.1;" in TEMPLATE


def test_nginx_forwards_the_host_with_its_port_and_names_no_replica():
    # $host drops the port: Streamlit then refuses the websocket of lab.school:8080 (issue 23).
    assert "proxy_set_header Host $lab_host;" in TEMPLATE
    assert re.search(r"map \$http_host \$lab_host \{\s*\"\"\s+\$host;\s*default\s+\$http_host;", TEMPLATE)
    assert "Host $host" not in TEMPLATE
    headers = re.findall(r"^\s*add_header (.*)$", TEMPLATE, re.M)
    assert headers and not [h for h in headers if "upstream" in h or "Replica" in h], headers
    assert re.search(r"log_format lab .*\n?.*upstream=\$upstream_addr", TEMPLATE)


def test_nginx_template_forbids_framing_and_hides_metrics():
    # A location with its own add_header inherits none from the server block: the headers must
    # sit in the location that serves the app (location /), next to its other add_header lines.
    app = TEMPLATE[TEMPLATE.index("location / {"):]
    app = app[: app.index("}")]
    assert "add_header X-Frame-Options SAMEORIGIN always;" in app
    assert "add_header Content-Security-Policy \"frame-ancestors 'self'\" always;" in app
    hidden = re.search(r"location \^~ /_stcore/metrics \{\s*return 40[34];\s*\}", TEMPLATE)
    assert hidden, "/_stcore/metrics must not reach the replicas through nginx"


def test_rendered_template_passes_nginx_t(tmp_path):
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(nginx).exists():
        pytest.skip("nginx is not installed")
    values = {
        "LAB_LISTEN": "127.0.0.1:1",
        "LAB_UPSTREAMS": "        server 127.0.0.1:2;\n        server 127.0.0.1:3;",
        "LAB_PID": str(tmp_path / "nginx.pid"),
        "LAB_TEMP": str(tmp_path),
        "LAB_ACCESS_LOG": str(tmp_path / "access.log"),
        "LAB_ERROR_LOG": str(tmp_path / "error.log"),
    }
    text = TEMPLATE
    for k, v in values.items():
        text = text.replace("${" + k + "}", v)
    assert "${" not in text
    (tmp_path / "nginx.conf").write_text(text)
    out = subprocess.run(
        [nginx, "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")], capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr


def test_kubernetes_probes_and_security():
    spec = APP["spec"]["template"]["spec"]
    c = spec["containers"][0]
    assert c["readinessProbe"]["httpGet"]["path"] == "/_stcore/health"
    assert c["livenessProbe"]["httpGet"]["path"] == "/_stcore/health"
    assert spec["securityContext"]["runAsNonRoot"] is True
    proxy = OBJECTS["Deployment", "lstm-state-lab-proxy"]["spec"]["template"]["spec"]
    assert proxy["securityContext"]["runAsNonRoot"] is True
    hpa = OBJECTS["HorizontalPodAutoscaler", "lstm-state-lab"]["spec"]
    assert hpa["metrics"][0]["resource"]["name"] == "cpu"
    assert hpa["scaleTargetRef"]["name"] == "lstm-state-lab" and hpa["minReplicas"] >= 2


def test_kubernetes_stickiness_needs_no_ingress_controller_annotations():
    """The Ingress only reaches the nginx proxy; the proxy (the compose template) is sticky."""
    ingress = OBJECTS["Ingress", "lstm-state-lab"]
    assert not ingress["metadata"].get("annotations"), "other controllers ignore a controller's annotations"
    assert "ingressClassName" not in ingress["spec"]
    backend = ingress["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]
    front = OBJECTS["Service", backend["name"]]
    assert front["spec"]["selector"]["app.kubernetes.io/component"] == "proxy"
    config = OBJECTS["ConfigMap", "lstm-state-lab-nginx"]["data"]["nginx.conf.template"]
    assert config == TEMPLATE, "proxy.yaml's copy of deploy/nginx.conf.template differs: copy it again"
    env = {e["name"]: e.get("value") for e in
           OBJECTS["Deployment", "lstm-state-lab-proxy"]["spec"]["template"]["spec"]["containers"][0]["env"]}
    replicas = OBJECTS["Service", "lstm-state-lab-replicas"]
    assert replicas["spec"]["clusterIP"] == "None"  # headless: its DNS name lists every pod
    assert replicas["spec"]["selector"]["app.kubernetes.io/component"] == "app"
    assert re.search(r"server lstm-state-lab-replicas\.\$\(POD_NAMESPACE\)\.svc\.\S+:8501 resolve;",
                     env["LAB_UPSTREAMS"])
    assert "zone " in env["LAB_UPSTREAMS"] and "resolver " in env["LAB_UPSTREAMS"]


def test_kubernetes_autoscaler_alone_sets_the_count_and_drains_keep_a_server():
    assert "replicas" not in APP["spec"], "a fixed count fights the HorizontalPodAutoscaler"
    labels = APP["spec"]["template"]["metadata"]["labels"]
    for name in ("lstm-state-lab", "lstm-state-lab-proxy"):
        pdb = OBJECTS["PodDisruptionBudget", name]["spec"]
        assert pdb["maxUnavailable"] == 1
    app_pdb = OBJECTS["PodDisruptionBudget", "lstm-state-lab"]["spec"]["selector"]["matchLabels"]
    assert app_pdb.items() <= labels.items()
    assert APP["spec"]["selector"]["matchLabels"].items() <= labels.items()


def _mib(quantity: str) -> float:
    units = {"Mi": 1, "Gi": 1024, "M": 1e6 / 2**20, "G": 1e9 / 2**20}
    number, unit = re.fullmatch(r"(\d+(?:\.\d+)?)([A-Za-z]*)", quantity).groups()
    return float(number) * units[unit]


def test_kubernetes_memory_matches_the_apps_budget():
    """requests = limits, and the app's budget fits in the share of the limit the app allows itself."""
    from lstm_core.limits.budget import CONTAINER_SHARE

    c = APP["spec"]["template"]["spec"]["containers"][0]
    env = {e["name"]: e.get("value") for e in c["env"]}
    request, limit = c["resources"]["requests"]["memory"], c["resources"]["limits"]["memory"]
    assert request == limit
    budget = float(env["LSTM_LAB_MEMORY_MB"])
    assert budget <= _mib(limit) * CONTAINER_SHARE <= budget + 100, (budget, limit)
