#!/usr/bin/python
# Copyright (c) aigateway.kong contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: kong_plugin
short_description: Manage Kong Gateway plugins (AI proxy, rate limiting, authentication, ...)
version_added: 0.1.0
author:
  - aigateway maintainers (@aigateway)
description:
  - Create, update or delete a Kong Gateway plugin instance, globally or scoped to a service, a route and/or
    a consumer.
  - A plugin is identified by O(id), else by O(instance_name), else by O(name) and its scope (O(service),
    O(route), O(consumer); an omitted scope means not scoped, so without any of them the global instance).
  - O(config) is compared as a subset of what Kong holds, so defaults Kong fills in never cause a change.
  - Secret configuration values (every field the plugin's schema on the managed Kong marks C(encrypted) or
    C(referenceable), at any depth, for example ai-proxy C(config.auth.header_value) or a custom plugin's
    fields) are masked in results, diffs, errors and C(invocation). The schema is read once per plugin name
    (C(GET /schemas/plugins/{name})); when it cannot be read, the fields known for Kong 3.9 are masked and
    the task warns. Prefer Kong vault
    references such as V({vault://env/openai-key}) so the secret never passes through Ansible; references
    are not secrets and are shown as they are.
extends_documentation_fragment:
  - aigateway.kong.connection
  - aigateway.kong.entity
  - aigateway.kong.attributes
  - aigateway.kong.attributes.action_group
options:
  name:
    description:
      - Plugin name, for example V(ai-proxy), V(key-auth) or V(rate-limiting).
      - Required to create a plugin; one of O(name), O(instance_name) and O(id) is required.
    type: str
  instance_name:
    description:
      - Unique name of this plugin instance; identifies it unless O(id) is given.
      - If no plugin has this name but an unnamed plugin O(name) exists with the same scope, that plugin is
        given this name.
    type: str
  service:
    description: Service (name or id) the plugin applies to.
    type: str
  route:
    description: Route (name or id) the plugin applies to.
    type: str
  consumer:
    description: Consumer (username or id) the plugin applies to.
    type: str
  config:
    description:
      - Plugin configuration. Only the keys given are compared and changed (nested records merge); lists are
        replaced whole.
    type: dict
  protocols:
    description: Protocols the plugin runs on. Kong's default is V([grpc, grpcs, http, https]).
    type: list
    elements: str
    choices: [grpc, grpcs, http, https, tcp, tls, tls_passthrough, udp]
  enabled:
    description: Whether the plugin is applied. Kong's default is V(true).
    type: bool
seealso:
  - module: aigateway.kong.kong_route
  - module: aigateway.kong.kong_service
  - name: Kong AI Proxy plugin
    description: The ai-proxy plugin reference.
    link: https://developer.konghq.com/plugins/ai-proxy/
"""

EXAMPLES = r"""
- name: A service for the OpenAI API
  aigateway.kong.kong_service:
    admin_url: "{{ kong_admin_url }}"
    name: llm-openai
    url: https://api.openai.com:443/v1

- name: A chat route to it
  aigateway.kong.kong_route:
    admin_url: "{{ kong_admin_url }}"
    name: llm-chat
    service: llm-openai
    paths: [/v1/chat/completions]

- name: A consumer
  aigateway.kong.kong_consumer:
    admin_url: "{{ kong_admin_url }}"
    username: team-search

- name: Proxy the route to OpenAI, the key read by Kong from its environment
  aigateway.kong.kong_plugin:
    admin_url: "{{ kong_admin_url }}"
    name: ai-proxy
    route: llm-chat
    config:
      route_type: llm/v1/chat
      auth:
        header_name: Authorization
        header_value: "{vault://env/openai-auth-header}"
      model:
        provider: openai
        name: gpt-4o-mini

- name: Rate-limit the consumer
  aigateway.kong.kong_plugin:
    admin_url: "{{ kong_admin_url }}"
    name: rate-limiting
    instance_name: team-search-limit
    consumer: team-search
    config:
      minute: 60
      policy: local

- name: Remove the global key-auth plugin
  aigateway.kong.kong_plugin:
    admin_url: "{{ kong_admin_url }}"
    name: key-auth
    state: absent
"""

RETURN = r"""
plugin:
  description:
    - The plugin as Kong holds it after the task (predicted in check mode), or V({}) once deleted.
    - Secret configuration values are replaced by V(VALUE_SPECIFIED_IN_NO_LOG_PARAMETER).
  returned: always
  type: dict
  sample:
    id: 7f0e2d1c-6b5a-4c3d-8e9f-0a1b2c3d4e5f
    name: rate-limiting
    instance_name: team-search-limit
    consumer: {id: 0b5a6f2e-3c7d-4e8f-9a1b-2c3d4e5f6a7b}
    service: null
    route: null
    config: {minute: 60, policy: local}
    enabled: true
msg:
  description: What happened, in one line.
  returned: always
  type: str
  sample: plugin 'team-search-limit' created
"""

from ansible_collections.aigateway.kong.plugins.module_utils.entity.runner import entity_module
from ansible_collections.aigateway.kong.plugins.module_utils.entity.specs import PLUGIN


def main() -> None:
    entity_module(PLUGIN)


if __name__ == "__main__":
    main()
