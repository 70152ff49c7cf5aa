# Copyright (c) aigateway.kong contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The ai_gateway role's vocabulary, shared by the role's model (controller side) and kong_export (module side).

PRIVATE: module_utils is not a public API of the collection and may change at any time.
"""

from __future__ import annotations

# Policy keys (role variables) and the Kong plugin each one configures.
POLICY_PLUGINS = {
    "prompt_guard": "ai-prompt-guard",
    "prompt_decorator": "ai-prompt-decorator",
    "request_size_limiting": "request-size-limiting",
    "cors": "cors",
    "correlation_id": "correlation-id",
    "prometheus": "prometheus",
    "http_log": "http-log",
    "file_log": "file-log",
}
# Where a hosted provider's service points (ai-proxy sets the real upstream; the host documents it).
PROVIDER_HOSTS = {
    "openai": "api.openai.com",
    "anthropic": "api.anthropic.com",
    "mistral": "api.mistral.ai",
    "cohere": "api.cohere.com",
    "gemini": "generativelanguage.googleapis.com",
    "huggingface": "api-inference.huggingface.co",
}
# The rate-limiting periods, shortest first.
PERIODS = ("second", "minute", "hour", "day", "month", "year")
