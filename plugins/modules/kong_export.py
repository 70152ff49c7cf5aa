#!/usr/bin/python
# Copyright (c) aigateway.kong contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: kong_export
short_description: Export a Kong Gateway's entities as an Ansible playbook and the ai_gateway role's variables
version_added: 0.1.0
author:
  - aigateway.kong contributors (!UNKNOWN)
description:
  - Reads every entity type the collection manages (services, routes, consumers, their credentials, upstreams,
    targets, plugins, certificates and their SNIs, CA certificates, vaults, key sets and keys), optionally
    only the entities carrying all of O(select_tags), and writes
    into the directory O(dest) on the host that runs the module.
  - V(playbook.yml) has one M(aigateway.kong.kong_entities) task per entity type, in dependency order, with
    the options of the matching module; references name the referenced entity (its name, username or first
    SNI) and an entity without a name is exported with its C(id). Converging it into an empty Kong creates
    the same entities; a second run changes nothing.
  - V(ai_gateway.yml), when Kong holds an AI gateway the P(aigateway.kong.ai_gateway#role) role can describe (a
    service whose routes carry C(ai-proxy) plugins), has the role's variables (models, replicas, consumers,
    tiers, ACL groups, policies). What they cannot express is listed in the file and in the warnings.
  - V(secrets.yml), created with mode C(0600) and ready for C(ansible-vault encrypt), holds every secret
    (credential keys, plugin secrets such as ai-proxy C(auth), certificate and private keys, vault
    credentials); the other files refer to
    them by variable. Kong vault references (C({vault://...})) are not secrets and stay as they are.
  - Kong keeps only a salted hash of basic-auth passwords, so they cannot be exported; each gets a random
    placeholder variable in V(secrets.yml) (a warning names them), and the playbook sets it only when it
    creates the credential (C(update_password=on_create)).
  - Only reads Kong, so a DB-less Kong can be exported too. Nothing is written when reading fails.
extends_documentation_fragment:
  - aigateway.kong.connection
  - aigateway.kong.attributes.action_group
options:
  dest:
    description:
      - The directory to write the export into, created when missing.
      - An existing directory that is not empty is refused unless O(force=true).
    type: path
    required: true
  force:
    description: Overwrite the export's files in an existing, non-empty O(dest).
    type: bool
    default: false
  entities:
    description:
      - Only these entity types (and the warnings name references to entities of other types). All when omitted.
      - Requesting a type Kong does not have fails; when omitted, such a type is skipped with a warning.
    type: list
    elements: str
    choices: [services, routes, consumers, upstreams, targets, plugins, certificates, key-auths, basic-auths,
      acls, jwts, hmac-auths, snis, ca_certificates, vaults, key-sets, keys]
  select_tags:
    description: Only the entities carrying all of these tags.
    type: list
    elements: str
  role_inventory:
    description: Also write the ai_gateway role's variables when Kong holds an AI gateway the role can describe.
    type: bool
    default: true
attributes:
  check_mode:
    description: Can run in C(check_mode) and return changed status prediction without modifying target.
    support: full
    details:
      - Reads Kong and reports whether files would be written, without writing them.
  diff_mode:
    description: Will return details on what has changed when in diff mode.
    support: none
notes:
  - Write the export on the controller (the usual local connection); it holds secrets in V(secrets.yml).
seealso:
  - module: aigateway.kong.kong_entities
  - module: aigateway.kong.kong_info
"""

EXAMPLES = r"""
- name: Export the whole Kong
  aigateway.kong.kong_export:
    admin_url: http://127.0.0.1:8001
    dest: ./kong-export

- name: Export only what team-a owns, replacing an earlier export
  aigateway.kong.kong_export:
    admin_url: http://127.0.0.1:8001
    dest: ./team-a
    select_tags: [team-a]
    force: true
"""

RETURN = r"""
files:
  description: The files written (or, in check mode, to be written).
  returned: success
  type: list
  elements: str
  sample: [./kong-export/ai_gateway.yml, ./kong-export/playbook.yml, ./kong-export/secrets.yml]
counts:
  description: How many entities of each type were exported.
  returned: success
  type: dict
  sample: {services: 3, routes: 3, plugins: 14}
gateway:
  description: Whether the role's variables were written (Kong holds an AI gateway the role can describe).
  returned: success
  type: bool
not_described:
  description: What the role's variables do not describe (also in the warnings and in the inventory file).
  returned: success
  type: list
  elements: str
notes:
  description: What the export could not carry as is (placeholders, references outside the export, skipped types).
  returned: success
  type: list
  elements: str
"""

from ansible_collections.aigateway.kong.plugins.module_utils.entity.runner import run_module
from ansible_collections.aigateway.kong.plugins.module_utils.export.task import EXPORT


def main() -> None:
    run_module(EXPORT)


if __name__ == "__main__":
    main()
