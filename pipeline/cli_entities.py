"""``policy-pipeline entities ...``: check the gazetteer, explain a text's entities, co-occurrence, suggestions."""

from __future__ import annotations

import json
from collections import Counter

import click
from rich.table import Table

from pipeline.cli_common import PipelineCommandError, config_options, load_config, stdout


@click.group()
def entities() -> None:
    """Entities with canonical ids shared by both languages (gazetteer, patterns, optional NER model).

    \b
    Example:
      policy-pipeline entities explain "美国商务部把华为列入实体清单。"
      policy-pipeline entities cooccurrence out/ --family svc --top 20
      policy-pipeline entities suggest out/
    """


@entities.command("validate")
@click.argument("path", required=False, type=click.Path(dir_okay=False))
def entities_validate(path) -> None:
    """Check a gazetteer file (default: the shipped one); every error names its entry.

    \b
    Example:
      policy-pipeline entities validate
      policy-pipeline entities validate my_entities.yaml
    """
    from pipeline.lexicon import LexiconError
    from pipeline.lexicon.gazetteer import load_gazetteer

    try:
        gazetteer = load_gazetteer(path)
    except LexiconError as error:
        raise PipelineCommandError(f"{len(error.problems)} problem(s):\n" + str(error)) from None
    by_label = Counter(entity.label for entity in gazetteer.entities.values())
    stdout.print(f"gazetteer {gazetteer.version}: {len(gazetteer.entities)} entities, {len(gazetteer.aliases)} "
                 f"names ({', '.join(f'{label} {count}' for label, count in sorted(by_label.items()))})")


@entities.command("explain")
@click.argument("text")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@config_options
def entities_explain(text, as_json, workers, config_path, overrides, quiet) -> None:
    """Show the entities of TEXT with their canonical ids, and the look-alikes a rule refused.

    \b
    Example:
      policy-pipeline entities explain "Intel and Micron, not Intelligence or Micronesia."
    """
    from pipeline.lexicon.gazetteer import load_gazetteer
    from pipeline.tag.entities import EntityTagger

    config = load_config(config_path, overrides, workers)
    from pipeline.io import normalize_text
    from pipeline.io.chinese_script import to_simplified

    normalized = normalize_text(text)
    refusals: list = []
    found = EntityTagger(load_gazetteer(config.entities.gazetteer)).tag(normalized, view=to_simplified(normalized),
                                                                         refusals=refusals)
    if as_json:
        stdout.print_json(json.dumps({"entities": [entity.as_dict() for entity in found],
                                      "refused": [{"alias": r.alias, "canonical_id": r.canonical_id, "start": r.start,
                                                   "end": r.end, "why": r.why} for r in refusals]},
                                     ensure_ascii=False))
        return
    table = Table("text", "label", "canonical id", "span", "source", title="entities")
    for entity in found:
        table.add_row(entity.text, entity.label, entity.canonical_id or "-", f"{entity.start}-{entity.end}",
                      entity.source)
    stdout.print(table)
    for refusal in refusals:
        stdout.print(f"refused {refusal.alias!r} ({refusal.canonical_id}) at {refusal.start}-{refusal.end}: "
                     f"{refusal.why}", highlight=False)


@entities.command("cooccurrence")
@click.argument("out_dir", type=click.Path(exists=True, file_okay=False))
@click.option("--concept", help="Only this concept.")
@click.option("--family", type=click.Choice(["svc", "gvc", "topic"]), help="Only concepts of this family.")
@click.option("--entity", "entity_id", help="Only this canonical id (e.g. org:european_commission).")
@click.option("--jurisdiction", help="Only documents of this jurisdiction (CN, US, EU).")
@click.option("--by", "by", type=click.Choice(["total", "year"]), default="total", show_default=True,
              help="Sum over years, or one row per year.")
@click.option("--top", type=int, default=25, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON records.")
def entities_cooccurrence(out_dir, concept, family, entity_id, jurisdiction, by, top, as_json) -> None:
    """Which entities co-occur with framing concepts in the same sentence (from `run`'s cooccurrence table).

    \b
    Example:
      policy-pipeline entities cooccurrence out/ --family svc
      policy-pipeline entities cooccurrence out/ --entity org:european_commission --by year
    """
    from pipeline.aggregate.cooccurrence import summarize_cooccurrence

    try:
        frame = summarize_cooccurrence(out_dir, concept=concept, family=family, entity_id=entity_id,
                                       jurisdiction=jurisdiction, by_year=by == "year", top=top)
    except FileNotFoundError as error:
        raise PipelineCommandError(str(error)) from None
    if as_json:
        click.echo(frame.to_json(orient="records", force_ascii=False))
        return
    _print_frame(frame, "entity x concept co-occurrence (sentences)")


@entities.command("suggest")
@click.argument("path", type=click.Path(exists=True, file_okay=False))
@click.option("--scope", type=click.Choice(["framed", "all"]), default="framed", show_default=True,
              help="Read sentences with a framing mention only, or all sentences.")
@click.option("--min-count", type=int, default=2, show_default=True)
@click.option("--top", type=int, default=50, show_default=True)
@click.option("--max-sentences", type=int, default=20_000, show_default=True,
              help="Read at most this many sentences (the model reads ~1,500 sentences/s).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON records.")
@config_options
def entities_suggest(path, scope, min_count, top, max_sentences, as_json, workers, config_path, overrides,
                     quiet) -> None:
    """List frequent names in PATH (a `run` output folder) that the gazetteer does not know, for review.

    English candidates come from the spaCy NER model, Chinese ones from jieba's proper-noun POS tags (low
    confidence). Add the real ones to a copy of entities.yaml and run with --set entities.gazetteer=FILE.

    \b
    Example:
      policy-pipeline entities suggest out/ --top 30
    """
    from pipeline.aggregate.entity_suggest import suggest_entities
    from pipeline.tag.entity_model import ModelUnavailable

    config = load_config(config_path, overrides, workers)
    try:
        frame = suggest_entities(path, scope=scope, model=config.entities.model,
                                 gazetteer_path=config.entities.gazetteer, min_count=min_count, top=top,
                                 max_sentences=max_sentences)
    except (FileNotFoundError, ModelUnavailable) as error:
        raise PipelineCommandError(str(error)) from None
    if as_json:
        click.echo(frame.to_json(orient="records", force_ascii=False))
        return
    _print_frame(frame, f"unknown entity candidates ({scope} sentences)")


def _print_frame(frame, title: str) -> None:
    table = Table(*[str(column) for column in frame.columns], title=title)
    for row in frame.itertuples(index=False):
        table.add_row(*["" if value is None else str(value) for value in row])
    stdout.print(table)
