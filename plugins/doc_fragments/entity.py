# Copyright (c) aigateway.kong contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    """Options common to the entity modules."""

    DOCUMENTATION = r"""
options:
  state:
    description:
      - V(present) creates the entity or updates the fields given; fields not given are left as Kong holds them.
      - V(absent) deletes the entity if it exists.
    type: str
    choices: [present, absent]
    default: present
  id:
    description:
      - Kong's id (UUID) of the entity. Identifies the entity instead of its name; when creating, Kong uses
        this id.
    type: str
  tags:
    description:
      - Tags of the entity, compared as a set (order and duplicates do not matter).
      - When omitted, the tags Kong holds are left alone; V([]) removes all of them.
    type: list
    elements: str
"""
