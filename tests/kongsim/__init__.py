"""An in-memory simulator of the Kong Gateway 3.9 Admin API (open source; PostgreSQL or DB-less mode).

    from kongsim import KongSim
    with KongSim() as sim:          # port 0: a free loopback port
        requests.get(sim.url + "/services")

Layout: sim.py (the Python API) → server.py (HTTP/TLS, admin token, log, faults) → app.py (routing and
dispatch, transport-free) → endpoints_*.py (what each path does) → rules/daos.py (per-entity DAO rules) →
dao.py (keys, references, uniqueness, cascades) → store.py (tables ordered by id). rules/ holds what Kong
accepts and refuses (its `__init__` says where a new rule goes): rules/schemas.py validates and completes
entities with Kong's own schemas from data/schemas.
"""

from .sim import KongSim

__all__ = ["KongSim"]
