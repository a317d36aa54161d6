"""The jieba tokenizers of a lexicon folder (pipeline.text.lexicon.tokenizer).

The phrase engine's tokenizer is the user dictionary's tokenizer copied, then given the rule
phrases as words; it must hold exactly what a tokenizer built from scratch with the same words
holds, and building it must leave the user dictionary's tokenizer as it was.
"""

from __future__ import annotations

import jieba

from pipeline.config import PROJECT_ROOT
from pipeline.detectors.phrases.engine import _tokenizer_words
from pipeline.detectors.registry import phrase_book
from pipeline.text.lexicon import read_lexicon, tokenizer

LEXICONS = str(PROJECT_ROOT / "lexicons")


def _built_from_scratch(words: tuple[str, ...]) -> jieba.Tokenizer:
    tok = jieba.Tokenizer()
    tok.initialize()
    for line in read_lexicon(PROJECT_ROOT / "lexicons" / "jieba_userdict.txt", 1, 3):
        word, *rest = line.columns
        freq = next((int(c) for c in rest if c.isdigit()), None)
        tag = next((c for c in rest if not c.isdigit()), None)
        tok.add_word(word, freq, tag)
    for word in words:
        tok.add_word(word)
    return tok


def test_the_phrase_tokenizer_equals_one_built_from_scratch():
    words = _tokenizer_words(phrase_book(LEXICONS))
    assert len(words) > 1000
    copied = tokenizer(LEXICONS, words)
    fresh = _built_from_scratch(words)
    assert copied.total == fresh.total
    assert copied.FREQ == fresh.FREQ
    assert copied.user_word_tag_tab == fresh.user_word_tag_tab
    sentence = "您好这个产品保本保息，我向您打包票明天一定到账"
    assert list(copied.tokenize(sentence)) == list(fresh.tokenize(sentence))


def test_building_the_phrase_tokenizer_leaves_the_plain_one_alone():
    plain = tokenizer(LEXICONS)
    total, size = plain.total, len(plain.FREQ)
    words = ("一个从来没有人说过的词组",)
    with_words = tokenizer(LEXICONS, words)
    assert with_words is not plain and with_words.FREQ is not plain.FREQ
    assert words[0] in with_words.FREQ and words[0] not in plain.FREQ
    assert (plain.total, len(plain.FREQ)) == (total, size)
    cut = [word for word, _, _ in with_words.tokenize("他说一个从来没有人说过的词组")]
    assert words[0] in cut
