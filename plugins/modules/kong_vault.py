#!/usr/bin/python
# Copyright (c) aigateway.kong contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: kong_vault
short_description: Manage Kong Gateway vaults (secret managers for C({vault://...}) references)
version_added: 0.2.0
author:
  - aigateway maintainers (@aigateway)
description:
  - Create, update or delete a vault, the configured secret manager that C({vault://<prefix>/...}) references
    in plugin and entity fields read from.
  - The vault is identified by O(prefix), or by O(id).
  - O(config) is compared as a subset; Kong fills in the defaults of the vault type (for V(env), C(prefix)).
  - Credentials in O(config) (C(token), C(approle_secret_id), C(client_secret), C(api_key), C(password),
    C(secret_id)) are never shown in results or diffs.
extends_documentation_fragment:
  - aigateway.kong.connection
  - aigateway.kong.entity
  - aigateway.kong.attributes
  - aigateway.kong.attributes.action_group
options:
  prefix:
    description:
      - The prefix references use, as in C({vault://<prefix>/<secret>}); identifies the vault. One of O(prefix)
        and O(id) is required.
    type: str
  name:
    description:
      - The vault type, for example V(env). Kong 3.9 open source ships V(env); the Enterprise edition adds
        V(aws), V(gcp), V(hcv), V(azure) and V(conjur). Required to create a vault.
    type: str
  description:
    description: Free text describing the vault.
    type: str
  config:
    description:
      - "The vault type's configuration, for example V({prefix: LLM_}) for V(env). Compared as a subset."
    type: dict
seealso:
  - module: aigateway.kong.kong_plugin
  - name: Kong Gateway vaults
    description: Vaults in the Kong Gateway documentation.
    link: https://developer.konghq.com/gateway/entities/vault/
"""

EXAMPLES = r"""
- name: Read provider keys from environment variables starting with LLM_
  aigateway.kong.kong_vault:
    admin_url: "{{ kong_admin_url }}"
    prefix: llm-env
    name: env
    description: LLM provider keys
    config:
      prefix: LLM_

- name: Remove a vault no longer referenced
  aigateway.kong.kong_vault:
    admin_url: "{{ kong_admin_url }}"
    prefix: old-env
    state: absent
"""

RETURN = r"""
vault:
  description: The vault as Kong holds it (credentials masked), predicted in check mode, or V({}) once deleted.
  returned: always
  type: dict
  sample:
    id: 5d1f8c0e-4b7a-4c8e-9f1a-2b3c4d5e6f70
    prefix: llm-env
    name: env
    description: LLM provider keys
    config: {prefix: LLM_}
msg:
  description: What happened, in one line.
  returned: always
  type: str
  sample: vault 'llm-env' created
"""

from ansible_collections.aigateway.kong.plugins.module_utils.entity.runner import entity_module
from ansible_collections.aigateway.kong.plugins.module_utils.entity.specs import VAULT


def main() -> None:
    entity_module(VAULT)


if __name__ == "__main__":
    main()
