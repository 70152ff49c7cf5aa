# Copyright (c) aigateway.kong contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one Kong Admin API client: every request of every module goes through ``KongClient.request``."""

from __future__ import annotations

import functools
import json
import os
import re
import ssl
import threading
import time
from typing import Any, Callable, Iterator
from urllib.parse import quote, urlencode, urlsplit, urlunsplit

from ansible_collections.aigateway.kong.plugins.module_utils.api.errors import KongAPIError, KongConnectionError
from ansible_collections.aigateway.kong.plugins.module_utils.api.transport import (
    HttpTransport,
    Response,
    TransportError,
)

IDEMPOTENT_METHODS = frozenset(("GET", "HEAD", "PUT", "PATCH", "DELETE"))
RETRY_STATUSES = frozenset((429, 502, 503, 504))
BACKOFF_BASE = 0.5
BACKOFF_MAX = 30.0
PAGE_SIZE = 1000  # Kong's largest page: a listing of N entities takes N/1000 round trips
USER_AGENT = "aigateway.kong"


def quote_key(value: Any) -> str:
    """Quote one path segment (an id, name, key or SNI)."""
    return quote(str(value), safe="")


def tls_hint(detail: str, client_cert: bool = False) -> str:
    """Name the TLS check that failed and the option that fixes it.

    ``client_cert`` tells whether the task sent a client certificate: a server that requires one and gets
    none ends the TLS 1.3 handshake with an alert or by closing the connection (an EOF for the client).
    """
    text = detail.lower()
    if "hostname mismatch" in text or "address mismatch" in text or "doesn't match" in text or "not valid for" in text:
        return (
            "the server certificate does not match the host name in admin_url (host name check); "
            "use in admin_url a name the certificate lists, or set validate_certs=false"
        )
    if "certificate verify failed" in text:
        return (
            "the server certificate is not trusted (certificate chain check); "
            "set ca_path to the CA bundle that signed it, or validate_certs=false"
        )
    if "key values mismatch" in text:
        return "client_key is not the key of client_cert (client certificate check); set the matching pair"
    if "no certificate or crl found" in text:
        return "ca_path holds no PEM certificate (certificate chain check); set ca_path to a PEM CA bundle"
    if "pem lib" in text or "no such file" in text or "could not find the tls" in text:
        return "could not load the client certificate or key; check the files client_cert and client_key"
    alerts = ("certificate required", "handshake failure", "bad certificate", "unknown ca", "certificate unknown")
    alert = any(word in text for word in alerts)
    closed = "eof occurred" in text or "unexpected eof" in text
    if (alert or closed) and client_cert:
        return (
            "the server refused the client certificate (client certificate check); set client_cert and "
            "client_key to a certificate signed by a CA the server trusts"
        )
    if alert:
        return (
            "the server requires a client certificate and none was sent (client certificate check); "
            "set client_cert and client_key"
        )
    if closed:
        return (
            "the server closed the TLS handshake, most likely because it requires a client certificate and none "
            "was sent (client certificate check); set client_cert and client_key"
        )
    if "wrong version number" in text or "record layer" in text or "unknown protocol" in text:
        return "TLS handshake failed; the port may not speak TLS (check the scheme of admin_url)"
    return "TLS error; check validate_certs, ca_path, client_cert and client_key"


def nginx_page_title(payload: Any) -> str | None:
    """The reason on an HTML error page from nginx in front of Kong ("No required SSL certificate was sent")."""
    if not isinstance(payload, str):
        return None
    match = re.search(r"<title>\s*\d{3}\s+([^<]+?)\s*</title>", payload, re.IGNORECASE)
    return match.group(1) if match else None


def client_certificate_hint(base: str, client_cert: bool) -> str:
    if client_cert:
        return (
            "the Admin API at %s refused the client certificate (client certificate check); set client_cert and "
            "client_key to a certificate signed by a CA it trusts" % base
        )
    return "the Admin API at %s requires a client certificate; set client_cert and client_key" % base


def check_tls_files(params: dict[str, Any]) -> str | None:
    """Why ``ca_path``, ``client_cert`` or ``client_key`` cannot be used, naming the option; None when they can.

    Checked once per set of files and process (kong_entities validates the connection for every item).
    """
    return _check_tls_files(params.get("ca_path"), params.get("client_cert"), params.get("client_key"))


@functools.lru_cache(maxsize=8)
def _check_tls_files(ca_path: str | None, cert: str | None, key: str | None) -> str | None:
    params = {"ca_path": ca_path, "client_cert": cert, "client_key": key}
    for option in ("ca_path", "client_cert", "client_key"):
        path = params.get(option)
        if path and not os.access(path, os.R_OK):
            reason = "does not exist" if not os.path.exists(path) else "is not readable"
            return "%s '%s' %s" % (option, path, reason)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    if ca_path and os.path.isfile(ca_path):
        try:
            context.load_verify_locations(cafile=ca_path)
        except (ssl.SSLError, ValueError):
            return "ca_path '%s' holds no PEM certificate" % ca_path
    if cert:
        try:
            context.load_cert_chain(cert, key or None, password=lambda: "")
        except (ssl.SSLError, ValueError) as exc:
            with open(cert, "rb") as handle:
                has_cert = b"-----BEGIN CERTIFICATE-----" in handle.read()
            if not has_cert:
                return "client_cert '%s' holds no PEM certificate" % cert
            if "key values mismatch" in str(exc).lower():
                return "client_key '%s' is not the key of client_cert '%s'" % (key, cert)
            where = "client_key '%s'" % key if key else "client_cert '%s'" % cert
            return "%s holds no usable PEM private key (a key protected by a passphrase is not supported)" % where
    return None


def redact_userinfo(url: str) -> str:
    """Hide credentials written into a URL (http://user:secret@host) before it is shown."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc="***@" + parts.netloc.rsplit("@", 1)[1]))


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
        use_proxy: bool = True,
        timeout: float = 10,
        retries: int = 3,
        transport: Any = None,
        sleep: Callable[[float], None] = time.sleep,
        warn: Callable[[str], None] | None = None,
    ) -> None:
        self.base_url = admin_url.rstrip("/")
        self.shown_base = redact_userinfo(self.base_url)  # what error messages print
        self.prefix = "/" + quote_key(workspace) if workspace else ""
        self.timeout = timeout
        self.retries = max(0, retries)
        self.sleep = sleep
        self.warn = warn
        self.client_cert = bool(client_cert)
        self.headers = {"Accept": "application/json", "User-Agent": USER_AGENT}
        self.headers.update({str(k): str(v) for k, v in (headers or {}).items()})
        if admin_token:
            self.headers["Kong-Admin-Token"] = admin_token
        if transport is None:
            verify: bool | str = (ca_path or True) if validate_certs else False
            cert = (client_cert, client_key) if client_cert and client_key else client_cert
            transport = HttpTransport(verify=verify, cert=cert, use_proxy=use_proxy)
        self.transport = transport
        self._root: dict[str, Any] | None = None
        self._root_lock = threading.Lock()

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
            "use_proxy": "use_proxy",
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
        shown_url = self.shown_base + url[len(self.base_url) :]
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
                error = self._connection_error(method, shown_url, exc)
                if last or not error.transient:
                    raise error from None
                self.backoff(attempt, None, error.detail)
                continue
            if response.status in RETRY_STATUSES and not last:
                self.backoff(attempt, response, "HTTP %d" % response.status)
                continue
            payload = self._decode(response)
            if response.status >= 400:
                hint, shown = None, shown_path
                page = nginx_page_title(payload)
                if page is not None:  # nginx answered, not Kong: its page title says why
                    payload = page
                    if "SSL certificate" in page:
                        hint = client_certificate_hint(self.shown_base, self.client_cert)
                if response.status in (401, 403):
                    hint = "the Admin API at %s refused the request; check admin_token" % self.shown_base
                elif response.status in RETRY_STATUSES:  # the node matters: name it with the full URL
                    shown = shown_url.split("?", 1)[0]
                    if attempts > 1:
                        hint = "gave up after %d attempts; option admin_retries" % attempts
                raise KongAPIError(method, shown, response.status, payload, hint)
            return payload
        raise AssertionError("unreachable")  # pragma: no cover

    def _connection_error(self, method: str, url: str, exc: TransportError) -> KongConnectionError:
        if exc.kind == "timeout":
            detail = "timed out after %ss (option timeout)" % self.timeout
        elif exc.kind == "refused":
            detail = "connection refused; is Kong's Admin API listening at %s? (option admin_url)" % self.shown_base
        elif exc.kind == "tls":
            reason = re.search(
                r"\[(?:SSL|X509)[^\]]*\][^'\"(]*|[Hh]ostname mismatch[^'\"(]*|EOF occurred in violation of protocol",
                exc.detail,
            )
            hint = tls_hint(exc.detail, self.client_cert)
            detail = "%s [%s]" % (hint, (reason.group(0) if reason else exc.detail).strip())
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
        """``GET /`` once per run (node version, edition, configuration), also when threads ask at once."""
        with self._root_lock:
            if self._root is None:
                self._root = self.request("GET", "/") or {}
            return self._root

    def database_mode(self) -> str | None:
        configuration = self.root().get("configuration") or {}
        return configuration.get("database")
