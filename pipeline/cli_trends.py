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
@click.option("--by", "by", type=click.Choice(["family", "term"]), default="family", show_default=True,
              help="Print the SVC share and family rates, or the terms behind a concept (with --concept).")
@click.option("--concept", help="With --by term: the concept whose terms to print.")
@config_options
def trends(out_dir, period, group_by, resamples, seed, jurisdiction, last, by, concept, workers, config_path,
           overrides, quiet) -> None:
    """Recompute the trend tables of OUT_DIR (trends.parquet/.csv, shift.parquet, changepoints.parquet,
    terms.parquet) and print the SVC share and family rates per jurisdiction, or, with --by term, which
    words make a concept's counts.

    \b
    Example:
      policy-pipeline trends out/
      policy-pipeline trends out/ --period quarter --group-by doc_type --resamples 2000
      policy-pipeline trends out/ --by term --concept supply_chain_security --jurisdiction CN
    """
    if by == "term" and not concept:
        raise PipelineCommandError("--by term needs --concept (e.g. --concept supply_chain_security)")
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
    if by == "term":
        _print_terms(out_dir, concept, jurisdiction, last)
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
    from pipeline.aggregate.measurement import load_accuracy
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
                                   *sides, config=config.trends, corpus=corpus,
                                   accuracy=load_accuracy(config.trends.tagger_accuracy))
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
    if not math.isnan(comparison.corrected_diff):
        stdout.print(f"with the tagger's error (trends.tagger_accuracy): corrected difference "
                     f"{comparison.corrected_diff:+.3f}, {level} CI {comparison.me_ci[0]:+.3f} to "
                     f"{comparison.me_ci[1]:+.3f}")


def _print_terms(out_dir, concept: str, jurisdiction: str | None, last: int) -> None:
    from pipeline.aggregate.tables import resolve_name
    from pipeline.lexicon import load_lexicon
    from pipeline.store import read_table

    terms = read_table(out_dir, "terms")
    try:
        concept = resolve_name(concept, set(load_lexicon().concepts) | set(terms["concept"]), "concept")
        if jurisdiction:
            jurisdiction = resolve_name(jurisdiction, terms["jurisdiction"], "jurisdiction")
    except ValueError as error:
        _fail(error)
    rows = terms[terms["concept"] == concept]
    if rows.empty:
        _fail(ValueError(f"no counted mention of {concept!r} in this run"))
    for name, group in rows.groupby("jurisdiction"):
        if jurisdiction and name != jurisdiction:
            continue
        periods = sorted(group["period"].unique())[-last:]
        index = ["subconcept", "term"] if (group["subconcept"] != "").any() else ["term"]
        pivot = group[group["period"].isin(periods)].pivot_table(index=index, columns="period",
                                                                 values="n_mentions", aggfunc="sum", fill_value=0)
        pivot = pivot.loc[pivot.sum(axis=1).sort_values(ascending=False, kind="stable").index]
        table = Table(*index, *periods, title=f"{name}: {concept}, counted mentions by term", header_style="bold")
        for key, counts in pivot.head(15).iterrows():
            labels = list(key) if isinstance(key, tuple) else [key]
            table.add_row(*(label or "other" for label in labels), *(str(int(counts[p])) for p in periods))
        if len(pivot) > 15:
            table.add_row(*([""] * (len(index) - 1)), f"({len(pivot) - 15} more terms)",
                          *(str(int(pivot[p].iloc[15:].sum())) for p in periods))
        stdout.print(table)


@click.command()
@OUT_DIR
@click.option("--jurisdiction", help="One jurisdiction (default: every one with documents in both periods).")
@click.option("--periods", nargs=2, metavar="A B", required=True, help="Two periods, e.g. 2000-2015 2019-2025.")
@click.option("--corpus", help="Only the documents of this corpus.")
@click.option("--top-terms", type=int, default=10, show_default=True,
              help="Leave out each of this many most frequent svc/gvc terms in turn.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON: per jurisdiction, the summary and every variant.")
@config_options
def robustness(out_dir, jurisdiction, periods, corpus, top_terms, as_json, workers, config_path, overrides,
               quiet) -> None:
    """Does the shift between two periods survive other lexicon choices? Recomputed from the stored
    mentions (nothing re-tagged) leaving out each svc/gvc concept in turn, each of the most frequent terms
    in turn, and under the lexicon profiles (core terms only, no 改革开放, no food and energy security, and
    yours in trends.profiles); prints the range, the choice that moves the result most, and whether sign
    and significance hold under every choice.

    \b
    Example:
      policy-pipeline robustness out/ --periods 2000-2015 2019-2025
      policy-pipeline robustness out/ --jurisdiction CN --periods 2000-2015 2019-2025 --json
    """
    from pipeline.aggregate.robustness import ProfileError, jurisdictions_with_both, load_profiles
    from pipeline.aggregate.robustness import robustness as robustness_of
    from pipeline.aggregate.tables import RunTables
    from pipeline.aggregate.trends import lexicon_concepts
    from pipeline.lexicon import load_lexicon

    config = load_config(config_path, overrides, workers)
    try:
        tables = RunTables.read(out_dir)
        profiles, core = load_profiles(config.trends.profiles)
        names = [jurisdiction] if jurisdiction else jurisdictions_with_both(tables, tuple(periods), corpus)
        if not names:
            raise ValueError(f"no jurisdiction has documents in both {periods[0]} and {periods[1]}")
        concepts = lexicon_concepts(load_lexicon(config.tag.lexicon))
        results = [robustness_of(tables, concepts, name, tuple(periods), config.trends, profiles=profiles,
                                 core_terms=core, top_terms=top_terms, corpus=corpus) for name in names]
    except (FileNotFoundError, ValueError, ProfileError) as error:
        _fail(error)
    if as_json:
        click.echo(json.dumps([result.as_dict() for result in results], ensure_ascii=False))
        return
    from rich.cells import cell_len

    level = f"{int(config.trends.confidence * 100)}%"
    for result in results:
        summary = result.summary()
        click.echo(f"{result.jurisdiction}: the shift {periods[0]} -> {periods[1]} under other lexicon choices\n"
                   f"{'variant':<42}{'share a':>8}{'share b':>8}{'diff':>8}  {level} CI")
        for variant in [result.baseline, *result.variants]:
            name = f"{variant.kind}: {variant.name}"
            while cell_len(name) > 40:  # display columns: a Chinese term is two per character
                name = name[:-2] + "…"
            interval = (f"{variant.ci[0]:+.3f} to {variant.ci[1]:+.3f}" if not math.isnan(variant.ci[0]) else "-")
            diff = f"{variant.diff:+.3f}" if not math.isnan(variant.diff) else "-"
            click.echo(f"{name}{' ' * (42 - cell_len(name))}{_number(variant.a):>8}{_number(variant.b):>8}"
                       f"{diff:>8}  {interval}")
        click.echo(f"{result.jurisdiction}: difference {summary['diff']:+.3f}; over {summary['n_variants']} "
                   f"variants from {summary['range'][0]:+.3f} to {summary['range'][1]:+.3f}, most moved by "
                   f"{summary['most_moved_by']}; sign holds: {'yes' if summary['sign_holds'] else 'NO'}; "
                   f"significance holds: {'yes' if summary['significance_holds'] else 'no'}\n")


@click.command()
@OUT_DIR
@click.argument("pattern")
@click.option("--regex", is_flag=True, help="PATTERN is a regular expression (default: literal text).")
@click.option("--year", help="A year or YEAR-YEAR.")
@click.option("--jurisdiction", help="CN, US, EU, ...")
@click.option("--corpus", help="Only this corpus.")
@click.option("--lang", type=click.Choice(["zh", "en"]), help="Only sentences in this language.")
@click.option("--limit", type=int, default=20, show_default=True, help="At most N lines (0: all).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON objects with offsets and the sentence.")
def kwic(out_dir, pattern, regex, year, jurisdiction, corpus, lang, limit, as_json) -> None:
    """Keyword in context for any word or pattern in the stored sentences, lexicon term or not.

    \b
    Example:
      policy-pipeline kwic out/ 新质生产力 --jurisdiction CN
      policy-pipeline kwic out/ "de-?risk(ing)?" --regex --year 2019-2025
    """
    from pipeline.aggregate.evidence import kwic as find

    try:
        rows = find(out_dir, pattern, regex=regex, year=year, jurisdiction=jurisdiction, corpus=corpus, lang=lang,
                    limit=limit or None)
    except (FileNotFoundError, ValueError) as error:
        _fail(error)
    _print_lines(rows, as_json, lambda row: "", f"no sentence of these documents contains {pattern!r}")


def _print_lines(rows, as_json: bool, label, empty: str) -> None:
    """Keyword-in-context rows as JSON (without the context columns) or as bold headings over KWIC lines."""
    from pipeline.aggregate.evidence import kwic_line

    if as_json:
        click.echo(rows.drop(columns=["left", "right"]).to_json(orient="records", force_ascii=False))
        return
    for row in rows.to_dict("records"):
        stdout.print(f"{row['doc_id']} ({row['year']}, {row['jurisdiction']}){label(row)}", style="bold",
                     highlight=False)
        stdout.print("  " + kwic_line(row), highlight=False, markup=False)
    if rows.empty:
        stdout.print(empty)


@click.command("doc-concepts")
@OUT_DIR
@click.option("-o", "--output", "output", type=click.Path(dir_okay=False), required=True,
              help="Where to write the matrix: .csv or .parquet.")
@click.option("--negated", is_flag=True, help="Count negated mentions too.")
def doc_concepts_command(out_dir, output, negated) -> None:
    """The document x concept matrix of a run, for regressions: one row per dated document with its
    metadata, and per concept the counted mentions and their rate per 10k tokens.

    \b
    Example:
      policy-pipeline doc-concepts out/ -o doc_concepts.csv
    """
    from pipeline.aggregate.tables import RunTables
    from pipeline.aggregate.terms import doc_concepts

    if not output.endswith((".csv", ".parquet")):
        raise PipelineCommandError(f"--output must end in .csv or .parquet, got {output!r}")
    try:
        matrix = doc_concepts(RunTables.read(out_dir), include_negated=negated)
    except (FileNotFoundError, ValueError) as error:
        _fail(error)
    if output.endswith(".csv"):
        matrix.to_csv(output, index=False, float_format="%.6g")
    else:
        matrix.to_parquet(output, index=False)
    n_concepts = sum(column.endswith("_per_10k") for column in matrix.columns)
    stdout.print(f"wrote {output}: {len(matrix):,} documents x {n_concepts} concepts")


@click.command()
@OUT_DIR
@click.option("--since", type=int, help="Only periods from this year on.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON records.")
@config_options
def changepoints(out_dir, since, as_json, workers, config_path, overrides, quiet) -> None:
    """Change points in each jurisdiction's family series (SVC share, svc and gvc rates), with the break
    period, its posterior probability and credible interval, and the documents around it. Without --since,
    the same as changepoints.parquet, the report and the notebooks (series from trends.changepoints_since).

    \b
    Example:
      policy-pipeline changepoints out/
      policy-pipeline changepoints out/ --since 1990
    """
    from pipeline.aggregate.changepoints import change_points
    from pipeline.aggregate.outputs import trends_of

    config = load_config(config_path, overrides, workers)
    try:
        result, _ = trends_of(out_dir, config)
    except (FileNotFoundError, ValueError) as error:
        _fail(error)
    stored = config.trends.changepoints_since or None
    breaks = change_points(result.shift, result.trends, result.documents, since=since if since is not None else stored)
    if since is not None and since != stored and not as_json:
        stdout.print(f"series from {since} on: the stored table, the report and the notebooks use "
                     f"trends.changepoints_since = {config.trends.changepoints_since}", highlight=False)
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
@click.option("--term", help="Only mentions of this term, as `trends --by term` lists them (e.g. 粮食安全).")
@click.option("--negated", is_flag=True, help="Include negated mentions.")
@click.option("--limit", type=int, default=20, show_default=True, help="At most N lines (0: all).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON objects: doc_id, year, jurisdiction, concept, "
                                                      "text (the mention), sentence, offsets.")
def evidence(out_dir, concept, family, year, jurisdiction, entity, term, negated, limit, as_json) -> None:
    """Keyword-in-context lines for the mentions behind a trend cell.

    \b
    Example:
      policy-pipeline evidence out/ --concept supply_chain_security --year 2021 --jurisdiction CN
      policy-pipeline evidence out/ --family svc --entity gpe:CN --limit 5 --json
      policy-pipeline evidence out/ --concept supply_chain_security --term 粮食安全 --jurisdiction CN
    """
    from pipeline.aggregate.evidence import evidence as find_evidence

    if not concept and not family:
        raise PipelineCommandError("give --concept or --family")
    try:
        rows = find_evidence(out_dir, concept=concept, family=family, year=year, jurisdiction=jurisdiction,
                             entity=entity, include_negated=negated, limit=limit or None, term=term)
    except (FileNotFoundError, ValueError) as error:
        _fail(error)
    _print_lines(rows, as_json, lambda row: f" {row['concept']}",
                 f"the cell has documents but no {'negated or counted' if negated else 'counted'} mention matches "
                 f"these filters" + ("" if negated else " (--negated also shows negated ones)"))


@click.command()
@OUT_DIR
@click.option("--output", "-o", type=click.Path(dir_okay=False), default="report.html", show_default=True)
@click.option("--evidence-per-cell", type=int, default=3, show_default=True,
              help="Sentences kept for each chart point's drill-down.")
@click.option("--since", type=int, default=1950, show_default=True,
              help="Charts and change points from this year on (0: everything).")
@click.option("--periods", nargs=2, metavar="A B", default=("2000-2015", "2019-2025"), show_default=True,
              help="The two periods the shift is compared between.")
@click.option("--corpus", help="Only the documents of this corpus.")
@click.option("--jurisdiction", "jurisdictions", multiple=True, help="Only this jurisdiction (repeatable).")
@config_options
def report(out_dir, output, evidence_per_cell, since, periods, corpus, jurisdictions, workers, config_path,
           overrides, quiet) -> None:
    """Write one self-contained HTML report (works offline): trends per family and concept by
    jurisdiction, the shift index with intervals, change points, evidence on click, the run's metadata.

    \b
    Example:
      policy-pipeline report out/ -o report.html
      policy-pipeline report out/ --periods 2010-2016 2017-2025 --jurisdiction US --corpus us_wh_fact_sheets
    """
    from pipeline.report import write_report

    config = load_config(config_path, overrides, workers)
    try:
        path = write_report(out_dir, output, config=config, evidence_per_cell=evidence_per_cell, since=since or None,
                            periods=tuple(periods), corpus=corpus, jurisdictions=list(jurisdictions) or None)
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


COMMANDS = (trends, shift, robustness, changepoints, evidence, kwic, doc_concepts_command, report)
