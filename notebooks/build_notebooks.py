"""Write the notebooks from their cells (kept here as plain text so diffs are readable). Run after an edit:

    .venv/bin/python notebooks/build_notebooks.py
"""

from __future__ import annotations

from pathlib import Path

import nbformat

HERE = Path(__file__).parent
md, code = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell

TRENDS = [
    md("# 01 Trends overview: CN vs US vs EU\n\n"
       "When did the strategic-value-chain frame (security, autonomy, state strategy) gain on the global-value-chain "
       "frame (efficiency, openness, interdependence)? This notebook reads a processed run of the Chinese government "
       "work reports, the US State of the Union addresses and the EU State of the Union speeches, compares the "
       "**strategic-shift index** (SVC share = svc / (svc + gvc) mentions) between periods and jurisdictions with "
       "bootstrap intervals, and shows the series with their change points."),
    code("from pipeline.notebook import example_run, show\n"
         "from pipeline.store import read_table\n\n"
         "out = example_run()   # processes ../shared/corpora once; later calls reuse the tables\n"
         "documents = read_table(out, 'documents', ['doc_id', 'corpus', 'jurisdiction', 'year', 'status'])\n"
         "documents.groupby(['jurisdiction', 'corpus']).agg(\n"
         "    documents=('doc_id', 'size'), first=('year', 'min'), last=('year', 'max'))"),
    md("## The headline: the SVC share before and after\n\n"
       "Each side pools its documents; the interval of the difference comes from resampling each side's documents "
       "(1,000 resamples, seeded: the numbers are reproducible)."),
    code("import pandas as pd\n\n"
         "from pipeline.aggregate.shift import compare_shift\n"
         "from pipeline.aggregate.tables import RunTables\n"
         "from pipeline.aggregate.trends import lexicon_concepts\n"
         "from pipeline.lexicon import load_lexicon\n\n"
         "tables = RunTables.read(out)\n"
         "concepts = lexicon_concepts(load_lexicon())\n"
         "rows = []\n"
         "for jurisdiction, before, after in [('CN', '2000-2015', '2019-2025'), ('US', '2000-2015', '2019-2025'),\n"
         "                                    ('EU', '2010-2015', '2019-2025')]:\n"
         "    found = compare_shift(tables, concepts, (jurisdiction, before), (jurisdiction, after))\n"
         "    rows.append({'jurisdiction': jurisdiction, 'before': before, 'SVC share before': found.a.share,\n"
         "                 'after': after, 'SVC share after': found.b.share, 'difference': found.diff,\n"
         "                 'CI low': found.ci[0], 'CI high': found.ci[1]})\n"
         "headline = pd.DataFrame(rows).round(3)\n"
         "headline"),
    code("cn = headline.set_index('jurisdiction').loc['CN']\n"
         "assert cn['CI low'] > 0, 'the CN shift should be clearly positive on these corpora'\n"
         "print(f\"CN: SVC share {cn['SVC share before']:.3f} -> {cn['SVC share after']:.3f}, \"\n"
         "      f\"difference {cn['difference']:+.3f} (95% CI {cn['CI low']:+.3f} to {cn['CI high']:+.3f})\")"),
    md("## Between jurisdictions, same period"),
    code("found = compare_shift(tables, concepts, ('CN', '2019-2025'), ('US', '2019-2025'))\n"
         "found.as_dict()"),
    md("## The series, with intervals and change points\n\n"
       "Points with fewer than 5 svc + gvc mentions are left out of the chart. Dashed lines are change points "
       "(their posterior probability in the legend)."),
    code("from pipeline.aggregate.changepoints import change_points\n"
         "from pipeline.aggregate.trends import period_of\n"
         "from pipeline.config import Period\n"
         "from pipeline.report import markers, rate_chart, shift_chart\n\n"
         "trends, shift = read_table(out, 'trends'), read_table(out, 'shift')\n"
         "\n\n"
         "def recent(frame):\n"
         "    return frame[frame['period'].astype(int) >= 1978]\n\n\n"
         "dated = tables.documents.assign(period=period_of(tables.documents, Period.YEAR))\n"
         "breaks = change_points(shift, trends, dated, since=1978)\n"
         "show(shift_chart(recent(shift), markers(breaks, 'svc_share')))\n"
         "show(rate_chart(recent(trends), 'family', 'svc', 'SVC family per 10k tokens', markers(breaks, 'svc_rate')))"),
    code("breaks[['jurisdiction', 'series', 'break_period', 'probability', 'interval_low', 'interval_high',\n"
         "        'mean_before', 'mean_after']].round(3)"),
    md("## The family rates behind the index (pooled cells)"),
    code("families = trends[(trends['group'] == '*') & (trends['level'] == 'family')]\n"
         "families.pivot_table(index='period', columns=['jurisdiction', 'key'], values='rate_per_10k_tokens')"
         ".tail(10).round(1)"),
]

DEEP_DIVE = [
    md("# 02 Concept deep dive\n\n"
       "One concept at a time: its series by jurisdiction, the sentences behind a peak, and the entities it is "
       "talked about with. Change `CONCEPT` to any concept id of the lexicon (`policy-pipeline lexicon validate` "
       "lists them)."),
    code("from pipeline.notebook import example_run, show\n"
         "from pipeline.report import rate_chart\n"
         "from pipeline.store import read_table\n\n"
         "CONCEPT = 'supply_chain_security'\n"
         "out = example_run()\n"
         "trends = read_table(out, 'trends')\n"
         "concept = trends[(trends['level'] == 'concept') & (trends['key'] == CONCEPT) & (trends['group'] == '*')]\n"
         "show(rate_chart(concept[concept['period'].astype(int) >= 1978], 'concept', CONCEPT))"),
    md("## Where it peaks"),
    code("peaks = concept.sort_values('rate_per_10k_tokens', ascending=False).head(5)\n"
         "peaks[['period', 'jurisdiction', 'n_mentions', 'n_docs', 'rate_per_10k_tokens', 'rate_tokens_low',\n"
         "       'rate_tokens_high']].round(2)"),
    md("## The evidence behind the top cell\n\n"
       "Every trend number traces back to mention rows: without a limit, the evidence rows of a cell are exactly "
       "its `n_mentions`."),
    code("from pipeline.aggregate.evidence import evidence\n\n"
         "top = peaks.iloc[0]\n"
         "behind = evidence(out, concept=CONCEPT, year=top['period'], jurisdiction=top['jurisdiction'], limit=None)\n"
         "assert len(behind) == top['n_mentions']\n"
         "behind[['doc_id', 'year', 'text', 'left', 'right']].head(10)"),
    md("## Entities talked about in these terms\n\n"
       "Counted within sentences: a sentence naming an entity and holding a mention of the concept counts once."),
    code("from pipeline.aggregate.cooccurrence import summarize_cooccurrence\n\n"
         "summarize_cooccurrence(out, concept=CONCEPT, top=15)"),
    code("by_year = summarize_cooccurrence(out, concept=CONCEPT, by_year=True, top=None)\n"
         "by_year[by_year['year'] >= 2015].pivot_table(index='entity_name', columns='year', values='n_sentences',\n"
         "                                            aggfunc='sum', fill_value=0).tail(15)"),
]


def write(name: str, cells: list) -> None:
    notebook = nbformat.v4.new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(notebook, HERE / name)


if __name__ == "__main__":
    write("01-trends-overview.ipynb", TRENDS)
    write("02-concept-deep-dive.ipynb", DEEP_DIVE)
