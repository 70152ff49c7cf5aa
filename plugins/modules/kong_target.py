#!/usr/bin/python
# Copyright (c) aigateway.kong contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: kong_target
short_description: Manage targets of a Kong Gateway upstream
version_added: 0.1.0
author:
  - aigateway maintainers (@aigateway)
description:
  - Add, update or remove one target (C(host:port)) of a Kong Gateway upstream.
  - The target is identified by O(upstream) and O(target), normalised the way Kong stores it (V(10.0.0.5)
    becomes V(10.0.0.5:8000), IPv6 addresses are expanded), or by O(id).
extends_documentation_fragment:
  - aigateway.kong.connection
  - aigateway.kong.entity
  - aigateway.kong.attributes
  - aigateway.kong.attributes.action_group
options:
  upstream:
    description: Upstream (name or id) the target belongs to.
    type: str
    required: true
  target:
    description:
      - Address of the target, C(host), C(host:port), C(ip:port) or C([ipv6]:port); the port defaults to V(8000).
    type: str
    required: true
  weight:
    description: Balancer weight, V(0) to V(65535); V(0) takes the target out of rotation. Kong's default is V(100).
    type: int
seealso:
  - module: aigateway.kong.kong_upstream
"""

EXAMPLES = r"""
- name: An upstream of model server replicas
  aigateway.kong.kong_upstream:
    admin_url: "{{ kong_admin_url }}"
    name: llm-replicas

- name: Two replicas behind it, the second drained (weight 0 takes it out of rotation)
  aigateway.kong.kong_target:
    admin_url: "{{ kong_admin_url }}"
    upstream: llm-replicas
    target: "{{ item.target }}"
    weight: "{{ item.weight }}"
  loop:
    - {target: 10.0.0.11:8080, weight: 100}
    - {target: 10.0.0.12:8080, weight: 0}

- name: Remove a replica
  aigateway.kong.kong_target:
    admin_url: "{{ kong_admin_url }}"
    upstream: llm-replicas
    target: 10.0.0.13:8080
    state: absent
"""

RETURN = r"""
target:
  description: The target as Kong holds it after the task (predicted in check mode), or V({}) once deleted.
  returned: always
  type: dict
  sample:
    id: 5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b
    target: 10.0.0.11:8080
    weight: 100
    upstream: {id: 2d4f6a8c-0e1b-4c3d-9f5e-7a9b1c3d5e7f}
msg:
  description: What happened, in one line.
  returned: always
  type: str
  sample: target '10.0.0.11:8080' created
"""

from ansible_collections.aigateway.kong.plugins.module_utils.entity.runner import entity_module
from ansible_collections.aigateway.kong.plugins.module_utils.entity.specs import TARGET


def main() -> None:
    entity_module(TARGET)


if __name__ == "__main__":
    main()
