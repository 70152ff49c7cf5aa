#!/usr/bin/python
# Copyright (c) aigateway.kong contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: kong_key
short_description: Manage Kong Gateway keys (JWK or PEM)
version_added: 0.2.0
author:
  - aigateway maintainers (@aigateway)
description:
  - Create, update or delete a key, given as a JSON Web Key (O(jwk)) or as PEM (O(pem)), optionally in a key
    set (O(set)).
  - The key is identified by O(name), or by O(id).
  - Private key material is never shown in results or diffs - the private members of O(jwk) (C(d), C(p),
    C(q), C(dp), C(dq), C(qi), C(oth), C(k)) and C(pem.private_key) - although Kong returns it in clear.
    The public members stay readable.
extends_documentation_fragment:
  - aigateway.kong.connection
  - aigateway.kong.entity
  - aigateway.kong.attributes
  - aigateway.kong.attributes.action_group
options:
  name:
    description: Name of the key; identifies it. One of O(name) and O(id) is required.
    type: str
  kid:
    description:
      - The key id. Required when O(state=present); with O(jwk) it must equal the JWK's C(kid).
      - Unique within a key set.
    type: str
  set:
    description: The key set (name or id) the key belongs to.
    type: str
  jwk:
    description:
      - The key as a JSON Web Key (a JSON string), public or private. Compared by its JSON members.
      - One of O(jwk) and O(pem) is required when O(state=present).
    type: str
  pem:
    description:
      - The key as PEM, a dict with C(private_key) and/or C(public_key). Compared as a subset, ignoring
        surrounding whitespace.
    type: dict
seealso:
  - module: aigateway.kong.kong_key_set
"""

EXAMPLES = r"""
# vault_signing_jwk is kept in Ansible Vault: a private JWK (a mapping) whose kid is signing-2026.
- name: A key set for signing keys
  aigateway.kong.kong_key_set:
    admin_url: "{{ kong_admin_url }}"
    name: llm-signing

- name: A private signing key in the set, as a JWK
  aigateway.kong.kong_key:
    admin_url: "{{ kong_admin_url }}"
    name: signing-2026
    kid: signing-2026
    set: llm-signing
    jwk: "{{ vault_signing_jwk | to_json }}"

- name: A partner's public key as PEM
  aigateway.kong.kong_key:
    admin_url: "{{ kong_admin_url }}"
    name: partner-verify
    kid: partner-1
    pem:
      public_key: "{{ lookup('ansible.builtin.file', 'keys/partner.pub') }}"

- name: Remove a retired key
  aigateway.kong.kong_key:
    admin_url: "{{ kong_admin_url }}"
    name: signing-2025
    state: absent
"""

RETURN = r"""
key:
  description: The key as Kong holds it (private key material masked), predicted in check mode, or V({}) once deleted.
  returned: always
  type: dict
  sample:
    id: 4b000000-0000-4000-8000-000000000003
    name: signing-2026
    kid: signing-2026
    set: {id: 4e000000-0000-4000-8000-000000000001}
    jwk: '{"kty":"EC","crv":"P-256","kid":"signing-2026","x":"lOqp...","d":"VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"}'
    pem: null
msg:
  description: What happened, in one line.
  returned: always
  type: str
  sample: key 'signing-2026' created
"""

from ansible_collections.aigateway.kong.plugins.module_utils.entity.runner import entity_module
from ansible_collections.aigateway.kong.plugins.module_utils.entity.specs import KEY


def main() -> None:
    entity_module(KEY)


if __name__ == "__main__":
    main()
