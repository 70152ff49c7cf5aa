# Copyright (c) aigateway.kong contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Argument specs shared by every module: connection options and ``state``."""

from __future__ import annotations

from typing import Any

from ansible.module_utils.basic import env_fallback

DEFAULT_ADMIN_URL = "http://localhost:8001"


def connection_argument_spec() -> dict[str, Any]:
    """The options documented by the ``aigateway.kong.connection`` doc fragment."""
    return dict(
        admin_url=dict(type="str", default=DEFAULT_ADMIN_URL, fallback=(env_fallback, ["KONG_ADMIN_URL"])),
        admin_token=dict(type="str", no_log=True, fallback=(env_fallback, ["KONG_ADMIN_TOKEN"])),
        workspace=dict(type="str"),
        validate_certs=dict(type="bool", default=True),
        ca_path=dict(type="path"),
        client_cert=dict(type="path"),
        client_key=dict(type="path", no_log=False),
        use_proxy=dict(type="bool", default=True),
        timeout=dict(type="float", default=10),
        admin_retries=dict(type="int", default=3),
        admin_headers=dict(type="dict", default={}, no_log=True),
    )


def state_argument_spec() -> dict[str, Any]:
    return dict(state=dict(type="str", default="present", choices=["present", "absent"]))


def gateway_argument_spec() -> dict[str, Any]:
    """ai_gateway_converge: the connection options, the role's description and two of its switches."""
    argument_spec = connection_argument_spec()
    argument_spec.update(
        inputs=dict(type="dict", required=True),
        adopt_untagged=dict(type="bool", default=False),
        workers=dict(type="int", default=4),
    )
    return argument_spec
