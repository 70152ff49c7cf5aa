"""The bad-input table: module options and role variables a user can get wrong, and the name the error must give."""

from __future__ import annotations

from typing import Any

# (module, options, word the one-line error must contain); prerequisites: service bi-svc, consumers bi-user and
# bi-other (holding key-auth key bi-dup-key), upstream bi-ups, route bi-route
MODULE_CASES: list[tuple[str, dict[str, Any], str]] = [
    ("kong_service", {"name": "b1", "host": "a.example", "port": "eighty"}, "port"),
    ("kong_service", {"name": "b2", "host": "a.example", "port": 70000}, "port"),
    ("kong_service", {"name": "b3", "host": "a.example", "connect_timeout": -1}, "connect_timeout"),
    ("kong_service", {"name": "b4", "host": "a.example", "read_timeout": 2147483648}, "read_timeout"),
    ("kong_service", {"name": "b5", "url": "not a url"}, "url"),
    ("kong_service", {"name": "b6", "url": "ftp://files.example"}, "url"),
    ("kong_service", {"name": "b7", "host": "a.example", "protocol": "gopher"}, "protocol"),
    ("kong_service", {"name": "b8", "host": "a.example", "retries": "many"}, "retries"),
    ("kong_service", {"name": "b9", "host": "a.example", "tls_verify": "maybe"}, "tls_verify"),
    ("kong_service", {"name": "b10", "host": "a.example", "hots": "typo.example"}, "hots"),
    ("kong_service", {"name": "b11", "url": "http://a.example", "host": "b.example"}, "host"),
    ("kong_service", {"name": "b12", "host": "a.example", "client_certificate": "no-such-cert"},
     "client_certificate"),
    ("kong_service", {"name": "bad name!", "host": "a.example"}, "name"),
    ("kong_route", {"name": "b14", "service": "bi-svc", "paths": ["~/(unclosed"]}, "paths"),
    ("kong_route", {"name": "b15", "service": "bi-svc", "paths": ["no-slash"]}, "paths"),
    ("kong_route", {"name": "b16", "service": "no-such-service", "paths": ["/b16"]}, "service"),
    ("kong_route", {"name": "b17", "service": "bi-svc", "paths": ["/b17"], "https_redirect_status_code": 200},
     "https_redirect_status_code"),
    ("kong_route", {"name": "b18", "service": "bi-svc", "paths": ["/b18"], "protocols": ["gopher"]}, "protocols"),
    ("kong_route", {"name": "b19", "service": "bi-svc", "paths": ["/b19"], "regex_priority": "high"},
     "regex_priority"),
    ("kong_route", {"name": "b20", "service": "bi-svc", "paths": ["/b20"], "strip_path": "sometimes"}, "strip_path"),
    ("kong_route", {"name": "b21", "service": "bi-svc", "paths": ["/b21"], "path_handling": "v9"}, "path_handling"),
    ("kong_route", {"name": "b22", "service": "bi-svc", "hosts": ["bad host!"]}, "hosts"),
    ("kong_consumer", {"tags": ["b23"]}, "username"),
    ("kong_consumer", {"username": "b24", "tags": {"team": "x"}}, "tags"),
    ("kong_upstream", {"name": "b25", "algorithm": "random"}, "algorithm"),
    ("kong_upstream", {"name": "b26", "slots": 5}, "slots"),
    ("kong_upstream", {"name": "1.2.3.4"}, "name"),
    ("kong_upstream", {"name": "b28", "hash_on": "header"}, "hash_on_header"),
    ("kong_upstream", {"name": "b29", "healthchecks": "yes"}, "healthchecks"),
    ("kong_upstream", {"name": "b30", "healthchecks": {"active": {"timeout": -5}}}, "healthchecks"),
    ("kong_target", {"upstream": "bi-ups", "target": "not a host:1:2"}, "target"),
    ("kong_target", {"upstream": "bi-ups", "target": "127.0.0.1:99999"}, "target"),
    ("kong_target", {"upstream": "bi-ups", "target": "127.0.0.1:8000", "weight": 70000}, "weight"),
    ("kong_target", {"upstream": "no-such-upstream", "target": "127.0.0.1:8000"}, "upstream"),
    ("kong_plugin", {"name": "no-such-plugin"}, "name"),
    ("kong_plugin", {"name": "rate-limiting", "service": "bi-svc", "config": {"minute": "ten"}}, "config.minute"),
    ("kong_plugin", {"name": "cors", "service": "bi-svc", "config": {"no_such_field": 1}}, "config.no_such_field"),
    ("kong_plugin", {"name": "cors", "service": "no-such-service"}, "service"),
    ("kong_plugin", {"name": "rate-limiting", "consumer": "nobody", "config": {"minute": 1}}, "consumer"),
    ("kong_plugin", {"name": "cors", "route": "bi-route", "config": "notadict"}, "config"),
    ("kong_plugin", {"name": "rate-limiting", "route": "bi-route", "config": {}}, "config"),
    ("kong_plugin", {"name": "key-auth", "route": "bi-route", "protocols": ["tcp"]}, "protocols"),
    ("kong_consumer_credential", {"consumer": "bi-user", "type": "oauth3", "key": "k"}, "type"),
    ("kong_consumer_credential", {"consumer": "bi-user", "type": "key-auth", "key": "k44", "password": "b44-Pw-Xy81"},
     "password"),
    ("kong_consumer_credential", {"consumer": "nobody", "type": "key-auth", "key": "k45"}, "consumer"),
    ("kong_consumer_credential", {"consumer": "bi-user", "type": "key-auth", "key": "bi-dup-key"}, "key"),
    ("kong_consumer_credential", {"consumer": "bi-user", "type": "jwt", "key": "k47", "algorithm": "HS999"},
     "algorithm"),
    ("kong_consumer_credential", {"consumer": "bi-user", "type": "key-auth", "key": "k48", "ttl": -1}, "ttl"),
    ("kong_consumer_credential", {"consumer": "bi-user", "type": "basic-auth", "username": "b49"}, "password"),
    ("kong_certificate", {"cert": "not a pem", "key": "not a pem either", "snis": ["b50.example"]}, "cert"),
    ("kong_certificate", {"snis": ["b51.example"]}, "cert"),
    ("kong_info", {"entity": "dragons"}, "entity"),
    ("kong_service", {"name": "b53", "host": "a.example", "admin_url": "localhost:8001"}, "admin_url"),
    ("kong_service", {"name": "b54", "host": "a.example", "timeout": 0}, "timeout"),
    ("kong_consumer", {"username": "b55", "admin_retries": -1}, "admin_retries"),
    ("kong_consumer", {"username": "b56", "client_key": "/nonexistent/client.key"}, "client_key"),
    ("kong_consumer", {"username": "b57", "validate_certs": "perhaps"}, "validate_certs"),
]


def role_base(admin_url: str) -> dict[str, Any]:
    """A valid gateway description; each role case changes one thing in it."""
    return {
        "ai_gateway_admin_url": admin_url,
        "ai_gateway_tiers": [{"name": "gold", "rate_limit": {"minute": 5}}],
        "ai_gateway_consumers": [{"username": "rb-user", "tier": "gold", "keys": ["rb-key-1"]}],
        "ai_gateway_models": [{"name": "rb-chat", "provider": "openai", "model": "gpt-4o-mini"}],
    }


def _model(**changes: Any) -> dict[str, Any]:
    return {"ai_gateway_models": [{"name": "rb-chat", "provider": "openai", "model": "gpt-4o-mini", **changes}]}


def _consumers(*consumers: dict[str, Any]) -> dict[str, Any]:
    return {"ai_gateway_consumers": list(consumers)}


# (description, variables overriding role_base, word the one-line error must contain)
ROLE_CASES: list[tuple[str, dict[str, Any], str]] = [
    ("models not a list", {"ai_gateway_models": "rb-chat"}, "ai_gateway_models"),
    ("timeout not a number", {"ai_gateway_timeout": "slow"}, "ai_gateway_timeout"),
    ("prune not a boolean", {"ai_gateway_prune": "sometimes"}, "ai_gateway_prune"),
    ("unknown provider", _model(provider="skynet"), "provider"),
    ("upstream_url not http", _model(upstream_url="ftp://files.example/v1"), "upstream_url"),
    ("path without slash", _model(paths=["chat"]), "path 'chat'"),
    ("replica listed twice", _model(upstream_url="http://rb-up:8000/v1",
                                    replicas=[{"target": "127.0.0.1:9"}, {"target": "127.0.0.1:9"}]), "target"),
    ("model name twice", {"ai_gateway_models": [{"name": "rb-chat", "provider": "openai"},
                                                {"name": "rb-chat", "provider": "mistral",
                                                 "options": {"mistral_format": "openai"}}]}, "name"),
    ("consumer twice", _consumers({"username": "rb-user"}, {"username": "rb-user"}), "username"),
    ("key used twice", _consumers({"username": "rb-a", "keys": ["rb-same"]}, {"username": "rb-b", "keys": ["rb-same"]}),
     "key"),
    ("unknown tier", _consumers({"username": "rb-user", "tier": "platinum"}), "tier"),
    ("unknown policy", {"ai_gateway_policies": {"magic": {}}}, "ai_gateway_policies"),
    ("anthropic without version", _model(provider="anthropic", model="claude"), "anthropic_version"),
    ("rate limit without period", _consumers({"username": "rb-user", "rate_limit": {"policy": "local"}}),
     "rate_limit"),
    ("basic_auth without password", _consumers({"username": "rb-user", "basic_auth": {"username": "rb-user"}}),
     "basic_auth"),
    ("tag with comma", {"ai_gateway_tag": "a,b"}, "ai_gateway_tag"),
    ("policy not a dict", {"ai_gateway_policies": {"prompt_guard": "yes"}}, "prompt_guard"),
    ("unknown rate limit policy", {"ai_gateway_rate_limit_policy": "cluster"},
     "ai_gateway_rate_limit_policy"),
    ("model name with spaces", _model(name="my model"), "name"),
    ("route_type unknown", _model(route_type="llm/v2/dream"), "route_type"),
    ("prune with the shared default tag", {"ai_gateway_prune": True}, "ai_gateway_tag"),
    ("admin url without scheme", {"ai_gateway_admin_url": "localhost:8001"}, "ai_gateway_admin_url"),
]
