"""The deployment files name the shared run store: compose runs PostgreSQL for its replicas,
Kubernetes reads the URL from a Secret, and every example URL is one the app accepts."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from lstm_core.limits import settings

pytestmark = pytest.mark.unit

DEPLOY = Path(__file__).resolve().parents[3] / "deploy"
COMPOSE = yaml.safe_load((DEPLOY / "docker-compose.yml").read_text())
DEPLOYMENT = yaml.safe_load((DEPLOY / "k8s" / "deployment.yaml").read_text())


def test_compose_replicas_share_one_postgres_that_is_healthy_before_them():
    app, db = COMPOSE["services"]["app"], COMPOSE["services"]["db"]
    assert re.fullmatch(r"postgres:\d+(\.\d+)?-alpine", db["image"]), db["image"]
    assert "pg_isready" in db["healthcheck"]["test"]
    assert app["depends_on"]["db"]["condition"] == "service_healthy"
    assert any(v.endswith(":/var/lib/postgresql/data") for v in db["volumes"])  # runs outlive the container
    url = app["environment"][settings.STORE_URL]
    env = db["environment"]
    # The URL the replicas use is the database the service creates, with its user and password.
    rendered = re.sub(r"\$\{LAB_DB_PASSWORD:\?[^}]*\}", "pw", url)
    target = settings.parse_store_url(rendered)
    assert target.kind == "postgresql" and target.shown == f"postgresql://{env['POSTGRES_USER']}@db:5432/{env['POSTGRES_DB']}"
    assert "${LAB_DB_PASSWORD" in url and "${LAB_DB_PASSWORD" in env["POSTGRES_PASSWORD"]


def test_kubernetes_reads_the_store_url_from_an_optional_secret():
    env = {e["name"]: e for e in DEPLOYMENT["spec"]["template"]["spec"]["containers"][0]["env"]}
    ref = env[settings.STORE_URL]["valueFrom"]["secretKeyRef"]
    assert ref["name"] == "lstm-state-lab-store" and ref["key"] == "url"
    assert ref["optional"] is True  # no Secret: each pod's own SQLite file, as before
    assert "value" not in env[settings.STORE_URL]  # never a password in the manifest
    text = (DEPLOY / "k8s" / "deployment.yaml").read_text()
    assert "kubectl create secret generic lstm-state-lab-store" in text


def test_the_dockerfile_leaves_the_url_empty_so_the_sqlite_file_is_the_default():
    text = (DEPLOY / "Dockerfile").read_text()
    assert re.search(rf'{settings.STORE_URL}=""', text)
    assert "LSTM_LAB_DB=/data/runs.sqlite3" in text
