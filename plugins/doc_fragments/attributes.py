# Copyright (c) aigateway.kong contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    """Attributes shared by the modules."""

    DOCUMENTATION = r"""
options: {}
attributes:
  check_mode:
    description: Can run in C(check_mode) and return changed status prediction without modifying target.
    support: full
    details:
      - Check mode runs the same lookups and comparisons as a real run and skips only the write; the returned
        entity and diff are the predicted ones.
      - Each entity that would be created or changed is sent to Kong's validate endpoint
        (C(POST /schemas/{entity}/validate), C(POST /schemas/plugins/validate)), which stores nothing; when Kong
        would refuse it, check mode fails with the error the real run would give.
  diff_mode:
    description:
      Will return details on what has changed (or possibly needs changing in C(check_mode)), when in diff mode.
    support: full
    details:
      - Only the changed fields are shown; secrets are masked.
  idempotent:
    description:
      - When run twice in a row with the same arguments, the second run reports no change
        (unless something else changed Kong meanwhile).
    support: full
    details:
      - Only the options given are compared, records as subsets and sets ignoring order; C(basic-auth) passwords are
        compared through Kong's hash.
"""

    ACTION_GROUP = r"""
options: {}
attributes:
  action_group:
    description: Use C(group/aigateway.kong.kong) in C(module_defaults) to set defaults for this module.
    support: full
    membership:
      - aigateway.kong.kong
"""

    INFO_MODULE = r"""
options: {}
attributes:
  check_mode:
    description: Can run in C(check_mode) and return changed status prediction without modifying target.
    support: full
    details:
      - This module only reads and never changes anything.
  diff_mode:
    description:
      Will return details on what has changed (or possibly needs changing in C(check_mode)), when in diff mode.
    support: N/A
    details:
      - This module never changes anything.
"""
