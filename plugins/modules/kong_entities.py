#!/usr/bin/python
# Copyright (c) aigateway.kong contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: kong_entities
short_description: Manage many Kong Gateway entities of one type in one task
version_added: 0.1.0
author:
  - aigateway maintainers (@aigateway)
description:
  - Creates, updates or deletes a list of entities of one type (any type a module of this collection manages),
    each described with the options of the matching single-entity module, for example
    M(aigateway.kong.kong_consumer) for O(entity=consumers).
  - Each item is checked and applied exactly as the single-entity module would apply it (same options and
    rules, same comparison, check mode, diff and secret masking). Only the reading differs. The entity
    types the items need are listed once (pages of 1000) and looked up in memory, so a task with a thousand
    unchanged items sends a handful of requests instead of thousands, and a thousand new items a thousand
    writes. Lookups the listing cannot answer (for example a name Kong might refuse as invalid), and every
    write, go to Kong as the single-entity module sends them.
  - Items are applied in order, or with O(workers) above 1 by that many threads at once. Then items that may
    stand for the same entity (same C(id), name, username, key or SNI, same C(custom_id), same plugin name and
    scope, targets of one upstream, acls of one consumer) are still applied one after the other, in item
    order, and the results, returned in item order, are those of the items applied one after the other. An
    entity given by C(id) in one item and by name in another is not recognised as one; keep O(workers=1)
    for such lists.
  - A failing item does not stop the others; the task then fails and its message names every failed item.
extends_documentation_fragment:
  - aigateway.kong.connection
  - aigateway.kong.attributes
  - aigateway.kong.attributes.action_group
options:
  entity:
    description:
      - The type of the entities, as Kong names its collection.
      - V(key-auths), V(basic-auths), V(acls), V(jwts) and V(hmac-auths) are consumer credentials with the
        options of M(aigateway.kong.kong_consumer_credential); their C(type) follows from O(entity).
    type: str
    required: true
    choices: [services, routes, consumers, upstreams, targets, plugins, certificates, key-auths, basic-auths, acls,
      jwts, hmac-auths, snis, ca_certificates, vaults, key-sets, keys]
  items:
    description:
      - The entities, each a dict of the single-entity module's options (including C(state) and C(id)), without the
        connection options, which are the task's.
    type: list
    elements: dict
    required: true
  defaults:
    description:
      - Options merged under every item (an item's own value wins), for example the tags every entity carries.
    type: dict
    default: {}
  workers:
    description:
      - How many items are applied at once (threads, each with its own connection to the Admin API). V(1)
        applies the items strictly one after the other, in order.
      - More workers pay off when each write waits on Kong's database (for example V(8) against a Kong whose
        writes take a few milliseconds); they do not when Kong answers at once and the controller is busy.
        Check mode applies the items in order whatever the value (it writes nothing, so there is nothing to
        wait for), and the threads start with the first write, so a batch with nothing to change runs as with V(1).
    type: int
    default: 1
  report:
    description:
      - Which items RV(results) holds. V(all) holds one result per item, in order.
      - V(changed) holds only the items that changed or failed, each with its C(index) in O(items); the others
        are only counted in RV(msg). A batch of thousands of unchanged entities then returns, and prints with
        C(-v), a few lines instead of thousands.
    type: str
    choices: [all, changed]
    default: all
  prune:
    description:
      - After applying O(items), delete the entities of type O(entity) that carry all of O(select_tags) and that
        no item describes (an item describes the entity it created, found, updated or deleted). Like decK's
        C(--select-tag), the tags mark the entities this task owns.
      - Entities without all of O(select_tags) are never deleted. Each deletion runs as an item with
        C(state=absent) would, so check mode deletes nothing and C(--diff) shows every deletion.
      - Requires O(select_tags); refused without them before any request. Nothing is pruned when an item
        failed.
      - Kong deletes the plugins scoped to a deleted service, route or consumer, the credentials of a
        deleted consumer and the targets of a deleted upstream, and refuses to delete a service that routes still
        use. So an entity that holds anything the task does not own (without all of O(select_tags)), or that Kong
        would refuse to delete, is kept and named in a warning and in RV(kept); the entities it holds that the task
        owns go with a deleted one, and the task warns naming them. The ai_gateway role prunes with the same rule.
    type: bool
    version_added: 0.2.0
    default: false
  select_tags:
    description:
      - The tags that mark the entities O(prune) may delete (all of them must be present). Used only with
        O(prune=true). Give them to the items too (for example in O(defaults)) so that the entities the task
        creates carry them.
    type: list
    elements: str
    version_added: 0.2.0
notes:
  - Secrets in items (credential keys and passwords, plugin configuration secrets) are masked in all output,
    as the single-entity modules mask them.
seealso:
  - module: aigateway.kong.kong_consumer
  - module: aigateway.kong.kong_consumer_credential
  - module: aigateway.kong.kong_plugin
"""

EXAMPLES = r"""
# vault_team_search_api_key is kept in Ansible Vault.
- name: Many consumers in one task, reporting only those that change
  aigateway.kong.kong_entities:
    admin_url: "{{ kong_admin_url }}"
    entity: consumers
    report: changed
    workers: 4
    defaults:
      tags: [ai-gateway]
    items:
      - username: team-search
      - username: team-chat

- name: Their API keys
  aigateway.kong.kong_entities:
    admin_url: "{{ kong_admin_url }}"
    entity: key-auths
    items:
      - consumer: team-search
        key: "{{ vault_team_search_api_key }}"
  no_log: true

- name: A rate limit per consumer
  aigateway.kong.kong_entities:
    admin_url: "{{ kong_admin_url }}"
    entity: plugins
    items:
      - instance_name: team-search-rate-limiting
        name: rate-limiting
        consumer: team-search
        config:
          minute: 60

- name: Team A's service
  aigateway.kong.kong_entities:
    admin_url: "{{ kong_admin_url }}"
    entity: services
    items:
      - name: llm
        url: https://api.openai.com:443/v1

- name: Exactly these routes among those tagged team-a; other team-a routes are deleted
  aigateway.kong.kong_entities:
    admin_url: "{{ kong_admin_url }}"
    entity: routes
    defaults:
      tags: [team-a]
    items:
      - name: chat
        service: llm
        paths: [/chat]
    prune: true
    select_tags: [team-a]
"""

RETURN = r"""
results:
  description:
    - One result per item, in order, as the single-entity module returns it (C(changed), C(msg), C(diff) and the
      entity under the module's key, for example C(consumer) or C(credential)), plus the C(item) as given.
    - A failed item has C(failed=true) and C(msg) instead of the entity.
    - With O(report=changed), only the items that changed or failed, each with its C(index) in O(items).
  returned: always
  type: list
  elements: dict
  sample:
    - changed: true
      msg: consumer 'team-search' created
      consumer:
        id: 0b5a6f2e-3c7d-4e8f-9a1b-2c3d4e5f6a7b
        username: team-search
      item:
        username: team-search
ids:
  description:
    - One id per item, in the order of O(items), whatever O(report) says; the id of the entity the item stands
      for (found, created, updated, or deleted by a C(state=absent) item).
    - V(null) for an item that failed, and in check mode for an entity that would be created.
  returned: when the task applies its items (not when its options or connection are refused)
  type: list
  elements: str
  sample: [0b5a6f2e-3c7d-4e8f-9a1b-2c3d4e5f6a7b, 4c9e2d1f-8a7b-4c6d-9e0f-1a2b3c4d5e6f]
  version_added: 0.2.0
kept:
  description:
    - With O(prune=true), the entities not deleted although the items do not describe them, each with what it holds
      that keeps it (an entity without all of O(select_tags), or one Kong would not delete with it).
  returned: when O(prune=true)
  type: list
  elements: str
  sample: ["consumer 'ben' (holds key-auth credential 4c9e2d1f-8a7b-4c6d-9e0f-1a2b3c4d5e6f)"]
  version_added: 0.2.0
pruned:
  description:
    - With O(prune=true), one result per entity deleted (or, in check mode, to be deleted), as an item with
      C(state=absent) returns it; C(cascaded) names what Kong deletes with it.
  returned: when O(prune=true)
  type: list
  elements: dict
  sample:
    - changed: true
      msg: "route 'old-chat' deleted (not in items, carries select_tags team-a)"
      route:
        id: 7d1c2b3a-4e5f-4a6b-8c7d-9e0f1a2b3c4d
        name: old-chat
  version_added: 0.2.0
msg:
  description: A count of what happened, or the items that failed.
  returned: always
  type: str
  sample: "consumers: 1 created, 999 unchanged"
"""

from ansible_collections.aigateway.kong.plugins.module_utils.bulk.run import BULK
from ansible_collections.aigateway.kong.plugins.module_utils.entity.runner import run_module


def main() -> None:
    run_module(BULK)


if __name__ == "__main__":
    main()
