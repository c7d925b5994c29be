"""Python twin of the viewforge rule reward (the Actial GRPO reward), written from its rules.

    total = 0.5 * format + 0.5 * accuracy

format    1.0 when the whole completion is one <think>...</think> block followed by one
          <answer>...</answer> block, with nothing but whitespace before, between and after
          them, and neither block containing another think/answer tag; else 0.0.
accuracy  1.0 when the completion holds exactly one <answer> and exactly one </answer>, the
          opening one first, and the text between them, with whitespace removed from both
          ends, equals the ground truth exactly (case-sensitive; the ground truth itself is not
          trimmed); else 0.0 (no answer tag, two answer blocks, ...).

Tags are the four strings <think>, </think>, <answer>, </answer>, matched case-insensitively
and otherwise exactly ("<answer >" is not a tag). "Whitespace" is the set ECMAScript calls
white space and line terminators (the set the TypeScript reward uses): the Unicode space
separators (category Zs) plus TAB, LF, VT, FF, CR, U+2028, U+2029 and U+FEFF. It is built here
from that definition; Python's own str.strip() and \\s would differ (U+001C-U+001F, U+0085 in,
U+FEFF out).

The rules are those of docs/reward.md; pipeline/reward/reward.ts is the TypeScript
implementation, and the trainer compatibility test (test/compat/trainer-compat.test.ts) checks
that both give exactly the same scores on a table of completions. This file is derived from the
rules, not translated from the TypeScript, and uses the standard library only, so verl can load it
as a custom reward function:

    custom_reward_function.path=test/compat/reward_reference.py custom_reward_function.name=compute_score
"""

import re
import unicodedata

WHITESPACE = "".join(
    sorted(
        {chr(c) for c in range(0x110000) if unicodedata.category(chr(c)) == "Zs"}
        | set("\t\n\x0b\x0c\r\u2028\u2029\ufeff")
    )
)

_FLAGS = re.IGNORECASE | re.DOTALL
_WS = "[" + re.escape(WHITESPACE) + "]*"
_WHOLE = re.compile(_WS + r"<think>(.*)</think>" + _WS + r"<answer>(.*)</answer>" + _WS, _FLAGS)
_ANY_TAG = re.compile(r"</?(?:think|answer)>", _FLAGS)
_OPEN_ANSWER = re.compile(r"<answer>", _FLAGS)
_CLOSE_ANSWER = re.compile(r"</answer>", _FLAGS)


def format_score(completion: str) -> float:
    """1.0 when the completion is exactly a think block then an answer block (see the module doc)."""
    match = _WHOLE.fullmatch(completion)
    if match is None:
        return 0.0
    if any(_ANY_TAG.search(block) for block in match.groups()):
        return 0.0
    return 1.0


def answer_text(completion: str):
    """The stripped content of the single answer block, or None when there is not exactly one."""
    opens = list(_OPEN_ANSWER.finditer(completion))
    closes = list(_CLOSE_ANSWER.finditer(completion))
    if len(opens) != 1 or len(closes) != 1 or closes[0].start() < opens[0].end():
        return None
    return completion[opens[0].end():closes[0].start()].strip(WHITESPACE)


def accuracy_score(completion: str, ground_truth: str) -> float:
    """1.0 when the single answer block holds exactly the ground truth (see the module doc)."""
    answer = answer_text(completion)
    return 1.0 if answer is not None and answer == ground_truth else 0.0


def reward(completion: str, ground_truth: str) -> dict:
    fmt = format_score(completion)
    acc = accuracy_score(completion, ground_truth)
    return {"format": fmt, "accuracy": acc, "total": 0.5 * fmt + 0.5 * acc}


def compute_score(data_source, solution_str, ground_truth, extra_info=None) -> float:
    """verl's custom reward signature; every viewforge family uses the same rule."""
    return reward(solution_str, ground_truth)["total"]
