#!/usr/bin/python
# Copyright (c) aigateway.kong contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: kong_export
short_description: Export a Kong Gateway's entities, or a decK state file, as an Ansible playbook and the ai_gateway
  role's variables
version_added: 0.2.0
author:
  - aigateway.kong contributors (!UNKNOWN)
description:
  - Reads every entity type the collection manages (services, routes, consumers, their credentials, upstreams,
    targets, plugins, certificates and their SNIs, CA certificates, vaults, key sets and keys), optionally
    only the entities carrying all of O(select_tags), and writes
    into the directory O(dest) on the host that runs the module.
  - The entities come from the Kong at O(admin_url), or, with O(src), from a decK state file without any Kong.
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
  - From a decK state file (O(src)), the playbook makes the entities C(deck sync) of the file makes. decK's nested
    forms (routes and plugins under services, plugins under routes, C(keyauth_credentials),
    C(basicauth_credentials), C(acls), C(jwt_secrets), C(hmacauth_credentials) and plugins under consumers, targets
    under upstreams, SNIs under certificates, keys under key sets) and flat forms are read alike, and so are
    C(_info.select_tags) (added to every entity's tags), C(_info.defaults), C(_plugin_configs), C(_workspace) and a
    service C(url). The file's basic-auth passwords are real ones and go to V(secrets.yml) like any secret.
  - "decK's C(${{ env \"DECK_FOO\" }}) values become lookups of the same environment variable, read when the
    playbook runs (an unset variable fails the task, as it fails C(deck sync)); Kong vault references stay."
  - Format 1.1 (C(_format_version) V(1.1), or none) was written for Kong 2.x, which read a path holding regex
    characters as a regex; such a path is exported with the C(~) prefix Kong 3.x needs, as
    C(deck convert --from kong-gateway-2.x --to kong-gateway-3.x) adds it, and the notes say so.
  - What decK accepts and the collection cannot express (consumer groups, oauth2 and mtls-auth credentials,
    filter chains, partials, fields the modules do not manage) is listed in RV(notes), in the warnings and at the
    top of the playbook, never dropped silently.
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
  src:
    description:
      - A decK state file (YAML or JSON, C(_format_version) V(1.1) or V(3.0)) on the host that runs the module, to
        export instead of a Kong. No Admin API is contacted and the connection options are not used.
      - Bad input fails in one line naming the file and the offending key (an unknown format version, something
        that is not a mapping, a reference to a name the file does not define). A reference by id to an entity
        the file does not define, or by name to one decK would look up (C(_info.default_lookup_tags)), is kept
        and named in the notes; it must exist where the export is converged.
    type: path
  force:
    description: Overwrite the export's files in an existing, non-empty O(dest).
    type: bool
    default: false
  entities:
    description:
      - Only these entity types (and the warnings name references to entities of other types). All when omitted.
      - Requesting a type Kong does not have fails; when omitted, such a type is skipped with a warning (a decK
        file has every type).
    type: list
    elements: str
    choices: [services, routes, consumers, upstreams, targets, plugins, certificates, key-auths, basic-auths,
      acls, jwts, hmac-auths, snis, ca_certificates, vaults, key-sets, keys]
  select_tags:
    description: Only the entities carrying all of these tags (for a decK file, with its C(_info.select_tags) added).
    type: list
    elements: str
  role_inventory:
    description:
      - Also write the ai_gateway role's variables when the entities hold an AI gateway the role can describe.
      - Where they hold a placeholder password (Kong's hash cannot be read back), its C(basic_auth) mapping has
        C(update_password=on_create), so the role sets it only when it creates the credential.
    type: bool
    default: true
attributes:
  check_mode:
    description: Can run in C(check_mode) and return changed status prediction without modifying target.
    support: full
    details:
      - Reads Kong (or the decK file) and reports whether files would be written, without writing them.
  diff_mode:
    description: Will return details on what has changed when in diff mode.
    support: none
notes:
  - Write the export on the controller (the usual local connection); it holds secrets in V(secrets.yml).
seealso:
  - module: aigateway.kong.kong_entities
  - module: aigateway.kong.kong_info
  - name: decK file format
    description: The declarative configuration decK reads and writes.
    link: https://developer.konghq.com/deck/
"""

EXAMPLES = r"""
# force: true rewrites the export's files when the task runs again (a non-empty dest is refused without it).
- name: Export the whole Kong
  aigateway.kong.kong_export:
    admin_url: "{{ kong_admin_url }}"
    dest: ./kong-export
    force: true

- name: Export only what team-a owns
  aigateway.kong.kong_export:
    admin_url: "{{ kong_admin_url }}"
    dest: ./team-a
    select_tags: [team-a]
    force: true

- name: Preview what a decK state file kept in git would export (writes nothing)
  aigateway.kong.kong_export:
    src: ./deck/kong.yaml
    dest: ./deck-export
    force: true
  check_mode: true

- name: Export the decK state file, without any Kong
  aigateway.kong.kong_export:
    src: ./deck/kong.yaml
    dest: ./deck-export
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
  description:
    - What the export could not carry as is (placeholders, references outside the export, skipped types).
    - For a decK file also what the collection cannot express, regex paths of format 1.1 given the C(~) prefix, and
      routes without C(strip_path) (decK up to 1.26.0 created them with V(false), Kong's default is V(true)).
  returned: success
  type: list
  elements: str
  sample: ["consumer_groups: consumer groups cannot be expressed by the collection; not exported"]
"""

from ansible_collections.aigateway.kong.plugins.module_utils.entity.runner import run_module
from ansible_collections.aigateway.kong.plugins.module_utils.export.task import EXPORT


def main() -> None:
    run_module(EXPORT)


if __name__ == "__main__":
    main()
