"""What every ``policy-pipeline`` command module shares: error display, configuration options, consoles."""

from __future__ import annotations

import click
from rich.console import Console

from pipeline.config import ConfigError, PipelineConfig

stdout = Console()
stderr = Console(stderr=True)


class PipelineCommandError(click.ClickException):
    """A library error shown as one line, exit code 2."""

    exit_code = 2

    def show(self, file=None) -> None:
        stderr.print(f"[bold red]error:[/] {self.message}", highlight=False)


def load_config(config_path: str | None, overrides: tuple[str, ...], workers: int | None) -> PipelineConfig:
    settings = list(overrides)
    if workers is not None:
        settings.append(f"run.workers={workers}")
    try:
        return PipelineConfig.load(config_path, settings)
    except ConfigError as error:
        raise PipelineCommandError(str(error)) from None


def config_options(function):
    function = click.option("--set", "overrides", multiple=True, metavar="SECTION.KEY=VALUE",
                            help="Override one setting, e.g. --set segment.zh_engine=jieba (repeatable).")(function)
    function = click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False),
                            help="TOML file with settings (sections io, segment, run).")(function)
    function = click.option("--workers", type=int, default=None,
                            help="Worker processes (default: one per core; 1 runs in this process).")(function)
    function = click.option("--quiet", "-q", is_flag=True, help="No progress bar or summary table.")(function)
    return function
