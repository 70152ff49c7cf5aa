#!/usr/bin/python
# Copyright (c) aigateway.kong contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: kong_route
short_description: Manage Kong Gateway routes
version_added: 0.1.0
author:
  - aigateway maintainers (@aigateway)
description:
  - Create, update or delete a Kong Gateway route, the rule that matches client requests and sends them to a service.
  - Only the options given are compared and changed. Sets (O(protocols), O(methods), O(snis), O(sources),
    O(destinations), O(tags)) are compared ignoring order and duplicates; O(hosts) and O(paths) in order.
extends_documentation_fragment:
  - aigateway.kong.connection
  - aigateway.kong.entity
  - aigateway.kong.attributes
  - aigateway.kong.attributes.action_group
options:
  name:
    description: Name of the route; identifies it unless O(id) is given. One of O(name) and O(id) is required.
    type: str
  service:
    description:
      - Service (name or id) the route sends traffic to.
      - A service that does not exist fails the task; in check mode it only warns, since an earlier task
        may create it.
    type: str
  protocols:
    description: Protocols the route accepts. Kong's default is V([http, https]).
    type: list
    elements: str
    choices: [grpc, grpcs, http, https, tcp, tls, tls_passthrough, udp]
  methods:
    description: HTTP methods that match, in upper case, for example V(POST).
    type: list
    elements: str
  hosts:
    description: Host names that match; wildcards allowed at the leftmost or rightmost label.
    type: list
    elements: str
  paths:
    description: Paths that match; a prefix such as V(/v1/chat), or a regex prefixed with V(~).
    type: list
    elements: str
  headers:
    description:
      - Request headers that match, as a map of header name to a list of values.
      - Kong matches any of a header's values, so the values of each header are compared as a set.
    type: dict
  snis:
    description: SNIs that match (TLS routes).
    type: list
    elements: str
  sources:
    description: Source IP/port pairs that match (stream routes), each a dict with C(ip) and/or C(port).
    type: list
    elements: dict
  destinations:
    description: Destination IP/port pairs that match (stream routes), each a dict with C(ip) and/or C(port).
    type: list
    elements: dict
  strip_path:
    description: Whether the matching path prefix is removed before proxying. Kong's default is V(true).
    type: bool
  preserve_host:
    description: Whether the client's C(Host) header is sent upstream. Kong's default is V(false).
    type: bool
  regex_priority:
    description: Priority of regex paths when several match. Kong's default is V(0).
    type: int
  path_handling:
    description: How the service path and the request path are joined. Kong's default is V(v0).
    type: str
    choices: [v0, v1]
  https_redirect_status_code:
    description: Status returned when a plain HTTP request hits an HTTPS-only route. Kong's default is V(426).
    type: int
    choices: [426, 301, 302, 307, 308]
  request_buffering:
    description: Whether request bodies are buffered. Kong's default is V(true).
    type: bool
  response_buffering:
    description: Whether response bodies are buffered; V(false) suits streamed LLM answers. Kong's default is V(true).
    type: bool
seealso:
  - module: aigateway.kong.kong_service
  - module: aigateway.kong.kong_plugin
  - name: Kong Gateway routes
    description: Routes in the Kong Gateway documentation.
    link: https://developer.konghq.com/gateway/entities/route/
"""

EXAMPLES = r"""
- name: A service for the OpenAI API
  aigateway.kong.kong_service:
    admin_url: "{{ kong_admin_url }}"
    name: llm-openai
    url: https://api.openai.com:443/v1

- name: Route OpenAI-compatible chat requests to it
  aigateway.kong.kong_route:
    admin_url: "{{ kong_admin_url }}"
    name: llm-chat
    service: llm-openai
    paths: [/v1/chat/completions]
    methods: [POST]
    protocols: [https]
    response_buffering: false
    tags: [ai-gateway]

- name: Remove a route no longer used
  aigateway.kong.kong_route:
    admin_url: "{{ kong_admin_url }}"
    name: llm-chat-legacy
    state: absent
"""

RETURN = r"""
route:
  description: The route as Kong holds it after the task (predicted in check mode), or V({}) once deleted.
  returned: always
  type: dict
  sample:
    id: 4c2b5c0e-9d1f-4e5a-8f63-0a3f2e6d7b21
    name: llm-chat
    service: {id: 9a3e0c51-1a62-4ad2-8e6b-2f8a1b2f3a11}
    paths: [/v1/chat/completions]
    methods: [POST]
    protocols: [https]
    strip_path: true
msg:
  description: What happened, in one line.
  returned: always
  type: str
  sample: route 'llm-chat' updated
"""

from ansible_collections.aigateway.kong.plugins.module_utils.entity.runner import entity_module
from ansible_collections.aigateway.kong.plugins.module_utils.entity.specs import ROUTE


def main() -> None:
    entity_module(ROUTE)


if __name__ == "__main__":
    main()
