"""Kong's rules: everything the simulator knows about what Kong accepts, completes and refuses.

Where a new Kong rule goes:

* a field's value check (Kong's `custom_validator`, typedefs): a function in `typedefs.py` (hosts, URLs,
  paths, names), `pem.py` (certificates, keys) or `plugins.py` (one plugin's fields), registered in
  `registry.py` by schema path or by the field's description;
* an entity-level check (`custom_entity_check`), shorthand or transformation that Kong writes in Lua:
  the function beside the field checks above, registered in `registry.py`;
* a rule of a custom DAO (kong/db/dao/<entity>.lua: references checked across tables, certificate SNIs,
  plugin protocols, DB-less refusals): `daos.py`, which every endpoint calls for reads and writes;
* route subschemas per protocol: `routes.py`;
* generic schema semantics (kong/db/schema/init.lua: field types, defaults, entity checkers, error
  tables and messages, the annotations validation leaves on the served schemas): `engine/`, which names
  no entity;
* a rule that changed between Kong releases: beside the rule, gated by a predicate of `../versions.py`
  (the release of the node answering is `versions.active()`).

`schemas.Schemas` is the entry point of the schema engine; it loads Kong's JSON schemas from `../data`.
"""
