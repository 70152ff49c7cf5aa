#!/usr/bin/python
# Copyright (c) aigateway.kong contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: kong_consumer_credential
short_description: Manage credentials of Kong Gateway consumers (key-auth, basic-auth, ACL groups, JWT, HMAC)
version_added: 0.1.0
author:
  - aigateway maintainers (@aigateway)
description:
  - Add, update or remove one credential of a consumer.
  - The credential is identified by O(consumer), O(type) and its natural key
    (C(key-auth) and C(jwt) by O(key), C(basic-auth) and C(hmac-auth) by O(username), C(acl) by O(group)),
    or by O(id).
  - Secrets (the C(key-auth) O(key), O(password), O(secret)) are never shown in results or diffs.
  - C(basic-auth) passwords are stored hashed by Kong; they are compared by hashing O(password) the way Kong
    does, so O(update_password=always) stays idempotent.
extends_documentation_fragment:
  - aigateway.kong.connection
  - aigateway.kong.entity
  - aigateway.kong.attributes
  - aigateway.kong.attributes.action_group
options:
  consumer:
    description: Consumer (username or id) the credential belongs to.
    type: str
    required: true
  type:
    description: Kind of credential.
    type: str
    required: true
    choices: [key-auth, basic-auth, acl, jwt, hmac-auth]
  key:
    description:
      - The API key (O(type=key-auth)) or the JWT C(iss) key (O(type=jwt)). Identifies the credential.
      - An API key is a secret, masked in all output. A JWT C(iss) key is not a secret (tokens carry it in clear)
        and is shown, unless the same value is also given as a secret of the task.
    type: str
  ttl:
    description:
      - Seconds before a C(key-auth) key expires, V(0) to V(100000000). Only used when the key is created
        (Kong reports the remaining time, so it is not compared).
    type: int
  username:
    description: User name of a C(basic-auth) or C(hmac-auth) credential. Identifies the credential.
    type: str
  password:
    description: Password of a C(basic-auth) credential. Required to create one.
    type: str
  update_password:
    description:
      - V(always) sets O(password) when it differs from the stored one (compared through Kong's hash).
      - V(on_create) only sets it when the credential is created.
      - Only for O(type=basic-auth).
    type: str
    choices: [always, on_create]
    default: always
  group:
    description: ACL group name (O(type=acl)). Identifies the credential.
    type: str
  secret:
    description: Secret of a C(jwt) (HMAC algorithms) or C(hmac-auth) credential; Kong generates one when omitted.
    type: str
  algorithm:
    description: JWT signing algorithm. Kong's default is V(HS256).
    type: str
    choices: [HS256, HS384, HS512, RS256, RS384, RS512, ES256, ES384, ES512, PS256, PS384, PS512, EdDSA]
  rsa_public_key:
    description: PEM public key for the RS*, ES*, PS* and EdDSA JWT algorithms.
    type: str
seealso:
  - module: aigateway.kong.kong_consumer
  - module: aigateway.kong.kong_plugin
"""

EXAMPLES = r"""
# vault_team_search_api_key and vault_team_search_password are kept in Ansible Vault,
# for example in group_vars/all/vault.yml encrypted with ansible-vault.
- name: The team's consumer
  aigateway.kong.kong_consumer:
    admin_url: "{{ kong_admin_url }}"
    username: team-search

- name: An API key for the team
  aigateway.kong.kong_consumer_credential:
    admin_url: "{{ kong_admin_url }}"
    consumer: team-search
    type: key-auth
    key: "{{ vault_team_search_api_key }}"

- name: Put the team in an ACL group allowed to use GPT models
  aigateway.kong.kong_consumer_credential:
    admin_url: "{{ kong_admin_url }}"
    consumer: team-search
    type: acl
    group: gpt-users

- name: Basic-auth credential whose password is only set once
  aigateway.kong.kong_consumer_credential:
    admin_url: "{{ kong_admin_url }}"
    consumer: team-search
    type: basic-auth
    username: team-search
    password: "{{ vault_team_search_password }}"
    update_password: on_create

- name: Take the team out of a group
  aigateway.kong.kong_consumer_credential:
    admin_url: "{{ kong_admin_url }}"
    consumer: team-search
    type: acl
    group: legacy-models
    state: absent
"""

RETURN = r"""
credential:
  description: The credential as Kong holds it (secrets masked), predicted in check mode, or V({}) once deleted.
  returned: always
  type: dict
  sample:
    id: 3b4c5d6e-7f8a-4b9c-8d0e-1f2a3b4c5d6e
    consumer: {id: 0b5a6f2e-3c7d-4e8f-9a1b-2c3d4e5f6a7b}
    key: VALUE_SPECIFIED_IN_NO_LOG_PARAMETER
    ttl: null
    tags: null
msg:
  description: What happened, in one line.
  returned: always
  type: str
  sample: acl 'gpt-users' created
"""

from ansible_collections.aigateway.kong.plugins.module_utils.entity.runner import CREDENTIAL_TASK, run_module


def main() -> None:
    run_module(CREDENTIAL_TASK)


if __name__ == "__main__":
    main()
