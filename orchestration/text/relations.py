"""Relations the text states between figures, and whether the figures agree with them.

Reporters print figures that depend on each other: a part and its share of a total
(``拉动进出口额29.5亿元,占全市进出口总额的50%``), a before/after pair
(``从6小时压缩至2小时``), and sometimes the percentage change between them
(``3.5天压缩至2天内,效率提升42%``). A wrong digit in any of them shows up as a relation
that does not hold. Detection works on the words *between* two figures of the same
sentence, so it needs no knowledge of the article.

Relations found:

* ``share``: part (not a percentage), then ``占…的`` and a percentage within the sentence.
  Holds when 0 < share ≤ 100. The implied total (part / share) is reported; when the
  sentence also prints a figure of the same unit introduced as the total (``总额``,
  ``总量``, ``总值``, ``合计``, ``共``) the part must be that share of it.
* ``decrease`` / ``increase``: ``[从|由]X 压缩/缩短/减少/降低/下降 [到|至] Y`` and
  ``[从|由]X 增长/增加/提高/提升/扩大 [到|至] Y`` with X and Y in the same unit. Holds when
  Y < X (decrease) or Y > X (increase); when a percentage follows in the same sentence
  after a change word (``效率提升42%``, ``缩短67%``), it must equal the relative change
  |X − Y| / X within the tolerance.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

PERCENT_TOLERANCE_PP = 1.5  # printed percentages are rounded; "42%" for 42.86 % holds
SHARE_TOLERANCE_PP = 1.0

_SENTENCE_BREAK = re.compile(r"[。！？!?；;\n]")
_SHARE_BETWEEN = re.compile(r"占[^。！？!?；;，,]{0,30}?的?(?:比重|比例)?(?:为|达|约)?$")
_DECREASE = re.compile(r"^(?:压缩|缩短|减少|降低|下降|降|缩减|减)(?:到|至|为)$")
_INCREASE = re.compile(r"^(?:增长|增加|提高|提升|扩大|增至|升|增)(?:到|至|为)?$")
_CHANGE_PERCENT = re.compile(r"(?:提升|提高|增长|增加|缩短|减少|降低|下降|压缩|节约|节省)(?:了)?$")
_TOTAL_WORDS = re.compile(r"(?:总额|总量|总值|合计|共计|总计|总数|总产值)[^，,。]{0,6}$")


@dataclass(frozen=True)
class FigureRef:
    """The part of a figure relations need (any object with these fields works)."""

    figure_id: str
    char_start: int
    char_end: int
    value: float
    unit: str
    surface: str


@dataclass(frozen=True)
class Relation:
    kind: str  # share | decrease | increase
    first_id: str  # part (share) or before value (decrease/increase)
    second_id: str  # share percentage, or after value
    stated_id: str | None  # the printed percentage change, if any
    first_surface: str
    second_surface: str
    stated_surface: str | None
    expected: float | None  # what the stated figure should be, computed from the others
    stated: float | None
    tolerance: float | None
    holds: bool
    explanation: str


def _same_sentence(text: str, a: FigureRef, b: FigureRef) -> bool:
    return not _SENTENCE_BREAK.search(text, a.char_end, b.char_start)


def find_relations(text: str, figures: list[FigureRef]) -> list[Relation]:
    """All stated relations between ``figures`` (offsets into ``text``)."""
    figures = sorted(figures, key=lambda f: f.char_start)
    relations: list[Relation] = []
    # Only neighbours: a relation's two figures are never separated by a third one.
    for first, second in zip(figures, figures[1:], strict=False):
        if not _same_sentence(text, first, second):
            continue
        between = text[first.char_end : second.char_start].strip()
        if second.unit == "pct" and first.unit != "pct" and _SHARE_BETWEEN.search(between):
            relations.append(_share(text, figures, first, second))
        elif first.unit == second.unit and first.unit != "pct":
            if _DECREASE.match(between):
                relations.append(_change(text, figures, "decrease", first, second))
            elif _INCREASE.match(between):
                relations.append(_change(text, figures, "increase", first, second))
    return relations


def _is_printed_total(text: str, f: FigureRef, part: FigureRef, share: FigureRef) -> bool:
    """A figure of the part's unit, larger, in the same sentence, introduced as a total."""
    return (
        f is not part
        and f.unit == part.unit
        and f.value > part.value
        and f.char_start < share.char_start
        and _same_sentence(text, min(f, part, key=lambda x: x.char_start), share)
        and bool(_TOTAL_WORDS.search(text[max(0, f.char_start - 12) : f.char_start]))
    )


def _share(text: str, figures: list[FigureRef], part: FigureRef, share: FigureRef) -> Relation:
    total = next((f for f in figures if _is_printed_total(text, f, part, share)), None)
    ok_range = 0 < share.value <= 100
    implied = part.value / (share.value / 100) if share.value else None
    if total is not None:
        expected = part.value / total.value * 100
        holds = ok_range and abs(expected - share.value) <= SHARE_TOLERANCE_PP
        explanation = (
            f"{part.surface} / {total.surface} = {expected:.2f}% vs printed {share.surface}"
        )
        return Relation(
            "share",
            part.figure_id,
            share.figure_id,
            total.figure_id,
            part.surface,
            share.surface,
            total.surface,
            round(expected, 4),
            share.value,
            SHARE_TOLERANCE_PP,
            holds,
            explanation,
        )
    explanation = (
        f"{part.surface} is {share.surface} of a total of {implied:,.2f} {part.unit}"
        if implied
        else f"share {share.surface} is zero"
    )
    if not ok_range:
        explanation += f"; a share must be in (0, 100], got {share.value}"
    return Relation(
        "share",
        part.figure_id,
        share.figure_id,
        None,
        part.surface,
        share.surface,
        None,
        None,
        share.value,
        None,
        ok_range,
        explanation,
    )


def _change(
    text: str, figures: list[FigureRef], kind: str, before: FigureRef, after: FigureRef
) -> Relation:
    ordered = after.value < before.value if kind == "decrease" else after.value > before.value
    change = abs(before.value - after.value) / before.value * 100 if before.value else None
    stated = next(
        (
            f
            for f in figures
            if f.char_start > after.char_end
            and f.unit == "pct"
            and _same_sentence(text, after, f)
            and _CHANGE_PERCENT.search(text[max(after.char_end, f.char_start - 8) : f.char_start])
        ),
        None,
    )
    words = "less than" if kind == "decrease" else "more than"
    explanation = f"{after.surface} is {'' if ordered else 'not '}{words} {before.surface}"
    holds = ordered
    if stated is not None and change is not None:
        agrees = abs(change - stated.value) <= PERCENT_TOLERANCE_PP
        holds = holds and agrees
        explanation += (
            f"; change {change:.2f}% vs printed {stated.surface} "
            f"({'within' if agrees else 'outside'} ±{PERCENT_TOLERANCE_PP} pp)"
        )
    return Relation(
        kind,
        before.figure_id,
        after.figure_id,
        stated.figure_id if stated else None,
        before.surface,
        after.surface,
        stated.surface if stated else None,
        round(change, 4) if (stated is not None and change is not None) else None,
        stated.value if stated else None,
        PERCENT_TOLERANCE_PP if stated else None,
        holds,
        explanation,
    )
