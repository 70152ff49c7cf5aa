"""The transcript matcher must reject what does not match: each rule of FORMAT.md, both ways."""

from __future__ import annotations

import copy
import hashlib
import json
from pathlib import Path

import pytest
import requests
from helpers.transcript_matcher import (
    OTHER_BUILD,
    Answer,
    Bindings,
    Replayer,
    TranscriptMismatch,
    compare,
    judge,
    substitute,
    substitute_text,
    walk,
)
from kongsim import KongSim

U1 = "5e000000-0000-4000-8000-000000000001"
U2 = "5e000000-0000-4000-8000-000000000002"
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "transcripts"


def ok(expected: object, actual: object, b: Bindings | None = None) -> bool:
    return compare(expected, actual, b or Bindings()) is None


# ----------------------------------------------------------------- variables


def test_substitute_whole_string_keeps_the_captured_type() -> None:
    assert substitute({"port": "{{p}}", "tags": ["{{t}}"]}, {"p": 80, "t": "x"}) == {"port": 80, "tags": ["x"]}


def test_substitute_inside_text_json_encodes_non_strings() -> None:
    assert substitute("/a/{{p}}/{{s}}", {"p": 80, "s": "x"}) == "/a/80/x"
    assert substitute_text("{{o}}", {"o": {"a": 1}}) == '{"a": 1}'


def test_substitute_url_escapes_reserved_characters() -> None:
    assert substitute_text("?offset={{o|url}}", {"o": "a+b/c="}) == "?offset=a%2Bb%2Fc%3D"


def test_unknown_variables_stay_literal_and_keys_are_substituted() -> None:
    assert substitute({"{{k}}": "{{text}}"}, {"k": "name"}) == {"name": "{{text}}"}


def test_walk_objects_and_arrays() -> None:
    assert walk({"data": [{"id": "x"}]}, "data.0.id") == "x"
    assert walk({"data": []}, "data.0.id") is not None  # the missing marker, not a value
    assert walk({"data": []}, "data.0.id") != "x"


# ------------------------------------------------------------- plain values


@pytest.mark.parametrize(
    ("expected", "actual"),
    [
        ({"a": 1}, {"a": 2}),
        ({"a": 1}, {"a": 1, "b": 2}),
        ({"a": 1, "b": None}, {"a": 1}),
        ([1, 2], [2, 1]),
        ([1, 2], [1, 2, 3]),
        ({"a": 2}, {"a": "2"}),
        ({"a": True}, {"a": 1}),
        ({"a": 1}, {"a": True}),
        ({"a": None}, {"a": False}),
        ({"a": []}, {"a": {}}),
        ("x", None),
    ],
)
def test_mismatches_are_rejected(expected: object, actual: object) -> None:
    assert not ok(expected, actual)


def test_numbers_compare_by_value_and_key_order_is_irrelevant() -> None:
    assert ok({"a": 2, "b": [1, {"c": None}]}, {"b": [1.0, {"c": None}], "a": 2.0})


# --------------------------------------------------------------- placeholders


def test_uuid_placeholder_binds_and_stays_bound() -> None:
    b = Bindings()
    assert ok({"id": "<uuid:1>"}, {"id": U1}, b)
    assert ok({"x": "<uuid:1>"}, {"x": U1}, b)
    assert not ok({"x": "<uuid:1>"}, {"x": U2}, b)


def test_distinct_numbers_must_be_distinct_values() -> None:
    b = Bindings()
    assert ok("<uuid:1>", U1, b)
    assert not ok("<uuid:2>", U1, b)


def test_placeholder_shapes_are_checked() -> None:
    assert not ok("<uuid:1>", "not-a-uuid")
    assert not ok("<timestamp>", "1700000000")
    assert ok("<timestamp>", 1700000000.123)
    assert not ok("<ttl>", -1)
    assert not ok("<ttl>", 1.5)
    assert ok("<ttl>", 3599)
    assert not ok("<offset:1>", "")
    assert not ok("<generated:1>", None)
    assert not ok("<request_id>", 5)


def test_sha1_placeholder_checks_the_formula_when_passwords_are_known() -> None:
    b = Bindings(passwords=["s3cret"])
    good = hashlib.sha1(("s3cret" + U1).encode()).hexdigest()
    assert ok(
        {"password": "<sha1-hash>", "consumer": {"id": "<uuid:1>"}}, {"password": good, "consumer": {"id": U1}}, b
    )
    bad = hashlib.sha1(b"other").hexdigest()
    assert not ok(
        {"password": "<sha1-hash>", "consumer": {"id": "<uuid:1>"}},
        {"password": bad, "consumer": {"id": U1}},
        Bindings(passwords=["s3cret"]),
    )
    assert not ok("<sha1-hash>", "ABC")


def test_embedded_placeholders_match_text_around_them() -> None:
    b = Bindings()
    expected = "the foreign key '{id=\"<uuid:1>\"}' does not reference"
    assert ok(expected, f"the foreign key '{{id=\"{U1}\"}}' does not reference", b)
    assert not ok(expected, f"the foreign key '{{id=\"{U2}\"}}' does not reference", b)
    assert not ok(expected, f"a foreign key '{{id=\"{U1}\"}}' does not reference", Bindings())


def test_offsets_in_next_links_are_compared_unescaped() -> None:
    b = Bindings()
    assert ok(
        {"offset": "<offset:1>", "next": "/s?offset=<offset:1>&size=2"},
        {"offset": "WyJ+Il0", "next": "/s?offset=WyJ%2BIl0&size=2"},
        b,
    )
    assert not ok(
        {"offset": "<offset:1>", "next": "/s?offset=<offset:1>"},
        {"offset": "WyJ+Il0", "next": "/s?offset=OTHER"},
        Bindings(),
    )


# --------------------------------------------------------------------- answers


def _answer(status: int, body: object = None, ctype: str | None = "application/json; charset=utf-8") -> Answer:
    raw = json.dumps(body).encode() if body is not None else b""
    return Answer(status, {"content-type": ctype} if ctype else {}, raw)


def test_judge_checks_status_headers_and_bodies() -> None:
    exp = {"status": 200, "headers": {"content-type": "application/json; charset=utf-8"}, "body": {"a": 1}}
    assert judge(exp, _answer(200, {"a": 1}), Bindings()) is None
    assert judge(exp, _answer(201, {"a": 1}), Bindings()) is not None
    assert judge(exp, _answer(200, {"a": 1}, "text/plain"), Bindings()) is not None
    assert judge(exp, _answer(200, {"a": 2}), Bindings()) is not None
    assert judge({"status": 204, "body": None}, _answer(204, None, None), Bindings()) is None
    assert judge({"status": 204, "body": None}, _answer(204, {"x": 1}, None), Bindings()) is not None
    raw = {"status": 415, "headers": {}, "body": None, "raw_body": "<html>x</html>"}
    assert judge(raw, Answer(415, {}, b"<html>y</html>"), Bindings()) is not None


def test_replay_reports_the_failing_step(kongsim: KongSim) -> None:
    transcript = json.loads((FIXTURES / "svc-03-get-by-id-and-name.json").read_text())
    assert Replayer(kongsim.url).run(copy.deepcopy(transcript)) == len(transcript["steps"])
    kongsim.reset()
    broken = copy.deepcopy(transcript)
    broken["steps"][1]["response"]["body"]["port"] = 444
    with pytest.raises(TranscriptMismatch) as err:
        Replayer(kongsim.url).run(broken)
    text = str(err.value)
    assert "step 1" in text and "$.port" in text and "444" in text


def test_a_capture_missing_from_the_recorded_answer_too_is_left_uncaptured(kongsim: KongSim) -> None:
    """As the recorder does when a release refuses what another accepted (ai-proxy on 3.4.2)."""
    json_type = {"content-type": "application/json; charset=utf-8"}
    refused = requests.post(kongsim.url + "/plugins", json={"name": "nope"}, timeout=10).json()
    steps = [
        {"request": {"method": "POST", "path": "/plugins", "body": {"name": "nope"}}, "capture": {"p.id": "id"},
         "response": {"status": 400, "headers": json_type, "body": refused}},
        {"request": {"method": "GET", "path": "/plugins/{{p.id}}"},  # sent as written
         "response": {"status": 400, "headers": json_type, "body": {
             "code": 10, "name": "invalid unique instance_name",
             "message": "invalid value '{{p.id}}': the only accepted ascii characters are alphanumerics or ., -, _, "
                        "and ~"}}},
    ]
    assert Replayer(kongsim.url).run({"steps": steps}) == 2
    assert [e["path"] for e in kongsim.request_log()][-1] == "/plugins/{{p.id}}"


# ------------------------------------------------------------- other builds

NEW_LAYOUT = ("schema violation (cert: invalid certificate: x509.new: error:688010A:asn1 encoding routines:"
              "asn1_item_embed_d2i:nested asn1 error:crypto/asn1/tasn_dec.c:375:)")
OTHER_OPENSSL = ("schema violation (cert: invalid certificate: x509.new: error:680008E:asn1 encoding routines:"
                 "asn1_d2i_read_bio:not enough data:crypto/asn1/a_d2i_fp.c:218:)")
OLD_LAYOUT = ("schema violation (cert: invalid certificate: x509.new: crypto/asn1/tasn_dec.c:375:error:0688010A:"
              "asn1 encoding routines::nested asn1 error)")


def test_other_build_compares_messages_up_to_the_openssl_error_text() -> None:
    assert compare(NEW_LAYOUT, OTHER_OPENSSL, Bindings()) is not None  # exact: the detail counts
    assert compare(NEW_LAYOUT, OTHER_OPENSSL, Bindings(), matching=OTHER_BUILD) is None
    assert compare(NEW_LAYOUT, OLD_LAYOUT, Bindings(), matching=OTHER_BUILD) is None
    # what surrounds the detail is still compared
    assert compare(NEW_LAYOUT, OTHER_OPENSSL.replace("cert:", "key:"), Bindings(), matching=OTHER_BUILD)
    assert compare(NEW_LAYOUT, OTHER_OPENSSL.replace(":)", ":) more"), Bindings(), matching=OTHER_BUILD)
    # also inside a message holding placeholders
    expected = f"<uuid:1> {NEW_LAYOUT}"
    assert compare(expected, f"{U1} {OTHER_OPENSSL}", Bindings(), matching=OTHER_BUILD) is None
    assert compare(expected, f"{U1} {OTHER_OPENSSL}", Bindings()) is not None


def test_other_build_compares_enabled_plugins_as_a_set() -> None:
    expected = {"enabled_plugins": ["jwt", "acl", "cors"]}
    shuffled = {"enabled_plugins": ["cors", "jwt", "acl"]}
    assert compare(expected, shuffled, Bindings()) is not None
    assert compare(expected, shuffled, Bindings(), matching=OTHER_BUILD) is None
    assert compare(expected, {"enabled_plugins": ["cors", "jwt", "key-auth"]}, Bindings(), matching=OTHER_BUILD)
    assert compare(expected, {"enabled_plugins": ["cors", "jwt"]}, Bindings(), matching=OTHER_BUILD)
    # other lists keep their order
    assert compare({"data": ["a", "b"]}, {"data": ["b", "a"]}, Bindings(), matching=OTHER_BUILD) is not None


def test_other_build_compares_field_lists_in_messages_as_sets() -> None:
    expected = "schema violation (at least one of these fields must be non-empty: 'jwk', 'pem')"
    assert compare(expected, expected.replace("'jwk', 'pem'", "'pem', 'jwk'"), Bindings()) is not None
    assert compare(expected, expected.replace("'jwk', 'pem'", "'pem', 'jwk'"), Bindings(), matching=OTHER_BUILD) is None
    assert compare(expected, expected.replace("'jwk', 'pem'", "'pem', 'kid'"), Bindings(), matching=OTHER_BUILD)


def test_replayer_takes_the_matching(kongsim: KongSim) -> None:
    transcript = {"steps": [{"request": {"method": "GET", "path": "/plugins/enabled"},
                             "response": {"status": 200, "headers": {"content-type": "application/json; charset=utf-8"},
                                          "body": None}}]}
    enabled = requests.get(kongsim.url + "/plugins/enabled", timeout=10).json()
    transcript["steps"][0]["response"]["body"] = {"enabled_plugins": sorted(enabled["enabled_plugins"], reverse=True)}
    with pytest.raises(TranscriptMismatch):
        Replayer(kongsim.url).run(transcript)
    assert Replayer(kongsim.url, matching=OTHER_BUILD).run(transcript) == 1
