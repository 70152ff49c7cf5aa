"""An in-memory simulator of the Kong Gateway Admin API as Kong 3.4.2, 3.8.0 or 3.9.1 answers it (open source;
PostgreSQL or DB-less mode).

    from kongsim import KongSim
    with KongSim(kong_version="3.8.0") as sim:     # port 0: a free loopback port; 3.9.1 by default
        requests.get(sim.url + "/services")

Layout: sim.py (the Python API) → server.py (HTTP/TLS, admin token, log, faults) → app.py (routing and
dispatch, transport-free) → endpoints_*.py (what each path does) → rules/daos.py (per-entity DAO rules) →
dao.py (keys, references, uniqueness, cascades) → store.py (tables ordered by id). rules/ holds what Kong
accepts and refuses (its `__init__` says where a new rule goes): rules/schemas.py validates and completes
entities with Kong's own schemas from data/schemas (one folder per release; versions.py says which, and gates
what releases decide differently in Lua).
"""

from .sim import KongSim

__all__ = ["KongSim"]
