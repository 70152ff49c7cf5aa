# Copyright (c) aigateway.kong contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""kong_export: a string the export means Ansible to template (an environment lookup, the connection options).

Every other string is written so that Ansible reads it back exactly as written (``writer``).
Internal: may change without notice.
"""

from __future__ import annotations


class Template(str):
    """A string written without ``!unsafe``: Ansible templates it when the playbook runs."""
