"""``policy-pipeline classify ...``: weak labels, train, evaluate, predict, the annotation loop, comparison."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import click
from rich.table import Table

from pipeline.cli_common import PipelineCommandError, stdout

DATA = click.argument("data", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))


def _errors():
    from pipeline.classify.data import DataError
    from pipeline.classify.persist import ModelLoadError

    return (DataError, ModelLoadError, ValueError, FileNotFoundError)


def _load_model(model_dir):
    """The model of a folder; a warning on standard error when the files its features read have changed
    since training (standard output may be JSON or predictions)."""
    from pipeline.classify.persist import feature_drift, load_model

    model = load_model(model_dir)
    for problem in feature_drift(model_dir):
        click.echo(f"warning: {problem}", err=True)
    return model


def _trained_on(card: dict, examples, data) -> bool:
    """Whether one of the ``data`` files is (by content hash) among the model's training data."""
    from pipeline.classify.data import data_hash

    trained_on = {part["sha256"] for part in card["training_data"]}
    return any(data_hash([e for e in examples if e.source == str(path)]) in trained_on for path in data)


def _params(pairs: tuple[str, ...]) -> dict:
    params = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep:
            raise PipelineCommandError(f"--param expects KEY=VALUE, got {pair!r}")
        try:
            params[key.strip()] = json.loads(value)
        except json.JSONDecodeError:
            params[key.strip()] = value
    return params


def _presence_cell(values: dict | None) -> str:
    if not values:
        return "-"
    low, high = values["f1_ci"]
    return f"{values['f1']:.2f} ({low:.2f}-{high:.2f})"


def _print_scores(title: str, result: dict) -> None:
    table = Table("lang", "label", "precision", "recall", "F1", "support", title=title, header_style="bold")
    for lang, scores in result.items():
        if not isinstance(scores, dict) or "per_class" not in scores:
            continue
        for label, values in scores["per_class"].items():
            table.add_row(lang, label, f"{values['precision']:.3f}", f"{values['recall']:.3f}", f"{values['f1']:.3f}",
                          str(values["support"]))
        calibration = scores.get("calibration", {}).get("ece")
        table.add_row(lang, "[bold]macro-F1[/]", "", "", f"[bold]{scores['macro_f1']:.3f}[/]", str(scores["n"]))
        if "macro_f1_ci" in scores:
            low, high = scores["macro_f1_ci"]
            table.add_row(lang, "  95% interval", "", "", f"{low:.2f}-{high:.2f}", "")
        if calibration is not None:
            table.add_row(lang, "calibration (ECE)", "", "", f"{calibration:.3f}", "")
        for frame, values in scores.get("presence", {}).items():
            if frame.endswith("_present"):
                low, high = values["f1_ci"]
                table.add_row(lang, f"[bold]{frame.replace('_', ' ')}[/]", f"{values['precision']:.3f}",
                              f"{values['recall']:.3f}", f"[bold]{values['f1']:.3f}[/] ({low:.2f}-{high:.2f})",
                              str(values["support"]))
        share = scores.get("presence", {}).get("svc_share")
        # counted first: the trend tables' estimate (trends.classifier_share)
        for name, key in (("counted", "classify_and_count"), ("probabilistic", "probabilistic")):
            if share and key in share:
                estimate = share[key]
                low, high = estimate["error_ci"]
                table.add_row(lang, f"SVC share: gold / {name}", "", "",
                              f"{share['gold']:.3f} / {estimate['estimate']:.3f} (error {estimate['error']:+.3f}, "
                              f"{low:+.2f} to {high:+.2f})", "")
    stdout.print(table)
    for lang, scores in result.items():
        if isinstance(scores, dict) and "confusion" in scores and lang != "all":
            labels = scores["confusion"]["labels"]
            matrix = Table("gold \\ predicted", *labels, title=f"confusion ({lang})")
            for label, row in zip(labels, scores["confusion"]["matrix"], strict=True):
                matrix.add_row(label, *map(str, row))
            stdout.print(matrix)


@click.group()
def classify() -> None:
    """Frame classifiers (svc | gvc | both | none, or your own labels): train, evaluate, predict, retrain.

    \b
    Example:
      policy-pipeline classify weak-label out/ -o weak.jsonl --exclude ../shared/eval/zh_dev.jsonl
      policy-pipeline classify train ../shared/eval/*_dev.jsonl --weak weak.jsonl --model-type tfidf --out models/mine
      policy-pipeline classify evaluate models/mine ../shared/eval/*_dev.jsonl --cv 5 --weak weak.jsonl
      policy-pipeline classify predict sentences.jsonl -o frames.jsonl
    """


@classify.command("weak-label")
@click.argument("path", type=click.Path(exists=True, file_okay=False))
@click.option("--output", "-o", required=True, type=click.Path(dir_okay=False))
@click.option("--per-class", type=int, default=1500, show_default=True,
              help="At most N sentences per label and language.")
@click.option("--exclude", multiple=True, type=click.Path(exists=True, dir_okay=False),
              help="JSONL files whose sentences must not be weak-labelled (evaluation data).")
@click.option("--seed", type=int, default=13, show_default=True)
@click.option("--svc-without-subject", is_flag=True,
              help="Also label svc a sentence with no economic subject word (by default it is skipped: the "
                   "codebook's svc frame is about the economy, trade, technology, industry or supply chains).")
def weak_label(path, output, per_class, exclude, seed, svc_without_subject) -> None:
    """Weak labels from the lexicon tagger for the sentences of PATH (a `run` output folder), each with the
    rule that produced it.

    \b
    Example:
      policy-pipeline classify weak-label out/ -o weak.jsonl --exclude ../shared/eval/en_dev.jsonl
    """
    from pipeline.classify.data import read_examples, write_examples
    from pipeline.classify.weak import label_table, weak_labels
    from pipeline.io import normalize_text

    try:
        excluded = {normalize_text(e.text) for e in read_examples(exclude, require_label=False)}
        weak = weak_labels(path, per_class=per_class, seed=seed, exclude_texts=excluded,
                           svc_needs_subject=not svc_without_subject)
    except _errors() as error:
        raise PipelineCommandError(str(error)) from None
    count = write_examples(output, weak.examples)
    table = Table("lang", "label", "available", "kept", title=f"weak labels: {count:,} in {output}")
    for row in label_table(weak).itertuples():
        table.add_row(row.lang, row.label, f"{row.available:,}", f"{row.kept:,}")
    stdout.print(table)
    if weak.skipped_negated:
        stdout.print(f"{weak.skipped_negated:,} sentences whose only mentions are negated were skipped")
    if weak.skipped_no_subject:
        stdout.print(f"{weak.skipped_no_subject:,} sentences with svc mentions but no economic subject were skipped "
                     "(--svc-without-subject keeps them)")


@classify.command("train")
@DATA
@click.option("--model-type", type=click.Choice(["tfidf", "use", "transformer"]), default="tfidf", show_default=True)
@click.option("--out", "-o", "out_dir", required=True, type=click.Path(file_okay=False))
@click.option("--weak", multiple=True, type=click.Path(exists=True, dir_okay=False),
              help="Weak-label JSONL (from weak-label); weighs --weak-ratio of the labelled DATA in total.")
@click.option("--weak-ratio", type=float, default=0.3, show_default=True)
@click.option("--param", "params", multiple=True, metavar="KEY=VALUE", help="A model parameter, e.g. C=2.")
@click.option("--cv", type=int, default=0, help="Also store a K-fold cross-validated estimate on DATA.")
@click.option("--notes", default="", help="A note for the model card.")
def train(data, model_type, out_dir, weak, weak_ratio, params, cv, notes) -> None:
    """Train a frame classifier on labelled JSONL DATA ({"text", "lang"?, "label"}); writes the model,
    card.json and README.md into --out.

    \b
    Example:
      policy-pipeline classify train labels.jsonl --model-type tfidf --out models/mine --cv 5
      policy-pipeline classify train labels.jsonl --model-type use --out models/use --param C=0.5
    """
    from pipeline.classify.train import train as train_model

    try:
        _, path = train_model(data, model_type, out_dir, weak=weak, weak_ratio=weak_ratio, params=_params(params),
                              cv_folds=cv, notes=notes)
    except _errors() as error:
        raise PipelineCommandError(str(error)) from None
    card = json.loads((Path(path) / "card.json").read_text(encoding="utf-8"))
    stdout.print(f"wrote {path} ({model_type}; labels {', '.join(card['labels'])})")
    if "cross_validated" in card["metrics"]:
        _print_scores(f"{cv}-fold cross-validated", card["metrics"]["cross_validated"])


@classify.command("evaluate")
@click.argument("model_dir", type=click.Path(exists=True, file_okay=False))
@DATA
@click.option("--cv", type=int, default=0, help="Refit the model's configuration in K folds of DATA instead.")
@click.option("--weak", multiple=True, type=click.Path(exists=True, dir_okay=False),
              help="With --cv: weak labels added to every fold's training data.")
@click.option("--weak-ratio", type=float, default=0.3, show_default=True)
@click.option("--errors", "errors_path", type=click.Path(dir_okay=False),
              help="Write the misclassified sentences (JSONL: id, lang, label, predicted, confidence, scores, text).")
@click.option("--json", "as_json", is_flag=True)
def evaluate(model_dir, data, cv, weak, weak_ratio, errors_path, as_json) -> None:
    """Precision, recall and F1 per class and language, macro-F1 with a 95% bootstrap interval, confusion
    matrix and calibration of MODEL_DIR on DATA; with --cv, a cross-validated estimate of the model's
    configuration.

    \b
    Example:
      policy-pipeline classify evaluate models/frame-tfidf ../shared/eval/*_dev.jsonl --cv 5 --errors errors.jsonl
    """
    from pipeline.classify import read_examples
    from pipeline.classify.data import write_jsonl
    from pipeline.classify.evaluate import (
        by_language,
        cross_validated_predictions,
        cross_validated_scores,
        predict_examples,
    )
    from pipeline.classify.persist import read_card
    from pipeline.classify.train import build_model, weighted_fit

    try:
        examples = read_examples(data)
        card = read_card(model_dir)
        if cv:
            weak_examples = read_examples(weak)
            model = build_model(card["model_type"], card["params"])
            fit = weighted_fit(weak_ratio, {e.text for e in weak_examples})
            predictions, n_extra = cross_validated_predictions(model, examples, extra=weak_examples, folds=cv, fit=fit)
            result = cross_validated_scores(predictions, cv, n_extra)
        else:
            predictions = predict_examples(_load_model(model_dir), examples)
            result = by_language(predictions)
        if errors_path:
            write_jsonl(errors_path, predictions.errors())
    except _errors() as error:
        raise PipelineCommandError(str(error)) from None
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False))
        return
    if not cv and _trained_on(card, examples, data):
        stdout.print("[yellow]note:[/] the model was trained on this data; use --cv for an honest estimate")
    _print_scores(f"{cv}-fold cross-validated ({card['model_type']})" if cv else f"{model_dir}", result)
    if errors_path:
        stdout.print(f"{len(predictions.errors())} misclassified sentences -> {errors_path}")


@classify.command("predict")
@click.argument("input_path", metavar="INPUT", type=click.Path(exists=True, dir_okay=False))
@click.option("--model", "model_dir", type=click.Path(exists=True, file_okay=False),
              help="A model folder (default: the model shipped in models/).")
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Output JSONL (default: standard output).")
def predict(input_path, model_dir, output) -> None:
    """Predict the frame of each line of INPUT ({"id"?, "text", "lang"?}); output lines {"id", "frame", "scores"}.

    \b
    Example:
      policy-pipeline classify predict sentences.jsonl -o frames.jsonl
      policy-pipeline classify predict sentences.jsonl --model models/mine
    """
    from pipeline.classify.data import write_jsonl
    from pipeline.classify.predict import default_model_dir, predict_records

    try:
        model = _load_model(model_dir or default_model_dir())
        records = predict_records(model, [input_path])
    except _errors() as error:
        raise PipelineCommandError(str(error)) from None
    if output:
        write_jsonl(output, records)
    else:
        click.echo("".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records), nl=False)


def _sentences(source: str):
    """Examples from a JSONL file or from the sentences of a run folder."""
    from pipeline.classify.data import Example, read_examples
    from pipeline.store import read_table

    if Path(source).is_dir():
        sentences = read_table(source, "sentences", ["doc_id", "sentence_id", "lang", "text"])
        return [Example(row.text, row.lang, None, f"{row.doc_id}#{row.sentence_id}", source)
                for row in sentences.itertuples(index=False)]
    return read_examples([source], require_label=False)


@classify.command("export-for-annotation")
@click.argument("source", type=click.Path(exists=True))
@click.option("--output", "-o", required=True, type=click.Path(dir_okay=False))
@click.option("--model", "model_dir", type=click.Path(exists=True, file_okay=False),
              help="The model whose uncertainty chooses the sentences (default: the shipped model).")
@click.option("--n", type=int, default=100, show_default=True, help="How many sentences.")
@click.option("--format", "fmt", type=click.Choice(["label-studio", "doccano"]), default="label-studio",
              show_default=True)
def export_for_annotation(source, output, model_dir, n, fmt) -> None:
    """Write the N sentences of SOURCE (JSONL, or a `run` folder) the model is least sure about, for
    Label Studio (a JSON task array with the model's prediction, and its labelling config) or doccano (JSONL).

    \b
    Example:
      policy-pipeline classify export-for-annotation out/ -o tasks.json --n 200
      policy-pipeline classify export-for-annotation sentences.jsonl -o tasks.jsonl --format doccano
    """
    from pipeline.classify.annotate import export_tasks
    from pipeline.classify.predict import default_model_dir

    try:
        folder = model_dir or default_model_dir()
        count = export_tasks(_load_model(folder), _sentences(source), output, n=n, fmt=fmt,
                             model_version=Path(folder).name)
    except _errors() as error:
        raise PipelineCommandError(str(error)) from None
    stdout.print(f"wrote {count} sentences for annotation to {output} ({fmt})")


@classify.command("import-annotations")
@click.argument("exports", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--output", "-o", required=True, type=click.Path(dir_okay=False))
@click.option("--label-map", "label_map", type=click.Path(exists=True, dir_okay=False),
              help="A JSON or YAML mapping of your label names to the codebook's, e.g. {Strategic: svc}.")
@click.option("--any-labels", is_flag=True, help="Keep the labels as they are (your own label set).")
def import_annotations(exports, output, label_map, any_labels) -> None:
    """Read Label Studio (JSON), doccano (JSONL) or CSV/TSV/Excel label files into training JSONL for
    `classify train`. Labels are matched to the codebook's (svc, gvc, both, none) ignoring case; an unknown
    label is an error that names it.

    \b
    Example:
      policy-pipeline classify import-annotations project-1-export.json -o labels.jsonl
      policy-pipeline classify import-annotations coded.xlsx --label-map names.yaml -o labels.jsonl
    """
    import yaml

    from pipeline.classify.annotate import import_annotations as read_exports
    from pipeline.classify.data import FRAME_LABELS, write_examples

    mapping = None
    if label_map:
        try:
            mapping = yaml.safe_load(Path(label_map).read_text(encoding="utf-8"))
        except (yaml.YAMLError, UnicodeDecodeError) as error:
            raise PipelineCommandError(f"{label_map}: not a JSON or YAML mapping ({error})") from None
        if not isinstance(mapping, dict):
            raise PipelineCommandError(f"{label_map}: a label map is a mapping of your labels to the codebook's")
    try:
        imported = read_exports(exports, labels=None if any_labels else FRAME_LABELS, label_map=mapping)
    except (_errors() + (json.JSONDecodeError,)) as error:
        raise PipelineCommandError(str(error)) from None
    count = write_examples(output, imported.examples)
    skipped = ", ".join(f"{why} {n}" for why, n in imported.skipped.items())
    labels = ", ".join(f"{label} {n}" for label, n in sorted(Counter(e.label for e in imported.examples).items()))
    stdout.print(f"wrote {count} labelled sentences to {output} ({labels}) from {imported.n_tasks} tasks"
                 + (f"; skipped: {skipped}" if skipped else ""), highlight=False)


@classify.command("compare")
@click.argument("model_dirs", nargs=-1, required=True, type=click.Path(exists=True, file_okay=False))
@click.option("--data", "data", multiple=True, required=True, type=click.Path(exists=True, dir_okay=False),
              help="Labelled JSONL to score every model on (repeatable).")
@click.option("--baseline", is_flag=True, help="Also score the lexicon rule (svc-only mentions -> svc, ...).")
@click.option("--json", "as_json", is_flag=True)
def compare(model_dirs, data, baseline, as_json) -> None:
    """Score model versions side by side on the same labelled data: macro-F1 (95% bootstrap interval) and
    per-class F1 by language; with --baseline, next to the lexicon rule they must beat.

    \b
    Example:
      policy-pipeline classify compare models/frame-tfidf models/mine --data labels_heldout.jsonl --baseline
    """
    from pipeline.classify import read_examples
    from pipeline.classify.evaluate import compare_models

    try:
        examples = read_examples(data)
        results = compare_models({folder: _load_model(folder) for folder in model_dirs}, examples,
                                 baseline=baseline)
    except _errors() as error:
        raise PipelineCommandError(str(error)) from None
    if as_json:
        click.echo(json.dumps(results, ensure_ascii=False))
        return
    # Plain aligned lines fit 80 columns; per-label F1 is in --json and in `classify evaluate`.
    stdout.print("model comparison: presence F1 (95% interval), the SVC share's error\n"
                 "(counted estimate - gold, as the trend tables count), and macro-F1 over four labels for reference",
                 highlight=False)
    stdout.print(f"{'lang':<5}{'svc present F1':<19}{'gvc present F1':<19}{'share err':>9}  {'4-label macro-F1':<17}",
                 highlight=False)
    for folder, result in results.items():
        stdout.print(f"[bold]{folder}[/]", highlight=False)
        for lang in sorted(result):
            scores = result[lang]
            presence = scores.get("presence", {})
            low, high = scores["macro_f1_ci"]
            error = f"{presence['svc_share']['classify_and_count']['error']:+.3f}" if presence else "-"
            stdout.print(f"{lang:<5}{_presence_cell(presence.get('svc_present')):<19}"
                         f"{_presence_cell(presence.get('gvc_present')):<19}{error:>9}  "
                         f"{scores['macro_f1']:.3f} ({low:.2f}-{high:.2f})", highlight=False)
    from pipeline.classify.persist import read_card

    for folder in model_dirs:
        if _trained_on(read_card(folder), examples, data):
            stdout.print(f"[yellow]note:[/] {folder} was trained on this data: its scores are not an estimate")
