"""Traditional characters read as simplified ones, offset for offset (pure).

Reporting about Inner Mongolia is printed in simplified characters, but reposts on other
sites often convert it to traditional (鄂爾多斯, 億元, 滿洲里口岸). The rules of the text
layer (units, place names, keywords, period words) are written in simplified characters,
so parsing and extraction read a simplified *view* of the text; figures keep their printed
surface and offsets, which is why the view must have exactly the text's length.
OpenCC's ``t2s`` conversion is used (a maintained converter and dictionary); where a
phrase conversion would change a line's length, that line is converted character by
character.
"""

from __future__ import annotations

from functools import lru_cache

import opencc


@lru_cache(maxsize=1)
def _converter() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def simplified(text: str) -> str:
    """``text`` with traditional characters replaced by simplified ones, same length."""
    convert = _converter().convert
    view = convert(text)
    if len(view) == len(text):
        return view
    lines = []
    for line in text.split("\n"):
        converted = convert(line)
        if len(converted) != len(line):
            converted = "".join(c if len(s := convert(c)) != 1 else s for c in line)
        lines.append(converted)
    return "\n".join(lines)


def simplified_lines(lines: list[str]) -> list[str]:
    """``[simplified(line) for line in lines]`` in one conversion call: no phrase of the
    dictionary holds a line break, so converting the lines joined by ``\\n`` converts each
    line as on its own. A line whose length changes goes through :func:`simplified`."""
    if not lines:
        return []
    parts = _converter().convert("\n".join(lines)).split("\n")
    if len(parts) != len(lines):
        return [simplified(line) for line in lines]
    return [
        part if len(part) == len(line) else simplified(line)
        for part, line in zip(parts, lines, strict=True)
    ]


# Marks that open the items of a list in web pages and data posts (● 全区…, ▶ 其中…): one
# set for the layout rules of parsing.py (an item is no page-broken half), cities.py (a
# city line's bullet) and places.py (an item naming no place takes the items' before it).
BULLETS = "●▶►■◆▲•★☆◎○"
# WeChat editors' emoji open items too (✅ 固定资产投资…, 📈 项目投资, 📍 …): the symbol and
# emoji blocks, as a regex class's ranges (with BULLETS) and as a test of one character
_EMOJI_RANGES = (("\u2600", "\u27bf"), ("\u2b00", "\u2bff"), ("\U0001f000", "\U0001faff"))
BULLET_CLASS = BULLETS + "".join(f"{a}-{b}" for a, b in _EMOJI_RANGES)


def is_bullet(ch: str) -> bool:
    """Whether ``ch`` opens a list's item: a bullet mark or an emoji."""
    return ch in BULLETS or any(a <= ch <= b for a, b in _EMOJI_RANGES)
