#!/usr/bin/python
# Copyright (c) aigateway.kong contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: kong_certificate
short_description: Manage Kong Gateway TLS certificates and their SNIs
version_added: 0.1.0
author:
  - aigateway maintainers (@aigateway)
description:
  - Create, update or delete a certificate/key pair and the SNIs (server names) Kong serves it for.
  - The certificate is identified by O(id), else by the first of its O(snis) that Kong knows, else by its
    O(cert) (a certificate that lost its SNIs is updated, never duplicated).
  - With O(state=absent), a certificate that services or upstreams use as their C(client_certificate) is not
    deleted; the task fails naming them (Kong would drop the SNIs and then refuse to delete the certificate).
  - The private keys are never shown in results or diffs.
extends_documentation_fragment:
  - aigateway.kong.connection
  - aigateway.kong.entity
  - aigateway.kong.attributes
  - aigateway.kong.attributes.action_group
options:
  cert:
    description: PEM-encoded certificate (chain). Required to create a certificate.
    type: str
  key:
    description: PEM-encoded private key of O(cert). Required to create a certificate.
    type: str
  cert_alt:
    description: Alternate PEM certificate (for example ECDSA next to RSA).
    type: str
  key_alt:
    description: PEM private key of O(cert_alt).
    type: str
  snis:
    description:
      - Server names this certificate is served for, compared as a set; one of O(snis) and O(id) is required.
    type: list
    elements: str
seealso:
  - module: aigateway.kong.kong_service
"""

EXAMPLES = r"""
# certs/gateway.key may be encrypted with ansible-vault: the file lookup decrypts it.
- name: Serve the gateway's certificate for its public names
  aigateway.kong.kong_certificate:
    admin_url: "{{ kong_admin_url }}"
    cert: "{{ lookup('ansible.builtin.file', 'certs/gateway.crt') }}"
    key: "{{ lookup('ansible.builtin.file', 'certs/gateway.key') }}"
    snis: [ai.example.com]
    tags: [ai-gateway]

- name: Remove the certificate served for a retired name
  aigateway.kong.kong_certificate:
    admin_url: "{{ kong_admin_url }}"
    snis: [old.example.com]
    state: absent
"""

RETURN = r"""
certificate:
  description: The certificate as Kong holds it (keys masked), predicted in check mode, or V({}) once deleted.
  returned: always
  type: dict
  sample:
    id: 8a9b0c1d-2e3f-4a5b-8c6d-7e8f9a0b1c2d
    cert: "-----BEGIN CERTIFICATE-----..."
    key: VALUE_SPECIFIED_IN_NO_LOG_PARAMETER
    snis: [ai.example.com]
msg:
  description: What happened, in one line.
  returned: always
  type: str
  sample: certificate created
"""

from ansible_collections.aigateway.kong.plugins.module_utils.entity.runner import entity_module
from ansible_collections.aigateway.kong.plugins.module_utils.entity.specs import CERTIFICATE


def main() -> None:
    entity_module(CERTIFICATE)


if __name__ == "__main__":
    main()
