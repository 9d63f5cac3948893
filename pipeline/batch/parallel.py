"""Ordered, bounded maps over a local process pool or a Dask cluster: the one place that knows where
stage functions run. Both yield results in input order, so tables do not depend on the backend."""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import Any


def ordered_map(
    function: Callable[[Any], Any],
    items: Iterable[Any],
    *,
    workers: int,
    initializer: Callable[..., None],
    initargs: tuple = (),
    window: int = 0,
) -> Iterator[Any]:
    """``map`` over a process pool that yields in input order with at most ``window`` tasks in flight,
    so memory stays bounded however long ``items`` is. One worker runs in this process."""
    if workers <= 1:
        initializer(*initargs)
        for item in items:
            yield function(item)
        return
    window = window or workers * 8
    # "spawn": workers start clean (no copied locks from threads of pyarrow or the progress bar).
    context = multiprocessing.get_context("spawn")
    # A worker whose initializer raises would exit, and the pool would start another for ever: the run
    # would hang. The error is kept instead, and raised by the first task, so it reaches the caller.
    with context.Pool(workers, _guarded_initializer, (initializer, initargs)) as pool:
        pending: deque = deque()
        for item in items:
            pending.append(pool.apply_async(_guarded_call, (function, item)))
            if len(pending) >= window:
                yield pending.popleft().get()
        while pending:
            yield pending.popleft().get()


_INITIALIZER_ERROR: BaseException | None = None


def _guarded_initializer(initializer: Callable[..., None], initargs: tuple) -> None:
    global _INITIALIZER_ERROR
    try:
        initializer(*initargs)
    except Exception as error:  # noqa: BLE001 - any failure must reach the caller, not kill the worker
        _INITIALIZER_ERROR = error


def _guarded_call(function: Callable[[Any], Any], item: Any) -> Any:
    if _INITIALIZER_ERROR is not None:
        raise WorkerStartError(f"a worker process could not start: {_INITIALIZER_ERROR}") from _INITIALIZER_ERROR
    return function(item)


class WorkerStartError(RuntimeError):
    """A worker's initializer failed (a model or lexicon that loads here but not in a fresh process)."""


def dask_ordered_map(
    function: Callable[[Any, Any], Any],
    items: Iterable[Any],
    *,
    function_argument: Any,
    scheduler: str | None,
    workers: int,
    window: int = 0,
) -> Iterator[Any]:
    """``function(function_argument, item)`` for each item on a Dask cluster, in input order, with at
    most ``window`` tasks in flight. Without a ``scheduler`` address a LocalCluster of ``workers``
    single-threaded processes is started (and stopped afterwards)."""
    from dask.distributed import Client, LocalCluster

    cluster = None
    if scheduler:
        client = Client(scheduler)
    else:
        cluster = LocalCluster(n_workers=max(1, workers), threads_per_worker=1, processes=True,
                               dashboard_address=None)
        client = Client(cluster)
    window = window or max(1, len(client.scheduler_info()["workers"])) * 8
    try:
        pending: deque = deque()
        for item in items:
            pending.append(client.submit(function, function_argument, item, pure=False))
            if len(pending) >= window:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
