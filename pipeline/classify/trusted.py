"""What a skops model file may contain, checked before skops builds or imports anything.

A skops file is a zip holding ``schema.json``: a tree of nodes, each naming the loader that builds it
(``ObjectNode``, ``FunctionNode``, ...) and a type by module and name. Loading imports that type and, for
some loaders, calls it: a ``ConstructorFromReduceNode`` of ``builtins.exec`` runs its argument on load,
and a ``FunctionNode`` of ``os.system`` as a vectoriser's ``analyzer`` runs each predicted text. So trust is
given to exact (loader, type) pairs that the project's own estimators need, never to a module prefix, and
every node of the tree is checked here, from the raw JSON, before :func:`skops.io.load` sees the file.

When a new estimator or feature joins ``pipeline.classify``, its types join :data:`TRUSTED_NODES`; a test
saves every model type and fails if a type it needs is missing.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

SCHEMA = "schema.json"

_PRIMITIVES = ("builtins.str", "builtins.int", "builtins.float", "builtins.bool", "builtins.NoneType")
_NUMPY_SCALARS = ("numpy.float64", "numpy.float32", "numpy.int64", "numpy.int32", "numpy.bool_")

# (skops loader, module.name): nothing here is a function that can be called with data from the file,
# except text_units, which only splits text.
TRUSTED_NODES: frozenset[tuple[str, str]] = frozenset({
    ("DictNode", "builtins.dict"),
    ("ListNode", "builtins.list"),
    ("TupleNode", "builtins.tuple"),
    *(("JsonNode", name) for name in _PRIMITIVES),
    *(("TypeNode", name) for name in (*_PRIMITIVES[:3], *_NUMPY_SCALARS)),  # dict key types, dtype=
    ("NdArrayNode", "numpy.ndarray"),  # read with allow_pickle=False
    *(("NdArrayNode", name) for name in _NUMPY_SCALARS),
    ("FunctionNode", "pipeline.classify.features.text_units"),
    *(("ObjectNode", name) for name in (
        "pipeline.classify.models.TfidfFrameClassifier",
        "pipeline.classify.models.UseFrameClassifier",
        "pipeline.classify.features.LexiconFeatures",
        "pipeline.classify.features.CueFeatures",
        "pipeline.classify.features.SentenceEmbeddings",
        "sklearn.pipeline.Pipeline",
        "sklearn.pipeline.FeatureUnion",
        "sklearn.feature_extraction.text.HashingVectorizer",
        "sklearn.feature_extraction.text.TfidfTransformer",
        "sklearn.linear_model._logistic.LogisticRegression",
    )),
})

# A zip's members are inflated on load: a small file must not become gigabytes in memory.
MAX_MEMBERS = 1_000
MAX_INFLATED_BYTES = 1 << 30
MAX_SCHEMA_BYTES = 64 << 20
MAX_DEPTH = 200


class UntrustedModelFile(ValueError):
    """The skops file names a type outside :data:`TRUSTED_NODES`, or is not a sound skops file."""


def audit_skops_file(path: str | Path) -> list[str]:
    """The type names to pass to ``skops.io.load(trusted=...)`` once every node of ``path`` is trusted.

    Raises :class:`UntrustedModelFile` naming what is wrong; nothing in the file is imported or run."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            if len(members) > MAX_MEMBERS:
                raise UntrustedModelFile(f"it holds {len(members):,} files (at most {MAX_MEMBERS:,})")
            inflated = sum(member.file_size for member in members)
            if inflated > MAX_INFLATED_BYTES:
                raise UntrustedModelFile(f"it inflates to {inflated:,} bytes (at most {MAX_INFLATED_BYTES:,})")
            try:
                info = archive.getinfo(SCHEMA)
            except KeyError:
                raise UntrustedModelFile(f"no {SCHEMA} inside: not a skops file") from None
            if info.file_size > MAX_SCHEMA_BYTES:
                raise UntrustedModelFile(f"its {SCHEMA} is {info.file_size:,} bytes (at most {MAX_SCHEMA_BYTES:,})")
            raw = archive.read(info)
    except (zipfile.BadZipFile, OSError, EOFError) as error:
        raise UntrustedModelFile(f"not a readable skops file ({error})") from None
    try:
        schema = json.loads(raw)
    except RecursionError:
        raise UntrustedModelFile(f"its {SCHEMA} is nested too deep") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise UntrustedModelFile(f"its {SCHEMA} is not valid JSON ({error})") from None
    return sorted(_trusted_names(schema))


def _trusted_names(schema) -> set[str]:
    """Every node's type, after checking each (loader, type) pair; iterative, so depth is bounded here."""
    if not isinstance(schema, dict) or "__loader__" not in schema:
        raise UntrustedModelFile(f"its {SCHEMA} is not a skops tree")
    names: set[str] = set()
    refused: set[str] = set()
    stack = [(schema, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise UntrustedModelFile(f"its {SCHEMA} is nested deeper than {MAX_DEPTH} levels")
        if isinstance(node, list):
            stack.extend((item, depth + 1) for item in node)
            continue
        if not isinstance(node, dict):
            continue
        if "__loader__" in node or "__class__" in node or "__module__" in node:
            loader, module, name = node.get("__loader__"), node.get("__module__"), node.get("__class__")
            if not all(isinstance(part, str) for part in (loader, module, name)):
                raise UntrustedModelFile(f"a node of its {SCHEMA} lacks a loader, module or class")
            if (loader, f"{module}.{name}") in TRUSTED_NODES:
                names.add(f"{module}.{name}")
            else:
                refused.add(f"{module}.{name} ({loader})")
        if "__reduce__" in node:
            refused.add("a __reduce__ constructor")
        # JsonNode content is a JSON string that skops parses as data; everything else is walked.
        stack.extend((value, depth + 1) for key, value in node.items() if isinstance(value, dict | list))
    if refused:
        raise UntrustedModelFile(f"it names types policy-pipeline does not trust: {', '.join(sorted(refused))}")
    return names
