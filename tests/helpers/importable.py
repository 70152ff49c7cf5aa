# Copyright (c) aigateway.kong contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Make ``ansible_collections.aigateway.kong`` importable when the tests run outside a collection tree."""

from __future__ import annotations

import atexit
import importlib.util
import os
import shutil
import sys
import tempfile
from pathlib import Path
from types import ModuleType

REPO_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def ensure_collection_importable() -> None:
    """Put a collection root holding this repository (as aigateway.kong) on sys.path, once."""
    parts = REPO_ROOT.split(os.sep)
    if len(parts) >= 3 and parts[-3:-1] == ["ansible_collections", "aigateway"]:
        root = os.sep.join(parts[:-3])
    elif any(os.path.isdir(os.path.join(p, "ansible_collections", "aigateway", "kong")) for p in sys.path if p):
        return
    else:
        root = tempfile.mkdtemp(prefix="aigateway-kong-tests-")
        atexit.register(shutil.rmtree, root, True)
        namespace = os.path.join(root, "ansible_collections", "aigateway")
        os.makedirs(namespace)
        os.symlink(REPO_ROOT, os.path.join(namespace, "kong"))
    if root not in sys.path:
        sys.path.insert(0, root)


def module_from_file(path: str | os.PathLike[str]) -> ModuleType:
    """The Python file ``path`` (a script or a scenario's file, outside any package) loaded as a module named after
    it."""
    spec = importlib.util.spec_from_file_location(Path(path).stem, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
