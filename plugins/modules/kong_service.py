#!/usr/bin/python
# Copyright (c) aigateway.kong contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: kong_service
short_description: Manage Kong Gateway services
version_added: 0.1.0
author:
  - aigateway maintainers (@aigateway)
description:
  - Create, update or delete a Kong Gateway service, the upstream API (for example an LLM provider) that routes
    send traffic to.
  - Only the options given are compared and changed; Kong keeps its values for the others.
extends_documentation_fragment:
  - aigateway.kong.connection
  - aigateway.kong.entity
  - aigateway.kong.attributes
  - aigateway.kong.attributes.action_group
options:
  name:
    description:
      - Name of the service; identifies it unless O(id) is given. One of O(name) and O(id) is required.
    type: str
  url:
    description:
      - Shorthand for O(protocol), O(host), O(port) and O(path) together, for example V(https://api.openai.com:443/v1).
      - Expanded the way Kong does it; the port defaults to V(443) for V(https) and V(80) otherwise, and a URL
        without a path clears O(path). Any query string is dropped.
      - Mutually exclusive with O(protocol), O(host), O(port) and O(path).
    type: str
  protocol:
    description: Protocol used to talk to the upstream. Kong's default is V(http).
    type: str
    choices: [grpc, grpcs, http, https, tcp, tls, tls_passthrough, udp]
  host:
    description: Host of the upstream server, or the name of a Kong upstream to balance over its targets.
    type: str
  port:
    description: Upstream port, V(0) to V(65535). Kong's default is V(80).
    type: int
  path:
    description: Path prefix used in requests to the upstream server; must start with V(/).
    type: str
  retries:
    description: Number of retries after a failed proxied request, V(0) to V(32767). Kong's default is V(5).
    type: int
  connect_timeout:
    description: Connection timeout in milliseconds, V(1) to V(2147483646). Kong's default is V(60000).
    type: int
  write_timeout:
    description: Write timeout in milliseconds, V(1) to V(2147483646). Kong's default is V(60000).
    type: int
  read_timeout:
    description:
      - Read timeout in milliseconds, V(1) to V(2147483646). Kong's default is V(60000).
      - LLM completions can be slow; consider a larger value for AI services.
    type: int
  client_certificate:
    description: Certificate (id, or one of its SNIs) presented to the upstream for mutual TLS.
    type: str
  tls_verify:
    description: Whether to verify the upstream server's TLS certificate.
    type: bool
  tls_verify_depth:
    description: Maximum depth of the upstream certificate chain, V(0) to V(64).
    type: int
  ca_certificates:
    description: Ids of CA certificates used to verify the upstream server's certificate, compared in order.
    type: list
    elements: str
  enabled:
    description: Whether the service is active. Kong's default is V(true).
    type: bool
seealso:
  - module: aigateway.kong.kong_route
  - module: aigateway.kong.kong_info
  - name: Kong Gateway services
    description: Services in the Kong Gateway documentation.
    link: https://developer.konghq.com/gateway/entities/service/
"""

EXAMPLES = r"""
- name: Point a service at the OpenAI API
  aigateway.kong.kong_service:
    admin_url: "{{ kong_admin_url }}"
    name: llm-openai
    url: https://api.openai.com:443/v1
    read_timeout: 120000
    tags: [ai-gateway]

- name: Set the connection once for every Kong task of a block (or of a play)
  module_defaults:
    group/aigateway.kong.kong:
      admin_url: "{{ kong_admin_url }}"
  block:
    - name: Balance over a Kong upstream of local model servers
      aigateway.kong.kong_service:
        name: llm-local
        host: llm-replicas
        port: 8080
        protocol: http

    - name: Change one field, the others are kept (run with --check --diff to preview)
      aigateway.kong.kong_service:
        name: llm-openai
        retries: 2

- name: Remove a service (its routes must be removed first)
  aigateway.kong.kong_service:
    admin_url: "{{ kong_admin_url }}"
    name: llm-old
    state: absent
"""

RETURN = r"""
service:
  description:
    - The service as Kong holds it after the task (predicted in check mode), or V({}) once deleted.
  returned: always
  type: dict
  sample:
    id: 9a3e0c51-1a62-4ad2-8e6b-2f8a1b2f3a11
    name: llm-openai
    protocol: https
    host: api.openai.com
    port: 443
    path: /v1
    retries: 5
    connect_timeout: 60000
    write_timeout: 60000
    read_timeout: 120000
    enabled: true
    tags: [ai-gateway]
msg:
  description: What happened, in one line.
  returned: always
  type: str
  sample: service 'llm-openai' created
"""

from ansible_collections.aigateway.kong.plugins.module_utils.entity.runner import entity_module
from ansible_collections.aigateway.kong.plugins.module_utils.entity.specs import SERVICE


def main() -> None:
    entity_module(SERVICE)


if __name__ == "__main__":
    main()
