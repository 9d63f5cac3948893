"""The output folder as a transaction: one run at a time, and a table set that is replaced whole.

A run takes ``OUT/.lock`` (an advisory ``flock`` held while the process lives, so a killed run never
leaves a stale lock) and writes every final table and ``run.json`` into ``OUT/.staging/``. Commit writes
a journal (``.staging/COMMIT``: the files to move in and the old ones to remove), then moves the new files
over the old ones, ``run.json`` last, and removes the journal. A crash, Ctrl-C or full disk before the
journal leaves the old set untouched (the staging folder is discarded by the next run); a crash after it
is rolled forward by the next run or the next :func:`recover` (``read_table`` calls it), so readers see
the old set or the new one, never a mix once recovery ran.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
from datetime import UTC, datetime
from pathlib import Path

from pipeline.store.schema import RUN_MANIFEST, TABLE_FILES

LOCK, STAGING, JOURNAL = ".lock", ".staging", "COMMIT"
# Every file a run owns in OUT, run.json last (it is moved in last); anything else there (a report, your
# notes) is never touched.
MANAGED = (*TABLE_FILES.values(), "trends.csv", RUN_MANIFEST)


class OutputLocked(RuntimeError):
    """Another run is writing to the same output folder."""


class OutputFolder:
    """``with OutputFolder(out) as folder:`` write into ``folder.stage``, then ``folder.commit()``."""

    def __init__(self, out: str | Path) -> None:
        self.out = Path(out)
        self.stage = self.out / STAGING
        self._lock = None

    def __enter__(self) -> OutputFolder:
        import fcntl

        self.out.mkdir(parents=True, exist_ok=True)
        handle = open(self.out / LOCK, "a+", encoding="utf-8")  # noqa: SIM115 - held for the whole run
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as error:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            handle.close()
            if error.errno in (errno.EAGAIN, errno.EACCES):
                raise OutputLocked(f"another policy-pipeline run is writing to {self.out} ({holder}); wait for it "
                                   f"to finish or choose another --out") from None
            raise
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}, since {datetime.now(UTC).isoformat(timespec='seconds')}\n")
        handle.flush()
        self._lock = handle
        recover(self.out)
        shutil.rmtree(self.stage, ignore_errors=True)
        self.stage.mkdir()
        return self

    def __exit__(self, exc_type, exc, traceback) -> None:
        try:
            if exc_type is not None and not (self.stage / JOURNAL).exists():
                shutil.rmtree(self.stage, ignore_errors=True)  # nothing was committed: the old set stands
        finally:
            if self._lock is not None:
                self._lock.close()  # releases the flock
                self._lock = None

    def commit(self) -> None:
        """Replace OUT's managed files by the staged ones, as one set."""
        staged = [name for name in MANAGED if (self.stage / name).is_file()]  # in MANAGED's order
        journal = {"move": staged, "remove": [name for name in MANAGED if name not in staged]}
        partial = self.stage / (JOURNAL + ".partial")
        with open(partial, "w", encoding="utf-8") as handle:
            json.dump(journal, handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(partial, self.stage / JOURNAL)  # the point of no return
        _apply(self.out)


def recover(out: str | Path) -> None:
    """Finish a commit a crash interrupted (roll forward). A staging folder that never reached its journal is
    left for the next run to discard. Safe to call at any time; does nothing on a clean folder."""
    out = Path(out)
    stage = out / STAGING
    if (stage / JOURNAL).is_file():
        _apply(out)


def _apply(out: Path) -> None:
    stage = out / STAGING
    journal = json.loads((stage / JOURNAL).read_text(encoding="utf-8"))
    for name in journal["move"]:
        if (stage / name).exists():
            os.replace(stage / name, out / name)
    for name in journal["remove"]:
        (out / name).unlink(missing_ok=True)
    (stage / JOURNAL).unlink()
    shutil.rmtree(stage, ignore_errors=True)
