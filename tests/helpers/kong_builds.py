"""How strictly a replay compares answers: exactly (the simulator), or tolerating what differs between two
builds, or two starts, of the same Kong release (a real Kong other than the one the transcripts came from).

* OpenSSL error details. Kong quotes OpenSSL's error inside its messages (`invalid certificate: x509.new:
  error:688010A:asn1 encoding routines:asn1_item_embed_d2i:nested asn1 error:crypto/asn1/tasn_dec.c:375:`).
  Code, function, reason, source file and line belong to the OpenSSL the node was built with (Kong's own
  builds: OpenSSL 3.2; the runtimes of ../shared/kong-runtime: Debian's 3.0), and lua-resty-openssl before
  1.0 (Kong 3.4) writes them in another order (`crypto/asn1/tasn_dec.c:375:error:0688010A:asn1 encoding
  routines::nested asn1 error`). Tolerant: the message is compared up to the OpenSSL error text and after
  it, the detail itself matches any detail.
* `GET /plugins/enabled`. Kong lists `enabled_plugins` by walking a Lua table: the order is the table's hash
  order, which changes with the build and from one node start to the next. Tolerant: compared as a set.
* Field lists in messages (`at least one of these fields must be non-empty: 'jwk', 'pem'`). Some entity
  checks are built from a Lua table (keys: `jwk`, `pem`), so their order changes from one node start to the
  next. Tolerant: each quoted list is compared as a set.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# error:<code>:<library>:<function>:<reason>:<file>:<line>:   (lua-resty-openssl 1.x, Kong 3.5 on)
_DETAIL_NEW = r"error:[0-9A-Fa-f]+:[^:]*:[^:]*:[^:]*:[^:\s]+:\d+:"
# <file>:<line>:error:<code>:<library>:<function>:<reason>    (lua-resty-openssl 0.8, Kong 3.4)
_DETAIL_OLD = r"[\w./-]+\.c:\d+:error:[0-9A-Fa-f]+:[^:]*:[^:]*:[^;)\"]*"
OPENSSL_DETAIL = re.compile(f"(?:{_DETAIL_NEW}|{_DETAIL_OLD})")
OPENSSL_MARK = "<openssl-error>"
QUOTED_LIST = re.compile(r"'[^',]*'(?:, '[^',]*')+")


@dataclass(frozen=True)
class Matching:
    """What a replay compares exactly. The default is exact everywhere (the simulator is held to that)."""

    openssl_detail: bool = True          # False: any OpenSSL error detail matches any other
    enabled_plugins_order: bool = True   # False: `enabled_plugins` compared as a set
    field_list_order: bool = True        # False: quoted field lists in messages compared as sets

    def text(self, value: str) -> str:
        """`value` as this matching compares it (the same applies to expected and actual text)."""
        if not self.openssl_detail:
            value = OPENSSL_DETAIL.sub(OPENSSL_MARK, value)
        if not self.field_list_order:
            value = QUOTED_LIST.sub(lambda m: ", ".join(sorted(m.group(0).split(", "))), value)
        return value

    @property
    def exact_text(self) -> bool:
        return self.openssl_detail and self.field_list_order


EXACT = Matching()
# a real Kong of the same release built otherwise, or started anew (hash orders differ from the recording's)
OTHER_BUILD = Matching(openssl_detail=False, enabled_plugins_order=False, field_list_order=False)
