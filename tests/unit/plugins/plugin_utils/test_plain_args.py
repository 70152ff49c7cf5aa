"""Task arguments reach the in-process modules as plain Python values, without Ansible's data tags."""

from __future__ import annotations

import copy

from ansible._internal._datatag._tags import Origin
from ansible.module_utils._internal._datatag import AnsibleTagHelper
from ansible_collections.aigateway.kong.plugins.plugin_utils.inprocess import plain

ORIGIN = (Origin(path="/inventory/group_vars/kong_admin.yml", line_num=3),)


def tagged(value):  # type: ignore[no-untyped-def]
    return AnsibleTagHelper.tag(value, ORIGIN)


def test_tagged_values_become_plain_and_equal() -> None:
    args = tagged({"entity": tagged("consumers"), "items": tagged([tagged({"username": tagged("alice")})])})
    assert AnsibleTagHelper.tags(args["items"][0]["username"])
    result = plain(args)
    assert result == {"entity": "consumers", "items": [{"username": "alice"}]}
    for value in (result, result["entity"], result["items"], result["items"][0], result["items"][0]["username"]):
        assert type(value) in (dict, list, str)
        assert not AnsibleTagHelper.tags(value)


def test_scalars_keep_their_type_and_the_input_is_untouched() -> None:
    args = {"workers": 4, "enabled": True, "weight": 1.5, "none": None, "pair": ("a", "b")}
    before = copy.deepcopy(args)
    result = plain(args)
    assert result == {"workers": 4, "enabled": True, "weight": 1.5, "none": None, "pair": ["a", "b"]}
    assert result["enabled"] is True and type(result["workers"]) in (int,)
    assert args == before
