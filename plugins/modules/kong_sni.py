#!/usr/bin/python
# Copyright (c) aigateway.kong contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: kong_sni
short_description: Manage Kong Gateway SNIs of a certificate
version_added: 0.2.0
author:
  - aigateway maintainers (@aigateway)
description:
  - Create, update or delete one SNI (server name) and the certificate Kong serves for it.
  - Use it to add names to a certificate managed elsewhere; M(aigateway.kong.kong_certificate) manages a
    certificate's whole set of SNIs instead. Do not manage the same SNIs with both.
  - Kong keeps names as given (V(API.example.com) and V(api.example.com) are two SNIs) and looks them up
    case-sensitively; give them as clients send them (usually lower case).
extends_documentation_fragment:
  - aigateway.kong.connection
  - aigateway.kong.entity
  - aigateway.kong.attributes
  - aigateway.kong.attributes.action_group
options:
  name:
    description:
      - The server name, for example V(ai.example.com) or a wildcard such as V(*.example.com); identifies the SNI.
        One of O(name) and O(id) is required.
    type: str
  certificate:
    description: The certificate (id, or one of its SNIs) served for this name. Required when O(state=present).
    type: str
seealso:
  - module: aigateway.kong.kong_certificate
"""

EXAMPLES = r"""
# kong_sni manages the names one by one, so the certificate's own task gives no snis (and an id to refer to it).
# certs/gateway.key may be encrypted with ansible-vault: the file lookup decrypts it.
- name: The gateway's certificate, created with an id of our choosing
  aigateway.kong.kong_certificate:
    admin_url: "{{ kong_admin_url }}"
    id: 7d4c1b52-2f0e-4c3a-9a57-1c2b3d4e5f60
    cert: "{{ lookup('ansible.builtin.file', 'certs/gateway.crt') }}"
    key: "{{ lookup('ansible.builtin.file', 'certs/gateway.key') }}"

- name: Serve it for the gateway's names
  aigateway.kong.kong_sni:
    admin_url: "{{ kong_admin_url }}"
    name: "{{ item }}"
    certificate: 7d4c1b52-2f0e-4c3a-9a57-1c2b3d4e5f60
  loop: [ai.example.com, chat.example.com]

- name: Stop serving a retired name
  aigateway.kong.kong_sni:
    admin_url: "{{ kong_admin_url }}"
    name: old.example.com
    state: absent
"""

RETURN = r"""
sni:
  description: The SNI as Kong holds it, predicted in check mode, or V({}) once deleted.
  returned: always
  type: dict
  sample:
    id: 7e8f9a0b-1c2d-4e3f-8a4b-5c6d7e8f9a0b
    name: chat.example.com
    certificate: {id: 8a9b0c1d-2e3f-4a5b-8c6d-7e8f9a0b1c2d}
msg:
  description: What happened, in one line.
  returned: always
  type: str
  sample: sni 'chat.example.com' created
"""

from ansible_collections.aigateway.kong.plugins.module_utils.entity.runner import entity_module
from ansible_collections.aigateway.kong.plugins.module_utils.entity.specs import SNI


def main() -> None:
    entity_module(SNI)


if __name__ == "__main__":
    main()
