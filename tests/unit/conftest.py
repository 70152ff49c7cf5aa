# Copyright (c) aigateway.kong contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The unit tests import the collection as ``ansible_collections.aigateway.kong`` (see the root conftest)."""
