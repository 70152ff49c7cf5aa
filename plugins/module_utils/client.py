# Copyright (c) aigateway.kong contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one Kong Admin API client: every request of every module goes through ``KongClient.request``."""

from __future__ import annotations

import json
import re
import time
from typing import Any, Callable, Iterator
from urllib.parse import quote, urlencode, urlsplit

from ansible_collections.aigateway.kong.plugins.module_utils.errors import KongAPIError, KongConnectionError
from ansible_collections.aigateway.kong.plugins.module_utils.transport import (
    RequestsTransport,
    Response,
    TransportError,
)

IDEMPOTENT_METHODS = frozenset(("GET", "HEAD", "PUT", "PATCH", "DELETE"))
RETRY_STATUSES = frozenset((429, 502, 503, 504))
BACKOFF_BASE = 0.5
BACKOFF_MAX = 30.0
PAGE_SIZE = 100
USER_AGENT = "aigateway.kong"


def quote_key(value: Any) -> str:
    """Quote one path segment (an id, name, key or SNI)."""
    return quote(str(value), safe="")


def tls_hint(detail: str) -> str:
    """Name the TLS check that failed and the option that fixes it."""
    text = detail.lower()
    if "hostname mismatch" in text or "doesn't match" in text or "not valid for" in text:
        return (
            "the server certificate does not match the host name in admin_url "
            "(host name check); use a name the certificate lists, or set validate_certs=false"
        )
    if "certificate verify failed" in text:
        return (
            "the server certificate could not be verified (certificate chain check); "
            "set ca_path to the CA bundle that signed it, or validate_certs=false"
        )
    if (
        "certificate required" in text
        or "handshake failure" in text
        or "bad certificate" in text
        or "unknown ca" in text
    ):
        return (
            "the server refused the TLS handshake (client certificate check); "
            "set client_cert and client_key to a certificate the server trusts"
        )
    if "pem" in text or "no such file" in text or "key values mismatch" in text:
        return "could not load the client certificate or key; check client_cert and client_key"
    if "wrong version number" in text or "record layer" in text or "unknown protocol" in text:
        return "TLS handshake failed; the port may not speak TLS (check the scheme of admin_url)"
    return "TLS error; check validate_certs, ca_path, client_cert and client_key"


class KongClient:
    """Talks JSON to the Admin API with bounded retries, pagination and one-line errors."""

    def __init__(
        self,
        admin_url: str,
        admin_token: str | None = None,
        workspace: str | None = None,
        headers: dict[str, Any] | None = None,
        validate_certs: bool = True,
        ca_path: str | None = None,
        client_cert: str | None = None,
        client_key: str | None = None,
        timeout: float = 10,
        retries: int = 3,
        transport: Any = None,
        sleep: Callable[[float], None] = time.sleep,
        warn: Callable[[str], None] | None = None,
    ) -> None:
        self.base_url = admin_url.rstrip("/")
        self.prefix = "/" + quote_key(workspace) if workspace else ""
        self.timeout = timeout
        self.retries = max(0, retries)
        self.sleep = sleep
        self.warn = warn
        self.headers = {"Accept": "application/json", "User-Agent": USER_AGENT}
        self.headers.update({str(k): str(v) for k, v in (headers or {}).items()})
        if admin_token:
            self.headers["Kong-Admin-Token"] = admin_token
        if transport is None:
            verify: bool | str = (ca_path or True) if validate_certs else False
            cert = (client_cert, client_key) if client_cert and client_key else client_cert
            transport = RequestsTransport(verify=verify, cert=cert)
        self.transport = transport
        self._root: dict[str, Any] | None = None

    @classmethod
    def from_params(cls, params: dict[str, Any], **kwargs: Any) -> KongClient:
        names = {
            "admin_url": "admin_url",
            "admin_token": "admin_token",
            "workspace": "workspace",
            "admin_headers": "headers",
            "validate_certs": "validate_certs",
            "ca_path": "ca_path",
            "client_cert": "client_cert",
            "client_key": "client_key",
            "timeout": "timeout",
            "admin_retries": "retries",
        }
        return cls(**{arg: params[option] for option, arg in names.items() if params.get(option) is not None}, **kwargs)

    # -- the choke point -------------------------------------------------------------------

    def url_for(self, path: str) -> str:
        if self.prefix and path != "/" and not path.startswith(self.prefix + "/"):
            path = self.prefix + path
        return self.base_url + path

    def request(self, method: str, path: str, query: dict[str, Any] | None = None, body: Any = None) -> Any:
        """Send one request; return the decoded JSON (None for an empty body).

        Raises KongAPIError for an HTTP error status and KongConnectionError when no answer came.
        Transient failures are retried with exponential backoff, for idempotent methods only.
        """
        method = method.upper()
        url = self.url_for(path)
        if query:
            url += ("&" if "?" in url else "?") + urlencode({k: v for k, v in query.items() if v is not None})
        shown_path = urlsplit(url).path
        headers = dict(self.headers)
        data = None
        if body is not None:
            data = json.dumps(body).encode("utf-8")
            headers["Content-Type"] = "application/json"
        attempts = 1 + (self.retries if method in IDEMPOTENT_METHODS else 0)
        for attempt in range(attempts):
            last = attempt == attempts - 1
            try:
                response = self.transport.send(method, url, headers, data, self.timeout)
            except TransportError as exc:
                error = self._connection_error(method, url, exc)
                if last or not error.transient:
                    raise error from None
                self.backoff(attempt, None, error.detail)
                continue
            if response.status in RETRY_STATUSES and not last:
                self.backoff(attempt, response, "HTTP %d" % response.status)
                continue
            payload = self._decode(response)
            if response.status >= 400:
                hint = None
                if response.status in (401, 403):
                    hint = "the Admin API at %s refused the request; check admin_token" % self.base_url
                raise KongAPIError(method, shown_path, response.status, payload, hint)
            return payload
        raise AssertionError("unreachable")  # pragma: no cover

    def _connection_error(self, method: str, url: str, exc: TransportError) -> KongConnectionError:
        if exc.kind == "timeout":
            detail = "timed out after %ss (option timeout)" % self.timeout
        elif exc.kind == "refused":
            detail = "connection refused; is Kong's Admin API listening at %s? (option admin_url)" % self.base_url
        elif exc.kind == "tls":
            reason = re.search(r"\[SSL[^\]]*\][^'\"(]*|[Hh]ostname mismatch[^'\"(]*", exc.detail)
            detail = "%s [%s]" % (tls_hint(exc.detail), (reason.group(0) if reason else exc.detail).strip())
            return KongConnectionError(method, url, detail, transient=False)
        else:
            detail = "connection failed: %s" % exc.detail
        return KongConnectionError(method, url, detail)

    def backoff(self, attempt: int, response: Response | None, reason: str) -> None:
        delay = min(BACKOFF_BASE * (2**attempt), BACKOFF_MAX)
        if response is not None:
            retry_after = response.headers.get("retry-after", "")
            if retry_after.strip().isdigit():
                delay = min(float(retry_after), BACKOFF_MAX)
        if self.warn:
            self.warn("Kong Admin API: %s; retrying in %.1fs (%d of %d)" % (reason, delay, attempt + 1, self.retries))
        self.sleep(delay)

    @staticmethod
    def _decode(response: Response) -> Any:
        if not response.body:
            return None
        try:
            return json.loads(response.body.decode("utf-8"))
        except ValueError:
            return response.body.decode("utf-8", "replace")[:200]

    # -- helpers ---------------------------------------------------------------------------

    def get_or_none(self, path: str, query: dict[str, Any] | None = None) -> Any:
        """GET one entity; None when Kong answers 404."""
        try:
            return self.request("GET", path, query)
        except KongAPIError as exc:
            if exc.status == 404:
                return None
            raise

    def paginate(
        self, path: str, query: dict[str, Any] | None = None, size: int = PAGE_SIZE
    ) -> Iterator[dict[str, Any]]:
        """Yield every element of a collection, following ``next`` until it is null."""
        params = dict(query or {})
        params.setdefault("size", size)
        page = self.request("GET", path, params)
        while True:
            yield from (page or {}).get("data") or []
            following = (page or {}).get("next")
            if not following:
                return
            if following.startswith(("http://", "https://")):
                following = urlsplit(following).path + "?" + urlsplit(following).query
            page = self.request("GET", following)

    def root(self) -> dict[str, Any]:
        """``GET /`` once per run (node version, edition, configuration)."""
        if self._root is None:
            self._root = self.request("GET", "/") or {}
        return self._root

    def database_mode(self) -> str | None:
        configuration = self.root().get("configuration") or {}
        return configuration.get("database")
