"""The synthetic corpus generator: deterministic, well-formed, and its annotations are right.

The annotations are checked against the text (each quote at its occurrence in the repaired
text, the same occurrences in the file) and against an independent reading of each quote
written here, so that a slip in the generator's number rendering cannot hide.
"""

from __future__ import annotations

import csv
import re
import time
from decimal import Decimal
from pathlib import Path

import pytest

from benchmarks.corpus import (
    ANNOTATION_HEADER,
    CITIES,
    UNIT_CODES,
    build_article,
    chinese_int,
    generate_corpus,
    main,
)

CITY_CODES = {c.code for c in CITIES}
BOUNDS = {"exact", "at_least", "at_most", "approx"}
N = 50
SEED = 0


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """A 50-article corpus on disk: (stats, {article_id: (text, rows)})."""
    out = tmp_path_factory.mktemp("corpus")
    stats = generate_corpus(N, out, seed=SEED)
    articles = {}
    for path in sorted((out / "articles").glob("*.txt")):
        with (out / "annotations" / f"{path.stem}.csv").open(encoding="utf-8", newline="") as f:
            reader = csv.DictReader(f)
            assert tuple(reader.fieldnames) == ANNOTATION_HEADER
            rows = list(reader)
        articles[path.stem] = (path.read_text(encoding="utf-8"), rows)
    return stats, articles


def _files(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def _count(text: str, quote: str) -> int:
    n, i = 0, text.find(quote)
    while i >= 0:
        n, i = n + 1, text.find(quote, i + 1)
    return n


def _nth(text: str, quote: str, occurrence: int) -> int:
    i = -1
    for _ in range(occurrence):
        i = text.find(quote, i + 1)
        if i < 0:
            return -1
    return i


# --------------------------------------------------------------------------- determinism


def test_same_seed_same_bytes(tmp_path):
    generate_corpus(20, tmp_path / "a", seed=7)
    generate_corpus(20, tmp_path / "b", seed=7)
    first, second = _files(tmp_path / "a"), _files(tmp_path / "b")
    assert len(first) == 40
    assert first == second


def test_other_seed_other_text_and_prefix_property(tmp_path, corpus):
    generate_corpus(3, tmp_path / "s1", seed=1)
    generate_corpus(3, tmp_path / "s0", seed=SEED)
    assert _files(tmp_path / "s1").values() != _files(tmp_path / "s0").values()
    # an article depends on (seed, index) only: a small corpus is a prefix of a large one
    _, articles = corpus
    for path in (tmp_path / "s0" / "articles").iterdir():
        assert path.read_text(encoding="utf-8") == articles[path.stem][0]


# --------------------------------------------------------------------------- quotes


def test_every_quote_at_its_occurrence():
    for index in range(1, N + 1):
        article = build_article(SEED, index)
        spans = []
        for ann in article.annotations:
            start = _nth(article.repaired, ann.quote, ann.occurrence)
            assert start == ann.start, (article.article_id, ann.quote, ann.occurrence)
            # the file holds the quote as often as the repaired text (page breaks split none)
            assert _count(article.text, ann.quote) == _count(article.repaired, ann.quote)
            # the occurrence is a whole figure, not the tail of a longer number (50万吨 in 1,150万吨)
            before = article.repaired[max(0, start - 2) : start]
            assert not re.search(
                r"[\d０-９零〇一二两三四五六七八九十百千万亿]$|\d[.,．]$", before
            ), ann.quote
            spans.append((start, start + len(ann.quote)))
        spans.sort()
        assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:], strict=False)), article.article_id


def test_files_hold_quotes_at_their_occurrence(corpus):
    """Through the files only: the quote's occurrence exists in the file and in its repair."""
    _, articles = corpus
    for article_id, (text, rows) in articles.items():
        repaired = _repair(text)
        for row in rows:
            occurrence = int(row["occurrence"])
            assert _nth(repaired, row["quote"], occurrence) >= 0, (article_id, row["quote"])
            assert _nth(text, row["quote"], occurrence) >= 0, (article_id, row["quote"])


def _repair(text: str) -> str:
    """The contract's repair, for this layout: lines stripped, blank lines dropped, and a
    paragraph line that does not end a sentence joined with the next line (a page break)."""
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    city_names = {c.name for c in CITIES}
    out: list[str] = []
    paragraph = [False] * len(lines)
    for i, line in enumerate(lines):
        paragraph[i] = (
            i > 0
            and line not in city_names
            and not line.startswith(("□", "通讯员"))
            and not line.endswith("摄")
            and lines[i - 1] not in city_names
        )
        if out and paragraph[i] and paragraph[i - 1] and not out[-1].endswith(_ENDS):
            out[-1] += line
        else:
            out.append(line)
    return "\n".join(out)


_ENDS = tuple("。！？!?…”’」』）)；;：:")


def test_repaired_text_is_the_ledgers():
    parsing = pytest.importorskip("orchestration.text.parsing")
    for index in range(1, 31):
        article = build_article(SEED, index)
        parsed = parsing.parse_article(article.article_id, article.text)
        assert parsed.text == article.repaired, article.article_id
        if article.has_sections:
            assert [s.city_code for s in parsed.sections] == article.cities
        else:
            assert parsed.sections == []


# --------------------------------------------------------------------------- coverage


def test_all_twelve_cities(corpus):
    _, articles = corpus
    cities = {row["city"] for _, rows in articles.values() for row in rows}
    assert cities == CITY_CODES
    city_lines = {line for text, _ in articles.values() for line in text.split("\n")}
    assert {c.name for c in CITIES} <= city_lines  # contract names as city lines: 兴安盟, 包头 …


def test_all_units_and_printed_forms(corpus):
    stats, articles = corpus
    assert set(stats.per_unit) == set(UNIT_CODES)
    assert all(stats.per_unit[u] > 0 for u in UNIT_CODES), stats.per_unit
    assert stats.figures == sum(len(rows) for _, rows in articles.values())
    quotes = [row["quote"] for _, rows in articles.values() for row in rows]
    bare = [re.sub(r"(以内|以上|左右|内)$", "", q) for q in quotes]
    forms = {
        "元": r"(?<![万亿美])元$", "万元": r"万[余多]?元$", "亿元": r"亿[余多]?元$",
        "美元": r"(?<![万亿])美元$", "万美元": r"万[余多]?美元$", "亿美元": r"亿[余多]?美元$",
        "%": r"[%％]$", "成": r"成$", "个百分点": r"个百分点$", "公里": r"^(?!时速).*(?<!万)公里$",
        "时速": r"^时速.*公里$", "小时": r"小时$", "分钟": r"^[^小]*分钟$", "小时分钟": r"小时.+分钟$",
        "天": r"天$", "吨": r"(?<!万)吨$", "万吨": r"万吨$", "千瓦": r"(?<!万)千瓦$",
        "万千瓦": r"万[余多]?千瓦$", "千瓦时": r"(?<![万亿])千瓦时$", "亿千瓦时": r"亿[余多]?千瓦时$",
        "标准箱": r"(?<!万)标准箱$", "万标准箱": r"万标准箱$", "亩": r"(?<!万)亩$", "万亩": r"万亩$",
    }  # fmt: skip
    for counter in [
        "个",
        "项",
        "家",
        "名",
        "人",
        "人次",
        "户",
        "座",
        "对",
        "列",
        "件",
        "场",
        "村",
        "条",
    ]:
        forms[counter] = rf"[\d０-９零一二两三四五六七八九十百千万余多]{counter}$"
    missing = [name for name, rx in forms.items() if not any(re.search(rx, q) for q in bare)]
    assert not missing, missing


def test_number_styles_bounds_and_modality(corpus):
    _, articles = corpus
    rows = [row for _, rows in articles.values() for row in rows]
    quotes = [row["quote"] for row in rows]
    styles = {
        "decimal": r"\d\.\d", "full-width": r"[０-９]", "thousands": r"\d,\d{3}",
        "Chinese": r"^[^\d０-９]*[一二两三四五六七八九十][^\d０-９]*$", "Chinese 点": r"点",
        "Chinese 万": r"[一二两三四五六七八九十百千]万", "3万多": r"\d万多", "千余": r"^千余",
        "时速": r"^时速", "3小时30分钟": r"\d小时\d+分钟",
    }  # fmt: skip
    for word in (
        "超",
        "突破",
        "逾",
        "余",
        "多",
        "以上",
        "约",
        "近",
        "左右",
        "最高",
        "不超过",
        "以内",
    ):
        styles[word] = re.escape(word)
    styles["内"] = r"(?<!以)内$"
    missing = [name for name, rx in styles.items() if not any(re.search(rx, q) for q in quotes)]
    assert not missing, missing
    notes = " ".join(row["note"] for row in rows)
    for cue in (
        "forecast; 预计",
        "forecast; 将",
        "forecast; 有望",
        "target; 目标",
        "target; 力争",
        "target; 剑指",
    ):
        assert cue in notes, cue


def test_non_figures_present_and_never_annotated(corpus):
    _, articles = corpus
    decoys = (
        "1—6月",
        "第五届",
        "S27",
        "G6",
        "5G",
        "智慧城市4.0",
        "六个行动",
        "十五五",
        "《胡笳十八拍》",
        "7月1日",
    )
    seen = set()
    for text, rows in articles.values():
        repaired = _repair(text)
        spans = []
        for row in rows:
            start = _nth(repaired, row["quote"], int(row["occurrence"]))
            spans.append((start, start + len(row["quote"])))
        for decoy in decoys:
            i = repaired.find(decoy)
            while i >= 0:
                seen.add(decoy)
                assert not any(s < i + len(decoy) and i < e for s, e in spans), decoy
                i = repaired.find(decoy, i + 1)
    assert seen == set(decoys)


def test_layout(corpus):
    stats, articles = corpus
    texts = [text for text, _ in articles.values()]
    sizes = [len(t.encode("utf-8")) for t in texts]
    assert min(sizes) >= 1500 and max(sizes) <= 8000, (min(sizes), max(sizes))
    assert 2000 <= sum(sizes) / len(sizes) <= 6000
    assert stats.single_city_articles > 0 and stats.page_breaks > 0
    assert all("□本报记者 " in t for t in texts)
    assert any("\n通讯员 " in t for t in texts) and any(" 通讯员 " in t for t in texts)
    assert any(re.search(r"。 \S+ 摄\n", t) for t in texts)


# --------------------------------------------------------------------------- values


def test_annotation_values_parse_and_agree_with_quotes(corpus):
    _, articles = corpus
    checked = 0
    for article_id, (_, rows) in articles.items():
        seen = set()
        for row in rows:
            assert re.fullmatch(r"\d+(\.\d+)?", row["value"]), row
            assert float(row["value"]) > 0
            assert row["unit"] in UNIT_CODES and row["bound"] in BOUNDS
            assert row["city"] in CITY_CODES
            assert row["category"] in ("funding", "trade", "transport", "talent", "other")
            assert re.fullmatch(r"[a-z][a-z0-9_]*", row["metric"])
            assert int(row["occurrence"]) >= 1
            assert row["note"] == "" or row["note"].startswith(("forecast; ", "target; "))
            key = (row["quote"], row["occurrence"])
            assert key not in seen, (article_id, key)
            seen.add(key)
            value, unit, bound = read_quote(row["quote"])
            assert (value, unit, bound) == (Decimal(row["value"]), row["unit"], row["bound"]), row
            checked += 1
    assert checked > 500


def test_chinese_numerals():
    cases = {2: "两", 10: "十", 12: "十二", 26: "二十六", 105: "一百零五", 1200: "一千二百",
             2000: "两千", 1050: "一千零五十", 20000: "两万", 23000: "两万三千",
             4300: "四千三百", 10500: "一万零五百", 120000: "十二万"}  # fmt: skip
    for n, text in cases.items():
        assert chinese_int(n) == text
        assert _cn(text) == n


# An independent reader of the quotes the generator prints.
_FOLD = str.maketrans("０１２３４５６７８９．％", "0123456789.%")
_CN_DIGIT = {
    "零": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_PRE = {"不超过": "at_most", "最高": "at_most", "突破": "at_least", "超": "at_least",
        "逾": "at_least", "约": "approx", "近": "approx"}  # fmt: skip
_POST = {"以内": "at_most", "以上": "at_least", "左右": "approx", "内": "at_most"}
_UNIT_WORDS = [("个百分点", "pp", 1), ("千瓦时", "kWh", 1), ("千瓦", "kW", 1), ("标准箱", "TEU", 1),
               ("美元", "USD", 1), ("公里", "km", 1), ("小时", "hour", 1), ("元", "CNY", 1),
               ("吨", "tonne", 1), ("亩", "mu", 1), ("天", "day", 1), ("%", "pct", 1), ("成", "pct", 10),
               ("人次", "count", 1)]  # fmt: skip
_UNIT_WORDS += [(c, "count", 1) for c in "个项家名人户座对列件场村条"]


def _cn(text: str) -> Decimal:
    """Chinese numerals, with 点 decimals and the 万/亿 multipliers; a bare 千 is 1000."""
    if "点" in text:
        whole, frac = text.split("点")
        mult = re.search(r"[万亿]*$", frac).group()
        frac = frac[: len(frac) - len(mult)]
        number = _cn(whole) + Decimal("0." + "".join(str(_CN_DIGIT[c]) for c in frac))
        return number * (_cn("一" + mult) if mult else 1)
    total, section, digit = Decimal(0), Decimal(0), None
    for ch in text:
        if ch in _CN_DIGIT:
            digit = Decimal(_CN_DIGIT[ch])
        elif ch in "十百千":
            section += (1 if digit is None else digit) * {"十": 10, "百": 100, "千": 1000}[ch]
            digit = None
        elif ch == "万":
            total += ((section + (digit or 0)) or 1) * 10_000
            section, digit = Decimal(0), None
        elif ch == "亿":
            total = (total + section + (digit or 0) or 1) * 100_000_000
            section, digit = Decimal(0), None
        else:
            raise ValueError(text)
    return total + section + (digit or 0)


def _number(text: str) -> Decimal:
    m = re.fullmatch(r"([\d,]+(?:\.\d+)?)([万亿]?)", text)
    if m:
        mult = {"": 1, "万": 10_000, "亿": 100_000_000}[m.group(2)]
        return Decimal(m.group(1).replace(",", "")) * mult
    return _cn(text)


def read_quote(quote: str) -> tuple[Decimal, str, str]:
    """(value in base unit, unit code, bound) of a printed figure."""
    q, bound = quote.translate(_FOLD), "exact"
    for word, b in _PRE.items():
        if q.startswith(word):
            q, bound = q[len(word) :], b
            break
    for word, b in _POST.items():
        if q.endswith(word):
            q, bound = q[: -len(word)], b
            break
    if q == "半小时":
        return Decimal("0.5"), "hour", bound
    if q.startswith("时速"):
        return _number(q[2:-2]), "km_per_hour", bound
    m = re.fullmatch(r"(\d+)小时(\d+)分钟", q)
    if m:
        return Decimal(m.group(1)) + Decimal(m.group(2)) / 60, "hour", bound
    if q.endswith("分钟"):
        return _number(q[:-2]) / 60, "hour", bound
    word, unit, factor = next(u for u in _UNIT_WORDS if q.endswith(u[0]))
    number = q[: -len(word)]
    if re.search(r"[余多]", number):
        number, bound = re.sub(r"[余多]", "", number), "at_least"
    return _number(number) * factor, unit, bound


# --------------------------------------------------------------------------- speed, CLI


def test_thousand_articles_speed(tmp_path, capsys):
    started = time.perf_counter()
    stats = generate_corpus(1000, tmp_path / "k", seed=3)
    seconds = time.perf_counter() - started
    assert stats.articles == 1000
    with capsys.disabled():
        print(
            f"\n[corpus] 1,000 articles, {stats.bytes / 1e6:.2f} MB, {stats.figures} figures "
            f"in {seconds:.2f} s"
        )


def test_cli(tmp_path, capsys):
    assert main(["3", str(tmp_path / "cli"), "--seed", "5"]) == 0
    out = capsys.readouterr().out
    assert "articles: 3" in out and "figures:" in out
    assert len(list((tmp_path / "cli" / "annotations").glob("*.csv"))) == 3
