"""Rules of Kong's bundled plugins that their JSON schemas only name (kong/plugins/<name>/schema.lua)."""

from __future__ import annotations

from typing import Any

from . import typedefs as v
from .engine.values import NIL, CustomValidator, is_number
from .lua_syntax import lua_syntax_error

_PERIODS = ("second", "minute", "hour", "day", "month", "year")


def periods_order(config: Any, sync_rate: bool) -> str | None:
    if not isinstance(config, dict):
        return None
    for i, lower in enumerate(_PERIODS):
        v1 = config.get(lower)
        if is_number(v1):
            for upper in _PERIODS[i + 1:]:
                v2 = config.get(upper)
                if is_number(v2) and v2 < v1:
                    return (
                        f"The limit for {upper}({float(v2):.1f}) cannot be lower than the limit for "
                        f"{lower}({float(v1):.1f})"
                    )
    if sync_rate:
        rate = config.get("sync_rate")
        if config.get("policy") != "redis" and rate != -1:
            return "sync_rate can only be used with the redis policy"
        if config.get("policy") == "redis" and rate != -1 and is_number(rate) and rate < 0.02:
            return "sync_rate must be greater than 0.02, or -1 to disable"
    return None


def header_pair(pair: str, check_value: bool) -> str | None:
    name, _sep, value = pair.partition(":")
    value = value.lstrip(":")
    if not name:
        return "'nil' is not a valid header"
    if v.validate_header_name(name) is not None:
        return f"'{name}' is not a valid header"
    if check_value and v.validate_header_name(value) is not None:
        return f"'{value}' is not a valid header"
    return None


def value_pair(entry: str) -> str | None:
    name, _sep, value = entry.partition(":")
    if value.lstrip(":") == "":
        return f"key '{name}' has no value"
    return None


def _present(x: Any) -> bool:
    return x not in (None, NIL, "")


def request_termination(config: Any) -> str | None:
    if not isinstance(config, dict):
        return None
    if _present(config.get("message")) and (_present(config.get("content_type")) or _present(config.get("body"))):
        return "message cannot be used with content_type or body"
    if _present(config.get("content_type")) and not _present(config.get("body")):
        return "content_type requires a body"
    if config.get("echo") is True and (_present(config.get("content_type")) or _present(config.get("body"))):
        return "echo cannot be used with content_type and body"
    return None


# lua_shared_dict names of a default Kong nginx configuration
SHARED_DICTS = frozenset({
    "kong", "kong_locks", "kong_healthchecks", "kong_cluster_events", "kong_rate_limiting_counters",
    "kong_core_db_cache", "kong_core_db_cache_miss", "kong_db_cache", "kong_db_cache_miss",
    "kong_secrets", "prometheus_metrics", "kong_vaults_hcv", "kong_debug_session",
})

_LOG_STATISTICS_UNSUPPORTED = {("llm/v1/completions", "anthropic")}


def llm_statistics(entity: dict) -> str | None:
    logging = entity.get("logging")
    model = entity.get("model")
    if not isinstance(logging, dict) or not isinstance(model, dict):
        return None
    route_type, provider = entity.get("route_type"), model.get("provider")
    if logging.get("log_statistics") is True and (route_type, provider) in _LOG_STATISTICS_UNSUPPORTED:
        return f"{provider} does not support statistics when route_type is {route_type}"
    return None


def proxy_cache_dict(entity: dict) -> str | None:
    config = entity.get("config")
    if isinstance(config, dict) and config.get("strategy") == "memory":
        memory = config.get("memory")
        name = memory.get("dictionary_name") if isinstance(memory, dict) else None
        if name not in SHARED_DICTS:
            return f"missing shared dict '{name}'"
    return None


# ------------------------------------------------------------------ pre-function, post-function

FUNCTION_PHASES = ("certificate", "rewrite", "access", "header_filter", "body_filter", "log")


def function_validator(plugin: str) -> CustomValidator:
    """Each phase's chunk must compile (Kong runs `loadstring` on it at validation)."""
    def validate(code: str) -> str | None:
        err = lua_syntax_error(code)
        return None if err is None else f"error parsing {plugin}: {err}"
    return validate
