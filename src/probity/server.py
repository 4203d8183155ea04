"""`probity serve` and `probity manage`: the Django site behind a production server."""

from __future__ import annotations

import os
import subprocess
import sys

LOCAL_HOSTS = "localhost,127.0.0.1,[::1]"


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "probity.web.settings")
    import django

    django.setup()


def serve(host: str, port: int, workers: int, threads: int = 1, *, worker: bool = True) -> None:
    """Prepare the database and static files, start a background worker (unless told not
    to), then hand over to gunicorn (never returns)."""
    if "PROBITY_ALLOWED_HOSTS" not in os.environ and host not in ("127.0.0.1", "localhost"):
        os.environ["PROBITY_ALLOWED_HOSTS"] = f"{LOCAL_HOSTS},{host}"
    setup_django()
    from django.core.management import call_command

    print("Preparing the database…", flush=True)
    call_command("migrate", interactive=False, verbosity=0)
    print("Collecting static files…", flush=True)
    call_command("collectstatic", interactive=False, verbosity=0)
    print("Loading the search index (the first run computes and caches embeddings)…", flush=True)
    warm_search()
    if worker:
        # One machine runs everything; a larger organisation runs `probity worker` on others.
        # The worker shares this terminal's process group, so Ctrl+C stops it with the site.
        subprocess.Popen([sys.executable, "-m", "probity", "worker"])
    shown = "localhost" if host in ("0.0.0.0", "127.0.0.1") else host
    print(f"Probity is running: open http://{shown}:{port}/ (Ctrl+C stops it)", flush=True)
    os.execv(
        sys.executable,
        [
            sys.executable, "-m", "gunicorn", "probity.web.wsgi:application",
            "--bind", f"{host}:{port}", "--workers", str(workers),
            *(["--worker-class", "gthread", "--threads", str(threads)] if threads > 1 else []),
            "--access-logfile", "-", "--forwarded-allow-ips", "127.0.0.1",
            # No client address or user agent in the log: concerns promise anonymous
            # reporters that neither is recorded anywhere.
            "--access-logformat", '%(t)s "%(r)s" %(s)s %(b)s %(D)sus',
            # Probity uses no gunicorn control socket; one in ~/.gunicorn would be shared (and
            # fought over) by every server started on the machine.
            "--no-control-socket",
        ],
    )  # fmt: skip


def warm_search() -> None:
    """Build the search index and load the model now, not on someone's first search."""
    from probity.core.search import search

    search("gift from a service user", limit=1)


def manage(arguments: list[str]) -> None:
    setup_django()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["probity manage", *arguments])
