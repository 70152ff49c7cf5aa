# Copyright (c) aigateway.kong contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    """Options every module uses to reach the Kong Admin API."""

    DOCUMENTATION = r"""
options:
  admin_url:
    description:
      - URL of the Kong Admin API, for example V(http://127.0.0.1:8001) or V(https://kong.example.com:8444).
      - If not set, the value of the E(KONG_ADMIN_URL) environment variable is used, else V(http://localhost:8001).
    type: str
    default: http://localhost:8001
  admin_token:
    description:
      - Token sent in the C(Kong-Admin-Token) header (Kong Enterprise RBAC).
      - If not set, the value of the E(KONG_ADMIN_TOKEN) environment variable is used.
    type: str
  workspace:
    description:
      - Kong Enterprise workspace; entity paths are prefixed with C(/<workspace>).
    type: str
  validate_certs:
    description:
      - Whether to verify the TLS certificate of an V(https://) O(admin_url).
      - Only set to V(false) on personally controlled hosts using self-signed certificates.
    type: bool
    default: true
  ca_path:
    description:
      - PEM file (or directory of hashed PEM files) of the CA certificates used to verify the Admin API
        certificate.
      - If not set, the system's trust store is used, as M(ansible.builtin.uri) uses it.
    type: path
  client_cert:
    description:
      - PEM file of a client certificate for Admin APIs that require mutual TLS.
      - May also contain the private key, in which case O(client_key) is not needed.
    type: path
  client_key:
    description:
      - PEM file of the private key of O(client_cert), without a passphrase.
      - The files of O(ca_path), O(client_cert) and O(client_key) are read before any request; a missing or
        unusable file fails the task naming its option.
    type: path
  use_proxy:
    description:
      - Whether to reach the Admin API through the proxy that the environment variables E(HTTPS_PROXY),
        E(HTTP_PROXY) and E(ALL_PROXY) (or their lower-case forms) name, except for the hosts that E(NO_PROXY)
        lists, as M(ansible.builtin.uri) does.
      - V(false) contacts the Admin API directly whatever the environment says.
    type: bool
    default: true
    version_added: 0.2.0
  timeout:
    description:
      - Seconds to wait for each Admin API answer.
    type: float
    default: 10
  admin_retries:
    description:
      - How many times an idempotent request (GET, PUT, PATCH, DELETE) is repeated, with exponential backoff,
        after a connection error, a timeout or an HTTP 429, 502, 503 or 504 answer.
      - A C(POST) is never repeated blindly; after such a failure the entity is looked up first.
    type: int
    default: 3
  admin_headers:
    description:
      - Extra HTTP headers sent with every request. Their values are treated as secrets and never logged.
    type: dict
    default: {}
requirements:
  - urllib3 (installed with requests; 1.26 or later)
notes:
  - The Admin API is contacted from the host the task runs on, usually the controller
    (C(delegate_to=localhost) or C(connection=local)).
  - The Admin API certificate is verified as O(validate_certs) and O(ca_path) say; E(REQUESTS_CA_BUNDLE) and
    C(.netrc) files are not read. Proxy environment variables apply as O(use_proxy) says.
  - Kong running without a database (DB-less, C(database=off)) cannot be changed through its Admin API;
    entity modules fail before any write in that case.
"""
