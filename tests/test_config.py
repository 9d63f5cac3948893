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
        ("run.workers=-1", "run.workers must be >= 0"),
        ("run.workers=many", "expected an integer"),
        ("segment.hmm=perhaps", "expected true or false"),
        ("segment.user_dicts=/no/such.txt", "file not found: /no/such.txt"),
        ("workers=2", "--set expects section.key=value"),
    ],
)
def test_bad_settings_name_the_valid_options(override, message):
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(".", r"\.")):
        PipelineConfig.load(None, [override])
