"""Run the simulator from the command line: python3 tests/kongsim/serve.py --listen 127.0.0.1:8001"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kongsim import KongSim
from kongsim.service_time import ServiceTime
from kongsim.versions import DEFAULT, SUPPORTED, UnsupportedVersion, check


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description="Kong Admin API simulator")
    p.add_argument("--listen", default="127.0.0.1:8001", help="HOST:PORT (port 0 picks a free port)")
    p.add_argument("--kong-version", default=DEFAULT, metavar="|".join(SUPPORTED),
                   help="the Kong release to answer as: its schemas, its answers where releases differ")
    p.add_argument("--database", choices=("postgres", "off"), default="postgres")
    p.add_argument("--tls-cert")
    p.add_argument("--tls-key")
    p.add_argument("--client-ca")
    p.add_argument("--admin-token")
    p.add_argument("--plugin-schema", action="append", default=[], metavar="[NAME=]FILE",
                   help="install a plugin from the JSON GET /schemas/plugins/{name} answers (repeatable; "
                        "NAME defaults to the file name without plugin- and .json)")
    p.add_argument("--vault-schema", action="append", default=[], metavar="[NAME=]FILE",
                   help="install a vault from the JSON GET /schemas/vaults/{name} answers (repeatable)")
    p.add_argument("--service-time", metavar="SPEC",
                   help="answer like a real Kong: one request at a time, each padded to a calibrated duration; "
                        "'kong' (Kong 3.9.1 with PostgreSQL on 2 cores) or read=MS,entity=MS,plugin_entity=MS,write=MS")
    args = p.parse_args(argv)
    try:
        check(args.kong_version)
    except UnsupportedVersion as err:
        print(f"serve.py: {err}", file=sys.stderr)
        sys.exit(2)
    if bool(args.tls_cert) != bool(args.tls_key):
        p.error("--tls-cert and --tls-key go together")
    if args.client_ca and not args.tls_cert:
        p.error("--client-ca needs --tls-cert and --tls-key")
    if args.service_time:
        try:
            args.service_time = ServiceTime.parse(args.service_time)
        except ValueError as err:
            p.error(str(err))
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    host, _sep, port = args.listen.rpartition(":")
    host = host.strip("[]")  # [::1]:8001
    sim = KongSim(host=host or "127.0.0.1", port=int(port), kong_version=args.kong_version,
                  database=args.database, tls_cert=args.tls_cert, tls_key=args.tls_key,
                  client_ca=args.client_ca, admin_token=args.admin_token,
                  plugin_schemas=args.plugin_schema, vault_schemas=args.vault_schema,
                  service_time=args.service_time)
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    sim.start()
    print(f"kongsim listening on {sim.url}", flush=True)
    try:
        while not stop.wait(0.5):
            pass
    finally:
        sim.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
