#!/usr/bin/python
# Copyright (c) aigateway.kong contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: kong_consumer
short_description: Manage Kong Gateway consumers
version_added: 0.1.0
author:
  - aigateway maintainers (@aigateway)
description:
  - Create, update or delete a Kong Gateway consumer, the client (application, team, tenant) calling the AI
    services. Credentials are managed with M(aigateway.kong.kong_consumer_credential).
extends_documentation_fragment:
  - aigateway.kong.connection
  - aigateway.kong.entity
  - aigateway.kong.attributes
  - aigateway.kong.attributes.action_group
options:
  username:
    description:
      - Unique user name; identifies the consumer unless O(id) is given.
      - One of O(username), O(custom_id) and O(id) is required; a consumer given only by O(custom_id) is
        looked up by it.
    type: str
  custom_id:
    description: Unique identifier from another system, for example a tenant id.
    type: str
seealso:
  - module: aigateway.kong.kong_consumer_credential
  - name: Kong Gateway consumers
    description: Consumers in the Kong Gateway documentation.
    link: https://developer.konghq.com/gateway/entities/consumer/
"""

EXAMPLES = r"""
- name: A consumer per team
  aigateway.kong.kong_consumer:
    admin_url: "{{ kong_admin_url }}"
    username: team-search
    custom_id: tenant-42
    tags: [ai-gateway]

- name: Remove a former team (its credentials and plugins go with it)
  aigateway.kong.kong_consumer:
    admin_url: "{{ kong_admin_url }}"
    username: team-archived
    state: absent
"""

RETURN = r"""
consumer:
  description: The consumer as Kong holds it after the task (predicted in check mode), or V({}) once deleted.
  returned: always
  type: dict
  sample:
    id: 0b5a6f2e-3c7d-4e8f-9a1b-2c3d4e5f6a7b
    username: team-search
    custom_id: tenant-42
    tags: [ai-gateway]
msg:
  description: What happened, in one line.
  returned: always
  type: str
  sample: consumer 'team-search' created
"""

from ansible_collections.aigateway.kong.plugins.module_utils.entity.runner import entity_module
from ansible_collections.aigateway.kong.plugins.module_utils.entity.specs import CONSUMER


def main() -> None:
    entity_module(CONSUMER)


if __name__ == "__main__":
    main()
