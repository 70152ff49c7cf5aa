#!/usr/bin/python
# Copyright (c) aigateway.kong contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: kong_upstream
short_description: Manage Kong Gateway upstreams (load balancers)
version_added: 0.1.0
author:
  - aigateway maintainers (@aigateway)
description:
  - Create, update or delete a Kong Gateway upstream, a virtual host name that balances traffic over its
    targets (for example several replicas of a model server). Targets are managed with
    M(aigateway.kong.kong_target).
  - O(healthchecks) is compared as a subset of what Kong holds (Kong stores the full tree with defaults).
  - Kong accepts V(grpc) and V(grpcs) as C(healthchecks.active.type), but the health checker of Kong's open-source
    releases (3.4 to 3.9) runs only V(http), V(https) and V(tcp) checks; with an active C(interval) above 0 such an
    upstream gets no balancer and requests through it fail. The module writes what it is asked and warns.
extends_documentation_fragment:
  - aigateway.kong.connection
  - aigateway.kong.entity
  - aigateway.kong.attributes
  - aigateway.kong.attributes.action_group
options:
  name:
    description:
      - Host name of the upstream, used as a service's host; identifies it unless O(id) is given.
      - One of O(name) and O(id) is required.
    type: str
  algorithm:
    description: Load-balancing algorithm. Kong's default is V(round-robin).
    type: str
    choices: [consistent-hashing, least-connections, round-robin, latency]
  hash_on:
    description: What to hash on with V(consistent-hashing). Kong's default is V(none).
    type: str
    choices: [none, consumer, ip, header, cookie, path, query_arg, uri_capture]
  hash_fallback:
    description: What to hash on when O(hash_on) gives no value. Kong's default is V(none).
    type: str
    choices: [none, consumer, ip, header, cookie, path, query_arg, uri_capture]
  hash_on_header:
    description: Header name when O(hash_on=header).
    type: str
  hash_fallback_header:
    description: Header name when O(hash_fallback=header).
    type: str
  hash_on_cookie:
    description: Cookie name when O(hash_on=cookie) or O(hash_fallback=cookie).
    type: str
  hash_on_cookie_path:
    description: Cookie path. Kong's default is V(/).
    type: str
  hash_on_query_arg:
    description: Query argument name when O(hash_on=query_arg).
    type: str
  hash_fallback_query_arg:
    description: Query argument name when O(hash_fallback=query_arg).
    type: str
  hash_on_uri_capture:
    description: URI capture name when O(hash_on=uri_capture).
    type: str
  hash_fallback_uri_capture:
    description: URI capture name when O(hash_fallback=uri_capture).
    type: str
  slots:
    description: Number of slots in the balancer, V(10) to V(65536). Kong's default is V(10000).
    type: int
  healthchecks:
    description:
      - Active and passive health checks, as Kong's C(healthchecks) record
        (C(active), C(passive), C(threshold)). Only the keys given are compared and changed.
    type: dict
  host_header:
    description: Host header sent to the targets.
    type: str
  client_certificate:
    description: Certificate (id, or one of its SNIs) presented to the targets for mutual TLS.
    type: str
  use_srv_name:
    description: Whether the SRV record name is used as the TLS SNI. Kong's default is V(false).
    type: bool
seealso:
  - module: aigateway.kong.kong_target
  - module: aigateway.kong.kong_service
  - name: Kong Gateway upstreams
    description: Upstreams in the Kong Gateway documentation.
    link: https://developer.konghq.com/gateway/entities/upstream/
"""

EXAMPLES = r"""
- name: Balance over model server replicas, with active health checks
  aigateway.kong.kong_upstream:
    admin_url: "{{ kong_admin_url }}"
    name: llm-replicas
    algorithm: least-connections
    healthchecks:
      active:
        http_path: /health
        healthy: {interval: 5, successes: 2}
        unhealthy: {interval: 5, http_failures: 3}
    tags: [ai-gateway]

- name: Remove an upstream no longer used (its targets go with it)
  aigateway.kong.kong_upstream:
    admin_url: "{{ kong_admin_url }}"
    name: llm-replicas-old
    state: absent
"""

RETURN = r"""
upstream:
  description: The upstream as Kong holds it after the task (predicted in check mode), or V({}) once deleted.
  returned: always
  type: dict
  sample:
    id: 2d4f6a8c-0e1b-4c3d-9f5e-7a9b1c3d5e7f
    name: llm-replicas
    algorithm: least-connections
    slots: 10000
msg:
  description: What happened, in one line.
  returned: always
  type: str
  sample: upstream 'llm-replicas' unchanged
"""

from ansible_collections.aigateway.kong.plugins.module_utils.entity.runner import entity_module
from ansible_collections.aigateway.kong.plugins.module_utils.entity.specs import UPSTREAM


def main() -> None:
    entity_module(UPSTREAM)


if __name__ == "__main__":
    main()
