#!/usr/bin/python
# Copyright (c) aigateway.kong contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: kong_ca_certificate
short_description: Manage Kong Gateway CA certificates
version_added: 0.2.0
author:
  - aigateway maintainers (@aigateway)
description:
  - Add or remove a trusted CA certificate, used to verify upstream servers (a service's C(ca_certificates))
    and clients (for example by the C(mtls-auth) plugin).
  - The CA certificate is identified by O(id), else by its certificate (Kong's C(cert_digest), the SHA-256 of
    the certificate).
extends_documentation_fragment:
  - aigateway.kong.connection
  - aigateway.kong.entity
  - aigateway.kong.attributes
  - aigateway.kong.attributes.action_group
options:
  cert:
    description:
      - PEM-encoded CA certificate (one certificate). Required to add one; identifies it unless O(id) is given.
    type: str
seealso:
  - module: aigateway.kong.kong_service
  - module: aigateway.kong.kong_certificate
"""

EXAMPLES = r"""
- name: Trust the internal CA for upstream TLS
  aigateway.kong.kong_ca_certificate:
    admin_url: "{{ kong_admin_url }}"
    cert: "{{ lookup('ansible.builtin.file', 'certs/internal-ca.crt') }}"
    tags: [ai-gateway]
  register: internal_ca

- name: Verify the model server with it
  aigateway.kong.kong_service:
    admin_url: "{{ kong_admin_url }}"
    name: llm-local
    url: https://llm.internal:8443/v1
    tls_verify: true
    ca_certificates: ["{{ internal_ca.ca_certificate.id }}"]
"""

RETURN = r"""
ca_certificate:
  description: The CA certificate as Kong holds it, predicted in check mode, or V({}) once deleted.
  returned: always
  type: dict
  sample:
    id: 1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f
    cert: "-----BEGIN CERTIFICATE-----..."
    cert_digest: 3f1b0c...
    tags: [ai-gateway]
msg:
  description: What happened, in one line.
  returned: always
  type: str
  sample: CA certificate created
"""

from ansible_collections.aigateway.kong.plugins.module_utils.entity.runner import entity_module
from ansible_collections.aigateway.kong.plugins.module_utils.entity.specs import CA_CERTIFICATE


def main() -> None:
    entity_module(CA_CERTIFICATE)


if __name__ == "__main__":
    main()
