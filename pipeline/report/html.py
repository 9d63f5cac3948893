"""The offline HTML report: one file, no network. Charts are inline SVG (``charts.py``); a few lines of
inline JavaScript show the evidence sentences of a clicked point and switch the concept chart."""

from __future__ import annotations

import json
import math
from html import escape
from pathlib import Path

import pandas as pd

from pipeline.aggregate.changepoints import change_points
from pipeline.aggregate.measurement import load_accuracy
from pipeline.aggregate.shift import compare_shift
from pipeline.aggregate.terms import term_table
from pipeline.aggregate.trends import ALL, lexicon_concepts
from pipeline.config import PipelineConfig
from pipeline.report.charts import (
    Chart,
    Interval,
    Marker,
    Point,
    Series,
    color_for,
    render_intervals,
    render_panels,
    render_svg,
)
from pipeline.store import TABLE_FILES, read_table

COMPARISON = ("2000-2015", "2019-2025")  # the shift comparison the report leads with, where data allow
DEFAULT_SINCE = 1950  # charts start after the war: the PRC's whole record, the post-war US and the EU
MIN_SHIFT_MENTIONS = 5
SNIPPET = 140  # characters of sentence kept on each side of a mention


def _pooled(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[(frame["group"] == ALL) & (frame["lang"] == ALL)]


def _nan(value) -> float:
    return math.nan if value is None or pd.isna(value) else float(value)


def _document_label(title, doc_id: str, period: str) -> str:
    """What a reader recognises a document by: its title (shortened) and period; the id when untitled."""
    title = str(title).strip() if isinstance(title, str) and title.strip() else ""
    if not title or title == doc_id:
        return f"{doc_id} ({period})" if str(period) not in str(doc_id) else str(doc_id)
    return f"{title[:90] + '…' if len(title) > 90 else title} ({period})"


def _evidence_totals(rows: pd.DataFrame) -> dict[str, int]:
    """Every drill-down key's number of counted, not negated mentions (``rows``): the N of "3 of N"."""
    totals: dict[str, int] = {}
    for (concept, jurisdiction, period), n in rows.groupby(["concept", "jurisdiction", "period"]).size().items():
        totals[f"concept|{concept}|{jurisdiction}|{period}"] = int(n)
    for (family, jurisdiction, period), n in rows.groupby(["family", "jurisdiction", "period"]).size().items():
        totals[f"family|{family}|{jurisdiction}|{period}"] = int(n)
    framing = rows[rows["family"].isin(["svc", "gvc"])]
    for (jurisdiction, period), n in framing.groupby(["jurisdiction", "period"]).size().items():
        totals[f"shift|{jurisdiction}|{period}"] = int(n)
    return totals


def _evidence(out: Path, documents: pd.DataFrame, per_cell: int) -> tuple[dict[str, list[dict]], dict[str, int]]:
    """Up to ``per_cell`` mentions for every concept, family and shift cell, in document order, and how
    many each cell has in all."""
    mentions = read_table(out, "mentions", ["doc_id", "sentence_id", "concept", "family", "start", "end", "text",
                                            "counted", "negated"])
    mentions = mentions[mentions["counted"] & ~mentions["negated"]]
    rows = mentions.merge(documents[["doc_id", "period", "jurisdiction", "_order", "title"]], on="doc_id")
    rows = rows.sort_values(["_order", "start"])
    picked = pd.concat([rows.groupby(["concept", "jurisdiction", "period"]).head(per_cell),
                        rows.groupby(["family", "jurisdiction", "period"]).head(per_cell)]).drop_duplicates(
        ["doc_id", "start", "concept"])
    sentences = read_table(out, "sentences", ["doc_id", "sentence_id", "start", "text"])
    picked = picked.merge(sentences.rename(columns={"start": "s_start", "text": "sentence"}),
                          on=["doc_id", "sentence_id"], how="left")
    evidence: dict[str, list[dict]] = {}
    for row in picked.itertuples(index=False):
        start, end = row.start - row.s_start, row.end - row.s_start
        item = {"doc": _document_label(row.title, row.doc_id, row.period), "concept": row.concept,
                "left": row.sentence[max(0, start - SNIPPET):start], "mention": row.text,
                "right": row.sentence[end:end + SNIPPET]}
        keys = [f"concept|{row.concept}|{row.jurisdiction}|{row.period}",
                f"family|{row.family}|{row.jurisdiction}|{row.period}"]
        if row.family in ("svc", "gvc"):
            keys.append(f"shift|{row.jurisdiction}|{row.period}")
        for key in keys:
            bucket = evidence.setdefault(key, [])
            limit = per_cell * 2 if key.startswith("shift") else per_cell
            if len(bucket) < limit and item not in bucket:
                bucket.append(item)
    return evidence, _evidence_totals(rows)


def classifier_chart(clf_shift: pd.DataFrame, min_sentences: int = MIN_SHIFT_MENTIONS) -> Chart:
    """The classifier's SVC share by jurisdiction, with the interval that also carries the classifier's
    cross-validated error where the model's card has it (the sampling-only interval otherwise)."""
    rows = _pooled(clf_shift)
    rows = rows[rows["clf_n_svc"] + rows["clf_n_gvc"] + 2 * rows["clf_n_both"] >= min_sentences]
    method = rows["clf_method"].iloc[0] if "clf_method" in rows and len(rows) else "counted"
    with_error = "clf_svc_share_me_low" in rows and rows["clf_svc_share_me_low"].notna().any()
    # kept short: the title is one line of the chart's width
    formula = "sum p_svc / (p_svc + p_gvc)" if method == "probabilistic" else "svc / (svc + gvc) sentences"
    band = "interval with its error" if with_error else "sampling interval"
    low, high = ("clf_svc_share_me_low", "clf_svc_share_me_high") if with_error else ("clf_svc_share_low",
                                                                                         "clf_svc_share_high")
    return Chart(f"Classifier SVC share, {formula}; {band}; {min_sentences}+ framed sentences",
                 "SVC share", [
                     Series(jurisdiction, [Point(r.period, _nan(r.clf_svc_share), _nan(getattr(r, low)),
                                                 _nan(getattr(r, high)), f"clf|{jurisdiction}|{r.period}",
                                                 f"(svc {r.clf_n_svc}, gvc {r.clf_n_gvc}, both {r.clf_n_both})")
                                           for r in group.itertuples()])
                     for jurisdiction, group in rows.groupby("jurisdiction", sort=True)], y_max=1.0,
                 chart_id="chart-shift-classifier")


def _term_breakdown(terms: pd.DataFrame, concept: str, top: int = 8) -> str:
    """The words behind a concept's counts: its most frequent terms, counted mentions per jurisdiction."""
    rows = terms[terms["concept"] == concept]
    if rows.empty or rows["n_mentions"].sum() == 0:
        return "<p>No counted mention of this concept in these years.</p>"
    parts = ""
    if (rows["subconcept"] != "").any():  # the concept declares sub-concepts: their totals first
        by_part = rows.assign(subconcept=rows["subconcept"].replace("", "other")).pivot_table(
            index="subconcept", columns="jurisdiction", values="n_mentions", aggfunc="sum", fill_value=0)
        by_part = by_part.loc[by_part.sum(axis=1).sort_values(ascending=False, kind="stable").index]
        parts = ('<p class="terms-caption">By sub-concept (counted mentions):</p>'
                 + _table(["sub-concept", *by_part.columns],
                          [[name, *(int(c) for c in counts)] for name, counts in by_part.iterrows()]))
    pivot = rows.pivot_table(index="term", columns="jurisdiction", values="n_mentions", aggfunc="sum", fill_value=0)
    pivot = pivot.loc[pivot.sum(axis=1).sort_values(ascending=False, kind="stable").index]
    body = [[term, *(int(count) for count in counts)] for term, counts in pivot.head(top).iterrows()]
    if len(pivot) > top:
        body.append([f"{len(pivot) - top} other terms", *(int(x) for x in pivot.iloc[top:].sum())])
    return (parts + '<p class="terms-caption">The words behind it (counted mentions, <code>terms.parquet</code>):'
            '</p>' + _table(["term", *pivot.columns], body))


def _methods(lexicon, config: PipelineConfig, accuracy, periods: tuple[str, str], since: int | None) -> str:
    """What the numbers are and how they were computed, in the words a methods section needs."""
    trends = config.trends
    level = f"{int(trends.confidence * 100)}%"
    error = (f"The tagger's error is carried by a second interval: misclassification-corrected counts (n × p / r per "
             f"concept, precision p and recall r from gold: {escape(accuracy.source or 'the shipped estimate')}), "
             f"resampled with their Beta posteriors together with the documents; that interval is never narrower "
             f"than the sampling one." if accuracy is not None else
             "No tagger accuracy estimate was used (trends.tagger_accuracy = none): intervals are sampling only.")
    items = [
        f"<b>What counts.</b> A mention of a framing concept found by lexicon {escape(lexicon.version)} (sha256 "
        f"{lexicon.content_hash[:12]}), counted when it is not nested in a longer mention and not negated"
        f"{'' if not trends.include_negated else ' (negated ones included: trends.include_negated)'}. The SVC "
        f"share is svc / (svc + gvc) counted mentions; rates are per 10,000 tokens (jieba's words for Chinese).",
        f"<b>Intervals.</b> {level} percentile intervals from {trends.resamples:,} bootstrap resamples of a cell's "
        f"documents (of its sentences when the cell is one document), seed {trends.seed}; a difference between "
        f"periods resamples each side on its own. {error}",
        f"<b>The comparison</b> is between {escape(periods[0])} and {escape(periods[1])}; each side is labelled with "
        f"the years its documents actually cover. Robustness recomputes it leaving out each concept, each frequent "
        f"term and under the lexicon profiles, with the same resamples.",
        f"<b>Change points</b> come from binary segmentation with a BIC penalty on each jurisdiction's series"
        f"{' from ' + str(trends.changepoints_since) if trends.changepoints_since else ''} (the same table as "
        f"<code>changepoints.parquet</code> and <code>policy-pipeline changepoints</code>); the charts show the years "
        f"from {since if since else 'the first'} on.",
        "<b>Periods</b> with fewer than five svc + gvc mentions are left out of the shift charts (a share of 0 or 1 "
        "from one or two mentions says nothing).",
    ]
    return "<ul>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>"


def _left_out(out: Path, since: int | None) -> str:
    """The documents no chart counts: rejected ones with their reason, undated ones, and (with ``since``) how
    many are older than the charts."""
    documents = read_table(out, "documents", ["doc_id", "corpus", "title", "status", "reason", "year"])
    rejected = documents[documents["status"] != "ok"]
    undated = documents[(documents["status"] == "ok") & documents["year"].isna()]
    older = documents[(documents["status"] == "ok") & (documents["year"] < since)] if since else documents.iloc[:0]
    parts = [f"<p>{len(rejected):,} rejected, {len(undated):,} without a date (in no period), "
             f"{len(older):,} dated before {since} (counted in the tables, not drawn).</p>" if since else
             f"<p>{len(rejected):,} rejected, {len(undated):,} without a date (in no period).</p>"]
    listed = [[row.doc_id, row.corpus, "rejected", row.reason or ""] for row in rejected.head(100).itertuples()]
    listed += [[row.doc_id, row.corpus, "no date", str(row.title or "")[:80]] for row in undated.head(100).itertuples()]
    if listed:
        parts.append(_table(["document", "corpus", "why", "reason or title"], listed))
        if len(rejected) > 100 or len(undated) > 100:
            parts.append("<p>The first 100 of each; <code>documents.parquet</code> has them all.</p>")
    return "".join(parts)


def _no_comparison(tables, periods: tuple[str, str]) -> str:
    """Why there is no comparison, and what would give one: the years each jurisdiction has documents."""
    spans = tables.documents.groupby("jurisdiction")["year"].agg(["min", "max"])
    covered = "; ".join(f"{name} {row['min']}-{row['max']}" for name, row in spans.iterrows())
    return (f"<p>No jurisdiction has documents in both {escape(periods[0])} and {escape(periods[1])} "
            f"(documents cover: {escape(covered) or 'no dated document'}). Choose other periods with "
            f"<code>policy-pipeline report DIR --periods A B</code>.</p>")


def _robustness_panel(tables, concepts: dict, jurisdiction: str, config: PipelineConfig,
                      periods: tuple[str, str]) -> str:
    """The forest plot of :func:`pipeline.aggregate.robustness.robustness` for one jurisdiction, and its
    summary in a sentence."""
    from pipeline.aggregate.robustness import robustness

    result = robustness(tables, concepts, jurisdiction, periods, config.trends)
    summary = result.summary()
    rows = [Interval("headline (every counted mention)", result.baseline.diff, *result.baseline.ci, emphasis=True)]
    rows += [Interval(f"{v.kind}: {v.name}" if len(v.name) <= 42 else f"{v.kind}: {v.name[:41]}…", v.diff, *v.ci)
             for v in result.variants]
    svg = render_intervals(f"{jurisdiction}: SVC share {periods[1]} minus {periods[0]}", rows,
                           result.baseline.diff, f"chart-robustness-{jurisdiction}")
    verdict = (f"From {summary['range'][0]:+.3f} to {summary['range'][1]:+.3f} over {summary['n_variants']} "
               f"choices; most moved by {summary['most_moved_by']}. The sign "
               f"{'holds under every choice' if summary['sign_holds'] else 'does NOT hold under every choice'}; "
               f"significance {'holds' if summary['significance_holds'] else 'does not hold'} under every choice.")
    return f'<div class="robustness">{svg}<p>{escape(verdict)}</p></div>'


def _classifier_evidence(out: Path, documents: pd.DataFrame, per_cell: int) -> dict[str, list[dict]]:
    """The most confident svc and gvc sentences of each classifier cell."""
    frames = read_table(out, "frames", ["doc_id", "sentence_id", "frame", "confidence"])
    frames = frames[frames["frame"].isin(["svc", "gvc", "both"])].merge(
        documents[["doc_id", "period", "jurisdiction", "title"]], on="doc_id")
    picked = (frames.sort_values("confidence", ascending=False)
              .groupby(["jurisdiction", "period", "frame"]).head(per_cell))
    sentences = read_table(out, "sentences", ["doc_id", "sentence_id", "text"])
    picked = picked.merge(sentences, on=["doc_id", "sentence_id"], how="left")
    evidence: dict[str, list[dict]] = {}
    for row in picked.itertuples(index=False):
        evidence.setdefault(f"clf|{row.jurisdiction}|{row.period}", []).append(
            {"doc": _document_label(row.title, row.doc_id, row.period),
             "concept": f"classifier: {row.frame} ({row.confidence:.2f})",
             "left": row.text[:2 * SNIPPET], "mention": "", "right": ""})
    return evidence


def markers(breaks: pd.DataFrame, series: str) -> list[Marker]:
    """Change points of one series (``svc_share``, ``svc_rate``, ``gvc_rate``) as chart markers."""
    rows = breaks[breaks["series"] == series]
    return [Marker(row.break_period, f"{row.jurisdiction} {row.break_period} p={row.probability:.2f}",
                   color_for(row.jurisdiction, 0)) for row in rows.itertuples()]


def rate_chart(trends: pd.DataFrame, level: str, key: str, title: str | None = None,
               breaks: list[Marker] | None = None, chart_id: str = "") -> Chart:
    """Rate per 10k tokens of one key (a concept, ``svc/goal``, a family) by jurisdiction, with intervals."""
    rows = _pooled(trends)
    rows = rows[(rows["level"] == level) & (rows["key"] == key)]
    series = []
    for jurisdiction, group in rows.groupby("jurisdiction", sort=True):
        series.append(Series(jurisdiction, [
            Point(r.period, _nan(r.rate_per_10k_tokens), _nan(r.rate_tokens_low), _nan(r.rate_tokens_high),
                  f"{level}|{key}|{jurisdiction}|{r.period}", f"({r.n_mentions} mentions, {r.n_docs} docs)")
            for r in group.itertuples()]))
    return Chart(title or f"{key}: mentions per 10k tokens", "mentions per 10k tokens", series, breaks or [],
                 chart_id=chart_id)


def shift_chart(shift: pd.DataFrame, breaks: list[Marker] | None = None, min_mentions: int = 5,
                chart_id: str = "chart-shift") -> Chart:
    """The SVC share by jurisdiction with intervals; periods with fewer than ``min_mentions`` svc + gvc
    mentions are left out (a share of 0 or 1 from two mentions says nothing)."""
    rows = _pooled(shift)
    rows = rows[rows["n_svc"] + rows["n_gvc"] >= min_mentions]
    return Chart(f"SVC share = svc / (svc + gvc) mentions (periods with {min_mentions}+ of them)", "SVC share", [
        Series(jurisdiction, [Point(r.period, _nan(r.svc_share), _nan(r.svc_share_low), _nan(r.svc_share_high),
                                    f"shift|{jurisdiction}|{r.period}", f"(svc {r.n_svc}, gvc {r.n_gvc})")
                              for r in group.itertuples()])
        for jurisdiction, group in rows.groupby("jurisdiction", sort=True)], breaks or [], y_max=1.0,
        chart_id=chart_id)


def _table(headers: list[str], rows: list[list]) -> str:
    head = "".join(f"<th>{escape(str(h))}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{escape(str(cell))}</td>" for cell in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _since(frame: pd.DataFrame, since: int | None, column: str = "period") -> pd.DataFrame:
    return frame if since is None else frame[frame[column].astype(str).str[:4].astype(int) >= since]


def build_report(out_dir: str | Path, config: PipelineConfig | None = None, evidence_per_cell: int = 3,
                 since: int | None = DEFAULT_SINCE, min_mentions: int = MIN_SHIFT_MENTIONS, *,
                 periods: tuple[str, str] = COMPARISON, corpus: str | None = None,
                 jurisdictions: list[str] | None = None) -> str:
    """The report of a run folder as one HTML string: charts and change points from ``since`` on (None:
    everything); shift points need ``min_mentions`` svc + gvc mentions (fewer make a share of 0 or 1 that
    says nothing); the shift compared between ``periods``; only the documents of ``corpus`` and of
    ``jurisdictions`` when given (names matched ignoring case, unknown ones an error with "did you mean")."""
    from pipeline.aggregate.tables import RunTables, parse_period_range, resolve_name
    from pipeline.aggregate.trends import compute_trends
    from pipeline.lexicon import load_lexicon

    config = config or PipelineConfig()
    out = Path(out_dir)
    for period in periods:
        parse_period_range(period)
    manifest = json.loads((out / "run.json").read_text(encoding="utf-8")) if (out / "run.json").is_file() else {}
    tables = RunTables.read(out)
    documents = tables.documents
    if corpus is not None:
        documents = documents[documents["corpus"] == resolve_name(corpus, documents["corpus"], "corpus")]
    if jurisdictions:
        chosen = [resolve_name(name, documents["jurisdiction"], "jurisdiction") for name in jurisdictions]
        documents = documents[documents["jurisdiction"].isin(chosen)]
    if len(documents) < len(tables.documents):
        tables = RunTables(out, documents.reset_index(drop=True),
                           tables.mentions[tables.mentions["doc_id"].isin(documents["doc_id"])].reset_index(drop=True),
                           tables.n_undated)
    lexicon = load_lexicon(config.tag.lexicon)
    concepts = lexicon_concepts(lexicon)
    accuracy = load_accuracy(config.trends.tagger_accuracy)
    result = compute_trends(tables, concepts, config.trends, accuracy)
    documents = result.documents.assign(_order=range(len(result.documents)))
    # the change points of changepoints.parquet and `policy-pipeline changepoints` (one setting,
    # trends.changepoints_since), those in the years shown
    breaks = change_points(result.shift, result.trends, documents, since=config.trends.changepoints_since or None)
    breaks = breaks if since is None else breaks[breaks["break_period"].astype(str).str[:4].astype(int) >= since]
    result.trends, result.shift = _since(result.trends, since), _since(result.shift, since)

    shift_rows = _pooled(result.shift)
    overview = shift_chart(result.shift, markers(breaks, "svc_share"), min_mentions)
    classifier_svg, classifier_evidence = "", {}
    if (out / TABLE_FILES["frames"]).is_file():  # the run had --classifier: its index beside the lexicon's
        from pipeline.aggregate.trends import classifier_shift
        from pipeline.classify.predict import frames_metadata, stored_share_errors

        # the same share and intervals as shift.parquet: every column, and the model's share error
        frames = read_table(out, "frames")
        share_rmse = stored_share_errors(frames_metadata(out / TABLE_FILES["frames"]),
                                         config.trends.classifier_share)
        clf_shift = _since(classifier_shift(tables, frames, config.trends, share_rmse), since)
        classifier_svg = render_panels(classifier_chart(clf_shift, min_mentions))
        classifier_evidence = _classifier_evidence(out, _since(documents, since), evidence_per_cell)
    family_charts = [
        rate_chart(result.trends, "family", family, f"{family.upper()} family: mentions per 10k tokens",
                   markers(breaks, f"{family}_rate"), f"chart-family-{family}")
        for family in ("svc", "gvc", "topic")]
    concept_ids = sorted(concepts, key=lambda c: (concepts[c][0], c))
    terms = _since(term_table(tables, config.trends, lexicon.concepts), since)
    concept_charts = [rate_chart(result.trends, "concept", concept, f"{concept} ({concepts[concept][0]})", [],
                                 f"chart-concept-{concept}") for concept in concept_ids]

    comparisons, robustness_panels = [], []
    for jurisdiction in sorted(shift_rows["jurisdiction"].unique()):
        try:
            found = compare_shift(tables, concepts, (jurisdiction, periods[0]), (jurisdiction, periods[1]),
                                  config.trends, accuracy=accuracy)
        except ValueError:
            continue  # no documents in one of the periods
        with_error = (f"{found.corrected_diff:+.3f} ({found.me_ci[0]:+.3f} to {found.me_ci[1]:+.3f})"
                      if not math.isnan(found.corrected_diff) else "-")
        comparisons.append([jurisdiction, f"{found.a.share:.3f} ({found.a.years})",
                            f"{found.b.share:.3f} ({found.b.years})", f"{found.diff:+.3f}",
                            f"{found.ci[0]:+.3f} to {found.ci[1]:+.3f}", with_error,
                            f"{found.a.n_docs} / {found.b.n_docs}"])
        robustness_panels.append(_robustness_panel(tables, concepts, jurisdiction, config, periods))
    break_rows = [[r.jurisdiction, r.series, r.break_period, f"{r.probability:.2f}",
                   f"{r.interval_low}-{r.interval_high}", f"{r.mean_before:.3g}", f"{r.mean_after:.3g}",
                   ", ".join(r.documents_around[:4])] for r in breaks.itertuples()]
    entity_rows = []
    if (out / TABLE_FILES["cooccurrence"]).is_file():
        from pipeline.aggregate.cooccurrence import summarize_cooccurrence

        top = summarize_cooccurrence(out, family="svc", top=15)
        entity_rows = [[r.entity_name, r.canonical_id, r.concept, r.n_sentences, r.n_docs] for r in top.itertuples()]

    # kept per point: four times what is shown first, for "show all" (the CLI lists every one)
    lexicon_evidence, totals = _evidence(out, _since(documents, since), evidence_per_cell * 4)
    evidence = {**lexicon_evidence, **classifier_evidence}
    counts = manifest.get("counts", {})
    meta_rows = [
        ["command", manifest.get("command", "")], ["finished", manifest.get("finished_at", "")],
        ["inputs", "; ".join(f"{i['input']} ({i['documents']} docs)" for i in manifest.get("inputs", []))],
        ["documents", f"{counts.get('ok', len(tables.documents))} ok, {counts.get('rejected', 0)} rejected"],
        ["mentions (counted, not negated)", counts.get("mentions", "")], ["entities", counts.get("entities", "")],
        ["lexicon", f"{lexicon.version} (sha256 {lexicon.content_hash[:12]})"],
        ["gazetteer", (manifest.get("gazetteer") or {}).get("version", "")],
        ["trends", f"period {config.trends.period}, {config.trends.resamples} resamples, seed {config.trends.seed}, "
                   f"{int(config.trends.confidence * 100)}% intervals"],
        ["policy-pipeline", (manifest.get("versions") or {}).get("policy-pipeline", "")],
    ]
    options = "".join(f'<option value="chart-concept-{escape(c)}">{escape(c)} ({concepts[c][0]})</option>'
                      for c in concept_ids)
    # what the drill-down shows first (evidence_per_cell), what "show all" adds, and the N of "n of N"
    data = json.dumps({"items": evidence, "totals": totals,
                       "first": evidence_per_cell, "out": str(out)},
                      ensure_ascii=False).replace("</", "<\\/")
    return TEMPLATE.format(
        title="policy-pipeline report",
        style=STYLE,
        meta=_table(["", ""], meta_rows),
        shift=render_panels(overview) + classifier_svg,
        robustness="".join(robustness_panels) or "<p>No jurisdiction has documents in both periods.</p>",
        comparison=_table(["jurisdiction", f"SVC share {periods[0]} (years with documents)",
                           f"SVC share {periods[1]} (years with documents)", "difference",
                           f"{int(config.trends.confidence * 100)}% CI of the difference",
                           "corrected for the tagger's error (CI)", "documents"],
                          comparisons) if comparisons else _no_comparison(tables, periods),
        families="".join(render_svg(chart) for chart in family_charts),
        options=options,
        concepts="".join(f'<div class="concept-chart" id="wrap-{chart.chart_id}"'
                         f'{"" if index == 0 else " hidden"}>{render_svg(chart)}'
                         f'{_term_breakdown(terms, concept)}</div>'
                         for index, (chart, concept) in enumerate(zip(concept_charts, concept_ids, strict=True))),
        breaks=_table(["jurisdiction", "series", "break", "probability", "90% interval", "level before",
                       "level after", "documents around"], break_rows),
        entities=_table(["entity", "canonical id", "concept", "sentences", "documents"], entity_rows)
        if entity_rows else "<p>No entity co-occurs with an SVC concept.</p>",
        evidence=data,
        script=SCRIPT,
        methods=_methods(lexicon, config, accuracy, periods, since),
        left_out=_left_out(out, since),
    )


def write_report(out_dir: str | Path, output: str | Path, *, config: PipelineConfig | None = None,
                 evidence_per_cell: int = 3, since: int | None = DEFAULT_SINCE, periods: tuple[str, str] = COMPARISON,
                 corpus: str | None = None, jurisdictions: list[str] | None = None) -> Path:
    """:func:`build_report` written to ``output`` (atomically)."""
    path = Path(output)
    html = build_report(out_dir, config, evidence_per_cell, since, periods=periods, corpus=corpus,
                        jurisdictions=jurisdictions)
    partial = path.with_name(path.name + ".partial")
    partial.write_text(html, encoding="utf-8")
    partial.replace(path)
    return path


STYLE = """
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", "Noto Sans", "Noto Sans CJK SC", sans-serif;
       margin: 0; color: #222; background: #fafafa; }
header { background: #243447; color: #fff; padding: 14px 24px; }
header h1 { margin: 0; font-size: 20px; }
main { display: grid; grid-template-columns: minmax(0, 800px) minmax(280px, 1fr); gap: 20px; padding: 16px 24px; }
section { background: #fff; border: 1px solid #e2e2e2; border-radius: 6px; padding: 12px 16px; margin-bottom: 16px; }
h2 { font-size: 16px; margin: 4px 0 10px; }
table { border-collapse: collapse; font-size: 12.5px; width: 100%; }
th, td { border-bottom: 1px solid #eee; padding: 3px 6px; text-align: left; vertical-align: top; }
svg.chart { max-width: 100%; height: auto; display: block; margin: 6px 0 14px; }
svg .title { font-size: 13px; font-weight: 600; } svg .tick, svg .legend { font-size: 11px; fill: #444; }
svg .axis-label { font-size: 11px; fill: #666; } svg .grid { stroke: #eee; } svg .axis { stroke: #999; }
svg .line { fill: none; stroke-width: 1.8; }
svg .point { cursor: pointer; } svg .point:hover, svg .point.selected { r: 6; stroke: #000; stroke-width: 1.5; }
svg .marker { stroke-dasharray: 4 3; stroke-width: 1.2; pointer-events: none; }
svg .marker-label { font-size: 10.5px; pointer-events: none; } svg .band, svg .line { pointer-events: none; }
#evidence { position: sticky; top: 12px; max-height: calc(100vh - 40px); overflow: auto; }
#evidence li { margin-bottom: 8px; } #evidence .doc { color: #666; font-size: 12px; }
#evidence .cli { font: 11px monospace; color: #555; word-break: break-all; } #show-all { margin: 4px 0; }
.downloads { margin: -8px 0 12px; } .downloads button { font-size: 11px; margin-right: 4px; }
#methods p, #methods li { max-width: 60em; }
mark { background: #ffe08a; padding: 0 1px; }
"""

SCRIPT = """
const DATA = JSON.parse(document.getElementById('evidence-data').textContent);
const EVIDENCE = DATA.items;
const panel = document.getElementById('evidence-list');
const heading = document.getElementById('evidence-heading');
const more = document.getElementById('evidence-more');
function cliCommand(cell) {
  const [kind, a, b, c] = cell.split('|');
  const filters = kind === 'concept' ? `--concept ${a} --jurisdiction ${b} --year ${c}`
    : kind === 'family' ? `--family ${a} --jurisdiction ${b} --year ${c}`
    : kind === 'shift' ? `--family svc --jurisdiction ${a} --year ${b}` : '';
  const gvc = kind === 'shift' ? ' (and the same with --family gvc)' : '';
  return filters ? `policy-pipeline evidence ${DATA.out} ${filters} --limit 0${gvc}` : '';
}
function showEvidence(point, all) {
  document.querySelectorAll('circle.point.selected').forEach(p => p.classList.remove('selected'));
  point.classList.add('selected');
  const kept = EVIDENCE[point.dataset.cell] || [];
  const total = DATA.totals[point.dataset.cell] ?? kept.length;
  const items = all ? kept : kept.slice(0, DATA.first);
  heading.textContent = `${point.dataset.series} ${point.dataset.period}: ${items.length} of ${total} sentence(s)`;
  more.replaceChildren();
  if (!all && kept.length > items.length) {
    const button = document.createElement('button');
    button.id = 'show-all';
    button.textContent = `show all ${kept.length}` + (total > kept.length ? ' kept here' : '');
    button.addEventListener('click', () => showEvidence(point, true));
    more.append(button);
  }
  if (total > kept.length && cliCommand(point.dataset.cell)) {
    const note = document.createElement('p');
    note.className = 'cli';
    note.textContent = `All ${total}: ${cliCommand(point.dataset.cell)}`;
    more.append(note);
  }
  panel.replaceChildren();
  for (const item of items) {
    const li = document.createElement('li');
    const doc = document.createElement('div');
    doc.className = 'doc';
    doc.textContent = item.doc + ' · ' + item.concept;
    const text = document.createElement('div');
    const mark = document.createElement('mark');
    mark.textContent = item.mention;
    text.append('…' + item.left, mark, item.right + '…');
    li.append(doc, text);
    panel.append(li);
  }
  if (!items.length) {
    const li = document.createElement('li');
    li.textContent = 'No counted mention here.';
    panel.append(li);
  }
}
document.addEventListener('click', event => {
  const point = event.target.closest('circle.point');
  if (point) showEvidence(point);
});
document.addEventListener('keydown', event => {
  if (event.key === 'Enter' && event.target.matches('circle.point')) showEvidence(event.target);
});
// Every chart can be saved: as SVG (styles are inline, so the file looks the same), as PNG, and its numbers
// as CSV (series, period, value, interval).
function save(name, blob) {
  const link = document.createElement('a');
  link.href = URL.createObjectURL(blob);
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
}
function chartCsv(svg) {
  const rows = [['series', 'period', 'value', 'low', 'high']];
  svg.querySelectorAll('circle.point').forEach(p => rows.push([p.dataset.series, p.dataset.period,
    p.dataset.value, p.dataset.low, p.dataset.high].map(v => (v === 'nan' ? '' : v))));
  return rows.map(row => row.join(',')).join('\\n') + '\\n';
}
function savePng(svg, name) {
  const image = new Image();
  const box = svg.viewBox.baseVal;
  image.onload = () => {
    const canvas = document.createElement('canvas');
    canvas.width = box.width * 2;
    canvas.height = box.height * 2;
    const context = canvas.getContext('2d');
    context.scale(2, 2);
    context.drawImage(image, 0, 0, box.width, box.height);
    canvas.toBlob(blob => save(name, blob), 'image/png');
  };
  image.src = URL.createObjectURL(new Blob([new XMLSerializer().serializeToString(svg)], {type: 'image/svg+xml'}));
}
document.querySelectorAll('svg.chart').forEach((svg, index) => {
  const name = svg.id || `chart-${index + 1}`;
  const bar = document.createElement('div');
  bar.className = 'downloads';
  for (const [label, action] of [
      ['SVG', () => save(name + '.svg', new Blob([new XMLSerializer().serializeToString(svg)],
                                                 {type: 'image/svg+xml'}))],
      ['PNG', () => savePng(svg, name + '.png')],
      ['CSV', () => save(name + '.csv', new Blob([chartCsv(svg)], {type: 'text/csv'}))]]) {
    if (label === 'CSV' && !svg.querySelector('circle.point')) continue;
    const button = document.createElement('button');
    button.textContent = label;
    button.dataset.format = label.toLowerCase();
    button.addEventListener('click', action);
    bar.append(button);
  }
  svg.after(bar);
});
document.getElementById('concept-select').addEventListener('change', event => {
  document.querySelectorAll('.concept-chart').forEach(div => { div.hidden = div.id !== 'wrap-' + event.target.value; });
});
"""

TEMPLATE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title><style>{style}</style></head>
<body><header><h1>{title}</h1><div>How, when and where policy discourse moved from the global-value-chain frame
(efficiency, openness, interdependence) to the strategic-value-chain frame (security, autonomy, state strategy).
Click any point of a chart for the sentences behind it.</div></header>
<main><div>
<section id="shift"><h2>Strategic-shift index</h2>{shift}{comparison}</section>
<section id="robustness"><h2>Robustness to lexicon choices</h2>
<p>The difference above recomputed from the stored mentions leaving out each svc/gvc concept in turn, each
of the ten most frequent terms in turn, and under the lexicon profiles (<code>policy-pipeline robustness</code>).
Red: the headline, dashed at its value; the grey line is zero.</p>{robustness}</section>
<section id="families"><h2>Families</h2>{families}</section>
<section id="concepts"><h2>Concepts</h2><label>Concept: <select id="concept-select">{options}</select></label>
{concepts}</section>
<section id="changepoints"><h2>Change points</h2>{breaks}</section>
<section id="entities"><h2>Entities talked about in SVC terms (sentences)</h2>{entities}</section>
<section id="methods"><h2>Methods</h2>{methods}</section>
<section id="left-out"><h2>Documents left out</h2>{left_out}</section>
<section id="run"><h2>This run</h2>{meta}</section>
</div>
<aside><section id="evidence"><h2 id="evidence-heading">Evidence</h2>
<p>Click a point in a chart to see the sentences behind it.</p><ol id="evidence-list"></ol>
<div id="evidence-more"></div></section></aside>
</main>
<script type="application/json" id="evidence-data">{evidence}</script>
<script>{script}</script>
</body></html>
"""
