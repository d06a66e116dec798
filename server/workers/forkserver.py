"""The process the query workers are forked from, started early and light.

``kg serve`` starts it before it imports the store, Flask and the views, so the worker
server's imports of pyoxigraph and rdflib run on the other core meanwhile. This module imports
the standard library only, so starting it costs the launcher nothing.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.forkserver
import multiprocessing.util
import shutil

WORKER_PRELOAD = ["pyoxigraph", "rdflib", "server.workers.worker"]


def start_worker_server() -> None:
    """Start the process the query workers are forked from (multiprocessing's forkserver) now:
    its imports then run on the other core while this process imports Flask and the views, and
    ``kg serve`` answers about a second sooner. Once running, later preload lists are ignored."""
    multiprocessing.get_context("forkserver").set_forkserver_preload(WORKER_PRELOAD)
    multiprocessing.forkserver.ensure_running()


def remove_worker_server_files() -> None:
    """Remove this process's multiprocessing directory (``pymp-*``, where the fork server's
    socket lives).

    multiprocessing removes it at a normal interpreter exit only; a server stopped by SIGTERM,
    or a ``--processes`` copy, which ends with ``os._exit``, would leave one behind per start.
    The fork server needs it no more: it ends when this process does."""
    shutil.rmtree(multiprocessing.util.get_temp_dir(), ignore_errors=True)
