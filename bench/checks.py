"""What the checks against real servers share (backup_check, metrics_check, nginx_check,
varnish_check): a work folder with a private copy of the release server, its SQLite database (the
crash harness's), a ledger of named checks with a closing `N passed, N failed` line, and stopping a
helper process."""

import os
import shutil
import signal
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import crash  # noqa: E402  (its server runner)


class Checks:
    """A named run: a work folder with the release binary copied into it, and its checks."""

    def __init__(self, name):
        self.name = name
        source = os.path.join(crash.REPO, "target/release/stembus")
        if not os.access(source, os.X_OK):
            sys.exit(f"{name}: no server binary; build it with `cargo leptos build --release`")
        self.work = tempfile.mkdtemp(prefix=f"stembus-{name}-")
        os.chmod(self.work, 0o755)
        self.binary = os.path.join(self.work, "stembus")
        shutil.copy2(source, self.binary)
        self.database = crash.Database("sqlite", self.work)
        self.log = os.path.join(self.work, "server.log")
        self.checked, self.failures = [], []

    def path(self, name):
        return os.path.join(self.work, name)

    def server(self, settings=None):
        """The release server on the run's database (not yet waited for)."""
        return crash.Server(self.binary, self.database, self.log, settings=settings)

    def check(self, ok, what):
        print(f"{self.name}: {'ok  ' if ok else 'FAIL'} {what}")
        self.checked.append(what)
        if not ok:
            self.failures.append(what)

    def finish(self):
        """Removes the work folder when everything passed, prints the tally and exits."""
        if self.failures:
            print(f"{self.name}: kept {self.work} for inspection")
        else:
            shutil.rmtree(self.work, ignore_errors=True)
        print(f"{self.name}: {len(self.checked) - len(self.failures)} passed, {len(self.failures)} failed")
        sys.exit(1 if self.failures else 0)


def stop(process, stop_signal=signal.SIGTERM):
    """Stops a helper (Varnish, nginx) that may already be gone."""
    if process is None or process.poll() is not None:
        return
    process.send_signal(stop_signal)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
