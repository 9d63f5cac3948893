"""An ordered, bounded map over a process pool: the one place that knows about worker processes."""

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
    with context.Pool(workers, initializer, initargs) as pool:
        pending: deque = deque()
        for item in items:
            pending.append(pool.apply_async(function, (item,)))
            if len(pending) >= window:
                yield pending.popleft().get()
        while pending:
            yield pending.popleft().get()
