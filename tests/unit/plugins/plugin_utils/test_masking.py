# Copyright (c) aigateway.kong contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""mask_secrets returns exactly what Ansible's remove_values returns."""

from __future__ import annotations

import random
import string
from typing import Any

import pytest
from ansible.module_utils.common.parameters import remove_values
from ansible_collections.aigateway.kong.plugins.plugin_utils.masking import SecretIndex, mask_secrets

MARK = "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"


def test_a_thousand_credentials() -> None:
    keys = [f"key-{i:04d}-{'abcdefgh'[i % 8] * 6}" for i in range(1000)]
    result = {
        "changed": False,
        "results": [
            {
                "item": {"consumer": f"user-{i}", "key": key},
                "credential": {"key": key, "id": f"id-{i}"},
                "msg": f"key-auth credential for {key} unchanged",
                "weight": i,
            }
            for i, key in enumerate(keys)
        ],
    }
    masked = mask_secrets(result, keys)
    assert masked == remove_values(result, keys)
    assert masked["results"][7]["item"]["key"] == MARK
    assert masked["results"][7]["msg"] == "key-auth credential for ******** unchanged"
    assert masked["results"][7]["weight"] == 7


def test_no_secrets_leaves_the_data_as_it_is() -> None:
    value = {"a": [1, "x", None, True, {"b": 2.5}]}
    assert mask_secrets(value, []) == value == remove_values(value, [])


@pytest.mark.parametrize(
    ("value", "secrets"),
    [
        ({"a": "pass", "b": "my pass word", "c": 12345, "d": 2.5, "e": [True, None, "12"]}, ["pass", "234", "2.5"]),
        ({"a": "abcdef"}, ["abc", "abcdef", "cde"]),  # a longer secret first, then the shorter ones
        ({"a": "x*******y"}, ["x", "**y"]),  # a secret with stars can only appear after a replacement
        ({"a": "ab"}, ["a", "b"]),  # secrets shorter than the index prefix
        ({"a": "ab", "b": ["", "c"]}, ["", "c"]),  # the empty secret: remove_values itself
        ("just a string with secret", ["secret"]),
        ([("t", "secret")], ["secret"]),
        ({"k": {"secret", "other"}}, ["secret"]),
    ],
)
def test_edge_cases(value: Any, secrets: list[str]) -> None:
    assert mask_secrets(value, secrets) == remove_values(value, secrets)


def random_value(rng: random.Random, alphabet: str, depth: int = 0) -> Any:
    kind = rng.randrange(7 if depth < 3 else 4)
    if kind == 0:
        return "".join(rng.choice(alphabet) for _index in range(rng.randrange(0, 30)))
    if kind == 1:
        return rng.randrange(-(10**6), 10**6)
    if kind == 2:
        return rng.choice([True, False, None, 1.5, -0.25])
    if kind == 3:
        return rng.choice(alphabet) * rng.randrange(1, 5)
    if kind in (4, 5):
        return {f"k{i}": random_value(rng, alphabet, depth + 1) for i in range(rng.randrange(0, 5))}
    return [random_value(rng, alphabet, depth + 1) for _index in range(rng.randrange(0, 5))]


@pytest.mark.parametrize("seed", range(200))
def test_same_as_remove_values(seed: int) -> None:
    rng = random.Random(seed)
    alphabet = rng.choice(["ab*", "abc12", string.ascii_lowercase[:6] + "0123"])
    # secrets of distinct lengths: remove_values' order among equal lengths depends on set order
    lengths = rng.sample(range(1, 9), rng.randrange(1, 6))
    secrets = ["".join(rng.choice(alphabet) for _index in range(n)) for n in lengths]
    value = random_value(rng, alphabet)
    assert mask_secrets(value, secrets) == remove_values(value, secrets)


def test_index_finds_only_what_occurs() -> None:
    index = SecretIndex(["alpha-1", "alpha-2", "beta"])
    assert index.found_in("x alpha-2 y beta") == {"alpha-2", "beta"}
    assert index.found_in("alpha-3") == set()
