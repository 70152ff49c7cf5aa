"""Shared helpers for the simulator's own tests: a serve.py subprocess and throwaway certificates."""

from __future__ import annotations

import datetime
import ipaddress
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

REPO = Path(__file__).resolve().parents[2]
SERVE = REPO / "tests" / "kongsim" / "serve.py"
LISTEN_LINE = re.compile(r"^kongsim listening on (https?://127\.0\.0\.1:(\d+))$")


@dataclass
class ServeProcess:
    """A `serve.py` child process; `line` is the one line it printed when listening."""

    proc: subprocess.Popen[str]
    line: str
    url: str
    port: int

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 10.0) -> int:
        """Send `sig`, wait for the exit and return the exit code (kills it after `timeout`)."""
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                raise AssertionError(f"serve.py did not exit within {timeout}s of signal {sig}") from None
        return self.proc.returncode

    def remaining_stdout(self) -> str:
        """Whatever serve.py printed after the listening line (call after stop())."""
        assert self.proc.stdout is not None
        return self.proc.stdout.read()


def start_serve(*args: str, timeout: float = 20.0) -> ServeProcess:
    """Start `serve.py --listen 127.0.0.1:0 ARGS` and wait for its listening line."""
    cmd = [sys.executable, str(SERVE), "--listen", "127.0.0.1:0", *args]
    # stderr goes to a file, not a pipe: a chatty server must never block on a full pipe.
    with tempfile.TemporaryFile(mode="w+") as errors:
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=errors, text=True, cwd=REPO, env=dict(os.environ))
        assert proc.stdout is not None
        holder: list[str] = []
        stdout = proc.stdout

        def read_first_line() -> None:
            holder.append(stdout.readline())

        reader = threading.Thread(target=read_first_line, daemon=True)
        reader.start()
        reader.join(timeout)
        line = holder[0].rstrip("\n") if holder else ""
        match = LISTEN_LINE.match(line)
        if match is None:
            proc.kill()
            proc.wait()
            errors.seek(0)
            raise AssertionError(
                f"serve.py's first line was {line!r}, not the listening line; stderr:\n{errors.read()}"
            )
    return ServeProcess(proc=proc, line=line, url=match.group(1), port=int(match.group(2)))


@dataclass(frozen=True)
class Pki:
    """Paths of a throwaway CA, a server certificate for 127.0.0.1 and two client certificates."""

    ca_cert: Path
    server_cert: Path
    server_key: Path
    client_cert: Path
    client_key: Path
    rogue_client_cert: Path  # signed by a CA the server does not trust
    rogue_client_key: Path


def _key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _ca(common_name: str) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    key = _key()
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(common_name))
        .issuer_name(_name(common_name))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(True, False, False, False, False, True, True, False, False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return cert, key


def _leaf(
    common_name: str, ca: tuple[x509.Certificate, ec.EllipticCurvePrivateKey], server: bool
) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    ca_cert, ca_key = ca
    key = _key()
    now = datetime.datetime.now(datetime.UTC)
    usage = ExtendedKeyUsageOID.SERVER_AUTH if server else ExtendedKeyUsageOID.CLIENT_AUTH
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(common_name))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
    )
    if server:
        san = [x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]
        builder = builder.add_extension(x509.SubjectAlternativeName(san), critical=False)
    return builder.sign(ca_key, hashes.SHA256()), key


def _write(directory: Path, stem: str, pair: tuple[x509.Certificate, ec.EllipticCurvePrivateKey]) -> tuple[Path, Path]:
    cert, key = pair
    cert_path, key_path = directory / f"{stem}.crt", directory / f"{stem}.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_path, key_path


def make_pki(directory: Path) -> Pki:
    """Write a CA, a server certificate for 127.0.0.1/localhost and client certificates into `directory`."""
    ca = _ca("kongsim test CA")
    rogue_ca = _ca("untrusted test CA")
    ca_cert = _write(directory, "ca", ca)[0]
    server_cert, server_key = _write(directory, "server", _leaf("127.0.0.1", ca, server=True))
    client_cert, client_key = _write(directory, "client", _leaf("ansible-client", ca, server=False))
    rogue_cert, rogue_key = _write(directory, "rogue", _leaf("rogue-client", rogue_ca, server=False))
    return Pki(ca_cert, server_cert, server_key, client_cert, client_key, rogue_cert, rogue_key)
