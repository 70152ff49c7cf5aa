"""For every type kong_entities takes, a no-op run of 50 items reads listings (one per type it needs), not 50
lookups."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from ansible_collections.aigateway.kong.plugins.module_utils.api.client import KongClient
from ansible_collections.aigateway.kong.plugins.module_utils.bulk import run as bulk
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from helpers.certs import make_cert
from kongsim import KongSim

COUNT = 50
PAIR = make_cert("bulk.example.test")
PUBLIC_PEM = PAIR.key.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo).decode()
CAS = [make_cert(f"CA {i}", is_ca=True, ecdsa=True).cert_pem for i in range(COUNT)]
PAIRS = [make_cert(f"h{i}.example.test", ecdsa=True) for i in range(COUNT)]  # a certificate is also found by its cert


def consumer(client: KongClient) -> dict[str, Any]:
    client.request("POST", "/consumers", body={"username": "ann"})
    return {"consumer": "ann"}


def service(client: KongClient) -> dict[str, Any]:
    client.request("POST", "/services", body={"name": "svc", "host": "svc.test"})
    return {"service": "svc"}


def upstream(client: KongClient) -> dict[str, Any]:
    client.request("POST", "/upstreams", body={"name": "pool"})
    return {"upstream": "pool"}


def certificate(client: KongClient) -> dict[str, Any]:
    client.request("POST", "/certificates", body={"cert": PAIR.cert_pem, "key": PAIR.key_pem, "snis": ["base.test"]})
    return {"certificate": "base.test"}


def key_set(client: KongClient) -> dict[str, Any]:
    client.request("POST", "/key-sets", body={"name": "ks"})
    return {"set": "ks"}


def consumers(client: KongClient) -> dict[str, Any]:
    for i in range(COUNT):
        client.request("POST", "/consumers", body={"username": f"c{i}"})
    return {}


# collection -> (what the items need in Kong first, item i); a type kong_entities takes must be listed here
ITEMS: dict[str, tuple[Callable[[KongClient], dict[str, Any]] | None, Callable[[int], dict[str, Any]]]] = {
    "services": (None, lambda i: {"name": f"s{i}", "host": "upstream.test"}),
    "routes": (service, lambda i: {"name": f"r{i}", "paths": [f"/r{i}"]}),
    "consumers": (None, lambda i: {"username": f"u{i}"}),
    "upstreams": (None, lambda i: {"name": f"pool{i}"}),
    "targets": (upstream, lambda i: {"target": f"10.0.0.{i}:80"}),
    "plugins": (
        consumers,
        lambda i: {"instance_name": f"p{i}", "name": "rate-limiting", "consumer": f"c{i}", "config": {"minute": 5}},
    ),
    "certificates": (
        None,
        lambda i: {"snis": [f"h{i}.example.test"], "cert": PAIRS[i].cert_pem, "key": PAIRS[i].key_pem},
    ),
    "key-auths": (consumer, lambda i: {"key": f"key-{i}"}),
    "basic-auths": (consumer, lambda i: {"username": f"b{i}", "password": "pw"}),
    "acls": (consumer, lambda i: {"group": f"g{i}"}),
    "jwts": (consumer, lambda i: {"key": f"iss-{i}"}),
    "hmac-auths": (consumer, lambda i: {"username": f"h{i}", "secret": "s"}),
    "snis": (certificate, lambda i: {"name": f"n{i}.example.test"}),
    "ca_certificates": (None, lambda i: {"cert": CAS[i]}),
    "vaults": (None, lambda i: {"prefix": f"vault-{i}", "name": "env", "config": {"prefix": f"P{i}_"}}),
    "key-sets": (None, lambda i: {"name": f"ks{i}"}),
    "keys": (key_set, lambda i: {"name": f"k{i}", "kid": f"k{i}", "pem": {"public_key": PUBLIC_PEM}}),
}


def run(client: KongClient, collection: str, items: list[dict[str, Any]]) -> dict[str, Any]:
    return bulk.BulkRun(client, collection, items, {"admin_url": client.base_url}).run()


@pytest.mark.parametrize("collection", bulk.COLLECTIONS)
def test_a_no_op_run_of_50_items_sends_listings_not_lookups(collection: str) -> None:
    setup, item = ITEMS[collection]
    with KongSim() as sim:
        client = KongClient(sim.url)
        common = setup(client) if setup else {}
        items = [dict(common, **item(i)) for i in range(COUNT)]
        first = run(client, collection, items)
        assert not first.get("failed"), first["msg"]
        assert first["msg"] == f"{collection}: {COUNT} created"
        sim.clear_log()
        second = run(KongClient(sim.url), collection, items)
        assert second["msg"] == f"{collection}: {COUNT} unchanged"
        sent = [f"{e['method']} {e['path']}" for e in sim.request_log()]
        assert all(s.startswith("GET ") for s in sent), sent
        assert len(sent) == len(set(sent)) <= 3, sent  # the type's listing, and its parent's or references'
