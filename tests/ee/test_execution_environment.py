"""The collection's execution-environment metadata, read and rendered by ansible-builder (no container engine)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import yaml

REPO_ROOT = Path(__file__).resolve().parents[2]
BUILDER = str(Path(sys.executable).parent / "ansible-builder")


def builder(*args: str, cwd: Path) -> str:
    proc = subprocess.run([BUILDER, *args], cwd=cwd, capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout


def test_builder_reads_the_python_requirements_from_the_collection(collection_path: Path, tmp_path: Path) -> None:
    """meta/execution-environment.yml points ansible-builder at requirements.txt, which names urllib3."""
    meta = yaml.safe_load((REPO_ROOT / "meta" / "execution-environment.yml").read_text())
    python_file = REPO_ROOT / meta["dependencies"]["python"]  # relative to the collection root
    out = builder("introspect", str(collection_path), cwd=tmp_path)
    data = yaml.safe_load(out)
    wanted = [
        f"{line.strip()}  # from collection aigateway.kong"
        for line in python_file.read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert wanted and any(w.startswith("urllib3") for w in wanted), wanted
    assert data["python"] == wanted, out
    assert data["system"] == [], out


def test_an_execution_environment_with_the_collection_renders(tmp_path: Path) -> None:
    """tests/ee/execution-environment.yml (what a user writes) renders to a build context with the collection."""
    context = tmp_path / "context"
    builder("create", "-f", str(REPO_ROOT / "tests/ee/execution-environment.yml"), "-c", str(context),
            "--output-filename", "Containerfile", cwd=tmp_path)
    containerfile = (context / "Containerfile").read_text()
    assert "ansible-galaxy collection install" in containerfile
    assert "introspect" in containerfile  # collection requirements (urllib3) are gathered at build time
    galaxy = yaml.safe_load((context / "_build" / "requirements.yml").read_text())
    assert {"name": "aigateway.kong"} in galaxy["collections"]
