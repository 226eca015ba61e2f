"""The text of a printed PDF, copied and searched as it reads: Chinese characters that the
font draws with the same glyph as a radical are mapped back to the character.

Chromium (Skia) writes each font's ``ToUnicode`` map from the glyphs it used; Noto Sans CJK
shares a glyph between an ideograph and its Kangxi radical (行 and ⾏, 户 and ⼾), and Skia
maps such a glyph to the radical, so a reader who copies "户" gets "⼾" and a search for it
fails. This rewrites every map entry whose text is a radical and leaves the rest. A Kangxi
radical stands for its NFKC form (⼾ -> 戶) or, in a Simplified Chinese font, for the
simplified character (户): the one the printed page's own text holds is taken. A radical of the
CJK Radicals Supplement stands for the simplified character it is a form of (⻚ -> 页).
"""

from __future__ import annotations

import io
import re
import unicodedata

#: CJK Radicals Supplement (U+2E80–U+2EF3) that stand for a character a text uses: the
#: simplified forms, as Unicode's EquivalentUnifiedIdeograph.txt gives them
SUPPLEMENT = {
    0x2EA2: 0x6C35,
    0x2EA3: 0x706C,
    0x2EAA: 0x758B,
    0x2EAC: 0x793A,
    0x2EAE: 0x7AF9,
    0x2EB3: 0x7F52,
    0x2EB9: 0x8002,
    0x2EBC: 0x8080,
    0x2EBE: 0x8279,
    0x2EC1: 0x864E,
    0x2EC4: 0x897F,
    0x2EC5: 0x89C1,
    0x2EC6: 0x89D2,
    0x2EC8: 0x8BA0,
    0x2EC9: 0x8D1D,
    0x2ECB: 0x8F66,
    0x2ECC: 0x8FB6,
    0x2ECD: 0x8FB6,
    0x2ECF: 0x961D,
    0x2ED0: 0x9485,
    0x2ED1: 0x9577,
    0x2ED2: 0x9578,
    0x2ED3: 0x957F,
    0x2ED4: 0x95E8,
    0x2ED6: 0x961D,
    0x2ED7: 0x96E8,
    0x2ED8: 0x9752,
    0x2EDA: 0x9875,
    0x2EDB: 0x98CE,
    0x2EDC: 0x98DE,
    0x2EDD: 0x98DF,
    0x2EDF: 0x98E0,
    0x2EE0: 0x9963,
    0x2EE2: 0x9A6C,
    0x2EE4: 0x9B3C,
    0x2EE5: 0x9C7C,
    0x2EE6: 0x9E1F,
    0x2EE9: 0x9EC4,
    0x2EEA: 0x9EFE,
    0x2EEC: 0x9F50,
    0x2EED: 0x6B6F,
    0x2EEE: 0x9F7F,
    0x2EF0: 0x9F99,
    0x2EF2: 0x4E80,
    0x2EF3: 0x9F9F,
}

#: traditional characters (Kangxi radicals' NFKC forms) and the simplified ones a Simplified
#: Chinese font draws with the same glyph
SIMPLIFIED = {
    "戶": "户",
    "見": "见",
    "貝": "贝",
    "車": "车",
    "長": "长",
    "門": "门",
    "頁": "页",
    "風": "风",
    "飛": "飞",
    "馬": "马",
    "魚": "鱼",
    "鳥": "鸟",
    "麥": "麦",
    "黃": "黄",
    "齊": "齐",
    "齒": "齿",
    "龍": "龙",
    "龜": "龟",
    "韋": "韦",
    "黽": "黾",
    "鹵": "卤",
    "麻": "麻",
    "言": "讠",
    "金": "钅",
    "糸": "纟",
    "食": "饣",
}

_ENTRY = re.compile(rb"(<[0-9A-Fa-f]+>\s*)<([0-9A-Fa-f]{4})>")
_RANGE = re.compile(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]{4})>")
_BLOCK = re.compile(rb"(beginbfchar)(.*?)(endbfchar)|(beginbfrange)(.*?)(endbfrange)", re.S)


def character(code: int, text: str = "") -> int:
    """The character a radical stands for (``code`` itself when it is no radical): of the
    Kangxi radical's forms, the simplified one when ``text`` (the page's) holds it."""
    if 0x2F00 <= code <= 0x2FD5:
        full = unicodedata.normalize("NFKC", chr(code))
        simple = SIMPLIFIED.get(full)
        return ord(simple if simple and simple in text and full not in text else full)
    return SUPPLEMENT.get(code, code)


def _hex(code: int) -> bytes:
    return f"{code:04X}".encode()


def fix_map(cmap: bytes, text: str = "") -> bytes:
    """A ``ToUnicode`` CMap with radicals mapped to their characters (``text``: the page's)."""

    def entry(m: re.Match[bytes]) -> bytes:
        return m.group(1) + b"<" + _hex(character(int(m.group(2), 16), text)) + b">"

    def one_glyph_range(m: re.Match[bytes]) -> bytes:
        if m.group(1) != m.group(2):  # a run of glyphs: consecutive characters, no radical
            return m.group(0)
        dst = _hex(character(int(m.group(3), 16), text))
        return b"<" + m.group(1) + b"> <" + m.group(2) + b"> <" + dst + b">"

    def block(m: re.Match[bytes]) -> bytes:
        if m.group(1):
            return m.group(1) + _ENTRY.sub(entry, m.group(2)) + m.group(3)
        return m.group(4) + _RANGE.sub(one_glyph_range, m.group(5)) + m.group(6)

    return _BLOCK.sub(block, cmap)


def searchable(pdf: bytes, text: str = "") -> bytes:
    """The PDF with every font's text map fixed (the same bytes when nothing needs it);
    ``text``: the text that was printed (the page's HTML will do)."""
    from pypdf import PdfWriter

    writer = PdfWriter(clone_from=io.BytesIO(pdf))
    changed = False
    done: set[int] = set()
    for page in writer.pages:
        fonts = page.get("/Resources", {}).get("/Font", {})
        for ref in fonts.values():
            font = ref.get_object()
            maps = font.get("/ToUnicode")
            if maps is None or id(maps.get_object()) in done:
                continue
            stream = maps.get_object()
            done.add(id(stream))
            old = stream.get_data()
            new = fix_map(old, text)
            if new != old:
                stream.set_data(new)
                changed = True
    if not changed:
        return pdf
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
