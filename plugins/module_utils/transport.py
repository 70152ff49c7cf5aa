# Copyright (c) aigateway.kong contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The HTTP transport seam: one ``send`` call, backed by ``requests``; tests substitute a fake."""

from __future__ import annotations

import sys
import threading
import traceback
import warnings
from typing import Any
from urllib.parse import urlsplit

try:
    import requests
    from urllib3.exceptions import InsecureRequestWarning
except ImportError:  # pragma: no cover - reported through missing_required_lib
    requests = None
    InsecureRequestWarning = Warning
    REQUESTS_IMPORT_ERROR: str | None = traceback.format_exc()
else:
    REQUESTS_IMPORT_ERROR = None

HAS_REQUESTS = requests is not None


def missing_requests_message() -> str:
    """One line: the package, the interpreter that lacks it and the command that installs it there."""
    python = sys.executable or "python3"
    return (
        "The Python package requests is missing for %s, the Python that runs this task; "
        "install it with: %s -m pip install requests" % (python, python)
    )


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


class RequestsTransport:
    """Sends requests with one ``requests.Session`` per thread (keep-alive across the calls of one task;
    kong_entities may send from several threads, each then holds its own connection)."""

    def __init__(self, verify: bool | str = True, cert: Any = None, use_proxy: bool = True) -> None:
        self.verify = verify
        self.cert = cert
        self.use_proxy = use_proxy
        self._local = threading.local()
        self._proxies: dict[str, dict[str, str]] = {}  # scheme://host:port -> the proxies for it

    @property
    def session(self) -> Any:
        session = getattr(self._local, "session", None)
        if session is None:
            session = requests.Session()
            session.verify = self.verify
            session.cert = self.cert
            # CA-bundle variables and .netrc are not used: the options alone decide (documented). Proxy
            # variables are read in send() when use_proxy is on.
            session.trust_env = False
            self._local.session = session
        return session

    def proxies(self, url: str) -> dict[str, str]:
        """HTTPS_PROXY/HTTP_PROXY/ALL_PROXY unless NO_PROXY lists the host, as ansible.builtin.uri reads them;
        read once per Admin API origin (reading them scans the whole environment)."""
        if not self.use_proxy:
            return {}
        parts = urlsplit(url)
        origin = "%s://%s" % (parts.scheme, parts.netloc)
        found = self._proxies.get(origin)
        if found is None:
            found = self._proxies[origin] = requests.utils.get_environ_proxies(url)
        return found

    def send(self, method: str, url: str, headers: dict[str, str], data: bytes | None, timeout: float) -> Response:
        proxies = self.proxies(url)
        try:
            with warnings.catch_warnings():
                # validate_certs=false is the user's explicit choice; do not print urllib3's warning on stderr
                warnings.simplefilter("ignore", InsecureRequestWarning)
                answer = self.session.request(
                    method, url, headers=headers, data=data, timeout=timeout, allow_redirects=False, proxies=proxies
                )
        except requests.exceptions.SSLError as exc:
            raise TransportError("tls", str(exc)) from exc
        except requests.exceptions.Timeout as exc:
            raise TransportError("timeout", str(exc)) from exc
        except requests.exceptions.ConnectionError as exc:
            text = str(exc)
            kind = "refused" if "refused" in text.lower() else "connection"
            raise TransportError(kind, text) from exc
        except (OSError, requests.exceptions.RequestException) as exc:
            raise TransportError("connection", str(exc)) from exc
        return Response(answer.status_code, answer.content, dict(answer.headers))
