"""The scale-out set-up on one machine, for tests and benchmarks: PostgreSQL, Redis and nginx as
child processes on free loopback ports, N Rasa replicas and M action servers behind nginx.

Nothing here touches system services: each server runs from its own folder and stops with `stop()`.
`make services` (scripts/services.sh) installs the Debian packages.
"""
from __future__ import annotations

import glob
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bot.nginx_config import render_nginx_conf
from bot.paths import PROJECT_ROOT
from bot.serve import BotNotReadyError, checked_environment, free_port, rasa_server_command, wait_for, write_endpoints

SERVICE_TIMEOUT_S = 30
REPLICA_TIMEOUT_S = 600  # two replicas load TensorFlow at once; on a busy 2-core machine that takes minutes
INSTALL_HINT = "run `make services` (scripts/services.sh installs postgresql, redis-server and nginx-light)"


@dataclass
class Service:
    name: str
    process: subprocess.Popen
    log: Path

    def alive(self) -> bool:
        return self.process.poll() is None

    def kill(self, sig: int = signal.SIGKILL) -> None:
        if self.alive():
            os.killpg(self.process.pid, sig)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


@dataclass
class Cluster:
    root: Path
    env: dict[str, str]
    url: str = ""
    actions_url: str = ""
    services: list[Service] = field(default_factory=list)
    replicas: list[Service] = field(default_factory=list)
    action_servers: list[Service] = field(default_factory=list)
    scratch: list[Path] = field(default_factory=list)

    def stop(self) -> None:
        for service in reversed(self.services):
            service.kill(signal.SIGTERM)
        for folder in self.scratch:
            for log in folder.glob("*.log"):  # keep nginx's and PostgreSQL's own logs for a post-mortem
                shutil.copy(log, self.root / f"{folder.name}-{log.name}")
            shutil.rmtree(folder, ignore_errors=True)


def find_binary(name: str) -> str:
    """A server binary from PATH, /usr/sbin or Debian's PostgreSQL folder; fails saying how to install it."""
    candidates = [shutil.which(name), f"/usr/sbin/{name}",
                  *sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)]
    for candidate in candidates:
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    raise BotNotReadyError(f"{name} is not installed; {INSTALL_HINT}.")


def spawn(cluster: Cluster, name: str, command: list[str], env: dict[str, str] | None = None,
          user: str | None = None) -> Service:
    log = cluster.root / f"{name}.log"
    if user:
        command = ["runuser", "-u", user, "--", *command]
    process = subprocess.Popen(command, cwd=PROJECT_ROOT, env=env or os.environ.copy(), stdout=log.open("wb"),
                               stderr=subprocess.STDOUT, start_new_session=True)
    service = Service(name, process, log)
    cluster.services.append(service)
    return service


def wait_until(check: Callable[[], bool], service: Service, what: str,
               timeout: float = SERVICE_TIMEOUT_S) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not service.alive():
            raise BotNotReadyError(f"{what} exited with code {service.process.returncode}; see {service.log}")
        if check():
            return
        time.sleep(0.2)
    raise BotNotReadyError(f"{what} did not come up in {timeout:.0f} s; see {service.log}")


def start_postgres(cluster: Cluster) -> str:
    """A fresh cluster with password authentication; returns the URL of its `postgres` database.

    PostgreSQL refuses to run as root, so as root it runs as the `postgres` user the Debian
    package creates, from a folder that user owns (pytest's temp folders are root-only).
    """
    initdb, postgres = find_binary("initdb"), find_binary("postgres")
    user = "postgres" if os.geteuid() == 0 else None
    data_root = Path(tempfile.mkdtemp(prefix="ecfmg-pg-"))
    cluster.scratch.append(data_root)
    password = secrets.token_urlsafe(12)
    (data_root / "pw").write_text(password)
    if user:
        shutil.chown(data_root, user)
        shutil.chown(data_root / "pw", user)
    port = free_port()
    subprocess.run([*(["runuser", "-u", user, "--"] if user else []), initdb, "-D", str(data_root / "data"),
                    "-U", "postgres", "--pwfile", str(data_root / "pw"), "--auth=scram-sha-256", "-E", "UTF8"],
                   check=True, capture_output=True, timeout=120)
    service = spawn(cluster, "postgres", [postgres, "-D", str(data_root / "data"), "-h", "127.0.0.1",
                                          "-p", str(port), "-k", str(data_root), "-c", "fsync=off"], user=user)
    url = f"postgresql://postgres:{password}@127.0.0.1:{port}"
    wait_until(lambda: _postgres_answers(f"{url}/postgres"), service, "PostgreSQL")
    return url


def _postgres_answers(url: str) -> bool:
    import psycopg2

    try:
        psycopg2.connect(url, connect_timeout=2).close()
        return True
    except psycopg2.OperationalError:
        return False


def create_database(server_url: str, name: str) -> str:
    import psycopg2

    connection = psycopg2.connect(f"{server_url}/postgres", connect_timeout=5)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')  # name is ours, never user input
    connection.close()
    return f"{server_url}/{name}"


def start_redis(cluster: Cluster) -> str:
    import redis

    port = free_port()
    service = spawn(cluster, "redis", [find_binary("redis-server"), "--port", str(port), "--bind", "127.0.0.1",
                                       "--save", "", "--appendonly", "no", "--dir", str(cluster.root)])
    client = redis.Redis(port=port, socket_connect_timeout=1)

    def answers() -> bool:
        try:
            return bool(client.ping())
        except redis.RedisError:
            return False

    wait_until(answers, service, "Redis")
    return f"redis://127.0.0.1:{port}/0"


def start_nginx(cluster: Cluster, rasa_ports: list[int], action_ports: list[int]) -> tuple[str, str]:
    # nginx's workers run as an unprivileged user and must reach their temp folders: pytest's
    # folders are root-only, so nginx gets a folder of its own that others may traverse.
    prefix = Path(tempfile.mkdtemp(prefix="ecfmg-nginx-"))
    prefix.chmod(0o755)
    cluster.scratch.append(prefix)
    listen, actions_listen = free_port(), free_port()
    conf = prefix / "nginx.conf"
    conf.write_text(render_nginx_conf([f"127.0.0.1:{p}" for p in rasa_ports],
                                      [f"127.0.0.1:{p}" for p in action_ports],
                                      f"127.0.0.1:{listen}", f"127.0.0.1:{actions_listen}", prefix))
    nginx = find_binary("nginx")
    check = subprocess.run([nginx, "-t", "-c", str(conf), "-p", str(prefix), "-e", str(prefix / "error.log")],
                           capture_output=True, text=True)
    if check.returncode != 0:
        raise BotNotReadyError(f"nginx rejects {conf}: {check.stderr.strip()}")
    service = spawn(cluster, "nginx", [nginx, "-c", str(conf), "-p", str(prefix), "-e", str(prefix / "error.log"),
                                       "-g", "daemon off;"])
    wait_until(lambda: _port_open(listen) and _port_open(actions_listen), service, "nginx")
    return f"http://127.0.0.1:{listen}", f"http://127.0.0.1:{actions_listen}"


def _port_open(port: int) -> bool:
    import socket

    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def start_action_server(cluster: Cluster, port: int, name: str) -> Service:
    rasa = str(Path(sys.executable).with_name("rasa"))
    service = spawn(cluster, name, [rasa, "run", "actions", "--actions", "actions", "-p", str(port)], env=cluster.env)
    cluster.action_servers.append(service)
    return service


def start_replica(cluster: Cluster, port: int, name: str, endpoints: Path) -> Service:
    service = spawn(cluster, name, rasa_server_command(port, PROJECT_ROOT / "models", endpoints), env=cluster.env)
    cluster.replicas.append(service)
    return service


def start_cluster(root: Path, replicas: int = 2, action_servers: int = 2,
                  lock_store_type: str | None = None) -> Cluster:
    """Stores, balancer, action servers and replicas, all answering; the caller loads the knowledge."""
    root.mkdir(parents=True, exist_ok=True)
    cluster = Cluster(root, {})
    try:
        server = start_postgres(cluster)
        env = {"TRACKER_STORE_URL": create_database(server, "tracker"),
               "BOT_DATABASE_URL": create_database(server, "knowledge"),
               "LOCK_STORE_URL": start_redis(cluster)}
        if lock_store_type:
            env["LOCK_STORE_TYPE"] = lock_store_type
        rasa_ports = [free_port() for _ in range(replicas)]
        action_ports = [free_port() for _ in range(action_servers)]
        cluster.url, cluster.actions_url = start_nginx(cluster, rasa_ports, action_ports)
        env["ACTION_ENDPOINT_URL"] = f"{cluster.actions_url}/webhook"
        cluster.env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2", **env}
        load_knowledge(cluster)
        cluster.env = checked_environment(root, cluster.env)
        endpoints = write_endpoints(root, action_ports[0], cluster.env)
        for n, port in enumerate(action_ports):
            start_action_server(cluster, port, f"actions-{n + 1}")
        for n, port in enumerate(rasa_ports):
            start_replica(cluster, port, f"rasa-{n + 1}", endpoints)
        for service, port in zip(cluster.action_servers, action_ports):
            wait_for(f"http://127.0.0.1:{port}/health", service.log, service.process, REPLICA_TIMEOUT_S)
        for service, port in zip(cluster.replicas, rasa_ports):
            wait_for(f"http://127.0.0.1:{port}/", service.log, service.process, REPLICA_TIMEOUT_S)
    except BaseException:
        cluster.stop()
        raise
    return cluster


def load_knowledge(cluster: Cluster) -> None:
    result = subprocess.run([sys.executable, "-m", "bot", "load-db"], cwd=PROJECT_ROOT, env=cluster.env,
                            capture_output=True, text=True, timeout=300)
    if result.returncode != 0:
        raise BotNotReadyError(f"load-db into PostgreSQL failed: {result.stdout}{result.stderr}")


def replica_url(cluster: Cluster, index: int) -> str:
    """The address of one replica, bypassing nginx: its HTTP API (trackers), which nginx does not expose."""
    command = cluster.replicas[index].process.args
    return f"http://127.0.0.1:{command[command.index('-p') + 1]}"
