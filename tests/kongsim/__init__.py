"""An in-memory simulator of the Kong Gateway 3.9 Admin API (open source; PostgreSQL or DB-less mode).

    from kongsim import KongSim
    with KongSim() as sim:          # port 0: a free loopback port
        requests.get(sim.url + "/services")

Layout: sim.py (the Python API) → server.py (HTTP/TLS, admin token, log, faults) → app.py (routing and
dispatch, transport-free) → endpoints_*.py (what each path does) → rules.py (per-entity DAO rules) →
dao.py (keys, references, uniqueness, cascades) → store.py (tables ordered by id). The schema engine
(schema*.py, validators.py) validates and completes entities; data/schemas holds Kong's own schemas.
"""

from .sim import KongSim

__all__ = ["KongSim"]
