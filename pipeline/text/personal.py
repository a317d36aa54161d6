"""Names and home addresses said in a call: the character spans to mask.

`personal_spans(text)` returns (start, end, kind) spans, kind "name" or "address", sorted and
not overlapping; the caller replaces their characters one for one with `*`, so offsets hold.

Names keep the surname and mask the given name (张伟 → 张*, 欧阳娜娜 → 欧阳**, 王小明女士 →
王**女士). A name starts with a surname of lexicons/surnames.txt and has one or two given-name
characters; it also needs evidence: a naming cue before it (我叫, 姓名, 收件人是 …), or jieba's
name tag (nr) — on a new word its HMM found, or a lone surname before a plausible given name —
backed for a word jieba's dictionary knows by a title after it (先生, 女士 …), a weaker cue
(我是, 请问是) or the surname said just before (张先生…张建华). jieba tags many everyday words
nr (谢谢, 明白, 荣耀); those it counts often, and words made of everyday words (白金卡, 何时能),
are no names. Only the surname said (张先生, 王总, 小王, 老张) is nothing to mask; a given-name
character spelled out after the name (杰出的杰) is masked with it, a spelled surname (弓长张)
is not.

Addresses keep everything up to the city level and mask the rest (四川省成都市武侯区人民南路
四段12号 → 四川省成都市*********): pipeline.text.addresses.

jieba (with the project's user dictionary and lock, pipeline.text.lexicon), its tagger and the
surname list are loaded once per lexicon folder; a call is then pure computation, the same on
every run. Only the stretches around a surname or a place suffix are cut (_windows).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from pipeline.errors import LexiconError
from pipeline.text.addresses import BLOCK_FLAGS, SUFFIX_STARTS, Token, address_spans, may_end_part
from pipeline.text.lexicon import _jieba_lock, read_lexicon, tokenizer

SURNAMES_FILE = "surnames.txt"
SHIPPED_LEXICONS = Path(__file__).resolve().parents[2] / "lexicons"
NAME, ADDRESS = "name", "address"

_NR = frozenset({"nr", "nrfg", "nrt"})
_NR_NS = _NR | {"ns", "t"}
_GIVEN_FLAGS = frozenset({"n", "nz", "a", "b", "ng", "ag", "t", "j", "i"})  # 刘/建平, 唐/嫣然
# jieba's dictionary tags many everyday words as names (nr); one it counts this often is taken
# as everyday (谢谢 1,089, 明白 10,875, 张开 452), one less often as a name (李娜 438, 王明 368).
EVERYDAY_NR = 400
# After a surname: the title makes the rest a given name (王小明女士), or is all there is (王总).
TITLES = (
    "先生", "女士", "小姐", "太太", "夫人", "阿姨", "叔叔", "大爷", "大妈", "大姐", "大哥",
    "老师", "同学", "师傅", "经理", "主任", "医生", "老板", "律师", "教授", "警官", "专员",
    "奶奶", "爷爷", "姥姥", "姥爷", "外婆", "婆婆", "阿婆", "大娘", "嫂子", "总", "董", "哥",
    "姐", "工", "叔", "姨", "伯", "老", "家", "嫂",
)  # fmt: skip
# Naming words right before a name: what follows is a name even where jieba cut or tagged it
# otherwise (我叫李娜, 收货人姓名是方子涵, 叫任浩然的); a role noun may take 是, 叫, 写的是 or a colon.
_ROLES = (
    "户主|户名|账户名|开户名|开户人|持卡人|持有人|收件人|收货人|寄件人|签收人|联系人|申请人|"
    "投保人|被保险人|受益人|乘机人|乘车人|借款人|担保人|经办人|客户经理|理财经理|客户|"
    "客服专员|专员|业务员|快递员|客服"
)
_STRONG_CUE = re.compile(
    rf"(?:叫|名字是|姓名是|姓名|名字|(?:{_ROLES})(?:姓名)?(?:是|叫|写的是|写的|写|填的是|填|为)?)"
    r"[:：]?\s?"
)
# Weaker: before a name as often as before anything else (我是江西人, 请问是方便面吗).
_WEAK_CUES = (
    "我是", "是", "您是", "请问", "找", "给", "帮我查一下", "查一下", "女儿", "儿子", "老公",
    "老婆", "爱人", "妈妈", "爸爸", "母亲", "父亲", "孩子", "同事", "朋友", "邻居", "同学",
    "哥哥", "姐姐", "弟弟", "妹妹",
)  # fmt: skip
# Characters a given name does not hold in everyday speech, and ones it does not end in.
_NOT_GIVEN = set(
    "的了是在我你您他她它们这那就吗吧呢啊呀嘛哦嗯和跟说也都还要会很太个人来去走到过给让被把"
)
_NOT_LAST = set("卡证费险单号码券额款税价委局部厅所办处站队厂店司馆行娘特")
_PARTICLES = ("的", "啊", "吧", "呢", "吗", "呀", "哦", "嘛", "本人", "是", "就")
# Said right after a name: 宋建业这个名字, 林志远本人, 韩梅梅的家长.
_AFTER_CUES = ("这个名字", "本人", "的家属", "的家长", "的爱人", "的妈妈", "的爸爸")
_TITLE_NEXT = set("您你说的啊吧呢吗呀好是也都在")
_HAN = re.compile(r"[\u3400-\u9fff]+\Z")
_CLAUSE_END = re.compile(r"[\s，。！？、；：,.!?;:…]")


@dataclass(frozen=True, eq=False)
class PersonalLexicon:
    single: frozenset[str]  # one-character surnames
    compound: frozenset[str]  # two-character surnames
    pos: Any  # jieba.posseg.POSTokenizer
    freq: dict[str, int]  # jieba's word frequencies: a word it knows has a count above 0
    starts: frozenset[str]  # the first characters of the surnames


@lru_cache(maxsize=8)
def load_personal(lexicon_dir: str | Path = SHIPPED_LEXICONS) -> PersonalLexicon:
    """The surnames of `lexicon_dir` (the shipped list when it has none) and a jieba
    part-of-speech tagger with the folder's user dictionary; loaded once per folder."""
    return _load(str(Path(lexicon_dir).resolve()))


@lru_cache(maxsize=4)
def _load(lexicon_dir: str) -> PersonalLexicon:
    path = Path(lexicon_dir) / SURNAMES_FILE
    if not path.is_file():
        path = SHIPPED_LEXICONS / SURNAMES_FILE
    single: set[str] = set()
    compound: set[str] = set()
    for line in read_lexicon(path, min_columns=1, max_columns=1):
        word = line.columns[0]
        if not _HAN.match(word) or len(word) > 2:
            raise LexiconError(f"{line.where}: a surname is one or two characters: {word!r}")
        (single if len(word) == 1 else compound).add(word)
    if not single:
        raise LexiconError(f"{path}: no surnames: names would never be masked")
    tok = tokenizer(lexicon_dir)  # imports jieba quietly
    import jieba.posseg

    with _jieba_lock:
        pos = jieba.posseg.POSTokenizer(tok)
        pos.makesure_userdict_loaded()
    starts = frozenset(single) | {word[0] for word in compound}
    return PersonalLexicon(frozenset(single), frozenset(compound), pos, tok.FREQ, starts)


def personal_spans(text: str, lexicon: PersonalLexicon | None = None) -> list[tuple[int, int, str]]:
    """The (start, end, kind) spans of `text` to mask, kind "name" or "address"; sorted, not
    overlapping. Where a name is part of an address (张江镇, 祖冲之路) the address wins."""
    if not text or not text.strip():
        return []
    lex = lexicon or load_personal()
    toks = _tokens(text, lex)
    addresses = address_spans(text, toks)
    spans = [(start, end, ADDRESS) for start, end in addresses]
    for start, end in _name_spans(text, toks, lex):
        if not any(start < a_end and a_start < end for a_start, a_end in addresses):
            spans.append((start, end, NAME))
    return sorted(spans)


def _windows(text: str, lex: PersonalLexicon) -> list[tuple[int, int]]:
    """The stretches of `text` worth cutting with jieba: around a surname character that does
    not begin or end an everyday word (王者, 高铁, 经常 …), and around a place suffix that does
    not begin one (市场, 区别, 路上), a number suffix after a digit, and after a naming cue.
    Cutting only these saves most of jieba's time on a call; the rest holds neither a name
    nor an address part."""
    marks = [(cue.end() - 2, cue.end() + 8) for cue in _STRONG_CUE.finditer(text)]
    for i, char in enumerate(text):
        if char in lex.starts and _may_be_name(text, i, lex):
            marks.append((i - 2, i + 8))
        elif char in SUFFIX_STARTS and may_end_part(text, i, lambda w: _everyday(w, lex)):
            marks.append((i - 10, i + 12))
    windows: list[tuple[int, int]] = []
    for start, end in sorted(marks):
        if windows and start <= windows[-1][1]:
            windows[-1] = (windows[-1][0], max(windows[-1][1], end))
        else:
            windows.append((max(0, start), end))
    return [(start, min(end, len(text))) for start, end in windows]


def _may_be_name(text: str, i: int, lex: PersonalLexicon) -> bool:
    if text[i : i + 2] in lex.compound:
        return True
    if text[i] not in lex.single or i + 1 >= len(text) or not _HAN.match(text[i + 1]):
        return False
    words = (text[i : i + 2], text[i : i + 3], text[i - 1 : i + 1] if i else "")
    return not any(_everyday(word, lex) for word in words)


def _everyday(
    word: str, lex: PersonalLexicon, limit: int = 50, names: bool = True, places: bool = False
) -> bool:
    """jieba knows `word` as a common word: `limit` times or more in its dictionary, and not
    tagged a name nor, unless `places`, a place or time (王国, 国庆 begin or are given names
    too) — but with `names` one tagged a name EVERYDAY_NR times or more is everyday too (谢谢,
    明白, 张开)."""
    freq = lex.freq.get(word, 0)
    if len(word) < 2 or freq < limit:
        return False
    tag = lex.pos.word_tag_tab.get(word)
    if tag in _NR:
        return names and freq >= EVERYDAY_NR
    return places or tag not in _NR_NS


def _tokens(text: str, lex: PersonalLexicon) -> list[Token]:
    """jieba's words and parts of speech in the windows of `text`, a "skip" token between them.
    The tagger's own cut runs a large HMM over every run of unknown characters (100 ms a call),
    so the plain tokenizer cuts and the tagger only tags the new words its HMM found that start
    with a surname (张伟, mostly names); a known word takes its dictionary tag."""
    toks: list[Token] = []
    at = 0
    for start, end in [*_windows(text, lex), (len(text), len(text))]:
        if at < start:
            toks.append(Token(at, start, text[at:start], "skip"))
        at = start
        for word in lex.pos.tokenizer.cut(text[start:end]) if start < end else ():
            tag = lex.pos.word_tag_tab.get(word)
            if tag is None and len(word) > 1 and _surname(word, lex) and _HAN.match(word):
                parts = _new_word_tags(lex, word)
            else:  # a known word, or a new one that is no name, a number, letters, punctuation
                tag = tag or ("new" if _HAN.match(word) else "m" if word.isdigit() else "x")
                parts = (
                    (word, "eng" if tag == "x" and word.isascii() and word.isalnum() else tag),
                )
            for part, flag in parts:
                toks.append(Token(at, at + len(part), part, flag))
                at += len(part)
    return toks


@lru_cache(maxsize=4096)
def _new_word_tags(lex: PersonalLexicon, word: str) -> tuple[tuple[str, str], ...]:
    """The tagger's words and tags for a new word (a name is said several times in a call)."""
    return tuple((part, flag) for part, flag in lex.pos.cut(word))


# --- names -------------------------------------------------------------------------------


def _surname(word: str, lex: PersonalLexicon) -> str:
    if word[:2] in lex.compound:
        return word[:2]
    return word[:1] if word[:1] in lex.single else ""


def _strip_title(word: str) -> tuple[str, str]:
    for title in TITLES:
        if word.endswith(title) and len(word) > len(title):
            return word[: -len(title)], title
    return word, ""


def _title_after(text: str, end: int) -> bool:
    """A title follows; a one-character one only before a pause or a word of address (张总您好,
    not 张伟工作)."""
    title = next((t for t in TITLES if text.startswith(t, end)), "")
    after = text[end + len(title) : end + len(title) + 1]
    return len(title) > 1 or (bool(title) and (not _HAN.match(after) or after in _TITLE_NEXT))


def _ends_name(text: str, end: int, particles: tuple[str, ...] = _PARTICLES) -> bool:
    """A name may end here: the clause or the text ends, or a title or particle follows."""
    ends = end >= len(text) or bool(_CLAUSE_END.match(text[end]))
    return ends or _title_after(text, end) or text.startswith(particles, end)


def _good_given(given: str) -> bool:
    plain = bool(_HAN.match(given)) and not set(given) & _NOT_GIVEN
    return 1 <= len(given) <= 2 and plain and given[-1] not in _NOT_LAST


def _name_spans(text: str, toks: list[Token], lex: PersonalLexicon) -> list[tuple[int, int]]:
    """The given names of `text`, with the clauses after them that spell their characters."""
    found: dict[int, tuple[int, int]] = {}  # surname start → given name start, end
    cue_ends = set()
    for cue in _STRONG_CUE.finditer(text):
        cue_ends.add(cue.end())
        name = _after_cue(text, cue.end(), lex)
        if name:
            found[cue.end()] = name
    for k, tok in enumerate(toks):
        if tok.start not in found:
            name = _name_at(text, toks, k, lex, cued=tok.start in cue_ends)
            if name:
                found[tok.start] = name
    spans: list[tuple[int, int]] = []
    for surname_start, (start, end) in sorted(found.items()):
        spells = text.startswith("的" + text[surname_start:start], end)  # 孙悟空的孙: a surname
        if spells or (spans and surname_start < spans[-1][1]):
            continue
        spans.append((start, end))
        spans += _spelled_given(text, end, text[surname_start:start], text[start:end])
    return spans


def _after_cue(text: str, at: int, lex: PersonalLexicon) -> tuple[int, int] | None:
    """The given name of a name said right after a naming cue, whatever jieba made of it."""
    surname = _surname(text[at : at + 2], lex)
    if not surname:
        return None
    start = at + len(surname)
    if text.startswith(TITLES, start):
        return None  # 经理王总, 客服张先生: the surname only
    for length in (2, 1):
        given = text[start : start + length]
        if len(given) == length and _good_given(given) and _ends_name(text, start + length):
            name = surname + given  # 我叫高峰: a name said as one, even if a word too
            head = len(surname) == 1 and _everyday(name[:2], lex, 300, names=False)
            if not (head or _everyday(name, lex, 300, names=False, places=True)):
                return start, start + length
    return None


def _name_at(
    text: str, toks: list[Token], k: int, lex: PersonalLexicon, cued: bool
) -> tuple[int, int] | None:
    """The given name of a name starting at token k, as jieba cut it; `cued`: right after a
    naming cue."""
    tok = toks[k]
    surname = _surname(tok.word, lex)
    if not surname or (k and toks[k - 1].word in ("小", "老", "姓")):
        return None
    weak = text[max(0, tok.start - 6) : tok.start].endswith(_WEAK_CUES)
    nxt = toks[k + 1] if k + 1 < len(toks) else None
    core, title = _strip_title(tok.word)
    given = core[len(surname) :]
    # The surname was said just before: 姓王的，王海峰; 欧阳先生，您说的欧阳锋.
    said = _surname_said(text[max(0, tok.start - 30) : tok.start], surname)
    context = cued or weak or said
    if nxt and text.startswith(_AFTER_CUES, nxt.end):
        context = True
    if given:  # the token holds surname and given name: 张伟, 王小明, 李女士 → nothing
        third = not title and len(core) == 2 and nxt and _third_char(text, nxt, toks, k + 2)
        end = nxt.end if nxt and third else tok.start + len(core)  # 周雨/萱
        if not _good_given(text[tok.start + len(surname) : end]):
            return None
        titled = bool(title) or _title_after(text, end) or cued
        known = (
            titled or (said and len(core) > 2) or (weak and _ends_name(text, end, _PARTICLES[1:]))
        )
        freq = lex.freq.get(core, 0)
        if _composed(core, lex, surname):
            return None  # 白金卡, 张开嘴, 安全员
        if tok.flag in _NR:
            if len(core) == 2 and freq >= EVERYDAY_NR and not cued:
                return None  # 谢谢先生, 明白: an everyday word jieba also tags as a name
            if (freq > 300 or (len(core) == 2 and freq)) and not known:
                return None  # 高峰, 欧阳锋: a name or a word
        elif _everyday(core, lex, 50, places=True) or not known:
            return None  # 马建国/ns 先生: a name jieba took for a place
        return tok.start + len(surname), end
    if tok.word != surname or nxt is None:
        return None
    # The surname alone, the given name in the next token (刘/建平, 欧阳/娜娜, 林/志远). A
    # lone surname character has its dictionary tag (刘/zg, 林/ng), which says nothing.
    if not _good_given(nxt.word) or nxt.word in TITLES or nxt.flag in BLOCK_FLAGS:
        return None
    titled = _title_after(text, nxt.end) or cued
    if nxt.flag in ("v", "vn", "m", "q", "f") and not titled:
        return None
    if nxt.flag in _NR and lex.freq.get(nxt.word, 0) < EVERYDAY_NR:
        return nxt.start, nxt.end
    plausible = nxt.flag in _NR | _GIVEN_FLAGS and not _everyday(nxt.word, lex, 1000)
    ends = _ends_name(text, nxt.end, _PARTICLES[1:])
    if titled or (plausible and context and (ends or len(surname) == 1)):
        return nxt.start, nxt.end
    if plausible and tok.flag in _NR and _ends_name(text, nxt.end):  # 黎/nr 欣怡 的
        return nxt.start, nxt.end
    return None


def _third_char(text: str, nxt: Token, toks: list[Token], k: int) -> bool:
    """A one-character token after a two-character name that ends the clause: 周雨/萱，."""
    if len(nxt.word) != 1 or not _good_given(nxt.word) or nxt.flag not in _NR | _GIVEN_FLAGS:
        return False
    return k >= len(toks) or bool(_CLAUSE_END.match(text[nxt.end])) or _title_after(text, nxt.end)


def _surname_said(before: str, surname: str) -> bool:
    return "姓" + surname in before or any(surname + title in before for title in TITLES)


def _composed(word: str, lex: PersonalLexicon, surname: str) -> bool:
    """A surname and a two-character given name made of everyday words: 白金卡 (白金), 何时能
    (何时), 张开嘴 (张开), 石狮子 (狮子)."""
    if len(word) - len(surname) != 2:
        return False
    return (len(surname) == 1 and _everyday(word[:2], lex, 100)) or _everyday(word[-2:], lex, 1000)


_DESCRIBED = re.compile(r"(?:就是|是)?(\w{1,5})的(\w{1,2})")


def _spelled_given(text: str, end: int, surname: str, given: str) -> list[tuple[int, int]]:
    """Clauses right after a name that spell one of its given characters (杰出的杰, 三个石头
    的磊): masked whole. Those that spell the surname (弓长张, 高兴的高) stay and are passed."""
    spans = []
    at = end
    for _ in range(4):
        while at < len(text) and _CLAUSE_END.match(text[at]):
            at += 1
        stop = at
        while stop < len(text) and not _CLAUSE_END.match(text[stop]):
            stop += 1
        clause = text[at:stop]
        described = _DESCRIBED.fullmatch(clause)
        if described and described.group(2) in given:
            spans.append((at + described.start(1), stop))
        elif not (described and described.group(2) in surname) and not (
            len(clause) <= 4 and clause.endswith(surname)
        ):
            break
        at = stop
    return spans
