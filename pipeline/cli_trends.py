"""``policy-pipeline trends | shift | changepoints | evidence | report`` and ``lexicon suggest``: the questions
users came with, asked of a run's output folder."""

from __future__ import annotations

import json
import math

import click
from rich.table import Table

from pipeline.cli_common import PipelineCommandError, config_options, load_config, stdout

OUT_DIR = click.argument("out_dir", type=click.Path(exists=True, file_okay=False))


def _fail(error: Exception):
    raise PipelineCommandError(str(error)) from None


def _number(value, digits: int = 3) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    return f"{value:.{digits}f}" if isinstance(value, float) else str(value)


@click.command()
@OUT_DIR
@click.option("--period", type=click.Choice(["year", "quarter", "month"]), help="Time unit (default: year).")
@click.option("--group-by", type=click.Choice(["corpus", "doc_type"]), help="Split jurisdictions by (default: corpus).")
@click.option("--resamples", type=int, help="Bootstrap resamples (default 1000; 0: no intervals).")
@click.option("--seed", type=int, help="Bootstrap seed (same seed, same intervals).")
@click.option("--jurisdiction", help="Print only this jurisdiction.")
@click.option("--last", type=int, default=8, show_default=True, help="Print the last N periods.")
@config_options
def trends(out_dir, period, group_by, resamples, seed, jurisdiction, last, workers, config_path, overrides,
           quiet) -> None:
    """Recompute the trend tables of OUT_DIR (trends.parquet/.csv, shift.parquet, changepoints.parquet)
    and print the SVC share and family rates per jurisdiction.

    \b
    Example:
      policy-pipeline trends out/
      policy-pipeline trends out/ --period quarter --group-by doc_type --resamples 2000
    """
    from pipeline.aggregate.outputs import write_trends

    settings = list(overrides)
    for key, value in (("period", period), ("group_by", group_by), ("resamples", resamples), ("seed", seed)):
        if value is not None:
            settings.append(f"trends.{key}={value}")
    config = load_config(config_path, tuple(settings), workers)
    try:
        result = write_trends(out_dir, config)
    except (FileNotFoundError, ValueError) as error:
        _fail(error)
    if quiet:
        return
    shift = result.shift[result.shift["group"] == "*"]
    families = result.trends[(result.trends["group"] == "*") & (result.trends["level"] == "family")]
    rates = families.pivot_table(index=["jurisdiction", "period"], columns="key", values="rate_per_10k_tokens")
    for name, rows in shift.groupby("jurisdiction"):
        if jurisdiction and name != jurisdiction:
            continue
        table = Table("period", "docs", "svc", "gvc", "SVC share", f"{int(config.trends.confidence * 100)}% CI",
                      "svc /10k tok", "gvc /10k tok", title=f"{name}: strategic-shift index", header_style="bold")
        for row in rows.tail(last).itertuples():
            rate = rates.loc[(name, row.period)] if (name, row.period) in rates.index else {}
            table.add_row(row.period, str(row.n_docs), str(row.n_svc), str(row.n_gvc), _number(row.svc_share),
                          f"{_number(row.svc_share_low)}-{_number(row.svc_share_high)}",
                          _number(rate.get("svc"), 1), _number(rate.get("gvc"), 1))
        stdout.print(table)
    if result.n_undated:
        stdout.print(f"{result.n_undated} documents without a date precise enough for {config.trends.period} "
                     "are in no cell")


@click.command()
@OUT_DIR
@click.option("--jurisdiction", help="Compare two periods of this jurisdiction (with --periods).")
@click.option("--periods", nargs=2, metavar="A B", help="Two periods, e.g. 2000-2015 2019-2025.")
@click.option("--jurisdictions", nargs=2, metavar="A B", help="Compare two jurisdictions (with --period).")
@click.option("--period", "single_period", metavar="YEARS", help="The period for --jurisdictions.")
@click.option("--corpus", help="Only the documents of this corpus (compare like with like).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON: a, b (the shares), diff, ci, sides.")
@config_options
def shift(out_dir, jurisdiction, periods, jurisdictions, single_period, corpus, as_json, workers, config_path,
          overrides, quiet) -> None:
    """The strategic-shift index (SVC share = svc / (svc + gvc) mentions) of two periods or two
    jurisdictions, their difference, and the bootstrap interval of the difference.

    \b
    Example:
      policy-pipeline shift out/ --jurisdiction CN --periods 2000-2015 2019-2025
      policy-pipeline shift out/ --jurisdictions CN US --period 2019-2025 --json
      policy-pipeline shift out/ --jurisdiction CN --periods 2000-2015 2019-2025 --corpus cn_gov_work_reports
    """
    from pipeline.aggregate.shift import compare_shift
    from pipeline.aggregate.tables import RunTables
    from pipeline.aggregate.trends import lexicon_concepts
    from pipeline.lexicon import load_lexicon

    if jurisdiction and periods:
        sides = ((jurisdiction, periods[0]), (jurisdiction, periods[1]))
    elif jurisdictions and single_period:
        sides = ((jurisdictions[0], single_period), (jurisdictions[1], single_period))
    else:
        raise PipelineCommandError("give --jurisdiction J --periods A B, or --jurisdictions A B --period YEARS")
    config = load_config(config_path, overrides, workers)
    try:
        comparison = compare_shift(RunTables.read(out_dir), lexicon_concepts(load_lexicon(config.tag.lexicon)),
                                   *sides, config=config.trends, corpus=corpus)
    except (FileNotFoundError, ValueError) as error:
        _fail(error)
    if as_json:
        click.echo(json.dumps(comparison.as_dict(), ensure_ascii=False))
        return
    level = f"{int(comparison.confidence * 100)}%"
    table = Table("", "docs", "svc", "gvc", "SVC share", f"{level} CI", title="strategic-shift index",
                  header_style="bold")
    for side in (comparison.a, comparison.b):
        table.add_row(side.label, str(side.n_docs), str(side.n_svc), str(side.n_gvc), _number(side.share),
                      f"{_number(side.ci[0])}-{_number(side.ci[1])}")
    stdout.print(table)
    stdout.print(f"difference (b - a): {comparison.diff:+.3f}, {level} CI {comparison.ci[0]:+.3f} to "
                 f"{comparison.ci[1]:+.3f} ({comparison.resamples} resamples)")


@click.command()
@OUT_DIR
@click.option("--since", type=int, help="Only periods from this year on.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON records.")
@config_options
def changepoints(out_dir, since, as_json, workers, config_path, overrides, quiet) -> None:
    """Change points in each jurisdiction's family series (SVC share, svc and gvc rates), with the break
    period, its posterior probability and credible interval, and the documents around it.

    \b
    Example:
      policy-pipeline changepoints out/ --since 1990
    """
    from pipeline.aggregate.changepoints import change_points
    from pipeline.aggregate.outputs import trends_of

    config = load_config(config_path, overrides, workers)
    try:
        result, _ = trends_of(out_dir, config)
    except (FileNotFoundError, ValueError) as error:
        _fail(error)
    breaks = change_points(result.shift, result.trends, result.documents, since=since)
    if as_json:
        click.echo(breaks.to_json(orient="records", force_ascii=False))
        return
    table = Table("jurisdiction", "series", "break", "p", "90% interval", "before", "after", "documents around",
                  title="change points", header_style="bold")
    for row in breaks.itertuples():
        table.add_row(row.jurisdiction, row.series, row.break_period, f"{row.probability:.2f}",
                      f"{row.interval_low}-{row.interval_high}", _number(row.mean_before, 2),
                      _number(row.mean_after, 2), ", ".join(row.documents_around[:4]))
    stdout.print(table)


@click.command()
@OUT_DIR
@click.option("--concept", help="A concept id (e.g. supply_chain_security).")
@click.option("--family", type=click.Choice(["svc", "gvc", "topic"]), help="All concepts of a family.")
@click.option("--year", help="A year or YEAR-YEAR.")
@click.option("--jurisdiction", help="CN, US, EU, ...")
@click.option("--entity", help="Only sentences naming this canonical id (e.g. org:european_commission).")
@click.option("--negated", is_flag=True, help="Include negated mentions.")
@click.option("--limit", type=int, default=20, show_default=True, help="At most N lines (0: all).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON objects: doc_id, year, jurisdiction, concept, "
                                                      "text (the mention), sentence, offsets.")
def evidence(out_dir, concept, family, year, jurisdiction, entity, negated, limit, as_json) -> None:
    """Keyword-in-context lines for the mentions behind a trend cell.

    \b
    Example:
      policy-pipeline evidence out/ --concept supply_chain_security --year 2021 --jurisdiction CN
      policy-pipeline evidence out/ --family svc --entity gpe:CN --limit 5 --json
    """
    from pipeline.aggregate.evidence import evidence as find_evidence
    from pipeline.aggregate.evidence import kwic_line

    if not concept and not family:
        raise PipelineCommandError("give --concept or --family")
    try:
        rows = find_evidence(out_dir, concept=concept, family=family, year=year, jurisdiction=jurisdiction,
                             entity=entity, include_negated=negated, limit=limit or None)
    except (FileNotFoundError, ValueError) as error:
        _fail(error)
    if as_json:
        click.echo(rows.drop(columns=["left", "right"]).to_json(orient="records", force_ascii=False))
        return
    for row in rows.to_dict("records"):
        stdout.print(f"{row['doc_id']} ({row['year']}, {row['jurisdiction']}) {row['concept']}", style="bold",
                     highlight=False)
        stdout.print("  " + kwic_line(row), highlight=False, markup=False)
    if rows.empty:
        stdout.print("no mention matches these filters")


@click.command()
@OUT_DIR
@click.option("--output", "-o", type=click.Path(dir_okay=False), default="report.html", show_default=True)
@click.option("--evidence-per-cell", type=int, default=3, show_default=True,
              help="Sentences kept for each chart point's drill-down.")
@click.option("--since", type=int, default=1950, show_default=True,
              help="Charts and change points from this year on (0: everything).")
@config_options
def report(out_dir, output, evidence_per_cell, since, workers, config_path, overrides, quiet) -> None:
    """Write one self-contained HTML report (works offline): trends per family and concept by
    jurisdiction, the shift index with intervals, change points, evidence on click, the run's metadata.

    \b
    Example:
      policy-pipeline report out/ -o report.html
    """
    from pipeline.report import write_report

    config = load_config(config_path, overrides, workers)
    try:
        path = write_report(out_dir, output, config=config, evidence_per_cell=evidence_per_cell, since=since or None)
    except (FileNotFoundError, ValueError) as error:
        _fail(error)
    if not quiet:
        stdout.print(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB)")


@click.command("suggest")
@OUT_DIR
@click.option("--period", required=True, help="The period where terms rise, e.g. 2019-2025.")
@click.option("--baseline", required=True, help="The baseline period, e.g. 2000-2015.")
@click.option("--jurisdiction", help="Only documents of this jurisdiction.")
@click.option("--lang", type=click.Choice(["zh", "en"]), help="Only sentences in this language.")
@click.option("--min-count", type=int, default=5, show_default=True)
@click.option("--top", type=int, default=30, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON records.")
@config_options
def lexicon_suggest(out_dir, period, baseline, jurisdiction, lang, min_count, top, as_json, workers, config_path,
                    overrides, quiet) -> None:
    """Emerging terms near framing mentions, proposed as lexicon candidates: words (zh) and n-grams (en)
    rising in PERIOD against BASELINE (log-odds with an informative Dirichlet prior; the lexicon's own
    terms left out).

    \b
    Example:
      policy-pipeline lexicon suggest out/ --period 2019-2025 --baseline 2000-2015 --jurisdiction CN
    """
    from pipeline.aggregate.emerging import emerging_terms
    from pipeline.lexicon import load_lexicon

    config = load_config(config_path, overrides, workers)
    try:
        frame = emerging_terms(out_dir, period, baseline, jurisdiction=jurisdiction, lang=lang, min_count=min_count,
                               top=top, lexicon=load_lexicon(config.tag.lexicon))
    except (FileNotFoundError, ValueError) as error:
        _fail(error)
    if as_json:
        click.echo(frame.to_json(orient="records", force_ascii=False))
        return
    table = Table("term", "z", "period", "baseline", "near concept", "example", title=f"rising in {period} vs "
                  f"{baseline}", header_style="bold")
    for row in frame.itertuples():
        table.add_row(row.term, f"{row.z:.2f}", str(row.n_period), str(row.n_baseline), str(row.near_concept),
                      f"{row.example_doc}#{row.example_sentence}")
    stdout.print(table)


COMMANDS = (trends, shift, changepoints, evidence, report)
