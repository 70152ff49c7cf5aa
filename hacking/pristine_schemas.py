# Copyright (c) aigateway.kong contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Write the schema dumps the simulator loads: recorded dumps without the annotations of the node's history.

Usage: python3 hacking/pristine_schemas.py RECORDED_DIR FRESH_DIR OUT_DIR

Kong annotates its schemas in place as it validates values (`len_min: 1` on string fields, `required: true`
on the elements of arrays and sets, on the keys and values of maps), so what `GET /schemas/...` answers
depends on what the node did since it started. RECORDED_DIR holds the dumps as recorded (entity-*.json,
plugin-*.json, root.json, plugins-enabled.json); FRESH_DIR the same `GET /schemas/...` answers of a freshly
started node of that version. Every `len_min`/`required` the recorded dump has and the fresh one lacks is
removed; everything else is kept as recorded (the order of Lua-hash-built lists differs from one node
process to the next, so FRESH_DIR is only compared with, never copied). The simulator adds the
annotations back as it validates (tests/kongsim/rules/engine/fields.py).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

ANNOTATIONS = ("len_min", "required")


def _field_name(item: Any) -> str | None:
    return next(iter(item)) if isinstance(item, dict) and len(item) == 1 else None


def strip(recorded: Any, fresh: Any) -> Any:
    """`recorded` without the annotations `fresh` does not have (fields lists aligned by field name)."""
    if isinstance(recorded, dict) and isinstance(fresh, dict):
        return {k: strip(v, fresh[k]) if k in fresh else v for k, v in recorded.items()
                if k in fresh or k not in ANNOTATIONS}
    if isinstance(recorded, list) and isinstance(fresh, list):
        names = [_field_name(i) for i in fresh]
        out = []
        for i, item in enumerate(recorded):
            name = _field_name(item)
            if i < len(fresh) and names[i] == name:
                out.append(strip(item, fresh[i]))
            elif name is not None and names.count(name) == 1:
                out.append(strip(item, fresh[names.index(name)]))
            elif i < len(fresh):
                out.append(strip(item, fresh[i]))
            else:
                out.append(item)
        return out
    return recorded


def dumps(value: Any) -> str:
    return json.dumps(value, indent=2, sort_keys=True) + "\n"


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    recorded_dir, fresh_dir, out_dir = (Path(a) for a in argv)
    out_dir.mkdir(parents=True, exist_ok=True)
    for path in sorted(recorded_dir.glob("*.json")):
        data = json.loads(path.read_text())
        fresh = fresh_dir / path.name
        if path.name.startswith(("entity-", "plugin-")):
            if not fresh.is_file():
                print(f"{path.name}: no fresh dump to compare with", file=sys.stderr)
                return 1
            data = strip(data, json.loads(fresh.read_text()))
            (out_dir / path.name).write_text(dumps(data))
        elif path.name in ("root.json", "plugins-enabled.json"):
            (out_dir / path.name).write_text(dumps(data))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
