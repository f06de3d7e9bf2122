"""constraints.txt locks the whole tree (issue 23) and must agree with the requirements files.

requirements.txt and requirements-test.txt keep the bounds (Community Cloud reads requirements.txt
as it is); constraints.txt, written by scripts/lock.sh (uv's universal resolution: Linux, macOS,
Windows, Python 3.11-3.13), pins one version of every package, and what installs the app uses it.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]
LOCK = ROOT / "constraints.txt"


def _pins() -> dict[str, list[Version]]:
    pins: dict[str, list[Version]] = defaultdict(list)
    for line in LOCK.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            req = Requirement(line)
            (spec,) = req.specifier
            assert spec.operator == "==", line
            pins[canonicalize_name(req.name)].append(Version(spec.version))
    return pins


def _requirements(path: Path) -> list[Requirement]:
    reqs = []
    for line in path.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line and not line.startswith("-"):
            reqs.append(Requirement(line))
    return reqs


def test_every_requirement_is_pinned_within_its_bounds():
    pins = _pins()
    assert len(pins) > 50, "the lock covers the whole tree, indirect dependencies too"
    for path in (ROOT / "requirements.txt", ROOT / "requirements-test.txt"):
        for req in _requirements(path):
            versions = pins.get(canonicalize_name(req.name))
            assert versions, f"{req.name} ({path.name}) is not in constraints.txt: run bash scripts/lock.sh"
            for version in versions:
                assert req.specifier.contains(version, prereleases=True), (
                    f"constraints.txt pins {req.name}=={version}, outside {path.name}'s {req.specifier}: "
                    "run bash scripts/lock.sh"
                )
            for extra in req.extras:  # psycopg[binary] -> psycopg-binary, at the same version
                assert pins.get(canonicalize_name(f"{req.name}-{extra}")) == versions, req


def test_the_lock_is_universal_and_regenerated_by_its_script():
    text = LOCK.read_text()
    assert "bash scripts/lock.sh" in text.splitlines()[1]
    assert "--universal" in (ROOT / "scripts" / "lock.sh").read_text()
    # Both TensorFlow wheels, each for its platforms: one file serves Linux, macOS and Windows.
    assert re.search(r"^tensorflow-cpu==\S+ ; .*sys_platform == 'linux'", text, re.M)
    assert re.search(r"^tensorflow==\S+ ; .*sys_platform != 'linux'", text, re.M)


@pytest.mark.parametrize(
    ("path", "needle"),
    [
        ("scripts/test.sh", "-r requirements-test.txt -c constraints.txt"),
        ("scripts/run_app.sh", "-r requirements.txt -c constraints.txt"),
        ("deploy/Dockerfile", "-r requirements.txt -c constraints.txt"),
    ],
)
def test_what_installs_the_app_uses_the_lock(path, needle):
    assert needle in (ROOT / path).read_text()
