#!/usr/bin/python
# Copyright (c) aigateway.kong contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: ai_gateway_converge
short_description: Converge Kong to an ai_gateway role description in one task
version_added: 0.2.0
author:
  - aigateway maintainers (@aigateway)
description:
  - The step the R(aigateway.kong.ai_gateway,ansible_collections.aigateway.kong.docsite.role) role runs with
    O(inputs), its variables. Use the role; this module is how it converges Kong.
  - Computes the entities the description needs and checks the description, then lists what Kong holds (once per
    entity type for the whole run), refuses to take over entities without the gateway's tag (unless
    O(adopt_untagged)), applies each entity type in dependency order exactly as M(aigateway.kong.kong_entities)
    applies it, and, when the description asks for pruning, removes the gateway's entities it no longer describes,
    children first, with the engine of O(aigateway.kong.kong_entities#module:prune).
  - The result says per entity type what was created, updated and deleted.
extends_documentation_fragment:
  - aigateway.kong.connection
  - aigateway.kong.attributes
  - aigateway.kong.attributes.action_group
options:
  inputs:
    description:
      - The role's variables without their C(ai_gateway_) prefix (C(models), C(consumers), C(tiers), C(tag),
        C(prune), ...), as the role passes them.
    type: dict
    required: true
  adopt_untagged:
    description: Take over entities that exist without the gateway's tag instead of refusing to run.
    type: bool
    default: false
  workers:
    description: Threads writing the items of each entity type, as O(aigateway.kong.kong_entities#module:workers).
    type: int
    default: 4
notes:
  - Keys, passwords and provider credentials are masked in the result, and O(inputs) is not echoed back.
  - A parent the description no longer holds is kept, and named in a warning, while it holds entities without the
    gateway's tag (Kong would delete them with it, or refuse to delete it).
seealso:
  - module: aigateway.kong.kong_entities
"""

EXAMPLES = r"""
# What the ai_gateway role runs; a playbook uses the role (roles: [aigateway.kong.ai_gateway]).
# vault_alice_api_key is kept in Ansible Vault.
- name: Converge Kong to a one-model gateway
  aigateway.kong.ai_gateway_converge:
    admin_url: "{{ kong_admin_url }}"
    inputs:
      admin_url: "{{ kong_admin_url }}"
      tag: team-llm
      extra_tags: []
      prune: false
      models:
        - name: openai-chat
          provider: openai
          model: gpt-4o-mini
          auth:
            header_name: Authorization
            header_value: "{vault://env/openai-bearer}"
      tiers: [{name: standard, rate_limit: {minute: 10}}]
      consumers: [{username: alice, tier: standard, keys: ["{{ vault_alice_api_key }}"]}]
      policies: {}
      global_policies: {}
      key_names: [apikey]
      bearer_auth: true
      hide_credentials: true
      rate_limit_policy: local
      redis: {}
      upstream_algorithm: round-robin
      healthchecks: {}
  register: gateway

- name: What changed
  ansible.builtin.debug:
    msg: "{{ gateway.report }}"
"""

RETURN = r"""
report:
  description:
    - One line per entity type, in the order applied, then one per type pruned (C(pruned <type>)), saying how many
      entities were created, updated, deleted or failed, with their names (the first ten), and how many were
      unchanged.
    - Each change itself is in the task's diff, shown with C(--diff).
  returned: when Kong was read
  type: list
  elements: str
  sample:
    - "consumers: 1 created (alice), 999 unchanged"
    - "pruned consumers: 1 deleted (consumer 'bob')"
changes:
  description:
    - Per step of the report, the names of the entities created, updated, deleted or failed, and how many were
      unchanged (or already absent).
  returned: when Kong was read
  type: dict
  sample: {consumers: {created: [alice], unchanged: 999}}
msg:
  description: The report's lines joined, or why the run stopped.
  returned: always
  type: str
  sample: "upstreams: 1 unchanged; targets: 2 unchanged; services: 4 unchanged"
"""

from ansible_collections.aigateway.kong.plugins.module_utils.entity.runner import run_module
from ansible_collections.aigateway.kong.plugins.module_utils.gateway.converge import GATEWAY


def main() -> None:
    run_module(GATEWAY)


if __name__ == "__main__":
    main()
