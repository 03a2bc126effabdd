"""A private Dovecot for the IMAP tests: started as a subprocess with its own
configuration in a temporary folder, never the system's service.

`dovecot -F -c DIR/dovecot.conf` listens on 127.0.0.1 on free ports: plain
IMAP (with STARTTLS when TLS is on) and IMAPS with a self-signed certificate
made for the test (openssl), its users in a passwd-file of the folder, their
mail in Maildirs of the folder. As a normal user every process runs as that
user; as root (CI containers), Dovecot refuses to run its login processes as
root, so they run as the package's `dovenull` and `dovecot` users, which own
the mail.

Each test takes a new user (`ImapServer.new_user`): each has a passwd-file of
its own, read when it first logs in, so users are added while the server runs, and every
test has an empty mailbox of its own.

Without Dovecot the tests skip, unless GUARANTEE_TUI_REQUIRE_IMAP=1 (CI),
where they fail.
"""

from __future__ import annotations

import imaplib
import itertools
import os
import pwd
import shutil
import socket
import ssl
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

import pytest

REQUIRE_IMAP: Final = os.environ.get("GUARANTEE_TUI_REQUIRE_IMAP") == "1"
PASSWORD: Final = "s3cret pass"
# How long the server may take to open its ports (a slow CI machine).
START_TIMEOUT: Final = 30.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _binaries() -> tuple[str, str] | None:
    dovecot = shutil.which("dovecot") or shutil.which("dovecot", path="/usr/sbin:/sbin")
    openssl = shutil.which("openssl")
    return (dovecot, openssl) if dovecot and openssl else None


def unavailable(reason: str) -> None:
    if REQUIRE_IMAP:
        pytest.fail(f"Dovecot is required (GUARANTEE_TUI_REQUIRE_IMAP=1) but {reason}")
    pytest.skip(reason)


@dataclass
class ImapServer:
    root: Path
    port: int  # plain IMAP (STARTTLS offered when tls)
    ssl_port: int | None
    ca_file: Path | None
    process: subprocess.Popen[bytes]
    uid: int
    gid: int
    host: str = "127.0.0.1"
    _users: Iterator[int] = field(default_factory=itertools.count)

    @property
    def conf(self) -> Path:
        return self.root / "dovecot.conf"

    def new_user(self) -> str:
        """A user with an empty mailbox, password PASSWORD."""
        name = f"claims{next(self._users)}"
        home = self.root / "mail" / name
        home.mkdir(parents=True)
        os.chown(home, self.uid, self.gid)
        # A file per user: Dovecot reads a new file at once, where it might miss a
        # change to a file it read within the same second.
        (self.root / "users" / f"{name}.passwd").write_text(
            f"{name}:{{PLAIN}}{PASSWORD}:{self.uid}:{self.gid}::{home}::\n", encoding="utf-8"
        )
        return name

    def client(self, user: str) -> imaplib.IMAP4:
        """A connection of the test's own (plain, on loopback), logged in."""
        conn = imaplib.IMAP4(self.host, self.port, timeout=10)
        if self.ca_file is not None:
            conn.starttls(ssl_context=ssl.create_default_context(cafile=str(self.ca_file)))
        conn.login(user, PASSWORD)
        return conn

    def append(self, user: str, *messages: bytes, folder: str = "INBOX") -> None:
        conn = self.client(user)
        try:
            for data in messages:
                typ, answer = conn.append(folder, "", None, data)
                assert typ == "OK", answer
        finally:
            conn.logout()

    def create_folder(self, user: str, folder: str) -> None:
        conn = self.client(user)
        try:
            typ, answer = conn.create(folder)
            assert typ == "OK", answer
        finally:
            conn.logout()

    def flags(self, user: str, folder: str = "INBOX") -> list[set[str]]:
        """Each message's flags, in order (read without changing them)."""
        conn = self.client(user)
        try:
            conn.select(folder, readonly=True)
            typ, data = conn.fetch("1:*", "(FLAGS)")
            assert typ == "OK", data
            found = []
            for item in data:
                if not isinstance(item, bytes):
                    continue
                inner = item.decode().split("FLAGS (", 1)[1].split(")", 1)[0]
                found.append(set(inner.split()))
            return found
        finally:
            conn.logout()

    def kick(self, user: str) -> None:
        """Drops every connection of `user`, as a server restart or a network cut would."""
        subprocess.run(
            ["doveadm", "-c", str(self.conf), "kick", user],
            check=True,
            capture_output=True,
            timeout=30,
        )

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def _users() -> tuple[str, str, int, int]:
    """(internal user, login user, mail uid, mail gid) for this process."""
    if os.geteuid() != 0:
        me = pwd.getpwuid(os.geteuid())
        return me.pw_name, me.pw_name, me.pw_uid, me.pw_gid
    try:
        internal, login = pwd.getpwnam("dovecot"), pwd.getpwnam("dovenull")
    except KeyError:
        unavailable("running as root needs the dovecot and dovenull users of the package")
        raise
    return internal.pw_name, login.pw_name, internal.pw_uid, internal.pw_gid


def _certificate(openssl: str, root: Path) -> tuple[Path, Path]:
    cert, key = root / "cert.pem", root / "key.pem"
    subprocess.run(
        [
            openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
            "-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1",
            "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )  # fmt: skip
    return cert, key


def _config(root: Path, port: int, ssl_port: int | None, tls: tuple[Path, Path] | None) -> str:
    internal, login, uid, _gid = _users()
    lines = [
        f"base_dir = {root}/run",
        f"state_dir = {root}/state",
        f"instance_name = guarantee-tui-test-{port}",
        "listen = 127.0.0.1",
        "protocols = imap",
        f"default_internal_user = {internal}",
        f"default_internal_group = {pwd.getpwnam(internal).pw_name}",
        f"default_login_user = {login}",
        f"first_valid_uid = {min(uid, 500)}",
        "first_valid_gid = 0",
        "mail_location = maildir:~/Maildir",
        f"log_path = {root}/dovecot.log",
        "auth_failure_delay = 0",
        "auth_mechanisms = plain login",
        "passdb {",
        "  driver = passwd-file",
        f"  args = scheme=PLAIN {root}/users/%u.passwd",
        "}",
        "userdb {",
        "  driver = passwd-file",
        f"  args = {root}/users/%u.passwd",
        "}",
        "service imap-login {",
        "  chroot =",
        f"  inet_listener imap {{\n    port = {port}\n  }}",
    ]
    if ssl_port is not None:
        lines.append(f"  inet_listener imaps {{\n    port = {ssl_port}\n    ssl = yes\n  }}")
    lines += ["}", "service anvil {", "  chroot =", "}"]
    if os.geteuid() != 0:
        lines += ["service auth-worker {", f"  user = {internal}", "}"]
    if tls is None:
        lines += ["ssl = no", "disable_plaintext_auth = no"]
    else:
        cert, key = tls
        lines += ["ssl = yes", f"ssl_cert = <{cert}", f"ssl_key = <{key}"]
        lines.append("disable_plaintext_auth = no")
    return "\n".join(lines) + "\n"


def _wait_for(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            text = log.read_text(errors="replace") if log.exists() else ""
            pytest.fail(f"dovecot stopped at start ({process.returncode}): {text[-2000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
                if s.recv(4).startswith(b"* OK"):
                    return
        except OSError:
            time.sleep(0.05)  # the server is still starting: readiness, not test timing
    process.kill()
    pytest.fail("dovecot did not open its port in time")


def start(*, tls: bool) -> Iterator[ImapServer]:
    found = _binaries()
    if found is None:
        unavailable("dovecot or openssl is not installed (apt-get install dovecot-imapd)")
        return
    dovecot, openssl = found
    _internal, _login, uid, gid = _users()
    root = Path(tempfile.mkdtemp(prefix="guarantee-tui-dovecot-"))
    # Dovecot's own users must reach the mail and the passwd-file.
    root.chmod(0o755)
    try:
        for sub in ("run", "state", "mail", "users"):
            (root / sub).mkdir()
        os.chown(root / "mail", uid, gid)
        certificate = _certificate(openssl, root) if tls else None
        port = _free_port()
        ssl_port = _free_port() if tls else None
        conf = root / "dovecot.conf"
        conf.write_text(_config(root, port, ssl_port, certificate), encoding="utf-8")
        process = subprocess.Popen(
            [dovecot, "-F", "-c", str(conf)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        server = ImapServer(
            root, port, ssl_port, certificate[0] if certificate else None, process, uid, gid
        )
        try:
            # Both listeners open together: the plain one answers without TLS.
            _wait_for(port, process, root / "dovecot.log")
            yield server
        finally:
            server.stop()
    finally:
        shutil.rmtree(root, ignore_errors=True)
