# Copyright (c) aigateway.kong contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The HTTP transport seam: one ``send`` call, backed by ``urllib3``; tests substitute a fake.

urllib3 is the HTTP library under ``requests``; called directly it costs about half the controller CPU per
request, which a task writing thousands of entities feels.
"""

from __future__ import annotations

import base64
import os
import sys
import sysconfig
import threading
import traceback
import warnings
from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit
from urllib.request import getproxies_environment, proxy_bypass_environment

try:
    import urllib3
    from urllib3.exceptions import (
        HTTPError,
        InsecureRequestWarning,
        NewConnectionError,
        ProxyError,
        SSLError,
    )
    from urllib3.exceptions import TimeoutError as Urllib3Timeout
except ImportError:  # pragma: no cover - reported through missing_required_lib
    urllib3 = None
    HTTPError = NewConnectionError = ProxyError = SSLError = Urllib3Timeout = OSError
    InsecureRequestWarning = Warning
    URLLIB3_IMPORT_ERROR: str | None = traceback.format_exc()
else:
    URLLIB3_IMPORT_ERROR = None

HAS_URLLIB3 = urllib3 is not None
POOL_SIZE = 32  # keep-alive connections kept per Admin API origin (kong_entities' workers each use one at a time)
# Sent with every request, as requests sent them (a proxy or Kong sees the same request as before).
DEFAULT_HEADERS = {"Accept-Encoding": "gzip, deflate", "Connection": "keep-alive"}


def externally_managed(python_stdlib: str | None = None) -> bool:
    """Whether pip refuses to install into this Python (PEP 668: Debian's, Ubuntu's, Fedora's system Python)."""
    stdlib = python_stdlib or sysconfig.get_path("stdlib")
    return bool(stdlib) and os.path.exists(os.path.join(stdlib, "EXTERNALLY-MANAGED")) and sys.prefix == sys.base_prefix


def missing_library_message() -> str:
    """One line: the package, the interpreter that lacks it and the install that works there."""
    python = sys.executable or "python3"
    if externally_managed():
        how = (
            "this Python is managed by the system, so install the system package (Debian, Ubuntu: apt install "
            "python3-urllib3; Fedora, RHEL: dnf install python3-urllib3), or run the task with the Python that runs "
            "Ansible (ansible_python_interpreter: \"{{ ansible_playbook_python }}\")"
        )
    else:
        how = "install it with: %s -m pip install urllib3" % python
    return "The Python package urllib3 is missing for %s, the Python that runs this task; %s" % (python, how)


class Response:
    """What a transport returns: status, headers (lower-case keys) and the raw body."""

    def __init__(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None) -> None:
        self.status = status
        self.body = body
        self.headers = {k.lower(): v for k, v in (headers or {}).items()}


class TransportError(Exception):
    """A request got no HTTP answer. ``kind`` is one of timeout, refused, tls, connection."""

    def __init__(self, kind: str, detail: str) -> None:
        super().__init__(detail)
        self.kind = kind
        self.detail = detail


def without_userinfo(url: str) -> tuple[str, str | None]:
    """``url`` without ``user:password@``, and the Basic ``Authorization`` value those credentials make."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url, None
    userinfo, host = parts.netloc.rsplit("@", 1)
    user, _sep, password = userinfo.partition(":")
    token = base64.b64encode(("%s:%s" % (unquote(user), unquote(password))).encode("utf-8")).decode("ascii")
    return urlunsplit(parts._replace(netloc=host)), "Basic " + token


def failure_kind(exc: BaseException) -> str:
    """The ``TransportError`` kind of a urllib3 or socket exception (a cause wrapped in a proxy error counts)."""
    cause = getattr(exc, "original_error", None) or getattr(exc, "__cause__", None)
    if isinstance(exc, ProxyError) and isinstance(cause, BaseException) and cause is not exc:
        return failure_kind(cause)
    if isinstance(exc, SSLError):
        return "tls"
    if isinstance(exc, NewConnectionError):  # a subclass of urllib3's timeout error, so asked first
        return "refused" if "refused" in str(exc).lower() else "connection"
    if isinstance(exc, (Urllib3Timeout, TimeoutError)):
        return "timeout"
    if isinstance(exc, ConnectionRefusedError):
        return "refused"
    return "connection"


class HttpTransport:
    """Sends requests through urllib3 pool managers: keep-alive connections, safe to share between the
    threads of one kong_entities task (each request takes a connection of its own from the pool)."""

    def __init__(self, verify: bool | str = True, cert: Any = None, use_proxy: bool = True) -> None:
        self.use_proxy = use_proxy
        tls: dict[str, Any] = {"cert_reqs": "CERT_REQUIRED" if verify else "CERT_NONE"}
        if not verify:
            tls["assert_hostname"] = False
        elif isinstance(verify, str):  # ca_path: a bundle file or a directory of hashed certificates
            tls["ca_cert_dir" if os.path.isdir(verify) else "ca_certs"] = verify
        if isinstance(cert, (tuple, list)):
            tls["cert_file"], tls["key_file"] = cert
        elif cert:
            tls["cert_file"] = cert
        self.insecure = not verify
        self._tls = tls
        self._lock = threading.Lock()
        self._direct: Any = None
        self._via: dict[str, Any] = {}  # proxy URL -> its ProxyManager
        self._proxies: dict[str, str | None] = {}  # scheme://host:port -> the proxy for it, or None

    def proxy(self, url: str) -> str | None:
        """The proxy for ``url`` from HTTPS_PROXY/HTTP_PROXY/ALL_PROXY unless NO_PROXY lists the host, read as
        ``ansible.builtin.uri`` reads them (urllib's rules); read once per Admin API origin."""
        if not self.use_proxy:
            return None
        parts = urlsplit(url)
        origin = "%s://%s" % (parts.scheme, parts.netloc.rsplit("@", 1)[-1])
        if origin not in self._proxies:
            found = None
            proxies = getproxies_environment()
            if not proxy_bypass_environment(parts.hostname or "", proxies):
                found = proxies.get(parts.scheme) or proxies.get("all")
            self._proxies[origin] = found
        return self._proxies[origin]

    def manager(self, proxy: str | None) -> Any:
        with self._lock:
            if proxy is None:
                if self._direct is None:
                    self._direct = urllib3.PoolManager(num_pools=8, maxsize=POOL_SIZE, **self._tls)
                return self._direct
            if proxy not in self._via:
                proxy_url, authorization = without_userinfo(proxy if "://" in proxy else "http://" + proxy)
                headers = {"Proxy-Authorization": authorization} if authorization else None
                self._via[proxy] = urllib3.ProxyManager(
                    proxy_url, num_pools=8, maxsize=POOL_SIZE, proxy_headers=headers, **self._tls
                )
            return self._via[proxy]

    def send(self, method: str, url: str, headers: dict[str, str], data: bytes | None, timeout: float) -> Response:
        target, authorization = without_userinfo(url)
        sent = dict(DEFAULT_HEADERS, **headers)
        if authorization and "Authorization" not in sent:
            sent["Authorization"] = authorization
        manager = self.manager(self.proxy(url))
        options = dict(body=data, headers=sent, timeout=urllib3.Timeout(connect=timeout, read=timeout))
        try:
            if self.insecure:
                with warnings.catch_warnings():
                    # validate_certs=false is the user's explicit choice; do not print urllib3's warning on stderr
                    warnings.simplefilter("ignore", InsecureRequestWarning)
                    answer = manager.request(method, target, retries=False, redirect=False, **options)
            else:
                answer = manager.request(method, target, retries=False, redirect=False, **options)
        except (HTTPError, OSError) as exc:
            raise TransportError(failure_kind(exc), str(exc)) from exc
        return Response(answer.status, answer.data, dict(answer.headers))
