#!/usr/bin/python
# Copyright (c) aigateway.kong contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: kong_key_set
short_description: Manage Kong Gateway key sets
version_added: 0.2.0
author:
  - aigateway maintainers (@aigateway)
description:
  - Create, update or delete a key set, a named group of M(aigateway.kong.kong_key) keys that plugins read
    (for example to sign or verify tokens).
  - The key set is identified by O(name), or by O(id). Deleting a key set deletes its keys.
extends_documentation_fragment:
  - aigateway.kong.connection
  - aigateway.kong.entity
  - aigateway.kong.attributes
  - aigateway.kong.attributes.action_group
options:
  name:
    description: Name of the key set; identifies it. One of O(name) and O(id) is required.
    type: str
seealso:
  - module: aigateway.kong.kong_key
"""

EXAMPLES = r"""
- name: A key set for token signing keys
  aigateway.kong.kong_key_set:
    admin_url: "{{ kong_admin_url }}"
    name: llm-signing
    tags: [ai-gateway]

- name: Remove a key set no longer used (its keys go with it)
  aigateway.kong.kong_key_set:
    admin_url: "{{ kong_admin_url }}"
    name: llm-signing-2025
    state: absent
"""

RETURN = r"""
key_set:
  description: The key set as Kong holds it, predicted in check mode, or V({}) once deleted.
  returned: always
  type: dict
  sample:
    id: 4e000000-0000-4000-8000-000000000001
    name: llm-signing
    tags: [ai-gateway]
msg:
  description: What happened, in one line.
  returned: always
  type: str
  sample: key set 'llm-signing' created
"""

from ansible_collections.aigateway.kong.plugins.module_utils.entity.runner import entity_module
from ansible_collections.aigateway.kong.plugins.module_utils.entity.specs import KEY_SET


def main() -> None:
    entity_module(KEY_SET)


if __name__ == "__main__":
    main()
