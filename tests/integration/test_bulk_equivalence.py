"""No tests: kong_entities against single-entity module loops is proven in-process, in
tests/unit/plugins/module_utils/test_bulk_equivalence.py.

This module only re-exports the shared scenario for test_bulk_inprocess.py, which imports it from here; delete it
once that import reads ``from helpers.bulk_scenario import ...``.
"""

from __future__ import annotations

from helpers.bulk_scenario import HEADER, SECRET, bulk_tasks, gateway, kong_state, normal

__all__ = ["HEADER", "SECRET", "bulk_tasks", "gateway", "kong_state", "normal"]
