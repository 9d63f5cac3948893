from __future__ import annotations

import pytest

from pipeline.config import ChineseEngine, ConfigError, PipelineConfig


def test_defaults_file_and_overrides(tmp_path):
    path = tmp_path / "settings.toml"
    path.write_text('[segment]\nzh_engine = "jieba"\nmax_sentence_chars = 500\n[io]\nmax_file_mb = 5\n', "utf-8")
    config = PipelineConfig.load(path, ["segment.hmm=false", "run.workers=1"])
    assert config.segment.zh_engine is ChineseEngine.JIEBA
    assert (config.segment.max_sentence_chars, config.segment.hmm, config.io.max_file_mb, config.run.workers) == (
        500, False, 5, 1)
    assert PipelineConfig.from_dict(config.to_dict()) == config


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ("segment.zh_engine=thulac", "choose from: rjieba, jieba"),
        ("segment.speed=fast", "unknown config key segment.speed (valid: zh_engine, hmm"),
        ("tagger.overlap=all", "unknown config section 'tagger'"),
        ("run.workers=-1", "run.workers must be between 0"),
        ("run.workers=many", "expected an integer"),
        ("segment.hmm=perhaps", "expected true or false"),
        ("segment.user_dicts=/no/such.txt", "file not found: /no/such.txt"),
        ("workers=2", "--set expects section.key=value"),
    ],
)
def test_bad_settings_name_the_valid_options(override, message):
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(".", r"\.")):
        PipelineConfig.load(None, [override])


@pytest.mark.parametrize(("toml", "message"), [
    ("io = 5\n", "config section 'io' must be a table of settings"),
    ("[entities]\nmodel = 5\n", "entities.model: expected text"),
    ("[trends]\nseed = -1\n", "trends.seed must be a non-negative integer"),
    ("[trends]\nresamples = 1000000000\n", "trends.resamples must be between 0"),
    ("[run]\nworkers = 100000\n", "run.workers must be between 0"),
    ("[io]\nmax_line_mb = 0\n", "io.max_line_mb must be between 1"),
    ("[tag]\nlexicon = \"/etc/passwd\"\n", "is not a valid lexicon"),
    ("[entities]\ngazetteer = \"/etc/passwd\"\n", "is not a valid gazetteer"),
])
def test_wrong_config_values_are_one_line_errors_before_any_work(tmp_path, toml, message):
    from click.testing import CliRunner

    from pipeline.cli import main

    config = tmp_path / "bad.toml"
    config.write_text(toml, encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        PipelineConfig.load(config)
    result = CliRunner().invoke(main, ["run", "sotu", "--out", str(tmp_path / "out"), "--config", str(config)])
    assert result.exit_code != 0 and message.split(":")[0] in result.output and "Traceback" not in result.output
    assert not (tmp_path / "out" / "documents.parquet").exists()


def test_more_workers_than_cores_are_capped_with_a_note():
    import os

    config = PipelineConfig.from_dict({"run": {"workers": 64}})
    assert config.run.effective_workers == (os.cpu_count() or 1)
    assert "using" in config.run.worker_warning()
