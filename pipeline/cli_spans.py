"""``policy-pipeline span-model ...``: train the learned span layer and measure it by grouped cross-validation."""

from __future__ import annotations

import json
from pathlib import Path

import click

from pipeline.cli_common import PipelineCommandError, config_options, load_config, stdout

RUN = click.argument("run_dir", type=click.Path(exists=True, file_okay=False))
GOLD = click.argument("gold", nargs=-1, type=click.Path(exists=True, dir_okay=False))


def _training(run_dir, gold, per_lang: int, none_weight: float):
    from pipeline.tag.learned import document_key, weak_training_sentences
    from pipeline.tag.records import RecordError, read_records

    try:
        records = list(read_records(gold))
    except RecordError as error:
        raise PipelineCommandError(str(error)) from None
    try:
        weak = weak_training_sentences(run_dir, per_lang=per_lang, none_weight=none_weight,
                                       exclude_documents={document_key(record) for record in records})
    except (FileNotFoundError, KeyError, ValueError) as error:
        raise PipelineCommandError(f"{run_dir}: cannot read weak labels from this run folder ({error})") from None
    return records, weak


@click.group("span-model")
def span_model() -> None:
    """The learned span layer: mentions the lexicon does not match (off unless tag.span_model is set).

    \b
    Example:
      policy-pipeline span-model cv out/ ../shared/eval/zh_dev.jsonl ../shared/eval/en_dev.jsonl
      policy-pipeline span-model train out/ my_gold.jsonl -o models/spans
      policy-pipeline run DOCS --out out2/ --set tag.span_model=models/spans
    """


@span_model.command("train")
@RUN
@GOLD
@click.option("-o", "--out", "out_dir", required=True, type=click.Path(file_okay=False), help="Model folder to write.")
@click.option("--per-lang", default=3000, show_default=True,
              help="Weak sentences per language and kind (with a lexicon mention, without).")
@click.option("--none-weight", default=1.0, show_default=True, help="Weight of weak 'none' spans.")
@click.option("--threshold", default=0.5, show_default=True, help="Confidence a span needs to become a mention.")
def train_command(run_dir, gold, out_dir, per_lang, none_weight, threshold) -> None:
    """Train on RUN_DIR's lexicon mentions (weak labels) and on GOLD sentences (JSONL, optional).

    \b
    Example:
      policy-pipeline span-model train out/ my_gold.jsonl -o models/spans
    """
    from pipeline.tag.learned import data_fingerprint, gold_training_sentences, train_span_model

    records, weak = _training(run_dir, gold, per_lang, none_weight)
    sentences = [*weak, *gold_training_sentences(records)]
    card = {"weak_labels_from": str(Path(run_dir).resolve()), "weak_sentences": len(weak),
            "gold": [str(Path(path).resolve()) for path in gold], "gold_sentences": len(records),
            "data_sha256": data_fingerprint(sentences), "none_weight": none_weight}
    model = train_span_model(sentences, threshold=threshold, card=card)
    if not model.weights:
        raise PipelineCommandError("no language had both mentions and other spans to learn from")
    model.save(out_dir)
    stdout.print(f"wrote {out_dir}: {', '.join(model.languages)}; {len(weak)} weak and {len(records)} gold "
                 f"sentences; use it with --set tag.span_model={out_dir}")


@span_model.command("cv")
@RUN
@GOLD
@click.option("--folds", default=5, show_default=True, help="Folds; whole documents are kept together.")
@click.option("--per-lang", default=3000, show_default=True)
@click.option("--none-weight", default=1.0, show_default=True)
@click.option("--threshold", default=0.5, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print the scores as JSON.")
@click.option("--show", "show_proposed", is_flag=True, help="List every mention the layer added, with its sentence.")
@config_options
def cv_command(run_dir, gold, folds, per_lang, none_weight, threshold, as_json, show_proposed, workers,
               config_path, overrides, quiet) -> None:
    """Score the lexicon alone and the lexicon plus a span layer on held-out GOLD documents (grouped
    cross-validation: the layer never saw the document it is scored on).

    \b
    Example:
      policy-pipeline span-model cv out/ ../shared/eval/en_dev.jsonl ../shared/eval/en_dev2.jsonl --show
    """
    from pipeline.tag import tagger_for
    from pipeline.tag.evaluate import summary
    from pipeline.tag.learned import cross_validate_span_model

    if not gold:
        raise PipelineCommandError("cross-validation needs gold JSONL files")
    records, weak = _training(run_dir, gold, per_lang, none_weight)
    tagger = tagger_for(load_config(config_path, overrides, workers).tag)
    try:
        result = cross_validate_span_model(tagger, records, weak, folds=folds, threshold=threshold)
    except ValueError as error:
        raise PipelineCommandError(str(error)) from None
    rows = [{"tagger": name, **row} for name in ("lexicon", "layered")
            for row in summary(getattr(result, name))]
    if as_json:
        click.echo(json.dumps({"folds": result.folds, "documents": result.documents, "summary": rows,
                               "proposed": result.proposed}, indent=2, ensure_ascii=False))
        return
    stdout.print(f"{result.folds}-fold cross-validation grouped by document ({result.documents} documents); "
                 f"F1's 95% interval from a bootstrap over documents", highlight=False)
    stdout.print(f"{'tagger':<9}{'lang':<6}{'P':>7}{'R':>7}{'F1':>7}  95% CI", highlight=False)
    for row in rows:
        stdout.print(f"{row['tagger']:<9}{row['lang']:<6}{row['precision']:>7.3f}{row['recall']:>7.3f}"
                     f"{row['f1']:>7.3f}  {row['f1_ci'][0]:.2f}–{row['f1_ci'][1]:.2f}", highlight=False)
    stdout.print(f"the layer added {len(result.proposed)} mentions on held-out sentences"
                 + ("" if show_proposed else " (--show lists them)"), highlight=False)
    if show_proposed:
        for item in result.proposed:
            stdout.print(f"{item['lang']} {item['concept']} [{item['text']}] {item['confidence']:.2f}: "
                         f"{item['sentence']}", highlight=False)
