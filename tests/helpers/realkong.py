"""A real Kong for the real-Kong tier: the user's own (``KONG_TEST_ADMIN_URL``) or one started with kong-up.

``../shared/kong-runtime`` (beside the checkout, or ``KONG_RUNTIME``) holds real Kong Gateway runtimes; each pytest
worker starts its own Kong there (its own folder and ports, the custom plugin ``llm-budget`` enabled, an extra
HTTPS Admin API listener that requires a client certificate) and stops it when the session ends; tests that need
two Kongs get a second one, with Kong's bundled plugins only (as most transcripts were recorded). Tests share it:
``wipe`` empties it before each test, as the transcripts' recording procedure does.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import requests

from helpers.certs import make_cert
from helpers.kong_wipe import leftovers
from helpers.kong_wipe import wipe as kong_wipe
from helpers.transcript_matcher import Replayer

REPO_ROOT = Path(__file__).resolve().parents[2]
VERSIONS = ("3.9.1", "3.8.0", "3.4.2")
CUSTOM_PLUGIN = "llm-budget"
HOW_TO_ENABLE = (
    "set KONG_TEST_ADMIN_URL (and KONG_TEST_PROXY_URL) to an empty Kong you can wipe, or place Kong's runtime "
    "at ../shared/kong-runtime beside the checkout (KONG_RUNTIME names another place)"
)


def runtime_dir() -> Path:
    return Path(os.environ.get("KONG_RUNTIME") or REPO_ROOT.parent / "shared" / "kong-runtime")


def availability() -> str | None:
    """None when a real Kong can be had, else why not and how to enable it (one line)."""
    if os.environ.get("KONG_TEST_ADMIN_URL"):
        return None
    if (runtime_dir() / "kong-up").exists():
        return None
    return "no real Kong: " + HOW_TO_ENABLE


@dataclass
class RealKong:
    """A running real Kong: its Admin API and proxy, its version, and (when this suite started it) its folder."""

    admin_url: str
    proxy_url: str | None
    version: str
    folder: Path | None = None
    mtls: dict[str, str] = field(default_factory=dict)  # url, ca_path, client_cert, client_key
    custom_plugin: bool = False

    def stop(self) -> None:
        if self.folder is not None:
            subprocess.run([str(runtime_dir() / "kong-down"), str(self.folder)], capture_output=True, check=False)

    def root(self) -> dict[str, Any]:
        return requests.get(self.admin_url + "/", timeout=10).json()

    def wipe(self) -> None:
        wipe(self.admin_url)

    def reset(self) -> None:
        """An empty database and a restarted Kong, which forgets what it noted in its schemas and what broke in its
        timers (kong-reset). A test on the user's own Kong (KONG_TEST_ADMIN_URL), which it cannot restart, skips."""
        if self.folder is None:
            pytest.skip("needs a Kong it can restart: one this suite starts (../shared/kong-runtime)")
        done = subprocess.run([str(runtime_dir() / "kong-reset"), str(self.folder)], capture_output=True, text=True,
                              check=False)
        if done.returncode != 0:
            raise RuntimeError(f"kong-reset failed ({done.returncode}):\n{done.stderr[-3000:]}")


SLOTS = ("", "-b", "-guest")  # a worker's Kong, its second Kong, and one a test of another release's stage starts


def ports(version: str, worker: int, slot: int) -> dict[str, int]:
    """Fixed loopback ports per version, pytest worker and slot (``SLOTS``), so a folder keeps its Kong between local
    runs."""
    base = 18500 + VERSIONS.index(version) * 100 + worker * 15 + slot * 5
    return {"admin": base + 1, "proxy": base, "mtls": base + 2, "pg": base - 3000}


def tls_files(folder: Path) -> dict[str, str]:
    """A private CA, the Admin API's server certificate and a client certificate, written once per folder."""
    tls = folder / "tls"
    if not (tls / "client.key").exists():
        tls.mkdir(parents=True, exist_ok=True)
        ca = make_cert("aigateway test CA", is_ca=True)
        server = make_cert("127.0.0.1", issuer=ca, ip_addresses=("127.0.0.1",), dns_names=("localhost",))
        client = make_cert("ansible", issuer=ca, client=True)
        (tls / "ca.crt").write_text(ca.cert_pem)
        server.write(tls, "server")
        client.write(tls, "client")
        for path in tls.iterdir():
            path.chmod(0o644)  # Kong's nginx reads them as another user
    return {name: str(tls / name) for name in ("ca.crt", "server.crt", "server.key", "client.crt", "client.key")}


def start(version: str, worker: int, base: Path, slot: int = 0) -> RealKong:
    """kong-up a Kong of ``version`` for pytest worker ``worker`` in ``base``. ``slot`` (``SLOTS``) 0 is the worker's
    Kong; 1 its second Kong, with the bundled plugins only; 2, also with the bundled plugins only, a Kong a test of
    another release's stage starts beside its own (the stages run side by side: it must not share a Kong of theirs)."""
    folder = base / (f"{version}-gw{worker}" + SLOTS[slot])
    folder.mkdir(parents=True, exist_ok=True)
    port = ports(version, worker, slot)
    files = tls_files(folder)
    runtime = runtime_dir()
    command = [
        str(runtime / "kong-up"), str(folder), "--version", version,
        "--admin-port", str(port["admin"]), "--proxy-port", str(port["proxy"]), "--pg-port", str(port["pg"]),
        "--plugins", "bundled" if slot else "bundled," + CUSTOM_PLUGIN,
        "--plugin-dir", str(runtime / "examples" / "custom-plugins"),
        "--conf",
        f"admin_listen=127.0.0.1:{port['admin']}, 127.0.0.1:{port['mtls']} ssl",
        "admin_ssl_cert=" + files["server.crt"],
        "admin_ssl_cert_key=" + files["server.key"],
        "nginx_admin_ssl_verify_client=on",
        "nginx_admin_ssl_client_certificate=" + files["ca.crt"],
        "nginx_worker_processes=1",
        "worker_state_update_frequency=1",
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"kong-up failed ({done.returncode}):\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    urls = dict(line.split("=", 1) for line in done.stdout.splitlines() if line.startswith("KONG_"))
    kong = RealKong(
        admin_url=urls["KONG_ADMIN_URL"],
        proxy_url=urls["KONG_PROXY_URL"],
        version=version,
        folder=folder,
        mtls={
            "url": f"https://127.0.0.1:{port['mtls']}",
            "ca_path": files["ca.crt"],
            "client_cert": files["client.crt"],
            "client_key": files["client.key"],
        },
        custom_plugin=not slot,
    )
    found = kong.root()["version"]
    if found != version:
        raise RuntimeError(f"kong-up started Kong {found}, expected {version}")
    return kong


def from_environment() -> RealKong:
    """The user's own Kong, named by KONG_TEST_ADMIN_URL (and KONG_TEST_PROXY_URL): it must be empty."""
    admin_url = os.environ["KONG_TEST_ADMIN_URL"].rstrip("/")
    root = requests.get(admin_url + "/", timeout=10).json()
    enabled = (root.get("plugins") or {}).get("available_on_server") or {}
    version = str(root["version"]).split("-", maxsplit=1)[0]
    kong = RealKong(admin_url, os.environ.get("KONG_TEST_PROXY_URL") or None, version,
                    custom_plugin=CUSTOM_PLUGIN in enabled)
    left = holdings(admin_url)
    if left:
        raise RuntimeError(
            "KONG_TEST_ADMIN_URL={} holds entities ({}): the real-Kong tier empties the Kong it runs against before "
            "every test, so it needs a Kong of its own".format(admin_url, ", ".join(sorted(left)))
        )
    return kong


def holdings(admin_url: str) -> list[str]:
    """The collections that hold anything."""
    return leftovers(Replayer(admin_url))


def wipe(admin_url: str) -> None:
    """Delete every entity, children first, until Kong holds nothing (FORMAT.md's wipe)."""
    kong_wipe(Replayer(admin_url))
