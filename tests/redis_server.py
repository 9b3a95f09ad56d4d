"""A real redis-server for the tests, started on a free port for the session.

Debian's `redis-server` package; the tests fail (not skip) without it, as CI installs it.
"""

import shutil
import socket
import subprocess
import time

import pytest

INSTALL = "redis-server is missing: apt-get install redis-server (CI installs it, .ci/run)"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory):
    binary = shutil.which("redis-server", path="/usr/bin:/usr/local/bin")
    if binary is None:
        pytest.fail(INSTALL)
    port = _free_port()
    folder = tmp_path_factory.mktemp("redis")
    server = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", str(folder)],
        stdout=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
                break
            except OSError:
                time.sleep(0.05)
        else:
            pytest.fail(f"redis-server did not start on port {port}")
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.terminate()
        server.wait(timeout=10)
