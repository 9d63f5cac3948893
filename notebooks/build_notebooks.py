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
       "versions on sentences neither saw.\n\n"
       "Here the annotator is simulated: the team's dev gold sentences (`../shared/eval`) are split into a pool to "
       "annotate and a test half, and the \"annotations\" are the gold labels of the exported sentences. With a real "
       "project, you would import the exported file into Label Studio, label, and export it back."),
    code("import json\n"
         "from pathlib import Path\n\n"
         "from pipeline.classify.data import read_examples, write_examples\n"
         "from pipeline.notebook import example_run, shared_corpora\n\n"
         "out = example_run()\n"
         "work = out / 'retrain'\n"
         "work.mkdir(exist_ok=True)\n"
         "gold = read_examples([shared_corpora().parent / 'eval' / f'{lang}_dev.jsonl' for lang in ('zh', 'en')])\n"
         "test = [e for i, e in enumerate(gold) if i % 2 == 0]     # never annotated, never trained on\n"
         "pool = [e for i, e in enumerate(gold) if i % 2 == 1]     # what the annotator may be asked about\n"
         "write_examples(work / 'test.jsonl', test)\n"
         "write_examples(work / 'pool.jsonl', [e.__class__(e.text, e.lang, None, e.id) for e in pool])\n"
         "len(test), len(pool)"),
    md("## Version 1: weak labels only\n\n"
       "Weak labels come from the lexicon tagger over the processed corpora, each with the rule that made it. The "
       "test and pool sentences are excluded."),
    code("from click.testing import CliRunner\n\n"
         "from pipeline.cli import main\n\n\n"
         "def policy_pipeline(*arguments):\n"
         "    result = CliRunner().invoke(main, [str(argument) for argument in arguments])\n"
         "    assert result.exit_code == 0, result.output\n"
         "    return result.output\n\n\n"
         "evaluation = [shared_corpora().parent / 'eval' / f'{lang}_dev.jsonl' for lang in ('zh', 'en')]\n"
         "print(policy_pipeline('classify', 'weak-label', out, '-o', work / 'weak.jsonl', '--per-class', '600',\n"
         "                      '--exclude', evaluation[0], '--exclude', evaluation[1]))\n"
         "print(policy_pipeline('classify', 'train', work / 'weak.jsonl', '--model-type', 'tfidf',\n"
         "                      '--out', work / 'v1'))"),
    md("## Export the least certain sentences for annotation\n\n"
       "Uncertainty sampling: the smallest margin between the model's two most probable labels. The Label Studio file "
       "carries the model's guess as a pre-annotation; the labelling config is written beside it."),
    code("print(policy_pipeline('classify', 'export-for-annotation', work / 'pool.jsonl', '-o', work / 'tasks.json',\n"
         "                      '--model', work / 'v1', '--n', '60'))\n"
         "tasks = json.loads((work / 'tasks.json').read_text(encoding='utf-8'))\n"
         "print((work / 'tasks.label_config.xml').read_text())\n"
         "tasks[0]['predictions'][0]['result'][0]['value'], tasks[0]['data']['lang']"),
    md("## The annotator (simulated) and the import\n\n"
       "Each exported task gets an annotation in Label Studio's export format, here the gold label of that sentence."),
    code("label_of = {e.id: e.label for e in pool}\n"
         "for task in tasks:\n"
         "    choice = label_of[task['data']['id']]\n"
         "    task['annotations'] = [{'was_cancelled': False, 'result': [{\n"
         "        'from_name': 'frame', 'to_name': 'text', 'type': 'choices', 'value': {'choices': [choice]}}]}]\n"
         "(work / 'label-studio-export.json').write_text(json.dumps(tasks, ensure_ascii=False), encoding='utf-8')\n"
         "print(policy_pipeline('classify', 'import-annotations', work / 'label-studio-export.json',\n"
         "                      '-o', work / 'labels.jsonl'))"),
    md("## Version 2: the new labels plus the weak labels, and the comparison on the test half"),
    code("import pandas as pd\n\n"
         "print(policy_pipeline('classify', 'train', work / 'labels.jsonl', '--weak', work / 'weak.jsonl',\n"
         "                      '--model-type', 'tfidf', '--out', work / 'v2'))\n"
         "comparison = json.loads(policy_pipeline('classify', 'compare', work / 'v1', work / 'v2',\n"
         "                                        '--data', work / 'test.jsonl', '--baseline', '--json'))\n"
         "pd.DataFrame({Path(model).name: {lang: '{:.3f} ({:.2f}-{:.2f})'.format(scores[lang]['macro_f1'],\n"
         "                                                                *scores[lang]['macro_f1_ci'])\n"
         "                                 for lang in ('zh', 'en', 'all')}\n"
         "              for model, scores in comparison.items()})"),
    md("Macro-F1 with its 95% bootstrap interval over the test sentences, next to the lexicon rule (`--baseline`). "
       "With about sixty sentences per language, and one or two `both` among them, the intervals are wide: "
       "differences between versions inside them are not evidence."),
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
