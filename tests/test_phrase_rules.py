"""Phrase rules (phrase.forbidden / overpromise / credential_request / escalation) on text alone.

Presidio-style tables per detector: each row is who said what and exactly which findings
(rule_id, the words heard, matched by characters or pinyin) it must give — none for negated
statements, the wrong party, homophones that differ in tone and phrases inside longer words.
The shipped lexicons are used, so the tables also pin down what the lists catch.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pipeline.detectors import credential_request, escalation, forbidden_phrases, overpromise
from pipeline.detectors.base import CallContext
from pipeline.detectors.phrases import engine as phrase_rules
from pipeline.detectors.phrases.negation import load_negation_cues
from pipeline.detectors.registry import call_context, detector, phrase_book
from pipeline.errors import LexiconError
from pipeline.types import AudioInfo, Segment, Transcript, Word
from tests.lexicon_dirs import rules_only

# The rules alone: the phrase model beside them has its own tests (test_phrase_model.py).
LEXICONS = rules_only()


def call_of(*segments: Segment, lexicon_dir: Path = LEXICONS) -> CallContext:
    transcript = Transcript(
        "call-1", tuple(segments), AudioInfo("x.wav", "0" * 64, 60.0, 8000, 2), "test"
    )
    return call_context(transcript, lexicon_dir, "test")


def said(
    role: str, text: str, start: float = 1.0, end: float = 4.0, words: tuple[Word, ...] = ()
) -> Segment:
    return Segment(start, end, "ch0" if role == "agent" else "ch1", role, text, words)


def found(name: str, role: str, text: str) -> list[tuple[str, str, str]]:
    return [
        (f.rule_id, f.details["heard"], f.details["matched_by"])
        for f in detector(name).detect(call_of(said(role, text)))
    ]


C, P = "characters", "pinyin"

OVERPROMISE = [
    # match
    pytest.param(
        "agent",
        "这款产品保本保息",
        [("overpromise.principal_guarantee", "保本保息", C)],
        id="match-保本保息",
    ),
    pytest.param(
        "agent",
        "放心，稳赚不赔的",
        [("overpromise.principal_guarantee", "稳赚不赔", C)],
        id="match-稳赚不赔",
    ),
    pytest.param(
        "agent", "这个是零风险的", [("overpromise.no_risk", "零风险", C)], id="match-零风险"
    ),
    pytest.param(
        "agent", "绝对没问题", [("overpromise.certainty", "绝对没问题", C)], id="match-绝对没问题"
    ),
    pytest.param(
        "agent",
        "您这个贷款肯定能批",
        [("overpromise.approval_certainty", "肯定能批", C)],
        id="match-肯定能批",
    ),
    pytest.param(
        "agent",
        "年化百分之百赚回来",
        [("overpromise.certainty", "百分之百", C)],
        id="match-百分之百",
    ),
    pytest.param(
        "agent",
        "您放心，这个不会亏本的",
        [("overpromise.principal_guarantee", "不会亏本", C)],
        id="match-phrase-that-starts-with-不",
    ),
    pytest.param(
        "agent",
        "不仅保本还保收益",
        [
            ("overpromise.principal_guarantee", "保本", C),
            ("overpromise.return_guarantee", "保收益", C),
        ],
        id="match-不仅-is-not-a-negation",
    ),
    pytest.param(
        "agent",
        "您不用担心保本的",
        [("overpromise.principal_guarantee", "保本", C)],
        id="match-不用担心-is-reassurance",
    ),
    pytest.param(
        "agent",
        "不知道，这个肯定能批",
        [("overpromise.approval_certainty", "肯定能批", C)],
        id="match-negation-in-another-clause",
    ),
    # negated: compliant disclosures
    pytest.param("agent", "我们不能保证收益", [], id="negated-不能保证收益"),
    pytest.param("agent", "这个不是保本的", [], id="negated-不是保本的"),
    pytest.param("agent", "理财非存款，投资需谨慎", [], id="negated-理财非存款"),
    pytest.param("agent", "理财产品不等同于存款", [], id="negated-不等同于存款"),
    pytest.param("agent", "这个产品并非保本", [], id="negated-并非"),
    pytest.param("agent", "哪有零风险的投资", [], id="negated-rhetorical-哪有"),
    pytest.param("agent", "任何产品都没有零风险", [], id="negated-没有-two-chars-back"),
    pytest.param("agent", "我不敢说百分之百能批", [], id="negated-不敢说"),
    pytest.param("agent", "保本是不可能的", [], id="negated-after-是不可能的"),
    # wrong role
    pytest.param("customer", "你们这个是保本的吗", [], id="role-customer-asks"),
    # homophones: same toned pinyin matches, a different tone does not
    pytest.param(
        "agent",
        "这个产品宝本的",
        [("overpromise.principal_guarantee", "宝本", P)],
        id="homophone-宝本",
    ),
    pytest.param(
        "agent",
        "稳赚不陪的",
        [("overpromise.principal_guarantee", "稳赚不陪", P)],
        id="homophone-稳赚不陪",
    ),
    pytest.param("agent", "这个零风线的", [], id="homophone-other-tone-零风线"),
    pytest.param("agent", "你刚对我说的", [], id="homophone-pinyin=no-刚对"),
    # token boundaries
    pytest.param("agent", "我们不会亏待您的", [], id="boundary-不会亏-in-亏待"),
    # paraphrase families of the fifth and sixth tuning sets (issue 15), and their look-alikes
    pytest.param(
        "agent",
        "今年保证也是这个数",
        [("overpromise.return_guarantee", "保证也是这个数", "characters")],
        id="family-保证也是这个数",
    ),
    pytest.param(
        "agent",
        "这支股票下个月至少翻一倍",
        [("overpromise.return_guarantee", "至少翻一倍", "characters")],
        id="family-至少翻一倍",
    ),
    pytest.param(
        "agent",
        "年底之前肯定给您涨回来",
        [("overpromise.return_guarantee", "肯定给您涨回来", "characters")],
        id="family-肯定给您涨回来",
    ),
    pytest.param(
        "agent",
        "租金回报是包的，开发商兜底",
        [("overpromise.return_guarantee", "租金回报是包的", "characters")],
        id="family-回报是包的",
    ),
    pytest.param(
        "agent",
        "退款今晚十二点前一定到您卡上",
        [("overpromise.arrival_certainty", "一定到您卡上", "characters")],
        id="family-一定到您卡上",
    ),
    pytest.param(
        "agent",
        "保证今天到账",
        [("overpromise.arrival_certainty", "保证今天到账", "characters")],
        id="family-保证今天到账",
    ),
    pytest.param(
        "agent",
        "师傅肯定十分钟内到",
        [("overpromise.arrival_certainty", "肯定十分钟内到", "characters")],
        id="family-十分钟内到",
    ),
    pytest.param(
        "agent",
        "手续费肯定能给您免掉",
        [("overpromise.guarantee", "肯定能给您免掉", "characters")],
        id="family-肯定能免",
    ),
    pytest.param(
        "agent",
        "对方一定会赔给您的",
        [("overpromise.compensation", "一定会赔给您", "characters")],
        id="family-一定会赔给您",
    ),
    pytest.param(
        "agent",
        "一分不少都退给您",
        [("overpromise.compensation", "一分不少都退给您", "characters")],
        id="family-一分不少",
    ),
    pytest.param(
        "agent",
        "超时了我给您赔",
        [("overpromise.compensation", "超时了我给您赔", "characters")],
        id="family-超时我赔",
    ),
    pytest.param(
        "agent",
        "手术做完保证不会复发",
        [("overpromise.guarantee", "保证不会复发", "characters")],
        id="family-保证不会复发",
    ),
    pytest.param(
        "agent",
        "保证您打游戏永远不卡",
        [("overpromise.guarantee", "保证您打游戏永远不卡", "characters")],
        id="family-永远不卡",
    ),
    pytest.param(
        "agent",
        "孩子报这个班一定能考上重点",
        [("overpromise.guarantee", "一定能考上", "characters")],
        id="family-一定能考上",
    ),
    pytest.param(
        "agent",
        "保证让那个司机被封号",
        [("overpromise.guarantee", "保证让那个司机被封号", "characters")],
        id="family-保证被封号",
    ),
    pytest.param(
        "agent",
        "这单包你满意",
        [("overpromise.guarantee", "包你满意", "characters")],
        id="family-包你满意",
    ),
    pytest.param(
        "agent",
        "退货退款是肯定能给您办成的",
        [("overpromise.approval_certainty", "肯定能给您办成", "characters")],
        id="family-能给您办成",
    ),
    pytest.param(
        "agent",
        "我可以跟您保证 至少这个数",
        [("overpromise.guarantee", "我可以跟您保证", "characters")],
        id="family-我可以跟您保证",
    ),
    pytest.param(
        "agent",
        "您明天一定到营业厅来办理",
        [],
        id="not-一定到营业厅",
    ),
    pytest.param(
        "agent",
        "七天无理由包退包换",
        [],
        id="not-包退包换-policy",
    ),
    pytest.param(
        "agent",
        "我一定会尽快给您处理好",
        [],
        id="not-尽快处理好-effort",
    ),
    pytest.param(
        "agent",
        "如果核实是我们的责任，我们一定会赔给您",
        [],
        id="not-conditional-赔偿",
    ),
    pytest.param(
        "agent",
        "您一定要在今天之前还款",
        [],
        id="not-requirement-一定要",
    ),
    pytest.param(
        "agent",
        "我们不能保证三天内到账",
        [],
        id="negated-不能保证到账",
    ),
    pytest.param(
        "agent",
        "您说的保底收益那种早就没有了",
        [],
        id="except-保底收益早就没有",
    ),
    pytest.param(
        "agent",
        "以前是有刚兑的，现在没有了",
        [],
        id="except-以前有刚兑",
    ),
    pytest.param(
        "agent",
        "之前有客户说我们承诺保本，那是误会",
        [],
        id="except-quoted-保本-误会",
    ),
    pytest.param(
        "agent",
        "您这个订单百分之百已经发出了",
        [],
        id="except-百分之百已经发出",
    ),
    pytest.param(
        "agent",
        "我跟您保证会跟进处理",
        [],
        id="except-保证跟进",
    ),
    pytest.param(
        "agent",
        "保证金今天到账",
        [],
        id="not-保证金",
    ),
    pytest.param(
        "agent",
        "年化百分之五是稳的",
        [("overpromise.return_guarantee", "年化百分之五是稳的", "characters")],
        id="family-年化是稳的",
    ),
    pytest.param(
        "agent",
        "这次肯定给您全额退",
        [("overpromise.guarantee", "肯定给您全额退", "characters")],
        id="family-全额退",
    ),
    pytest.param(
        "agent",
        "定期存款利息是稳的",
        [],
        id="not-存款利息是稳的",
    ),
]


@pytest.mark.parametrize("role,text,expected", OVERPROMISE)
def test_overpromise(role, text, expected):
    assert found("overpromise", role, text) == expected


CREDENTIAL = [
    pytest.param(
        "agent",
        "麻烦您把收到的验证码告诉我一下",
        [("credential.sms_code", "验证码告诉我", C)],
        id="match-验证码告诉我",
    ),
    pytest.param(
        "agent",
        "验证码是多少",
        [("credential.sms_code", "验证码是多少", C)],
        id="match-验证码是多少",
    ),
    pytest.param(
        "agent",
        "您的取款密码是多少",
        [("credential.password", "取款密码是", C)],
        id="match-取款密码",
    ),
    pytest.param(
        "agent",
        "麻烦提供一下您的密码",
        [("credential.password", "提供一下您的密码", C)],
        id="match-pattern-with-gap",
    ),
    pytest.param(
        "agent", "请报一下卡背面的CVV", [("credential.card_security", "CVV", C)], id="match-CVV"
    ),
    pytest.param(
        "agent",
        "请报一下ＣＶＶ",
        [("credential.card_security", "ＣＶＶ", C)],
        id="match-full-width-CVV",
    ),
    pytest.param(
        "agent",
        "请报一下CVV2",
        [("credential.card_security", "CVV2", C)],
        id="boundary-CVV2-is-its-own",
    ),
    # the agent warning the customer
    pytest.param("agent", "请不要告诉任何人验证码", [], id="negated-请不要告诉任何人验证码"),
    pytest.param("agent", "我们不会向您索要密码", [], id="negated-不会索要"),
    pytest.param("agent", "警惕有人索要您的验证码", [], id="negated-警惕"),
    pytest.param("agent", "CVV码千万不要透露给别人", [], id="negated-after-千万不要"),
    pytest.param("agent", "请您在电话按键上输入密码", [], id="legit-keypad-entry"),
    # wrong role
    pytest.param("customer", "验证码是多少啊我没收到", [], id="role-customer"),
    # homophones
    pytest.param(
        "agent", "验正码是多少", [("credential.sms_code", "验正码是多少", P)], id="homophone-验正码"
    ),
    pytest.param(
        "agent", "密马是多少", [("credential.password", "密马是多少", P)], id="homophone-密马"
    ),
    # indirect asks of the fifth and sixth tuning sets (issue 15), and their look-alikes
    pytest.param(
        "agent",
        "我这边给您发了个码，您报一下",
        [("credential.sms_code", "发了个码，您报一下", "characters")],
        id="family-发了个码报一下",
    ),
    pytest.param(
        "agent",
        "您刚收到的那个 四位的 念给我听",
        [("credential.sms_code", "刚收到的那个 四位的 念给我", "characters")],
        id="family-刚收到的念给我",
    ),
    pytest.param(
        "agent",
        "输完以后手机上会跳出一个数 您把它读出来",
        [("credential.sms_code", "跳出一个数 您把它读出来", "characters")],
        id="family-跳出一个数读出来",
    ),
    pytest.param(
        "agent",
        "你看一下是不是来了个四位数，报给我",
        [("credential.sms_code", "是不是来了个四位数，报给我", "characters")],
        id="family-是不是来了个四位数",
    ),
    pytest.param(
        "agent",
        "您念一下收到的数字",
        [("credential.sms_code", "念一下收到的数字", "characters")],
        id="family-念一下收到的数字",
    ),
    pytest.param(
        "agent",
        "短信你看到没有 上面的数报一下",
        [("credential.sms_code", "上面的数报一下", "characters")],
        id="family-上面的数报一下",
    ),
    pytest.param(
        "agent",
        "码报一下",
        [("credential.sms_code", "码报一下", "characters")],
        id="family-码报一下",
    ),
    pytest.param(
        "agent",
        "验证码给我 我这边马上处理",
        [("credential.sms_code", "验证码给我", "characters")],
        id="family-验证码给我",
    ),
    pytest.param(
        "agent",
        "把您app的登录码发到这个微信号上",
        [("credential.sms_code", "登录码发到这个微信号", "characters")],
        id="family-登录码发到微信",
    ),
    pytest.param(
        "agent",
        "把那个短信转发给我",
        [("credential.sms_code", "短信转发给我", "characters")],
        id="family-短信转发给我",
    ),
    pytest.param(
        "agent",
        "付款码上的数字跟我说一下",
        [("credential.sms_code", "付款码上的数字跟我说", "characters")],
        id="family-付款码上的数字",
    ),
    pytest.param(
        "agent",
        "支付密码您不用在手机上输 直接跟我说就行",
        [("credential.password", "不用在手机上输 直接跟我说", "characters")],
        id="family-不用在手机上输",
    ),
    pytest.param(
        "agent",
        "您就把银行卡密码在电话里按一下",
        [("credential.password", "密码在电话里按一下", "characters")],
        id="family-电话里按密码",
    ),
    pytest.param(
        "agent",
        "U盾的密码您输一下，我这边能看到",
        [("credential.password", "密码您输一下，我这边能看到", "characters")],
        id="family-输了我这边能看到",
    ),
    pytest.param(
        "agent",
        "卡的PIN码您报一下",
        [("credential.password", "PIN码您报一下", "characters")],
        id="family-PIN码",
    ),
    pytest.param(
        "agent",
        "你那个手机银行的转账口令是多少",
        [("credential.password", "转账口令是多少", "characters")],
        id="family-转账口令",
    ),
    pytest.param(
        "agent",
        "三个数 加上有效期 一起说给我",
        [("credential.card_security", "三个数 加上有效期", "characters")],
        id="family-三个数加有效期",
    ),
    pytest.param(
        "agent",
        "动态口令牌上显示的数字您读一下",
        [("credential.online_login", "动态口令牌上显示的数字您读一下", "characters")],
        id="family-口令牌读一下",
    ),
    pytest.param(
        "agent",
        "需要您提供一下网贷平台的登录验证码",
        [("credential.sms_code", "您提供一下网贷平台的登录验证码", "characters")],
        id="family-提供一下登录验证码",
    ),
    pytest.param(
        "agent",
        "您登录网银的密码是不是生日 说一下",
        [("credential.password", "密码是不是生日 说一下", "characters")],
        id="family-密码是不是生日",
    ),
    pytest.param(
        "agent",
        "您把电表上面的数报一下",
        [],
        id="not-电表上面的数",
    ),
    pytest.param(
        "agent",
        "刚收到的快递单号念一下",
        [],
        id="not-快递单号",
    ),
    pytest.param(
        "agent",
        "您那个取件码多少",
        [],
        id="not-取件码",
    ),
    pytest.param(
        "agent",
        "鞋子尺码多少",
        [],
        id="not-尺码",
    ),
    pytest.param(
        "agent",
        "请您在按键上输入服务密码，我这边是看不到的",
        [],
        id="legit-keypad-看不到",
    ),
    pytest.param(
        "agent",
        "我们不会让您在电话里输入密码",
        [],
        id="negated-不会让您在电话里输",
    ),
    pytest.param(
        "agent",
        "CVV码是卡背面的三位数，千万不要告诉别人",
        [],
        id="except-CVV-explained",
    ),
    pytest.param(
        "agent",
        "卡背面那三位数字不要拍照发给任何人",
        [],
        id="except-背面三位-warning",
    ),
    pytest.param(
        "agent",
        "信用卡背面的cvv码相当于密码 一定要保管好",
        [],
        id="except-cvv-相当于密码",
    ),
    pytest.param(
        "agent",
        "那串数字是订单编号哈，您念给我我帮您查",
        [],
        id="except-订单编号",
    ),
    pytest.param(
        "agent",
        "刚才那个码你再报一遍",
        [("credential.sms_code", "那个码你再报一遍", "characters")],
        id="family-再报一遍",
    ),
    pytest.param(
        "agent",
        "您把收到的六位数字发我一下",
        [("credential.sms_code", "收到的六位数字发我一下", "characters")],
        id="family-收到的数字发我",
    ),
    pytest.param(
        "agent",
        "验证码您直接在电话里说就行",
        [("credential.sms_code", "验证码您直接在电话里说就行", "characters")],
        id="family-电话里说就行",
    ),
    pytest.param(
        "agent",
        "您输一下密码我帮您看看对不对",
        [("credential.password", "输一下密码我帮您看看对不对", "characters")],
        id="family-我帮您看看对不对",
    ),
    pytest.param(
        "agent",
        "密码千万不要在电话里说出来",
        [],
        id="negated-不要在电话里说",
    ),
    pytest.param(
        "agent",
        "您那个号码再报一遍",
        [],
        id="not-号码再报一遍",
    ),
]


@pytest.mark.parametrize("role,text,expected", CREDENTIAL)
def test_credential_request(role, text, expected):
    assert found("credential_request", role, text) == expected


ESCALATION = [
    pytest.param(
        "customer",
        "我要去12315投诉你们",
        [("escalation.regulator", "12315", C), ("escalation.complaint", "投诉你们", C)],
        id="match-12315",
    ),
    pytest.param(
        "customer",
        "我要打幺二三幺五",
        [("escalation.regulator", "幺二三幺五", C)],
        id="match-spoken-幺二三幺五",
    ),
    pytest.param(
        "customer",
        "我要打一二三七八",
        [("escalation.regulator", "一二三七八", C)],
        id="match-spoken-12378",
    ),
    pytest.param(
        "customer", "我打12363问问", [("escalation.regulator", "12363", C)], id="match-12363"
    ),
    pytest.param(
        "customer",
        "我要找记者曝光你们",
        [("escalation.media", "记者", C), ("escalation.media", "曝光", C)],
        id="match-media",
    ),
    pytest.param(
        "customer",
        "我会请律师起诉你们",
        [("escalation.legal", "律师", C), ("escalation.legal", "起诉", C)],
        id="match-legal",
    ),
    pytest.param(
        "customer",
        "那我去法院告你们",
        [("escalation.legal", "法院", C), ("escalation.legal", "告你们", C)],
        id="match-法院",
    ),
    pytest.param(
        "customer",
        "再不处理我就去投诉",
        [("escalation.complaint", "投诉", C)],
        id="match-threat-with-不-further-back",
    ),
    pytest.param("customer", "我不想投诉了", [], id="negated-不想投诉"),
    # the agent quoting the customer is not the customer escalating
    pytest.param("agent", "您是说要投诉是吧", [], id="role-agent-quotes-complaint"),
    pytest.param("agent", "您可以拨打12315", [], id="role-agent-mentions-hotline"),
    # numbers inside longer numbers
    pytest.param("customer", "我的电话是13812315678", [], id="boundary-12315-inside-phone"),
    pytest.param("customer", "订单号123150", [], id="boundary-12315-inside-order-number"),
    pytest.param("customer", "卡号是6212315，对", [], id="boundary-12315-ending-a-number"),
    pytest.param(
        "customer", "我的单号是三一二三一五", [], id="boundary-spoken-12315-ending-a-number"
    ),
    # homophones
    pytest.param(
        "customer", "我要头诉你们", [("escalation.complaint", "我要头诉", P)], id="homophone-头诉"
    ),
    pytest.param("customer", "我要找记着", [], id="homophone-other-tone-记着"),
    # paraphrase families of the fifth and sixth tuning sets, and their exceptions
    pytest.param(
        "customer",
        "我邻居说她要去投诉你们",
        [],
        id="quote-邻居说要投诉",
    ),
    pytest.param(
        "customer",
        "那个投诉的处理进度能帮我查一下吗",
        [],
        id="past-投诉的处理进度",
    ),
    pytest.param(
        "customer",
        "我刚才说要投诉是气话",
        [],
        id="withdrawn-投诉是气话",
    ),
    pytest.param(
        "customer",
        "我朋友是银保监的",
        [],
        id="ident-朋友是银保监的",
    ),
    pytest.param(
        "customer",
        "我本来想去消协的，后来算了",
        [],
        id="withdrawn-本来想去消协",
    ),
    pytest.param(
        "customer",
        "你们公司被曝光过吗",
        [],
        id="past-被曝光过",
    ),
    pytest.param(
        "customer",
        "我就是做自媒体的",
        [],
        id="ident-做自媒体",
    ),
    pytest.param(
        "customer",
        "手机被偷了，已经报警了",
        [],
        id="neutral-被偷报警",
    ),
    pytest.param(
        "customer",
        "法院判下来了，我来问问怎么还款",
        [],
        id="neutral-法院判下来",
    ),
    pytest.param(
        "customer",
        "差评我已经撤了",
        [],
        id="withdrawn-差评撤了",
    ),
    pytest.param(
        "customer",
        "我就是想要个说法",
        [],
        id="neutral-只想要个说法",
    ),
    pytest.param(
        "customer",
        "医院的投诉电话是多少，我想表扬一个护士",
        [],
        id="neutral-投诉电话表扬",
    ),
    pytest.param(
        "customer",
        "我会在微博上把这件事发出来",
        [("escalation.media", "微博上把这件事发出来", C)],
        id="family-微博上发出来",
    ),
    pytest.param(
        "customer",
        "艾特你们官方",
        [("escalation.media", "艾特你们官方", C)],
        id="family-艾特官方",
    ),
    pytest.param(
        "customer",
        "这事儿我要捅到网上去",
        [("escalation.media", "捅到网上", C)],
        id="family-捅到网上",
    ),
    pytest.param(
        "customer",
        "让大家都别来住",
        [("escalation.media", "让大家都别来", C)],
        id="family-让大家别来",
    ),
    pytest.param(
        "customer",
        "大不了法庭上见",
        [("escalation.legal", "大不了法庭上见", C)],
        id="family-大不了法庭上见",
    ),
    pytest.param(
        "customer",
        "我明天就去你们总部闹",
        [("escalation.complaint", "去你们总部闹", C)],
        id="family-去总部闹",
    ),
    pytest.param(
        "customer",
        "我要写个帖子挂你们",
        [("escalation.media", "写个帖子挂", C)],
        id="family-写帖子挂你们",
    ),
    pytest.param(
        "customer",
        "我去小红书发帖子让大家避雷",
        [("escalation.media", "小红书发帖子", C), ("escalation.media", "让大家避雷", C)],
        id="family-让大家避雷",
    ),
    pytest.param(
        "customer",
        "我老婆嚷着要去消协，我觉得没必要",
        [],
        id="quote-老婆嚷着去消协",
    ),
    pytest.param(
        "customer",
        "我在抖音上看到你们的直播",
        [],
        id="neutral-在抖音上看到",
    ),
    pytest.param(
        "customer",
        "快递员说我再不签收就要投诉他，有这回事吗",
        [],
        id="quote-conditional-快递员说再不签收就投诉",
    ),
]


@pytest.mark.parametrize("role,text,expected", ESCALATION)
def test_escalation(role, text, expected):
    assert found("escalation", role, text) == expected


FORBIDDEN = [
    pytest.param("agent", "我也不知道", [("forbidden.refusal", "不知道", C)], id="match-不知道"),
    pytest.param(
        "agent",
        "这不归我管",
        [("forbidden.blame_shifting", "这不归我管", C)],
        id="match-这不归我管",
    ),
    pytest.param(
        "agent", "你听不懂吗", [("forbidden.condescension", "你听不懂吗", C)], id="match-你听不懂吗"
    ),
    pytest.param(
        "agent", "你有完没完", [("forbidden.impatience", "你有完没完", C)], id="match-你有完没完"
    ),
    pytest.param("customer", "不知道", [], id="role-customer-不知道"),
    pytest.param("agent", "您不知道的话我帮您查", [], id="unless-您-prefix"),
    pytest.param("agent", "这个没办法律上规定的", [], id="boundary-没办法-in-办法律"),
    pytest.param("agent", "我们这里没空调", [], id="boundary-没空-in-空调"),
    pytest.param(
        "agent", "我也不知到", [("forbidden.refusal", "不知到", P)], id="homophone-不知到"
    ),
    # paraphrase families of the fifth and sixth tuning sets, and their exceptions
    pytest.param(
        "agent",
        "机票是在第三方平台买的，出了问题找他们，我们不管",
        [("forbidden.refusal", "我们不管", C)],
        id="family-我们不管",
    ),
    pytest.param(
        "agent",
        "我们不管您是在哪个渠道买的，都可以退",
        [],
        id="except-不管-regardless",
    ),
    pytest.param(
        "agent",
        "退费不是我们前台能决定的",
        [("forbidden.refusal", "不是我们前台能决定的", C)],
        id="family-不是我们前台能决定的",
    ),
    pytest.param(
        "agent",
        "您这个充值我这查不到，就这样吧",
        [("forbidden.refusal", "查不到，就这样吧", C)],
        id="family-查不到就这样吧",
    ),
    pytest.param(
        "agent",
        "好的，那就这样吧，祝您生活愉快",
        [],
        id="polite-就这样吧-closing",
    ),
    pytest.param(
        "agent",
        "我们是市民热线又不是万能的",
        [("forbidden.refusal", "热线又不是万能的", C)],
        id="family-又不是万能的",
    ),
    pytest.param(
        "agent",
        "我就一个接电话的，你冲我喊有什么用",
        [
            ("forbidden.refusal", "我就一个接电话的", C),
            ("forbidden.condescension", "冲我喊有什么用", C),
        ],
        id="family-我就一个接电话的",
    ),
    pytest.param(
        "agent",
        "阿拉这边不晓得的",
        [("forbidden.refusal", "不晓得", C)],
        id="family-阿拉不晓得",
    ),
    pytest.param(
        "agent",
        "股票跌了找我们券商干嘛",
        [("forbidden.blame_shifting", "找我们券商干嘛", C)],
        id="family-找我们干嘛",
    ),
    pytest.param(
        "agent",
        "这基金亏了是市场的问题，又不是我逼你买的",
        [("forbidden.blame_shifting", "又不是我逼你", C)],
        id="family-又不是我逼你买的",
    ),
    pytest.param(
        "agent",
        "年费开卡的时候就告诉你了，是你自己没听",
        [("forbidden.blame_shifting", "是你自己没听", C)],
        id="family-是你自己没听",
    ),
    pytest.param(
        "agent",
        "你自己地址填错了怪谁",
        [
            ("forbidden.blame_shifting", "你自己地址填错", C),
            ("forbidden.blame_shifting", "怪谁", C),
        ],
        id="family-你自己填错了",
    ),
    pytest.param(
        "agent",
        "您自己填错了也没关系，我帮您改",
        [],
        id="except-填错-help-follows",
    ),
    pytest.param(
        "agent",
        "行李丢了，那你当时怎么不看好",
        [("forbidden.blame_shifting", "当时怎么不看好", C)],
        id="family-当时怎么不看好",
    ),
    pytest.param(
        "agent",
        "现在嫌吵，早干嘛去了",
        [("forbidden.blame_shifting", "早干嘛去了", C)],
        id="family-早干嘛去了",
    ),
    pytest.param(
        "agent",
        "急你自己去网点拿呗",
        [("forbidden.blame_shifting", "自己去网点拿呗", C)],
        id="family-自己去网点拿呗",
    ),
    pytest.param(
        "agent",
        "就你这个征信还想提额",
        [("forbidden.condescension", "就你这个征信还想", C)],
        id="family-就你这还想",
    ),
    pytest.param(
        "agent",
        "课都上了一半了还想退全款，哪有这种好事",
        [
            ("forbidden.condescension", "都上了一半了还想", C),
            ("forbidden.condescension", "哪有这种好事", C),
        ],
        id="family-哪有这种好事",
    ),
    pytest.param(
        "agent",
        "哪有这种好事，这肯定是骗子",
        [],
        id="except-哪有这种好事-fraud-warning",
    ),
    pytest.param(
        "agent",
        "最低还款都不懂",
        [("forbidden.condescension", "都不懂", C)],
        id="family-都不懂",
    ),
    pytest.param(
        "agent",
        "很多车主都不会用这个功能",
        [],
        id="except-都不会-many-customers",
    ),
    pytest.param(
        "agent",
        "呵呵，您可真行",
        [("forbidden.condescension", "您可真行", C)],
        id="family-您可真行",
    ),
    pytest.param(
        "agent",
        "你以为你谁啊",
        [("forbidden.condescension", "你以为你谁", C)],
        id="family-你以为你谁",
    ),
    pytest.param(
        "agent",
        "少废话",
        [("forbidden.condescension", "少废话", C)],
        id="family-少废话",
    ),
    pytest.param(
        "agent",
        "甭跟我这儿掰扯",
        [("forbidden.condescension", "甭跟我这儿掰扯", C)],
        id="family-甭跟我这儿掰扯",
    ),
    pytest.param(
        "agent",
        "请不要跟我说您的密码",
        [],
        id="except-别跟我说密码",
    ),
    pytest.param(
        "agent",
        "你今天不还，我们就去你单位找你领导",
        [("forbidden.condescension", "不还，我们就去你单位", C)],
        id="family-催收威胁",
    ),
    pytest.param(
        "agent",
        "没钱就别办分期嘛",
        [("forbidden.condescension", "没钱就别办", C)],
        id="family-没钱就别办",
    ),
    pytest.param(
        "agent",
        "如果还不起，就别借那么多",
        [],
        id="except-没钱-condition",
    ),
    pytest.param(
        "agent",
        "这种事以后别打过来了",
        [("forbidden.dismissal", "以后别打过来", C)],
        id="family-以后别打过来",
    ),
    pytest.param(
        "agent",
        "不想住就退呗",
        [("forbidden.dismissal", "不想住就退呗", C)],
        id="family-不想住就退呗",
    ),
    pytest.param(
        "agent",
        "你投诉也没用",
        [("forbidden.dismissal", "投诉也没用", C)],
        id="family-投诉也没用",
    ),
    pytest.param(
        "agent",
        "您这情况反映了也白反映",
        [("forbidden.dismissal", "反映了也白反映", C)],
        id="family-反映了也白反映",
    ),
    pytest.param(
        "agent",
        "你能不能一次说清楚",
        [("forbidden.impatience", "能不能一次说清楚", C)],
        id="family-一次说清楚",
    ),
    pytest.param(
        "agent",
        "都快下班了还打过来",
        [("forbidden.impatience", "快下班了还打过来", C)],
        id="family-快下班了还打来",
    ),
    pytest.param(
        "agent",
        "我这边还排着队呢",
        [("forbidden.impatience", "我这边还排着队", C)],
        id="family-排着队",
    ),
    pytest.param(
        "agent",
        "我没办法给您打包票，收益要看市场",
        [],
        id="except-没办法打包票",
    ),
    pytest.param(
        "agent",
        "我也不知道几点能起飞，一有消息马上通知您",
        [],
        id="except-不知道-news-follows",
    ),
    pytest.param(
        "agent",
        "我这边没有权限，但已经报给负责人了",
        [],
        id="except-没有权限-but-passed-on",
    ),
    pytest.param(
        "agent",
        "这不是我们部门的事",
        [("forbidden.blame_shifting", "不是我们部门的事", C)],
        id="family-不是我们部门的事",
    ),
    pytest.param(
        "agent",
        "这是你的问题",
        [("forbidden.blame_shifting", "这是你的问题", C)],
        id="family-这是你的问题",
    ),
    pytest.param(
        "agent",
        "这不是您的问题，是我们系统的原因",
        [],
        id="except-这不是您的问题",
    ),
    pytest.param(
        "agent",
        "你到底想怎么样",
        [("forbidden.impatience", "你到底想怎么样", C)],
        id="family-你到底想怎么样",
    ),
    pytest.param(
        "agent",
        "听不懂就算了",
        [("forbidden.condescension", "听不懂就算了", C)],
        id="family-听不懂就算了",
    ),
    pytest.param(
        "agent",
        "别问了，问也没用",
        [("forbidden.impatience", "问也没用", C)],
        id="family-问也没用",
    ),
    pytest.param(
        "agent",
        "早跟你说过了你不听",
        [("forbidden.impatience", "早跟你说过了你不听", C)],
        id="family-早跟你说过你不听",
    ),
    pytest.param(
        "agent",
        "你去别的地方问问吧",
        [("forbidden.blame_shifting", "你去别的地方问问吧", C)],
        id="family-去别的地方问问",
    ),
    pytest.param(
        "agent",
        "您真行，这么快就操作好了",
        [],
        id="not-您真行-praise",
    ),
    pytest.param(
        "agent",
        "您好，现在排队的好多，我尽快",
        [],
        id="not-排队的好多-queue-info",
    ),
    pytest.param(
        "agent",
        "不是我们能决定的，不过我帮您反映给上级",
        [],
        id="except-不是我们能决定的-help-follows",
    ),
]


@pytest.mark.parametrize("role,text,expected", FORBIDDEN)
def test_forbidden_phrases(role, text, expected):
    assert found("forbidden_phrases", role, text) == expected


def test_finding_carries_times_masked_evidence_root_cause_and_lexicon_line():
    text = "我手机13812345678，我要去12315投诉"
    words = (
        Word(10.0, 11.0, "我手机"),
        Word(11.0, 14.0, "13812345678"),
        Word(14.2, 15.0, "我要去"),
        Word(15.0, 16.2, "12315"),
        Word(16.2, 17.0, "投诉"),
    )
    findings = escalation.detect(call_of(said("customer", text, 10.0, 17.0, words)))
    assert [f.rule_id for f in findings] == ["escalation.regulator", "escalation.complaint"]
    hotline = findings[0]
    assert (hotline.category, hotline.role, hotline.severity) == (
        "phrase.escalation",
        "customer",
        "major",
    )
    # from the word times, not the segment's
    assert (hotline.start_s, hotline.end_s) == (
        15.0,
        16.2,
    )
    assert hotline.root_cause == "customer_risk.regulator"
    assert hotline.ruleset_version == "test"
    assert "【12315】" in hotline.evidence
    assert "13812345678" not in hotline.evidence and "5678" in hotline.evidence  # masked, not cut
    assert hotline.details["lexicon"].startswith("escalation.txt:")
    assert hotline.details["speaker"] == "ch1"


def test_root_cause_from_the_lexicon_line_wins_over_root_causes_txt(tmp_path):
    shutil.copytree(LEXICONS, tmp_path, dirs_exist_ok=True)
    with open(tmp_path / "overpromise.txt", "a", encoding="utf-8") as handle:
        handle.write(
            "包赚不亏  return_guarantee  critical  cause=compliance_risk.misselling_script\n"
        )
    findings = overpromise.detect(call_of(said("agent", "这个包赚不亏"), lexicon_dir=tmp_path))
    assert [(f.rule_id, f.severity, f.root_cause) for f in findings] == [
        ("overpromise.return_guarantee", "critical", "compliance_risk.misselling_script")
    ]
    # …and a line without one gets its group's cause, or the category default for a new group.
    assert (
        overpromise.detect(call_of(said("agent", "保本的")))[0].root_cause
        == "compliance_risk.overpromise"
    )


def test_homophone_from_the_issue_停滞_heard_as_停制(tmp_path):
    shutil.copytree(LEXICONS, tmp_path, dirs_exist_ok=True)
    with open(tmp_path / "forbidden_phrases.txt", "a", encoding="utf-8") as handle:
        handle.write("系统停滞  refusal  minor\n系统瘫痪  refusal  minor  pinyin=no\n")
    heard = forbidden_phrases.detect(call_of(said("agent", "现在系统停制了"), lexicon_dir=tmp_path))
    assert [(f.details["phrase"], f.details["heard"], f.details["matched_by"]) for f in heard] == [
        ("系统停滞", "系统停制", "pinyin")
    ]
    exact = forbidden_phrases.detect(call_of(said("agent", "现在系统停滞了"), lexicon_dir=tmp_path))
    assert [f.details["matched_by"] for f in exact] == ["characters"]
    # pinyin=no: the characters must be there.
    assert (
        forbidden_phrases.detect(call_of(said("agent", "系统摊换了"), lexicon_dir=tmp_path)) == []
    )


def test_each_phrase_list_has_at_least_30_entries():
    for module in (forbidden_phrases, overpromise, credential_request, escalation):
        assert len(module.load_rules(str(LEXICONS)).rules) >= 30, module.__name__


def test_every_shipped_rule_has_a_root_cause():
    from pipeline.detectors import script_compliance
    from pipeline.scoring.root_causes import UNMAPPED, root_cause_for

    rule_ids = {
        r.rule_id
        for m in (forbidden_phrases, overpromise, credential_request, escalation)
        for r in m.load_rules(str(LEXICONS)).rules
    }
    rule_ids |= {
        f"{spec.rule_prefix}.{spec.default_group}"
        for spec in (script_compliance.OPENING, script_compliance.CLOSING)
    }
    assert [r for r in sorted(rule_ids) if root_cause_for(LEXICONS, r) == UNMAPPED] == []


def test_every_shipped_phrase_matches_itself_in_its_role():
    """A lexicon line that can never fire (bad boundaries, negation cue inside) is a bug.

    Each wording is said in an utterance of its own, 10 s apart, a few hundred to a call (one
    call per wording took minutes): matches never cross utterances, so each is judged alone."""
    for module in (forbidden_phrases, overpromise, credential_request, escalation):
        spec = module.SPEC
        rules = module.load_rules(str(LEXICONS)).rules
        for first in range(0, len(rules), 400):
            batch = rules[first : first + 400]
            texts = ["好的" + "什么".join(rule.pieces) + "。" for rule in batch]
            segments = [said(spec.role, t, 10.0 * i, 10.0 * i + 5.0) for i, t in enumerate(texts)]
            by_utterance: dict[int, list] = {}
            for f in module.detect(call_of(*segments)):
                by_utterance.setdefault(int(f.start_s // 10.0), []).append(f)
            for i, (rule, text) in enumerate(zip(batch, texts)):
                findings = sorted(by_utterance.get(i, []), key=lambda f: f.start_s)
                assert [f.details["phrase"] for f in findings][:1] == [rule.phrase] or any(
                    f.details["heard"] == "什么".join(rule.pieces) for f in findings
                ), f"{rule.where}: {rule.phrase!r} does not match {text!r}"


# Malformed lexicon lines: the error names the file and the line.
BAD_LINES = [
    pytest.param("保本  refusal  huge", "unknown severity 'huge'", id="bad-severity"),
    pytest.param(
        "保本  major", "found severity 'major' in column 2", id="severity-in-group-column"
    ),
    pytest.param("保本  Refusal", "group 'Refusal' must be lower-case", id="bad-group"),
    pytest.param("保本  refusal  major  extra", "at most 3 column(s)", id="too-many-columns"),
    pytest.param(
        "保本  refusal  major  colour=red", "unknown option 'colour'", id="unknown-option"
    ),
    pytest.param("保本  gap=5  gap=6", "option 'gap' given twice", id="option-twice"),
    pytest.param(
        "保本  gap=5  refusal", "pattern, group and severity come first", id="column-after-option"
    ),
    pytest.param(
        "告诉…验证码  gap=99", "gap must be a whole number from 1 to 40", id="gap-too-large"
    ),
    pytest.param("告诉…验证码  pinyin=maybe", "pinyin must be yes or no", id="bad-pinyin"),
    pytest.param("…验证码", "must be Chinese characters, letters or digits", id="gap-at-start"),
    pytest.param("保本！", "must be Chinese characters, letters or digits", id="punctuation"),
    pytest.param("保(本|息)", "must be Chinese characters, letters or digits", id="regex-syntax"),
    pytest.param(
        "保本  cause=Compliance_Risk", "cause 'Compliance_Risk' must be dotted", id="bad-cause"
    ),
    pytest.param("gap=5", "must start with the pattern", id="no-phrase"),
    pytest.param("[告诉|念…验证码", "a [ … ] choice must be closed", id="unclosed-choice"),
    pytest.param("[告诉|[念]]验证码", "a [ … ] choice must be closed", id="nested-choice"),
    pytest.param("[告诉…念]验证码", "may hold only words separated by |", id="gap-in-choice"),
    pytest.param("验证码+", "+ joins two or three non-empty parts", id="plus-at-end"),
    pytest.param("甲+乙+丙+丁", "+ joins two or three non-empty parts", id="four-parts"),
    pytest.param("[|]", "can match nothing", id="only-empty-choice"),
    pytest.param(
        "[甲|乙|丙|丁][甲|乙|丙|丁][甲|乙|丙|丁][甲|乙|丙|丁][甲|乙|丙|丁][甲|乙]",
        "expands to more than 1024 wordings",
        id="too-many-wordings",
    ),
    pytest.param("不知道  except=您吗！", "must be Chinese characters", id="bad-except"),
]


@pytest.mark.parametrize("line,message", BAD_LINES)
def test_malformed_lexicon_line_names_file_and_line(tmp_path, line, message):
    (tmp_path / "forbidden_phrases.txt").write_text(
        f"# comment\n\n不知道  refusal  minor\n{line}\n", encoding="utf-8"
    )
    with pytest.raises(LexiconError) as error:
        phrase_rules.load_rules(forbidden_phrases.SPEC, str(tmp_path))
    assert f"{tmp_path / 'forbidden_phrases.txt'}:4: " in str(error.value)
    assert message in str(error.value)


def test_duplicate_phrase_names_both_lines(tmp_path):
    (tmp_path / "escalation.txt").write_text(
        "投诉\n律师  legal\n投诉  complaint  major\n", encoding="utf-8"
    )
    (tmp_path / "negation_cues.txt").write_text("before 不\n", encoding="utf-8")
    with pytest.raises(
        LexiconError, match=r"escalation.txt:3: '投诉' is already listed at .*escalation.txt:1"
    ):
        phrase_rules.load_rules(escalation.SPEC, str(tmp_path))


def test_check_lexicons_finds_a_bad_line_in_any_present_phrase_lexicon(tmp_path):
    shutil.copytree(LEXICONS, tmp_path, dirs_exist_ok=True)
    phrase_rules.check_lexicons(phrase_book(tmp_path))  # the shipped set is valid
    broken = tmp_path / "broken"
    shutil.copytree(LEXICONS, broken)
    with open(broken / "credential_request.txt", "a", encoding="utf-8") as handle:
        handle.write("密码  password  urgent\n")
    with pytest.raises(
        LexiconError, match=r"credential_request.txt:\d+: unknown severity 'urgent'"
    ):
        phrase_rules.check_lexicons(phrase_book(broken))


@pytest.mark.parametrize(
    "content,message",
    [
        pytest.param("before 不\nsometimes 没\n", ":2: unknown kind 'sometimes'", id="bad-kind"),
        pytest.param(
            "before 不\nbefore 不\n", ":2: before cue '不' is already listed", id="duplicate"
        ),
        pytest.param("before\n", ":1: expected 2 columns", id="missing-cue"),
        pytest.param("pseudo 不仅\n", "no `before` cues", id="no-before-cues"),
    ],
)
def test_malformed_negation_cues(tmp_path, content, message):
    (tmp_path / "negation_cues.txt").write_text(content, encoding="utf-8")
    with pytest.raises(LexiconError, match=message):
        load_negation_cues(str(tmp_path))


def test_unknown_role_segments_are_not_searched():
    unknown = Segment(1.0, 3.0, "spk0", "unknown", "这个保本，你去投诉吧")
    call = call_of(unknown)
    assert (
        overpromise.detect(call) == []
        and escalation.detect(call) == []
        and forbidden_phrases.detect(call) == []
    )


def test_matches_in_several_segments_point_at_their_own_segment():
    call = call_of(
        said("agent", "您好", 0.0, 1.0),
        said("customer", "我要投诉", 1.5, 3.0),
        said("agent", "这个产品保本", 3.5, 6.0),
        said("agent", "也是零风险的", 6.5, 9.0),
    )
    found_times = [(f.details["heard"], f.start_s, f.end_s) for f in overpromise.detect(call)]
    assert found_times == [("保本", 3.5, 6.0), ("零风险", 6.5, 9.0)]
