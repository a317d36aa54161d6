"""Home addresses said in a call: the stretches to mask (for pipeline.text.personal).

An address keeps everything up to the city level — 省, 自治区, 市, 州, 盟, or a province or city
jieba knows said without its suffix (江苏南京) — and masks the rest: a chain of parts, each a
name with a place suffix (区, 县, 镇, 街道, 路, 大道, 胡同, 小区, 大厦 …) or a number with one
(12号, 3栋, 二单元, 五组, A座), possibly ending in a bare room number (502). With no city said
the chain is masked from its first part on. A chain needs two parts, or one number with
栋/幢/室/单元/号楼: a city or district alone, a date (十月五号) or 三楼 is not an address. Words
that hold a suffix without being a place (市场, 城市, 路上, 号码, 区别) are never parts, and a
chain stops at a pronoun, particle, adverb, verb of motion or punctuation (附近, 那边, 的 …).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from typing import NamedTuple

DIGITS = "0-9０-９零〇一二三四五六七八九十百千万两幺A-Za-zＡ-Ｚ"
NUMBER = re.compile(rf"[{DIGITS}]+(?:[-－之][{DIGITS}]+)*")
DIGIT_CHAR = re.compile(rf"[{DIGITS}]")
# Place suffixes after a name; the level decides what stays visible (the city level).
CITY_SUFFIXES = ("特别行政区", "自治区", "自治州", "地区", "省", "市", "州", "盟")
AREA_SUFFIXES = ("开发区", "新区", "街道", "区", "县", "旗", "镇", "乡", "村", "屯", "庄")
STREET_SUFFIXES = ("大街", "大道", "胡同", "路", "街", "巷", "弄", "段")
ESTATE_SUFFIXES = ("小区", "花园", "家园", "公寓", "大厦", "山庄", "新村", "园", "苑")
# After a number (12号, 3栋, 五组, 二期); a building one makes an address on its own.
BUILDING_SUFFIXES = ("号楼", "号院", "栋", "幢", "单元", "室")
NUMBER_SUFFIXES = (
    *BUILDING_SUFFIXES, "号", "座", "楼", "层", "组", "期", "弄", "段", "区", "巷", "排", "户", "房",
)  # fmt: skip
_ROOM_BEFORE = ("号", "栋", "幢", "座", "单元", "楼", "号楼")  # 3栋502: 502 is the room
# jieba parts of speech that never belong inside an address (pronouns, prepositions,
# conjunctions, particles, adverbs, place words such as 门口 or 楼下, punctuation) — but for a
# direction character, part of names all the same (正/d 西街, 中/f 山区) — and words that end
# an address or are none although they hold a suffix. "skip": text nobody cut.
BLOCK_FLAGS = frozenset(("r", "p", "c", "u", "uj", "ul", "uz", "ud", "ug", "uv", "y", "e", "d"))
BLOCK_FLAGS |= {"o", "s", "x", "skip"}
_PLACE_CHARS = frozenset("东西南北中正前后左右上下内外")
STOP_WORDS = frozenset(
    """您 哦 是 有 住 住在 家住 到 送 送到 寄 寄到 放 放在 放到 改 改到 改成 去 来 说 要 写 填 发
    收 叫 在 靠近 位于 附近 旁边 对面 那边 这边 里面 门口 楼下 楼上 外面 后面 前面 隔壁 一带
    周边 这里 那里 就行 谢谢 城市 门市 超市 市场 社区 区别 区域 号码 路上 一路 马路 路边 路费
    路线 线路 市里 地址 住址 我家 家里 老家 公司 单位 现在 目前 收货 快递 包裹""".split()  # noqa: SIM905
)


class Token(NamedTuple):
    start: int
    end: int
    word: str
    flag: str  # jieba's part of speech


def _by_first(suffixes: Sequence[str]) -> dict[str, tuple[str, ...]]:
    table: dict[str, tuple[str, ...]] = {}
    for suffix in sorted(suffixes, key=len, reverse=True):
        table[suffix[0]] = (*table.get(suffix[0], ()), suffix)
    return table


_NAME_SUFFIXES = CITY_SUFFIXES + AREA_SUFFIXES + STREET_SUFFIXES + ESTATE_SUFFIXES
NAME_TABLE, NUMBER_TABLE = _by_first(_NAME_SUFFIXES), _by_first(NUMBER_SUFFIXES)
SUFFIX_STARTS = frozenset(NAME_TABLE) | frozenset(NUMBER_TABLE)
_SUFFIX_SET = frozenset(_NAME_SUFFIXES)


def suffixes_at(text: str, at: int, table: dict[str, tuple[str, ...]]) -> Iterator[str]:
    """The suffixes of `table` that start at `at`, longest first."""
    if at < len(text):
        for suffix in table.get(text[at], ()):
            if text.startswith(suffix, at):
                yield suffix


def may_end_part(text: str, i: int, everyday: Callable[[str], bool]) -> bool:
    """Whether a suffix may end a part at `i`: a number suffix after a digit, or a place suffix
    that does not begin an everyday word (市场, 区别, 路上)."""
    if i and DIGIT_CHAR.match(text[i - 1]) and next(suffixes_at(text, i, NUMBER_TABLE), ""):
        return True
    suffix = next(suffixes_at(text, i, NAME_TABLE), "")
    return bool(suffix) and not (len(suffix) == 1 and everyday(text[i : i + 2]))


def address_spans(text: str, toks: Sequence[Token]) -> list[tuple[int, int]]:
    """The (start, end) stretches of `text` to mask as addresses; `toks` cut all of it."""
    return _Addresses(text, toks).spans()


class _Addresses:
    def __init__(self, text: str, toks: Sequence[Token]):
        self.text = text
        self.toks = toks
        self.starts = {t.start: t for t in toks}
        self.ends = {t.end: t for t in toks}
        self.blocked = [False] * len(text)
        for t in toks:
            blocks = t.flag in BLOCK_FLAGS and (t.word not in _PLACE_CHARS or t.flag == "skip")
            if (blocks and not t.word.isspace()) or t.word in STOP_WORDS:
                self.blocked[t.start : t.end] = [True] * len(t.word)

    def spans(self) -> list[tuple[int, int]]:
        spans = []
        at = 0
        # Where the next character that may start a suffix is: a part needs one within reach.
        n = len(self.text)
        next_suffix = [n + 99] * (n + 1)
        for i in range(n - 1, -1, -1):
            next_suffix[i] = i if self.text[i] in SUFFIX_STARTS else next_suffix[i + 1]
        for tok in self.toks:
            if tok.start < at or self.blocked[tok.start] or tok.word.isspace():
                continue
            if next_suffix[tok.start] - tok.start > 14:
                continue
            chain = self._chain(tok.start)
            if chain is not None:
                spans.append(chain)
                at = chain[1]
        return spans

    def _chain(self, start: int) -> tuple[int, int] | None:
        """The masked span of an address starting at `start`, if one does."""
        parts: list[tuple[int, int, str]] = []  # start, end, level
        at = start
        # A province or city jieba knows, said without its suffix, before a district: 江苏南京.
        while (tok := self.starts.get(at)) and tok.flag == "ns" and not _suffix_of(tok.word):
            nxt = self.starts.get(tok.end)
            if not nxt or not (nxt.flag == "ns" or _named_level(nxt.word) in ("city", "area")):
                break
            if nxt.flag == "ns" and not _suffix_of(nxt.word):
                after = self.starts.get(nxt.end)
                if not after or _named_level(after.word) not in ("city", "area"):
                    break
            parts.append((tok.start, tok.end, "city"))
            at = tok.end
        first = self._part(at, first=not parts)
        if first is None:
            return None
        while first is not None:
            parts += first
            at = parts[-1][1]
            gap = at
            while gap < len(self.text) and self.text[gap] == " " and gap - at < 2:
                gap += 1
            first = self._part(gap, first=False, previous=parts[-1])
        shown = 0
        while shown < len(parts) and parts[shown][2] == "city":
            shown += 1
        masked = parts[shown:]
        if not masked:
            return None
        if len(parts) < 2 and masked[0][2] != "building":
            return None
        return masked[0][0], masked[-1][1]

    def _part(
        self, at: int, first: bool, previous: tuple[int, int, str] | None = None
    ) -> list[tuple[int, int, str]] | None:
        text = self.text
        if at >= len(text) or self.blocked[at]:
            return None
        number = NUMBER.match(text, at)
        if number:
            n_end = number.end()
            for suffix in suffixes_at(text, n_end, NUMBER_TABLE):
                if self._ends_well(n_end + len(suffix)):
                    level = "building" if suffix in BUILDING_SUFFIXES else "number"
                    if suffix in ("巷", "弄", "段"):
                        level = "street"
                    return [(at, n_end + len(suffix), level)]
            if (
                previous
                and text[previous[0] : previous[1]].endswith(_ROOM_BEFORE)
                and not re.search("[A-Za-zＡ-Ｚ]", number.group())
                and self._ends_well(n_end)
            ):
                return [(at, n_end, "building")]
        tok = self.starts.get(at)
        # A token jieba cut as a place word (武侯区, 上海市浦东新区); a city inside it stays.
        if tok and len(tok.word) > len(_suffix_of(tok.word)) > 0 and not self.blocked[tok.end - 1]:
            bare = self.starts.get(tok.end)  # 云州/区: the name of the next part
            if bare and bare.word in _SUFFIX_SET and not self.blocked[bare.start]:
                return [(at, bare.end, _level(tok.word + bare.word))]
            return _split_city(tok.start, tok.word)
        # A name of up to 8 characters and a suffix (人民南路, 中天会展城B区, 梦想小镇).
        if first and not tok:
            return None
        for n in range(1 if first else 0, 9):
            stop = at + n
            if stop >= len(text) or (n and (self.blocked[stop - 1] or text[stop - 1].isspace())):
                return None
            if n and not first and (built := self._numbered(stop)):
                return [(at, built, "building")]  # 方恒国际中心A座, 华联广场二楼
            suffix = next(suffixes_at(text, stop, NAME_TABLE), "")
            if not suffix or any(self.blocked[stop : stop + len(suffix)]):
                continue
            end = stop + len(suffix)
            if not self._ends_well(end):
                continue
            if n == 0 and (first or _level(suffix) == "city"):
                continue
            if first:
                inner = self.ends.get(end)
                if inner and at < inner.start < stop and len(inner.word) > len(suffix) + 1:
                    return None  # the chain starts at that token
            return [(at, end, _level(suffix))]
        return None

    def _numbered(self, at: int) -> int:
        """The end of a number with a building suffix at `at` (A座, 二楼), or 0."""
        number = NUMBER.match(self.text, at)
        if number:
            for suffix in suffixes_at(self.text, number.end(), NUMBER_TABLE):
                if self._ends_well(number.end() + len(suffix)):
                    return number.end() + len(suffix)
        return 0

    def _ends_well(self, end: int) -> bool:
        """A part ends where jieba's token does, or before a number, a space or the end."""
        if end >= len(self.text) or end in self.ends:
            return True
        return self.text[end].isspace() or bool(NUMBER.match(self.text, end))


def _suffix_of(word: str) -> str:
    for length in (5, 3, 2, 1):
        if word[-length:] in _SUFFIX_SET and len(word) >= length:
            return word[-length:]
    return ""


def _level(word: str) -> str:
    """The level of a place word by its suffix: city, area, street or estate."""
    suffix = _suffix_of(word)
    for level, group in (("city", CITY_SUFFIXES), ("area", AREA_SUFFIXES)):
        if suffix in group:
            return level
    return "street" if suffix in STREET_SUFFIXES else "estate" if suffix else ""


def _named_level(word: str) -> str:
    """The level of a place word with a name before its suffix (武侯区, not 区)."""
    return _level(word) if len(word) > len(_suffix_of(word)) else ""


def _split_city(start: int, word: str) -> list[tuple[int, int, str]]:
    """A place word as parts: 上海市浦东新区 → 上海市 (city), 浦东新区 (area)."""
    for k in range(len(word) - 3, 0, -1):
        head, rest = word[: k + 1], word[k + 1 :]
        if head.endswith(CITY_SUFFIXES) and len(rest) >= 2 and _suffix_of(rest):
            return [
                (start, start + k + 1, "city"),
                (start + k + 1, start + len(word), _level(rest)),
            ]
    return [(start, start + len(word), _level(word) or "estate")]
