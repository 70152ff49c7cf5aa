# Copyright (c) aigateway.kong contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Options that need no conversion, checked without ansible-core's full validator.

A kong_entities task of thousands of items validates each as the matching module would. Most items (all of those
the ai_gateway role's model writes) give every option in its final type: nothing to convert, no alias, no fallback.
For those, ``PlainOptions.check`` returns exactly what ``ArgumentSpecValidator`` returns (every option, defaults
filled in) after the same cross-option rules, at a fraction of the cost. Anything else (a value to convert, an
unknown or missing option, a broken rule) returns None, and the full validator judges it and words the error.

PRIVATE: module_utils is not a public API of the collection and may change at any time.
"""

from __future__ import annotations

import copy
from typing import Any

from ansible.module_utils.common.validation import (
    check_mutually_exclusive,
    check_required_if,
    check_required_one_of,
    check_required_together,
)

# option type -> the Python type a value has when the validator leaves it as it is
EXACT = {"str": str, "int": int, "bool": bool, "list": list, "dict": dict, "raw": object}


def exact(kind: str | None, value: Any) -> bool:
    """Whether ``value`` already has type ``kind`` (a bool is no int, a number no str)."""
    python = EXACT.get(kind or "str")
    if python is None:
        return False  # float, path, ...: the validator may convert them
    if python is object:
        return True
    return type(value) is python  # pylint: disable=unidiomatic-typecheck  # exactly: a subclass may be converted


RULES = ("mutually_exclusive", "required_together", "required_one_of", "required_if")


class PlainOptions:
    """``argument_spec`` and ``rules`` (as AnsibleModule takes them) for options given in their final types."""

    def __init__(self, argument_spec: dict[str, Any], rules: dict[str, Any]) -> None:
        if any(option.get("aliases") or option.get("fallback") or option.get("options")
               for option in argument_spec.values()) or set(rules) - set(RULES):
            raise ValueError("PlainOptions checks flat options without aliases or fallbacks, and %s only"
                             % ", ".join(RULES))
        self.spec = argument_spec
        self.rules = rules
        self.required = [name for name, option in argument_spec.items() if option.get("required")]

    def plain(self, name: str, value: Any) -> bool:
        """Whether the validator would keep ``value`` of option ``name`` as it is, and accept it."""
        option = self.spec.get(name)
        if option is None:
            return False
        choices, elements = option.get("choices"), option.get("elements")
        if value is None:
            return choices is None  # the validator checks choices against a None given, and refuses it
        if not exact(option.get("type"), value):
            return False
        if elements:
            return all(exact(elements, e) and (choices is None or e in choices) for e in value)
        return choices is None or value in choices

    def check(self, params: dict[str, Any]) -> dict[str, Any] | None:
        """The validated options, or None when the full validator must judge them. The steps are the
        validator's, in its order: exclusions on the options given, then its defaults, then the other rules."""
        if not all(self.plain(name, value) for name, value in params.items()):
            return None
        try:
            check_mutually_exclusive(self.rules.get("mutually_exclusive"), params)
            validated = dict(params)
            for name, option in self.spec.items():
                if name not in validated and option.get("default") is not None:
                    validated[name] = copy.deepcopy(option["default"])
            if any(validated.get(name) is None for name in self.required):
                return None
            check_required_together(self.rules.get("required_together"), validated)
            check_required_one_of(self.rules.get("required_one_of"), validated)
            check_required_if(self.rules.get("required_if"), validated)
        except TypeError:
            return None
        for name in self.spec:
            validated.setdefault(name, None)
        return validated
