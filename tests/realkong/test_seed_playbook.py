"""The seed playbook (playbooks/basic_ai_service.yml) on a real Kong, checked through Kong's proxy as a client."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from helpers.kong_state import playbook
from helpers.llm_backends import backends
from helpers.through_proxy import send, until

pytestmark = pytest.mark.kong

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "seed-password-4471"


def test_basic_ai_service_answers_only_its_consumer(kong: Any, collection_path: Path, tmp_path: Path) -> None:
    with backends("target-1", "target-2") as replicas:
        variables = {
            "ai_gateway_admin_url": kong.url,
            "basic_ai_targets": [{"target": f"127.0.0.1:{r.port}", "weight": 100} for r in replicas],
            "vault_basic_ai_password": PASSWORD,
        }
        inventory = ROOT / "inventories" / "example"
        first = playbook(tmp_path / "first", collection_path, ROOT / "playbooks" / "basic_ai_service.yml",
                         variables, inventory=inventory)
        assert first.rc == 0, first.summary()
        assert PASSWORD not in first.output
        url = kong.proxy_url + "/ai"
        assert until(401, url).status_code == 401
        assert send(url, auth=("consumer_username", "not-the-password")).status_code == 401
        served = [until(200, url, auth=("consumer_username", PASSWORD)) for _request in range(8)]
        assert {answer.status_code for answer in served} == {200}
        assert {answer.headers.get("X-Replica") for answer in served} == {"target-1", "target-2"}

        again = playbook(tmp_path / "again", collection_path, ROOT / "playbooks" / "basic_ai_service.yml",
                         variables, inventory=inventory)
        assert again.rc == 0 and "changed=0" in again.stdout, again.summary()
