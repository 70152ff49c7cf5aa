"""The routes subschemas Kong selects by the first protocol (kong/db/schema/entities/routes_subschemas.lua)."""

from __future__ import annotations

import copy

from .engine.fields import Hooks
from .engine.records import Record


def _no(route_fields: dict, name: str, err: str) -> dict:
    spec = copy.deepcopy(route_fields[name])
    spec["eq"] = None
    spec["err"] = err
    return {name: spec}


def route_subschemas(route_spec: dict, hooks: Hooks) -> dict[str, Record]:
    fields = {next(iter(f)): next(iter(f.values())) for f in route_spec["fields"]}
    http_err = "when 'protocols' is 'http' or 'https'"
    http = {
        "fields": [
            _no(fields, "sources", f"cannot set 'sources' {http_err}"),
            _no(fields, "destinations", f"cannot set 'destinations' {http_err}"),
        ],
        "entity_checks": [{"conditional_at_least_one_of": {
            "if_field": "protocols",
            "if_match": {"contains": "https"},
            "then_at_least_one_of": ["methods", "hosts", "headers", "paths", "snis"],
            "then_err": "must set one of %s when 'protocols' is 'https'",
            "else_match": {"contains": "http"},
            "else_then_at_least_one_of": ["methods", "hosts", "headers", "paths"],
            "else_then_err": "must set one of %s when 'protocols' is 'http'",
        }}],
    }
    stream_err = "when 'protocols' is 'tcp', 'tls', 'tls_passthrough' or 'udp'"
    stream = {
        "fields": [_no(fields, n, f"cannot set '{n}' {stream_err}") for n in ("methods", "hosts", "paths", "headers")],
        "entity_checks": [
            {"conditional_at_least_one_of": {
                "if_field": "protocols",
                "if_match": {"elements": {"type": "string", "one_of": ["tcp", "tls", "udp"]}},
                "then_at_least_one_of": ["sources", "destinations", "snis"],
                "then_err": "must set one of %s when 'protocols' is 'tcp', 'tls' or 'udp'",
            }},
            {"conditional_at_least_one_of": {
                "if_field": "protocols",
                "if_match": {"elements": {"type": "string", "one_of": ["tls_passthrough"]}},
                "then_at_least_one_of": ["snis"],
                "then_err": "must set snis when 'protocols' is 'tls_passthrough'",
            }},
        ],
    }
    grpc_err = "when 'protocols' is 'grpc' or 'grpcs'"
    strip_path = copy.deepcopy(fields["strip_path"])
    strip_path.update({"default": False, "ne": True, "err": f"cannot set 'strip_path' {grpc_err}"})
    grpc = {
        "fields": [
            {"strip_path": strip_path},
            _no(fields, "methods", f"cannot set 'methods' {grpc_err}"),
            _no(fields, "sources", f"cannot set 'sources' {grpc_err}"),
            _no(fields, "destinations", f"cannot set 'destinations' {grpc_err}"),
        ],
        "entity_checks": [{"conditional_at_least_one_of": {
            "if_field": "protocols",
            "if_match": {"contains": "grpcs"},
            "then_at_least_one_of": ["hosts", "headers", "paths", "snis"],
            "then_err": "must set one of %s when 'protocols' is 'grpcs'",
            "else_match": {"contains": "grpc"},
            "else_then_at_least_one_of": ["hosts", "headers", "paths"],
            "else_then_err": "must set one of %s when 'protocols' is 'grpc'",
        }}],
    }
    compiled = {
        "http": Record(http, "routes", hooks),
        "tcp": Record(stream, "routes", hooks),
        "grpc": Record(grpc, "routes", hooks),
    }
    return {
        "http": compiled["http"], "https": compiled["http"],
        "tcp": compiled["tcp"], "tls": compiled["tcp"], "udp": compiled["tcp"],
        "tls_passthrough": compiled["tcp"],
        "grpc": compiled["grpc"], "grpcs": compiled["grpc"],
    }
