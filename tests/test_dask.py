"""The Dask backend runs the same stage functions and gives the same tables as the local pool."""

from __future__ import annotations

from click.testing import CliRunner

from pipeline.cli import main
from pipeline.config import Backend, ConfigError, PipelineConfig

TABLES = ("documents.parquet", "sentences.parquet", "mentions.parquet")


def test_dask_local_cluster_gives_the_local_tables(corpora, tmp_path):
    inputs = [str(corpora / "eu_soteu"), str(corpora / "cn_cpc_congress_reports")]
    runner = CliRunner()
    dask = runner.invoke(main, ["run", *inputs, "--out", str(tmp_path / "dask"), "--backend", "dask",
                                "--workers", "2", "-q"])
    assert dask.exit_code == 0, dask.output
    local = runner.invoke(main, ["run", *inputs, "--out", str(tmp_path / "local"), "--workers", "2", "-q"])
    assert local.exit_code == 0, local.output
    for table in TABLES:
        assert (tmp_path / "dask" / table).read_bytes() == (tmp_path / "local" / table).read_bytes(), table


def test_a_scheduler_needs_the_dask_backend():
    assert PipelineConfig.load(None, ["run.backend=dask", "run.scheduler=tcp://h:8786"]).run.backend is Backend.DASK
    try:
        PipelineConfig.load(None, ["run.scheduler=tcp://h:8786"])
    except ConfigError as error:
        assert "run.scheduler needs run.backend=dask" in str(error)
    else:
        raise AssertionError("a scheduler without the dask backend was accepted")
