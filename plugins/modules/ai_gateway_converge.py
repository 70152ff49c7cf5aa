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
  - What the R(aigateway.kong.ai_gateway,ansible_collections.aigateway.kong.docsite.role) role does with
    O(inputs) when its variable C(ai_gateway_single_task) is true, in one task instead of one per entity type.
    Use the role; this module is the step it runs.
  - Computes the entities the description needs, checks the description, lists what Kong holds, refuses to take
    over entities without the gateway's tag (unless O(adopt_untagged)), applies upstreams, targets, services,
    routes, consumers, key-auth keys, basic-auth credentials, ACL groups and plugins in that order, each type
    exactly as M(aigateway.kong.kong_entities) applies it, and prunes what inventory no longer describes when
    the description asks for it. The result tells, per type, what changed.
  - Runs in the controller process only (an action plugin); it fails on a host whose tasks would run elsewhere.
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
seealso:
  - module: aigateway.kong.kong_entities
"""

EXAMPLES = r"""
- name: What the ai_gateway role runs with ai_gateway_single_task=true
  aigateway.kong.ai_gateway_converge:
    admin_url: http://127.0.0.1:8001
    inputs: "{{ __ai_gateway_inputs }}"
"""

RETURN = r"""
types:
  description:
    - Per entity type, in the order applied, what its step reported, C(changed) and C(msg) (the counts, or the
      items that failed, as M(aigateway.kong.kong_entities) words them). Pruning steps are named C(pruned <type>).
    - Each change itself is in the task's diff, shown with C(--diff).
  returned: when Kong was changed or read
  type: dict
  sample:
    consumers:
      changed: true
      msg: "consumers: 1 created, 999 unchanged"
msg:
  description: The steps' messages, or why the run stopped.
  returned: always
  type: str
  sample: "upstreams: 1 unchanged; targets: 2 unchanged; services: 4 unchanged"
"""

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.aigateway.kong.plugins.module_utils.api.argspec import gateway_argument_spec


def main() -> None:
    module = AnsibleModule(argument_spec=gateway_argument_spec(), supports_check_mode=True)
    module.fail_json(
        msg="ai_gateway_converge runs in the controller process only, as an action plugin; it reached a module "
        "process, so leave ai_gateway_single_task false for this host",
        invocation={"module_args": {}},  # the description holds every key and password: never echoed
    )


if __name__ == "__main__":
    main()
