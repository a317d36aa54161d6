"""Names and home addresses said in a call (pipeline/text/personal.py): the surname and the city
stay, the given name and the rest of the address are masked character for character; agent
scripts and everyday words holding a surname, 市, 路 or 号 are left alone. The held-out set
(tests/personal_info_heldout.py, never tuned on) keeps its measured precision and recall."""

from __future__ import annotations

import ast
import itertools
import re
import sys

import pytest

from pipeline.config import PROJECT_ROOT
from pipeline.errors import LexiconError
from pipeline.text.personal import ADDRESS, NAME, load_personal, personal_spans
from tests import personal_info_heldout, personal_info_tuning
from tests.personal_eval import evaluate


def masked(text: str) -> str:
    chars = list(text)
    for start, end, _kind in personal_spans(text):
        chars[start:end] = "*" * (end - start)
    return "".join(chars)


def unmarked(marked: str) -> tuple[str, str]:
    """The text of `marked` and what masking must make of it: [..] marks the masked part."""
    text = marked.replace("[", "").replace("]", "")
    expected = re.sub(r"\[([^]]*)\]", lambda m: "*" * len(m.group(1)), marked)
    return text, expected


NAMES = [
    pytest.param("嗯你好，我叫张[伟]。", id="two-characters"),
    pytest.param("对，收货人写欧阳[娜娜]就行。", id="compound-surname"),
    pytest.param("王[小明]女士，您的卡已经寄出了。", id="title-after-stays"),
    pytest.param("户主是我爸，叫毛[振华]。", id="叫"),
    pytest.param("开户人姓名：赵[德胜]。", id="姓名-colon"),
    pytest.param("麻烦帮我查一下陈[静怡]的保单。", id="查一下-的"),
    pytest.param("请问是杨[帆]先生吗？", id="先生-after"),
    pytest.param("开户名是周[雨萱]，是我女儿。", id="jieba-cuts-周雨/萱"),
    pytest.param("我是刘[建平]的爱人。", id="jieba-cuts-刘/建平"),
    pytest.param("收货人姓名是方[子涵]，手机尾号零九。", id="cue-whatever-jieba-cut"),
    pytest.param("我叫高[峰]", id="a-word-after-我叫-is-a-name"),
    pytest.param("我叫刘[洋]，文刀刘，[海洋的洋]。", id="spelled-given-name"),
    pytest.param("名字叫胡[杨]，古月胡，[杨树的杨]。", id="spelled-surname-stays"),
    pytest.param("您好，我是客户经理严[静]。", id="agent-full-name"),
    pytest.param("收件人东方[雨]，还有诸葛[明]。", id="compound-surnames"),
    pytest.param("喂你好我叫李[明辉]我想问一下快递", id="no-punctuation"),
    pytest.param("我找上次那个姓王的，王[海峰]。", id="surname-said-before"),
]

SURNAME_ONLY = [
    pytest.param(text, id=text)
    for text in (
        "张先生，您的问题已经记录了。",
        "是的，我是王女士。",
        "好的李总，明天给您回复。",
        "您贵姓？我姓黄。",
        "刘经理说可以的。",
        "老王说的，你问他。",
        "我是小李，有什么可以帮您？",
        "叫我小刘就行。",
        "欧阳女士您好。",
        "我姓张，弓长张。",
    )
]

ADDRESSES = [
    pytest.param("地址是四川省成都市[武侯区人民南路四段12号3栋502]。", id="province-city-stay"),
    pytest.param("改到北京市[朝阳区建国路88号]吧。", id="直辖市"),
    pytest.param("我住在[海淀区中关村大街1号]。", id="no-city-said"),
    pytest.param("寄到湖南长沙[开福区芙蓉中路一段]。", id="city-without-suffix"),
    pytest.param("改到[闵行区莘庄镇莘建东路58弄3号502室]。", id="弄-号-室"),
    pytest.param("寄到 广东省 东莞市 [南城街道 鸿福路 一零六号]", id="spaced-asr"),
    pytest.param("就寄到[阳光小区5号楼2单元]。", id="estate-only"),
    pytest.param("我们村是山西省大同市[云州区西坪镇杨家窑村]。", id="village"),
    pytest.param("湖北省武汉市[江汉区解放大道688号]武汉广场。", id="landmark-stays"),
    pytest.param("我住在南京市[鼓楼区]。", id="city-and-district"),
    pytest.param("寄到河北省廊坊市三河市[燕郊镇]。", id="county-level-city"),
    pytest.param("浙江省杭州市[余杭区黄家村]", id="a-name-in-the-village"),
]

NOT_ADDRESSES = [
    pytest.param(text, id=text)
    for text in (
        "市场价是多少？",
        "城市里面都能送吗？",
        "我在超市呢。",
        "门市部那边说不行。",
        "这个区别是什么？",
        "我们这边有社区医院。",
        "路上堵车了，晚点到。",
        "一路上都没信号。",
        "快递就放马路边吧。",
        "号码是多少？几号发货？",
        "十二月三号之前能到吗？",
        "三楼客服是在营业厅里面吗？",
        "坐三号线到站就是。",
        "我们市里面有网点吗？",
        "我是江苏的。",
        "您是在哪个区？",
        "单号是SF一二三四五六。",
    )
]

# Agent scripts and everyday words with a surname character in them.
NOT_NAMES = [
    pytest.param(text, id=text)
    for text in (
        "您好工号1234为您服务",
        "您好，很高兴为您服务，我是客服小张。",
        "我是客服小王，工号八八六。",
        "王者荣耀充值退款。",
        "黄金会员有什么权益？白金卡年费多少？",
        "方便告诉我一下订单号吗？",
        "我向您道歉。",
        "于是他们就把我的卡冻结了。",
        "万一丢了怎么办？周末也能办理吗？",
        "这个钱包是马上就能用的吗？安全吗？",
        "常见的问题我们都有解答，何时能到账？",
        "许多人都办了这个，程序很简单。",
        "坐高铁去的，金额不对。",
        "我是王者荣耀的老玩家了。",
        "我是万达的业主，物业费怎么交？",
        "我是黄金会员，为什么还要收费？",
        "好的谢谢先生，再见。",
        "金卡和普卡的区别主要是额度。",
        "名字写错了，能改吗？",
        "收件人是我老婆。",
        "我帮你叫车来接。",
    )
]


@pytest.mark.parametrize("marked", NAMES)
def test_names_keep_the_surname(marked):
    text, expected = unmarked(marked)
    assert masked(text) == expected
    assert {kind for *_, kind in personal_spans(text)} == {NAME}


@pytest.mark.parametrize("text", SURNAME_ONLY)
def test_a_surname_with_a_title_or_a_nickname_is_not_masked(text):
    assert personal_spans(text) == []


@pytest.mark.parametrize("marked", ADDRESSES)
def test_addresses_keep_the_city(marked):
    text, expected = unmarked(marked)
    assert masked(text) == expected
    assert {kind for *_, kind in personal_spans(text)} == {ADDRESS}


@pytest.mark.parametrize("text", NOT_ADDRESSES)
def test_place_words_that_are_no_address(text):
    assert personal_spans(text) == []


@pytest.mark.parametrize("text", NOT_NAMES)
def test_agent_scripts_and_everyday_words(text):
    assert personal_spans(text) == []


def test_a_name_inside_an_address_is_the_address():
    assert [kind for *_, kind in personal_spans("浙江省杭州市余杭区黄家村")] == [ADDRESS]


def test_name_and_address_in_one_utterance():
    text, expected = unmarked("收件人是张[国强]，地址是北京市[海淀区学院路30号]。")
    assert masked(text) == expected
    assert [kind for *_, kind in personal_spans(text)] == [NAME, ADDRESS]


def test_spans_are_sorted_disjoint_and_deterministic():
    text = "".join(t for t, _ in personal_info_tuning.UTTERANCES)
    spans = personal_spans(text)
    assert spans == sorted(spans) and spans == personal_spans(text)
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans))
    assert all(0 <= s < e <= len(text) and k in (NAME, ADDRESS) for s, e, k in spans)
    assert len(masked(text)) == len(text)


@pytest.mark.parametrize("text", ["", "   ", "。", "嗯", "1234", "ABC"])
def test_empty_and_trivial_texts(text):
    assert personal_spans(text) == []


def test_a_lexicon_folder_without_a_surname_list_uses_the_shipped_one(tmp_path):
    lexicon = load_personal(tmp_path)
    assert "欧阳" in lexicon.compound and "张" in lexicon.single
    assert personal_spans("我叫张伟", lexicon) == [(3, 4, NAME)]


def test_a_bad_surname_list_names_the_line(tmp_path):
    (tmp_path / "surnames.txt").write_text("# surnames\n张\n欧阳修x\n", encoding="utf-8")
    with pytest.raises(LexiconError, match=r"surnames.txt:3"):
        load_personal(tmp_path)


def test_the_shipped_surname_list():
    lexicon = load_personal()
    assert 280 <= len(lexicon.single) <= 340 and 55 <= len(lexicon.compound) <= 65
    assert {"王", "李", "张", "刘", "陈", "欧阳", "司马", "诸葛", "上官"} <= (
        lexicon.single | lexicon.compound
    )


def test_the_modules_import_only_what_the_text_layer_may():
    allowed = ("jieba", "re", "pipeline.text", "pipeline.types", "pipeline.errors")
    for name in ("personal", "addresses"):
        tree = ast.parse((PROJECT_ROOT / "pipeline" / "text" / f"{name}.py").read_text("utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                modules = [node.module or ""]
            else:
                continue
            for module in modules:
                top = module.split(".")[0]
                assert top in sys.stdlib_module_names or module.startswith(allowed), module


def test_the_tuning_set_stays_masked():
    figures, errors = evaluate(personal_info_tuning.UTTERANCES)
    for kind in (NAME, ADDRESS):
        assert figures[kind].chars.precision >= 0.99, kind
        assert figures[kind].chars.recall >= 0.97, kind
    assert len(errors) <= 4, "\n".join(errors)


# (precision, recall) floors a little below what was measured on 2026-12-02 (bench/RESULTS.md):
# names 0.979 / 0.960 by character, 0.980 / 0.962 by span; addresses 1.000 / 0.977 and 0.952 /
# 0.952. Not a target to tune to: the set stays held out.
HELDOUT_FLOORS = {
    NAME: {"chars": (0.95, 0.93), "spans": (0.95, 0.93)},
    ADDRESS: {"chars": (0.98, 0.95), "spans": (0.92, 0.92)},
}


def test_the_heldout_set_keeps_its_figures():
    figures, _errors = evaluate(personal_info_heldout.UTTERANCES)
    for kind, levels in HELDOUT_FLOORS.items():
        for level, (precision, recall) in levels.items():
            counts = getattr(figures[kind], level)
            assert counts.precision >= precision, (kind, level, counts)
            assert counts.recall >= recall, (kind, level, counts)


def test_heldout_and_tuning_sets_do_not_share_utterances():
    heldout = {text for text, _ in personal_info_heldout.UTTERANCES}
    assert not heldout & {text for text, _ in personal_info_tuning.UTTERANCES}
    assert len(personal_info_heldout.UTTERANCES) >= 120


def test_callqa_detect_masks_names_and_addresses_of_a_hand_made_transcript(tmp_path, capsys):
    """`callqa detect` reads a transcript written by hand: its evidence (table, JSON, explain)
    shows the name and the address masked, while the number beside them is still found."""
    import json

    from pipeline.cli.main import main

    said = "身份证号是110101199003074514，我叫张伟，住在四川省成都市武侯区人民南路四段12号"
    transcript = {
        "schema": "callqa.transcript/1",
        "call_id": "typed-names",
        "segments": [{"start": 0.5, "end": 6.0, "role": "customer", "text": said}],
    }
    path = tmp_path / "typed.json"
    path.write_text(json.dumps(transcript, ensure_ascii=False), encoding="utf-8")
    outputs = {}
    for form in ([], ["--json"], ["--explain"]):
        assert main(["detect", *form, str(path)]) == 0
        outputs[" ".join(form) or "table"] = capsys.readouterr().out
    (found,) = [f for f in json.loads(outputs["--json"]) if f["category"] == "pii.id_card"]
    assert "张*" in found["evidence"]
    for form, printed in outputs.items():
        for private in ("张伟", "武侯区", "人民南路", "110101199003074514"):
            assert private not in printed, (form, private)
