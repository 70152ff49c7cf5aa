#!/usr/bin/python
# Copyright (c) aigateway.kong contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: kong_info
short_description: Read information about a Kong Gateway node and its entities
version_added: 0.1.0
author:
  - aigateway maintainers (@aigateway)
description:
  - Returns the node's version, edition, database mode and enabled plugins.
  - With O(entity), also returns the entities of that kind, every page followed, optionally filtered by
    O(name), O(tags) and a parent entity. Secrets are masked.
extends_documentation_fragment:
  - aigateway.kong.connection
  - aigateway.kong.attributes.action_group
  - aigateway.kong.attributes.info_module
options:
  entity:
    description: Kind of entity to list.
    type: str
    choices: [services, routes, consumers, upstreams, targets, plugins, certificates, key-auths, basic-auths, acls,
      jwts, hmac-auths, snis, ca_certificates, vaults, key-sets, keys]
  name:
    description: Return only the entity with this name, id or other endpoint key (username, key, SNI, ...).
    type: str
  tags:
    description: Return only entities carrying these tags (see O(tags_match)).
    type: list
    elements: str
  tags_match:
    description: Whether entities must carry V(all) the O(tags) or V(any) of them.
    type: str
    choices: [all, any]
    default: all
  service:
    description: Only the routes or plugins of this service (name or id).
    type: str
  route:
    description: Only the plugins of this route (name or id).
    type: str
  consumer:
    description: Only the plugins or credentials of this consumer (username or id).
    type: str
  upstream:
    description: The upstream (name or id) whose targets to list; required with O(entity=targets).
    type: str
  fields:
    description:
      - Return only these top-level fields of each entity (those it has), for example V(id), V(name) and V(tags).
      - Keeps the result of a listing of thousands of entities small; all fields when omitted.
    type: list
    elements: str
seealso:
  - module: aigateway.kong.kong_service
  - module: aigateway.kong.kong_plugin
"""

EXAMPLES = r"""
- name: Read the node
  aigateway.kong.kong_info:
    admin_url: "{{ kong_admin_url }}"
  register: kong

- name: Fail early on a DB-less node
  ansible.builtin.assert:
    that: kong.node.database != 'off'

- name: Everything the AI gateway role manages
  aigateway.kong.kong_info:
    admin_url: "{{ kong_admin_url }}"
    entity: services
    tags: [ai-gateway]

- name: The names of thousands of consumers, without the rest of each entity
  aigateway.kong.kong_info:
    admin_url: "{{ kong_admin_url }}"
    entity: consumers
    fields: [id, username, tags]

- name: A chat route (a filter by route needs the route)
  aigateway.kong.kong_route:
    admin_url: "{{ kong_admin_url }}"
    name: llm-chat
    paths: [/v1/chat/completions]

- name: Every plugin of the chat route
  aigateway.kong.kong_info:
    admin_url: "{{ kong_admin_url }}"
    entity: plugins
    route: llm-chat
  register: chat_plugins
"""

RETURN = r"""
node:
  description: Facts about the Kong node.
  returned: always
  type: dict
  contains:
    version:
      description: Kong version.
      type: str
      sample: 3.9.1
    edition:
      description:
        - V(community) or V(enterprise). Kong reports it from 3.6; for an older node it is told by the release
          (Enterprise releases have four parts, such as V(3.4.3.29)).
      type: str
      sample: community
    router_flavor:
      description: The node's C(router_flavor) (V(traditional_compatible), V(traditional) or V(expressions)).
      type: str
      sample: traditional_compatible
      version_added: 0.2.0
    hostname:
      description: Host name of the node.
      type: str
    node_id:
      description: Id of the node.
      type: str
    database:
      description: Database mode; V(off) means DB-less (read-only Admin API).
      type: str
      sample: postgres
    enabled_plugins:
      description: Plugins loaded on the node, sorted.
      type: list
      elements: str
    plugins_in_use:
      description: Plugins with at least one instance configured.
      type: list
      elements: str
entities:
  description:
    - The entities found, when O(entity) is given.
    - Secrets are masked; in plugins and vaults, every field their schema on the managed Kong marks
      C(encrypted) or C(referenceable).
  returned: when O(entity) is set
  type: list
  elements: dict
  sample:
    - id: 9a3e0c51-1a62-4ad2-8e6b-2f8a1b2f3a11
      name: llm-openai
      host: api.openai.com
"""

from ansible_collections.aigateway.kong.plugins.module_utils.entity.info import INFO
from ansible_collections.aigateway.kong.plugins.module_utils.entity.runner import run_module


def main() -> None:
    run_module(INFO)


if __name__ == "__main__":
    main()
