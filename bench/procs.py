"""Child processes for the benchmark: wall time and peak RSS of one command, a site's
size, and a ``mkdocs serve`` we can edit under and time."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from bench.synth import BUILD_EPOCH

ENV = {**os.environ, "SOURCE_DATE_EPOCH": BUILD_EPOCH, "NO_MKDOCS_2_WARNING": "1"}
MKDOCS = [sys.executable, "-m", "mkdocs"]


def connector_docs() -> list[str]:
    """The CLI as users run it: the console script beside this interpreter."""
    script = Path(sys.executable).with_name("connector-docs")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "connector_docs.cli"]


@dataclass
class Run:
    seconds: float
    peak_rss_mb: float  # the largest single process of the tree (wait4)
    returncode: int
    log: Path
    peak_tree_mb: float = 0.0  # the whole process group (forked workers too), sampled

    def tail(self, lines: int = 15) -> str:
        text = self.log.read_text(encoding="utf-8", errors="replace").splitlines()
        return "\n".join(text[-lines:])


def _group_memory_mb(pgid: int) -> float:
    """Proportional set size (PSS) of every process in the group, summed: pages a forked
    worker still shares with its parent count once. RSS where PSS is not available."""
    total_kb = 0
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as handle:
                fields = handle.read().rsplit(b")", 1)[1].split()
            if int(fields[2]) != pgid:  # fields after the name: state, ppid, pgrp
                continue
            try:
                with open(f"/proc/{entry.name}/smaps_rollup", "rb") as handle:
                    lines = handle.read().splitlines()
                key = b"Pss:"
            except OSError:
                with open(f"/proc/{entry.name}/status", "rb") as handle:
                    lines = handle.read().splitlines()
                key = b"VmRSS:"
            total_kb += next((int(line.split()[1]) for line in lines if line.startswith(key)), 0)
        except (OSError, ValueError, IndexError):
            continue  # the process ended meanwhile
    return total_kb / 1024


class _Sampler(threading.Thread):
    """The largest summed memory of a process group, sampled every 0.2 s (a peak shorter
    than that can be missed)."""

    def __init__(self, pgid: int) -> None:
        super().__init__(daemon=True)
        self.pgid, self.peak_mb = pgid, 0.0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.2):
            self.peak_mb = max(self.peak_mb, _group_memory_mb(self.pgid))



def _kill_group(pid: int, sig: int = signal.SIGKILL) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, sig)


def run(cmd: list[str], cwd: Path, log: Path, timeout: float = 7200) -> Run:
    """Run ``cmd`` in its own process group. Memory: the peak RSS of its largest process
    (``wait4``: not the maximum over every child we ever started) and the sampled peak of
    the whole group, forked workers included."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as out:
        start = time.perf_counter()
        proc = subprocess.Popen(
            cmd, cwd=cwd, env=ENV, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
        timer = threading.Timer(timeout, _kill_group, (proc.pid,))
        timer.start()
        sampler = _Sampler(proc.pid)
        sampler.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
            sampler.done.set()
            sampler.join()
        seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    return Run(seconds, usage.ru_maxrss / 1024, proc.returncode, log,
               max(sampler.peak_mb, usage.ru_maxrss / 1024))


def tree_bytes(root: Path, exclude: tuple[str, ...] = ()) -> int:
    total = 0
    for folder, _dirs, files in os.walk(root):
        rel = os.path.relpath(folder, root)
        if rel.split(os.sep)[0] in exclude:
            continue
        total += sum(os.path.getsize(os.path.join(folder, f)) for f in files)
    return total


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def fetch(url: str, timeout: float = 900) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return str(response.read().decode("utf-8", errors="replace"))
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return None


class Server:
    """``mkdocs serve`` in its own process group, killed as a group on exit."""

    def __init__(self, project: Path, log: Path, *args: str,
                 env: dict[str, str] | None = None) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}/"
        log.parent.mkdir(parents=True, exist_ok=True)
        self._out = log.open("wb")
        self.log = log
        self.proc = subprocess.Popen(
            [*MKDOCS, "serve", "-a", f"127.0.0.1:{self.port}", *args],
            cwd=project,
            env={**ENV, **(env or {})},
            stdout=self._out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.peak_rss_mb = 0.0

    def wait_ready(self, timeout: float = 3600) -> float:
        """Seconds until the home page is served (the first full build)."""
        start = time.perf_counter()
        while time.perf_counter() - start < timeout:
            if self.proc.poll() is not None:
                raise RuntimeError(f"mkdocs serve exited: see {self.log}")
            if fetch(self.base, timeout=5) is not None:
                return time.perf_counter() - start
            time.sleep(0.2)
        raise TimeoutError(f"mkdocs serve not ready after {timeout}s: see {self.log}")

    def wait_for(self, path: str, token: str, timeout: float = 3600,
                 start: float | None = None) -> float:
        """Seconds until ``token`` shows up in the page at ``path`` (the server holds
        requests while a rebuild is pending, so this is edit-to-fresh-page), counted
        from ``start`` (a ``perf_counter`` reading: the edit) or from now."""
        start = time.perf_counter() if start is None else start
        while time.perf_counter() - start < timeout:
            if self.proc.poll() is not None:
                raise RuntimeError(f"mkdocs serve exited: see {self.log}")
            body = fetch(self.base + path, timeout=timeout)
            if body is not None and token in body:
                return time.perf_counter() - start
            time.sleep(0.05)
        raise TimeoutError(f"{token} did not appear at {path} within {timeout}s")

    def _high_water_mb(self) -> float:
        try:
            status = Path(f"/proc/{self.proc.pid}/status").read_text()
        except OSError:
            return 0.0
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        return 0.0

    def close(self) -> None:
        self.peak_rss_mb = self._high_water_mb()
        if self.proc.poll() is None:
            _kill_group(self.proc.pid, signal.SIGTERM)
            deadline = time.monotonic() + 15
            while self.proc.poll() is None and time.monotonic() < deadline:
                time.sleep(0.1)
            _kill_group(self.proc.pid, signal.SIGKILL)
        self.proc.wait()
        self._out.close()

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
