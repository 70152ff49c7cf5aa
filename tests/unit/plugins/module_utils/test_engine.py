# Copyright (c) aigateway.kong contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The entity engine against the simulator (in-process): the create / unchanged / update / delete branches."""

from __future__ import annotations

import pytest
from ansible_collections.aigateway.kong.plugins.module_utils.api.errors import KongError, KongValidationError
from ansible_collections.aigateway.kong.plugins.module_utils.api.transport import TransportError
from ansible_collections.aigateway.kong.plugins.module_utils.entity.compare import MASK
from ansible_collections.aigateway.kong.plugins.module_utils.entity.engine import Engine
from ansible_collections.aigateway.kong.plugins.module_utils.entity.hooks import basic_auth_hash
from ansible_collections.aigateway.kong.plugins.module_utils.entity.specs import (
    CERTIFICATE,
    CONSUMER,
    CREDENTIALS,
    PLUGIN,
    ROUTE,
    SERVICE,
    TARGET,
    UPSTREAM,
)
from helpers.certs import make_cert

AI_PROXY = {"route_type": "llm/v1/chat", "model": {"provider": "openai", "name": "gpt-4o"}}


def test_create_then_unchanged(kong, run_engine):
    first = run_engine(SERVICE, name="llm", url="https://api.example.test/v1", tags=["b", "a"])
    assert first["changed"] and first["msg"] == "service 'llm' created"
    assert first["service"]["port"] == 443 and first["service"]["path"] == "/v1"
    assert first["diff"]["before"] == {} and first["diff"]["after"]["host"] == "api.example.test"
    second = run_engine(SERVICE, name="llm", url="https://api.example.test/v1", tags=["a", "b", "a"])
    assert not second["changed"] and second["diff"] == {"before": {}, "after": {}}
    assert [w[0] for w in kong.writes()] == ["POST"]


def test_url_without_path_clears_path(kong, run_engine):
    kong.add("services", name="llm", host="old.test", path="/v1")
    result = run_engine(SERVICE, name="llm", url="http://new.test")
    assert result["changed"]
    assert result["service"]["path"] is None and result["service"]["host"] == "new.test"


def test_update_patches_only_the_delta(kong, run_engine):
    kong.add("services", name="llm", host="a.test", port=80)
    result = run_engine(SERVICE, name="llm", host="a.test", read_timeout=120000)
    assert result["changed"] and result["diff"] == {
        "before": {"read_timeout": 60000},
        "after": {"read_timeout": 120000},
    }
    assert kong.writes() == [("PATCH", "/services/" + result["service"]["id"])]


def test_check_mode_predicts_and_writes_nothing(kong, run_engine):
    kong.add("services", name="llm", host="a.test")
    created = run_engine(SERVICE, check_mode=True, name="new", host="b.test")
    updated = run_engine(SERVICE, check_mode=True, name="llm", host="c.test")
    deleted = run_engine(SERVICE, check_mode=True, name="llm", state="absent")
    assert created["changed"] and created["service"]["host"] == "b.test"
    assert updated["changed"] and updated["service"]["host"] == "c.test"
    assert deleted["changed"] and deleted["diff"]["after"] == {}
    assert kong.writes() == []


def test_absent_deletes_only_after_finding(kong, run_engine):
    assert not run_engine(SERVICE, name="ghost", state="absent")["changed"]
    assert kong.writes() == []
    kong.add("services", name="llm", host="a.test")
    assert run_engine(SERVICE, name="llm", state="absent")["changed"]
    assert kong.store["services"] == {}


def test_route_reference_by_name_and_missing_reference(kong, run_engine):
    service = kong.add("services", name="llm", host="a.test")
    result = run_engine(ROUTE, name="chat", service="llm", paths=["/chat"], methods=["POST"])
    assert result["route"]["service"] == {"id": service["id"]}
    assert not run_engine(ROUTE, name="chat", service=service["id"], paths=["/chat"], methods=["POST"])["changed"]
    with pytest.raises(KongError, match=r"service 'nope' \(option service\) was not found"):
        run_engine(ROUTE, name="other", service="nope")


def test_missing_reference_in_check_mode_warns(kong, run_engine):
    result = run_engine(ROUTE, check_mode=True, name="chat", service="later", paths=["/chat"])  # one Kong accepts
    assert result["changed"] and "assuming an earlier task creates it" in result["warnings"][0]


def test_route_sets_and_record_sets(kong, run_engine):
    kong.add("routes", name="r", protocols=["tls", "tcp"], sources=[{"ip": "10.0.0.0/8"}])
    result = run_engine(ROUTE, name="r", protocols=["tcp", "tls"], sources=[{"ip": "10.0.0.0/8"}])
    assert not result["changed"]


def test_plugin_config_subset_and_secret_masking(kong, run_engine):
    config = {
        "route_type": "llm/v1/chat",
        "auth": {"header_name": "Authorization", "header_value": "Bearer sk-secret"},
        "model": {"provider": "openai", "name": "gpt-4o", "options": {"max_tokens": 256}},
    }
    created = run_engine(PLUGIN, name="ai-proxy", config=config)
    assert created["plugin"]["config"]["auth"]["header_value"] == MASK
    assert "sk-secret" not in repr(created)
    stored = next(iter(kong.store["plugins"].values()))
    assert stored["config"]["logging"] == {"log_payloads": False, "log_statistics": False}  # Kong's defaults
    assert not run_engine(PLUGIN, name="ai-proxy", config=config)["changed"]
    config["auth"]["header_value"] = "Bearer sk-other"
    changed = run_engine(PLUGIN, name="ai-proxy", config=config)
    assert changed["changed"]
    assert changed["diff"]["before"]["config"]["auth"]["header_value"] == MASK
    assert "sk-other" not in repr(changed) and "sk-secret" not in repr(changed)
    stored_after = next(iter(kong.store["plugins"].values()))
    assert stored_after["config"]["auth"]["header_value"] == "Bearer sk-other"
    assert stored_after["config"]["model"]["options"]["max_tokens"] == 256


def test_vault_references_stay_visible(kong, run_engine):
    config = {**AI_PROXY, "auth": {"header_name": "Authorization", "header_value": "{vault://env/openai-key}"}}
    result = run_engine(PLUGIN, name="ai-proxy", config=config)
    assert result["plugin"]["config"]["auth"]["header_value"] == "{vault://env/openai-key}"


def test_plugin_identity_by_scope(kong, run_engine):
    service = kong.add("services", name="llm", host="a.test")
    kong.add("plugins", name="rate-limiting", config={"minute": 5})
    result = run_engine(PLUGIN, name="rate-limiting", service="llm", config={"minute": 10})
    assert result["msg"] == "plugin 'rate-limiting' created"
    assert result["plugin"]["service"] == {"id": service["id"]}
    again = run_engine(PLUGIN, name="rate-limiting", config={"minute": 5})
    assert not again["changed"]


def test_plugin_instance_name_adopts_unnamed_plugin(kong, run_engine):
    kong.add("plugins", name="rate-limiting", config={"minute": 5})
    result = run_engine(PLUGIN, name="rate-limiting", instance_name="rl", config={"minute": 5})
    assert result["changed"] and result["diff"]["after"] == {"instance_name": "rl"}
    assert len(kong.store["plugins"]) == 1


def test_target_normalised(kong, run_engine):
    kong.add("upstreams", name="u")
    first = run_engine(TARGET, upstream="u", target="10.0.0.1")
    assert first["target"]["target"] == "10.0.0.1:8000"
    assert not run_engine(TARGET, upstream="u", target="10.0.0.1:8000")["changed"]
    v6 = run_engine(TARGET, check_mode=True, upstream="u", target="fd00::12")
    assert v6["target"]["target"] == "[fd00:0000:0000:0000:0000:0000:0000:0012]:8000"


def test_target_under_missing_upstream_in_check_mode(kong, run_engine):
    result = run_engine(TARGET, check_mode=True, upstream="later", target="a.test:80")
    assert result["changed"] and result["target"]["upstream"] == {"name": "later"}


def test_upstream_healthchecks_subset(kong, run_engine):
    kong.add("upstreams", name="u")
    assert not run_engine(UPSTREAM, name="u", healthchecks={"active": {"timeout": 1}})["changed"]
    result = run_engine(UPSTREAM, name="u", healthchecks={"active": {"healthy": {"interval": 5}}})
    active = result["upstream"]["healthchecks"]["active"]
    assert active["timeout"] == 1 and active["healthy"]["interval"] == 5 and active["healthy"]["successes"] == 0


def test_basic_auth_password_hash_compare(kong, run_engine):
    consumer = kong.add("consumers", username="bob")
    spec = CREDENTIALS["basic-auth"]
    created = run_engine(spec, consumer="bob", username="bob-basic", password="s3cret", update_password="always")
    assert created["changed"] and created["credential"]["password"] == MASK
    stored = next(iter(kong.store["basic-auth"].values()))
    assert stored["password"] == basic_auth_hash("s3cret", consumer["id"])
    assert not run_engine(spec, consumer="bob", username="bob-basic", password="s3cret", update_password="always")[
        "changed"
    ]
    assert run_engine(spec, consumer="bob", username="bob-basic", password="n3w", update_password="always")["changed"]
    assert not run_engine(spec, consumer="bob", username="bob-basic", password="other", update_password="on_create")[
        "changed"
    ]


def test_key_auth_key_masked(kong, run_engine):
    kong.add("consumers", username="bob")
    result = run_engine(CREDENTIALS["key-auth"], consumer="bob", key="k-123456", ttl=60)
    assert result["credential"]["key"] == MASK
    assert not run_engine(CREDENTIALS["key-auth"], consumer="bob", key="k-123456", ttl=30)["changed"]


def test_acl_identity(kong, run_engine):
    kong.add("consumers", username="bob")
    assert run_engine(CREDENTIALS["acl"], consumer="bob", group="gpt")["changed"]
    assert not run_engine(CREDENTIALS["acl"], consumer="bob", group="gpt")["changed"]
    assert run_engine(CREDENTIALS["acl"], consumer="bob", group="gpt", state="absent")["changed"]


def test_consumer_by_custom_id(kong, run_engine):
    kong.add("consumers", username=None, custom_id="c-1")
    assert not run_engine(CONSUMER, custom_id="c-1")["changed"]


def test_certificate_by_sni(kong, run_engine):
    pair = make_cert("a.test", dns_names=("a.test",), ecdsa=True)
    kong.add("certificates", cert=pair.cert_pem + "\n", key=pair.key_pem, snis=["a.test"])
    result = run_engine(CERTIFICATE, cert=pair.cert_pem.strip(), key=pair.key_pem, snis=["a.test"])
    assert not result["changed"] and result["certificate"]["key"] == MASK


def test_db_less(run_engine, make_client, kong):
    kong.database = "off"
    with pytest.raises(KongError, match="DB-less"):
        run_engine(SERVICE, name="x", host="a.test")
    with pytest.raises(KongError, match="DB-less"):
        run_engine(SERVICE, check_mode=True, name="x", host="a.test")
    assert kong.writes() == []


def test_validation_before_any_request(kong, run_engine):
    with pytest.raises(KongValidationError, match="port must be between 0 and 65535"):
        run_engine(SERVICE, name="x", host="a.test", port=70000)
    with pytest.raises(KongValidationError, match="url 'ftp://x' must start with"):
        run_engine(SERVICE, name="x", url="ftp://x")
    with pytest.raises(KongValidationError, match="admin_url"):
        run_engine(SERVICE, name="x", host="a", admin_url="localhost:8001")
    assert kong.log == []


def test_post_409_race_continues_from_existing(kong, run_engine):
    kong.faults.append(("GET", "^/services/llm$", 404))  # the first lookup misses; someone creates it meanwhile
    kong.add("services", name="llm", host="a.test")
    result = run_engine(SERVICE, name="llm", host="b.test")
    assert result["changed"] and result["service"]["host"] == "b.test"
    assert [w[0] for w in kong.writes()] == ["POST", "PATCH"]


def test_post_timeout_is_not_repeated_blindly(kong, run_engine):
    kong.faults.append(("POST", "^/services$", "apply"))  # applied by Kong, but the answer is lost
    result = run_engine(SERVICE, name="llm", host="a.test")
    assert result["changed"] and len(kong.store["services"]) == 1 and result["msg"] == "service 'llm' created"
    assert result["diff"]["before"] == {} and result["diff"]["after"]["host"] == "a.test"
    assert [w[0] for w in kong.writes()] == ["POST"]


def test_post_503_retried_after_lookup(kong, run_engine):
    kong.faults.append(("POST", "^/services$", 503))
    result = run_engine(SERVICE, name="llm", host="a.test")
    assert result["changed"] and [w[0] for w in kong.writes()] == ["POST", "POST"]


def test_post_refused_fails_after_retries(kong, run_engine):
    for _attempt in range(4):
        kong.faults.append(("POST", "^/services$", TransportError("refused", "Connection refused")))
    with pytest.raises(KongError, match="connection refused"):
        run_engine(SERVICE, name="llm", host="a.test")


def test_plugin_deleted_by_instance_name_is_masked(kong, run_engine):
    auth = {"header_name": "Authorization", "header_value": "sk-hidden"}
    kong.add("plugins", name="ai-proxy", instance_name="proxy", config={**AI_PROXY, "auth": auth})
    result = run_engine(PLUGIN, instance_name="proxy", state="absent")
    assert result["changed"] and "sk-hidden" not in repr(result)


@pytest.mark.parametrize("params", [{"algorithm": "consistent-hashing"}, {"algorithm": "round-robin", "hash_on": "ip"}])
def test_upstream_inconsistent_hashing_refused(kong, run_engine, params):
    with pytest.raises(KongValidationError, match="consistent-hashing"):
        run_engine(UPSTREAM, name="u", **params)
    assert kong.log == []


def test_secret_identity_never_in_a_url(kong, run_engine):
    kong.add("consumers", username="bob")
    run_engine(CREDENTIALS["key-auth"], consumer="bob", key="k-in-no-url")
    run_engine(CREDENTIALS["key-auth"], consumer="bob", key="k-in-no-url", tags=["t"])
    run_engine(CREDENTIALS["key-auth"], consumer="bob", key="k-in-no-url", state="absent")
    assert kong.store["key-auth"] == {}
    assert not [path for _method, path in kong.log if "k-in-no-url" in path]


def test_post_answer_lost_then_409_reports_created(kong, run_engine):
    """Kong applied the first POST after the client gave up, but a lookup did not see it yet; the retry gets 409."""
    kong.faults.append(("GET", "^/services/llm$", 404))  # the lookup before creating
    kong.faults.append(("POST", "^/services$", "apply"))  # applied, the answer is lost
    kong.faults.append(("GET", "^/services/llm$", 404))  # not visible yet to the lookup after the timeout
    result = run_engine(SERVICE, name="llm", host="a.test")
    assert [w[0] for w in kong.writes()] == ["POST", "POST"] and len(kong.store["services"]) == 1
    assert result["changed"] and result["msg"] == "service 'llm' created"
    assert result["diff"]["before"] == {} and result["diff"]["after"]["host"] == "a.test"


def test_post_503_then_409_reports_created(kong, run_engine):
    kong.faults.append(("POST", "^/services$", 503))
    kong.faults.append(("GET", "^/services/llm$", 404))
    kong.faults.append(("GET", "^/services/llm$", 404))
    kong.add("services", name="llm", host="a.test")  # as if the 503 came from a proxy after Kong applied it
    result = run_engine(SERVICE, name="llm", host="a.test")
    assert result["changed"] and result["msg"] == "service 'llm' created"


def test_first_post_409_is_a_lost_race_not_a_change(kong, run_engine):
    """Another run created the same entity between our lookup and our POST: nothing of ours changed Kong."""
    kong.faults.append(("GET", "^/services/llm$", 404))
    kong.add("services", name="llm", host="a.test")
    result = run_engine(SERVICE, name="llm", host="a.test")
    assert not result["changed"] and result["msg"] == "service 'llm' unchanged"
    assert [w[0] for w in kong.writes()] == ["POST"]


def test_post_429_then_found_is_not_ours(kong, run_engine):
    """A 429 means Kong refused the POST: an entity found afterwards was created by someone else."""
    kong.faults.append(("GET", "^/services/llm$", 404))
    kong.faults.append(("POST", "^/services$", 429))
    kong.add("services", name="llm", host="a.test")
    result = run_engine(SERVICE, name="llm", host="a.test")
    assert not result["changed"] and [w[0] for w in kong.writes()] == ["POST"]


def test_jwt_key_is_not_a_secret_but_key_auth_key_is(kong, run_engine):
    kong.add("consumers", username="bob")
    jwt = run_engine(CREDENTIALS["jwt"], consumer="bob", key="iss-1234", secret="jwt-secret-1")
    assert jwt["credential"]["key"] == "iss-1234" and jwt["credential"]["secret"] == MASK
    assert jwt["msg"] == "jwt credential 'iss-1234' created"
    key_auth = run_engine(CREDENTIALS["key-auth"], consumer="bob", key="ka-secret-1")
    assert key_auth["credential"]["key"] == MASK and "ka-secret-1" not in repr(key_auth)


def test_post_answer_lost_then_patched_is_still_a_creation(kong, run_engine):
    """The entity our lost POST created differs from the task (a concurrent change): PATCH, report a creation."""
    kong.faults.append(("POST", "^/services$", TransportError("timeout", "read timed out")))
    kong.faults.append(("GET", "^/services/llm$", 404))  # the lookup before creating
    original_send = kong.send

    def send(method, url, headers, data, timeout):
        if method == "POST" and not kong.store.get("services"):
            kong.add("services", name="llm", host="other.test")  # applied, then changed by someone else
        return original_send(method, url, headers, data, timeout)

    kong.send = send
    result = run_engine(SERVICE, name="llm", host="a.test")
    assert [w[0] for w in kong.writes()] == ["POST", "PATCH"]
    assert result["changed"] and result["msg"] == "service 'llm' created"
    assert result["diff"]["before"] == {} and result["diff"]["after"]["host"] == "a.test"


def test_post_409_without_a_matching_entity_names_the_create(kong, make_client):
    kong.faults.append(("POST", "^/services$", 409))  # a conflict on another unique field
    params = {"admin_url": "http://127.0.0.1:8001", "admin_retries": 0, "state": "present", "id": None}
    engine = Engine(make_client(), SERVICE, dict(params, name="llm", host="a.test"))
    with pytest.raises(KongError) as failure:
        engine.run()
    assert failure.value.describe(engine.action).startswith("Failed to create service 'llm': POST /services")


def test_secrets_are_found_in_options_before_validation():
    from ansible_collections.aigateway.kong.plugins.module_utils.entity.runner import EntityTask

    credentials = EntityTask(CREDENTIALS, "type")
    assert credentials.raw_secrets({"type": "key-auth", "key": "k-1"}) == {"k-1"}
    assert credentials.raw_secrets({"type": "jwt", "key": "issuer", "secret": "s-1"}) == {"s-1"}  # jwt key is shown
    assert "k-2" in credentials.raw_secrets({"type": ["key-auth"], "key": "k-2"})  # malformed: every type's secrets
    plugin = EntityTask.of(PLUGIN)
    config = {"auth": {"header_name": "Authorization", "header_value": "Bearer sk-1"}}
    assert "Bearer sk-1" in plugin.raw_secrets({"name": "ai-proxy", "config": config, "colour": "red"})
    assert plugin.raw_secrets({"name": ["ai-proxy"], "config": "not a dict"}) == set()
