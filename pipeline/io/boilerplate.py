"""Page furniture of the government sites users save pages from, removed after text extraction.

trafilatura finds the main text of most pages, but the article frames of gov.cn, whitehouse.gov and
europa.eu keep their breadcrumbs, "source" and "editor" lines, share and print buttons next to the article,
and those words would be counted as the document's ("来源: 新华社" is not policy language). A line is
removed only when it is short and matches one of the rules below as a whole: a sentence of the article is
never touched.
"""

from __future__ import annotations

import re

MAX_FURNITURE_CHARS = 120  # a rule never removes a longer line

_RULES = [
    # gov.cn and Chinese government sites
    r"(?:首页|当前位置|您现在的位置|您的位置)\s*(?:[>›»/]|[:：]).*",
    r"(?:\d{4}[-年]\d{1,2}[-月]\d{1,2}日?\s*(?:\d{1,2}:\d{2}(?::\d{2})?)?\s*)?来源\s*[:：].*",
    r"(?:【\s*我要纠错\s*】)?\s*(?:责任编辑|责编|编辑)\s*[:：].*",
    r"【\s*我要纠错\s*】.*",
    r"【?\s*字体\s*[:：].*",
    r"(?:【\s*)?(?:打印|关闭窗口|关闭|收藏|打印本页)(?:\s*】)?",  # the buttons alone, not "打印机产业"
    r"分享到\s*[:：]?.*",
    r"扫一扫在手机打开当前页.*",
    r"(?:上一篇|下一篇)\s*[:：].*",
    # whitehouse.gov
    r"(?:Briefing Room|Statements and Releases|Presidential Actions|Fact Sheets|The White House)",
    r"(?:Share|Share this|Share on (?:Facebook|Twitter|X|LinkedIn)|Copy Link|Print|Email)",
    r"(?:Next|Previous) (?:Post|Article)\b.*",
    r"Stay Connected|We'll be in touch with the latest information.*|Opt in to send and receive text messages.*",
    # europa.eu
    r"(?:Print friendly pdf|Share this page|Related media|Related topics|Contacts for media|Press contacts?|"
    r"Quote\(s\)|Page contents|Top|Details|Publication date.*|Print|Download)",
    r"(?:Source|Photo credits?)\s*:\s*European (?:Commission|Union).*",
]
_FURNITURE = re.compile("|".join(f"(?:{rule})" for rule in _RULES), re.IGNORECASE)


def strip_site_furniture(text: str) -> tuple[str, int]:
    """``text`` without the lines that are site furniture, and how many lines were removed."""
    kept, removed = [], 0
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped and len(stripped) <= MAX_FURNITURE_CHARS and _FURNITURE.fullmatch(stripped):
            removed += 1
            continue
        kept.append(line)
    return "\n".join(kept), removed
