"""A worker process that cannot start (its initializer raises) is an error for the caller, not a pool that
starts new workers for ever: before the guard, this hung until killed."""

from __future__ import annotations

import signal

import pytest

from pipeline.batch.parallel import WorkerStartError, ordered_map


def _failing_initializer(reason: str) -> None:
    raise RuntimeError(reason)


def _double(value: int) -> int:
    return value * 2


def _no_setup() -> None:
    return None


def _hung(*_) -> None:
    raise TimeoutError("ordered_map still waiting after 60 s: workers that cannot start hang the run")


def test_a_worker_that_cannot_start_is_an_error_not_a_hang():
    previous = signal.signal(signal.SIGALRM, _hung)
    signal.alarm(60)
    try:
        with pytest.raises(WorkerStartError, match="span model cannot load here"):
            list(ordered_map(_double, range(6), workers=2, initializer=_failing_initializer,
                             initargs=("span model cannot load here",)))
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def test_workers_that_start_still_map_in_order():
    assert list(ordered_map(_double, range(20), workers=2, initializer=_no_setup)) == [2 * v for v in range(20)]
