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
    code("from pipeline.report import markers, rate_chart, shift_chart\n\n"
         "# the stored tables: the same numbers as the report and `policy-pipeline changepoints`\n"
         "trends, shift = read_table(out, 'trends'), read_table(out, 'shift')\n"
         "breaks = read_table(out, 'changepoints')\n"
         "\n\n"
         "def recent(frame, column='period'):\n"
         "    return frame[frame[column].astype(str).str[:4].astype(int) >= 1978]\n\n\n"
         "breaks = recent(breaks, 'break_period')\n"
         "show(shift_chart(recent(shift), markers(breaks, 'svc_share')), panels=True)\n"
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


RETRAIN = [
    md("# 03 Retrain the frame classifier\n\n"
       "The loop a team runs to adapt the classifier to its own coding: start from a model, export the sentences it "
       "is least sure about for annotation (Label Studio or doccano), import the labels, retrain, and compare the "
       "versions on sentences neither saw. Everything here is the Python API (`pipeline.classify`); the CLI's "
       "`policy-pipeline classify ...` commands do the same.\n\n"
       "Here the annotator is simulated: the team's dev gold sentences (`../shared/eval`) are split *by document* "
       "into a pool to annotate and a test half, and the \"annotations\" are the gold labels of the exported "
       "sentences. With a real project, you would import the exported file into Label Studio, label, and export it "
       "back."),
    code("import json\n"
         "import zlib\n\n"
         "from pipeline.classify import (\n"
         "    Example,\n"
         "    compare_models,\n"
         "    export_tasks,\n"
         "    import_annotations,\n"
         "    read_examples,\n"
         "    train,\n"
         "    weak_labels,\n"
         ")\n"
         "from pipeline.notebook import example_run, shared_corpora\n\n"
         "out = example_run()\n"
         "work = out / 'retrain'\n"
         "work.mkdir(exist_ok=True)\n"
         "evaluation = [shared_corpora().parent / 'eval' / f'{lang}_dev.jsonl' for lang in ('zh', 'en')]\n"
         "gold = read_examples(evaluation)\n"
         "# split by document: sentences of one document are never on both sides\n"
         "in_test = {e.doc_id: zlib.crc32(e.doc_id.encode()) % 2 == 0 for e in gold}\n"
         "test = [e for e in gold if in_test[e.doc_id]]        # never annotated, never trained on\n"
         "pool = [e for e in gold if not in_test[e.doc_id]]    # what the annotator may be asked about\n"
         "len(test), len(pool)"),
    md("## Version 1: weak labels only\n\n"
       "Weak labels come from the lexicon tagger over the processed corpora, each with the rule that made it. The "
       "test and pool sentences are excluded."),
    code("from pipeline.classify import write_examples\n"
         "from pipeline.io import normalize_text\n\n"
         "weak = weak_labels(out, per_class=600, seed=13, exclude_texts={normalize_text(e.text) for e in gold})\n"
         "write_examples(work / 'weak.jsonl', weak.examples)\n"
         "v1, _ = train([], 'tfidf', work / 'v1', weak=[work / 'weak.jsonl'])\n"
         "len(weak.examples), list(v1.classes_)"),
    md("## Export the least certain sentences for annotation\n\n"
       "Uncertainty sampling: the smallest margin between the model's two most probable labels. The Label Studio file "
       "carries the model's guess as a pre-annotation; the labelling config is written beside it."),
    code("unlabelled = [Example(e.text, e.lang, None, e.id, doc_id=e.doc_id) for e in pool]\n"
         "export_tasks(v1, unlabelled, work / 'tasks.json', n=60, model_version='v1')\n"
         "tasks = json.loads((work / 'tasks.json').read_text(encoding='utf-8'))\n"
         "print((work / 'tasks.label_config.xml').read_text())\n"
         "tasks[0]['predictions'][0]['result'][0]['value'], tasks[0]['data']['lang']"),
    md("## The annotator (simulated) and the import\n\n"
       "Each exported task gets an annotation in Label Studio's export format, here the gold label of that sentence, "
       "written the way Label Studio's default template writes choices (capitalised): the import matches labels to "
       "the codebook's ignoring case, and an unknown label would be an error that names it."),
    code("label_of = {e.id: e.label for e in pool}\n"
         "for number, task in enumerate(tasks, start=1):\n"
         "    task['id'] = number  # Label Studio's task id, kept by the import\n"
         "    choice = label_of[task['data']['id']].upper()\n"
         "    task['annotations'] = [{'was_cancelled': False, 'result': [{\n"
         "        'from_name': 'frame', 'to_name': 'text', 'type': 'choices', 'value': {'choices': [choice]}}]}]\n"
         "(work / 'label-studio-export.json').write_text(json.dumps(tasks, ensure_ascii=False), encoding='utf-8')\n"
         "imported = import_annotations([work / 'label-studio-export.json'])\n"
         "write_examples(work / 'labels.jsonl', imported.examples)\n"
         "len(imported.examples), dict(imported.skipped), sorted({e.label for e in imported.examples})"),
    md("## Version 2: the new labels plus the weak labels, and the comparison on the test half\n\n"
       "What the product uses a frame classifier for: whether a sentence frames the economy strategically (svc "
       "present) or as open and efficient (gvc present), and the SVC share over a set of sentences. Both, with 95% "
       "intervals, for each version and for the lexicon rule."),
    code("import pandas as pd\n\n"
         "v2, _ = train([work / 'labels.jsonl'], 'tfidf', work / 'v2', weak=[work / 'weak.jsonl'])\n"
         "comparison = compare_models({'v1': v1, 'v2': v2}, test, baseline=True)\n\n\n"
         "def cell(scores):\n"
         "    return '{:.2f} ({:.2f}-{:.2f})'.format(scores['f1'], *scores['f1_ci'])\n\n\n"
         "rows = []\n"
         "for model, results in comparison.items():\n"
         "    for lang in ('zh', 'en'):\n"
         "        presence = results[lang]['presence']\n"
         "        share = presence['svc_share']\n"
         "        rows.append({'model': model, 'lang': lang, 'svc present F1': cell(presence['svc_present']),\n"
         "                     'gvc present F1': cell(presence['gvc_present']),\n"
         "                     'SVC share (gold)': round(share['gold'], 3),\n"
         "                     'share error': round(share['classify_and_count']['error'], 3),\n"
         "                     '4-label macro-F1': round(results[lang]['macro_f1'], 3)})\n"
         "pd.DataFrame(rows)"),
    md("With a few dozen test sentences per language the intervals are wide: differences between versions inside "
       "them are not evidence. The share error is the counted estimate (svc over svc + gvc decided sentences, as "
       "the trend tables count them) minus the gold share."),
    md("Each model folder carries its card: training data and hashes, labels, parameters, metrics, code version."),
    code("print((work / 'v2' / 'README.md').read_text(encoding='utf-8')[:1200])"),
]


def write(name: str, cells: list) -> None:
    for number, cell in enumerate(cells):
        cell.id = f"cell-{number:02d}"  # stable ids: regenerating does not change the files
    notebook = nbformat.v4.new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(notebook, HERE / name)


if __name__ == "__main__":
    write("01-trends-overview.ipynb", TRENDS)
    write("02-concept-deep-dive.ipynb", DEEP_DIVE)
    write("03-retrain-classifier.ipynb", RETRAIN)
