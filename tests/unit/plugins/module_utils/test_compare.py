# Copyright (c) aigateway.kong contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Comparison and masking rules."""

from __future__ import annotations

import pytest
from ansible_collections.aigateway.kong.plugins.module_utils.api.errors import KongValidationError
from ansible_collections.aigateway.kong.plugins.module_utils.entity.compare import (
    LIST,
    MASK,
    RECORD,
    REF,
    SET,
    deep_merge,
    differs,
    is_subset,
    mask_paths,
    values_at,
)
from ansible_collections.aigateway.kong.plugins.module_utils.entity.hooks import (
    normalize_target_address,
    parse_service_url,
)
from ansible_collections.aigateway.kong.plugins.module_utils.secrets.generated import PLUGIN_SECRET_PATHS


def test_subset_ignores_defaults_kong_filled():
    existing = {"a": 1, "b": {"c": 2, "d": [1, 2]}, "e": None}
    assert is_subset({"b": {"c": 2}}, existing)
    assert not is_subset({"b": {"c": 3}}, existing)
    assert not is_subset({"b": {"d": [2, 1]}}, existing)
    assert is_subset({"l": [{"x": 1}]}, {"l": [{"x": 1, "default": True}]})
    assert not is_subset({"flag": 1}, {"flag": True})


@pytest.mark.parametrize(("kind", "desired", "existing", "result"), [
    (SET, ["b", "a", "a"], ["a", "b"], False),
    (SET, [], None, False),
    (SET, ["a"], ["a", "b"], True),
    (LIST, ["/a", "/b"], ["/b", "/a"], True),
    (RECORD, {"x": 1}, {"x": 1, "y": 2}, False),
    (REF, {"id": "1"}, {"id": "1"}, False),
    (REF, {"id": "1"}, None, True),
    ("scalar", False, None, True),
])
def test_differs(kind, desired, existing, result):
    assert differs(kind, desired, existing) is result


def test_deep_merge_records_replace_lists():
    assert deep_merge({"a": {"b": 1, "c": [1]}}, {"a": {"c": [2]}}) == {"a": {"b": 1, "c": [2]}}


def test_mask_paths_keeps_null_and_vault_references():
    entity = {"config": {"auth": {"header_value": "secret", "param_value": None, "aws_secret_access_key": "{vault://env/k}"},
                         "headers": ["a", "b"]}}
    masked = mask_paths(entity, ["config.auth.header_value", "config.auth.param_value",
                                 "config.auth.aws_secret_access_key", "config.headers.[]"])
    assert masked["config"]["auth"] == {"header_value": MASK, "param_value": None,
                                        "aws_secret_access_key": "{vault://env/k}"}
    assert masked["config"]["headers"] == [MASK, MASK]
    assert entity["config"]["auth"]["header_value"] == "secret"


def test_values_at_collects_plain_secrets():
    params = {"config": {"auth": {"header_value": "s1", "param_value": "{vault://env/x}"}}}
    assert values_at(params, ["config.auth.header_value", "config.auth.param_value", "config.none"]) == ["s1"]


def test_generated_secret_paths():
    assert "config.auth.header_value" in PLUGIN_SECRET_PATHS["ai-proxy"]
    assert "config.auth.aws_secret_access_key" in PLUGIN_SECRET_PATHS["ai-proxy"]
    assert "config.redis.password" in PLUGIN_SECRET_PATHS["rate-limiting"]
    assert "config.redis_password" in PLUGIN_SECRET_PATHS["rate-limiting"]  # deprecated mirror


@pytest.mark.parametrize(("url", "expected"), [
    ("http://service.test/", ("http", "service.test", 80, "/")),
    ("https://service.test/", ("https", "service.test", 443, "/")),
    ("http://example.test:443", ("http", "example.test", 443, None)),
    ("https://example2.test:80/", ("https", "example2.test", 80, "/")),
    ("https://api.test/v1?x=1", ("https", "api.test", 443, "/v1")),
])
def test_service_url_expansion(url, expected):
    parsed = parse_service_url(url)
    assert (parsed["protocol"], parsed["host"], parsed["port"], parsed["path"]) == expected


@pytest.mark.parametrize("url", ["api.test", "ftp://x.test", "http://", "http://x.test:99999"])
def test_service_url_rejected(url):
    with pytest.raises(KongValidationError):
        parse_service_url(url)


@pytest.mark.parametrize(("target", "expected"), [
    ("konghq.test", "konghq.test:8000"),
    ("10.0.0.1:80", "10.0.0.1:80"),
    ("fd00::12", "[fd00:0000:0000:0000:0000:0000:0000:0012]:8000"),
    ("[fd00::12]:9000", "[fd00:0000:0000:0000:0000:0000:0000:0012]:9000"),
])
def test_target_normalisation(target, expected):
    assert normalize_target_address(target) == expected
