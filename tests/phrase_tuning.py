"""The tuning set of the phrase rules (issue 15): utterances the lexicons were extended against.

Same format as tests/phrase_heldout.py (which is never tuned on): (role, text, the categories a
QA lead flags in that utterance, each once). Written from the issue's examples and the classes
they stand for — polite questions holding a refusal word, one utterance with two rules of one
category, paraphrases of listed phrases, fronted clauses that look like negation.
"""

from __future__ import annotations

N: frozenset[str] = frozenset()
F = frozenset({"phrase.forbidden"})
O = frozenset({"phrase.overpromise"})  # noqa: E741 (a letter per category keeps rows short)
C = frozenset({"phrase.credential_request"})
E = frozenset({"phrase.escalation"})

UTTERANCES: list[tuple[str, str, frozenset[str]]] = [
    # 推诿 / refusal, and courtesy that holds the same words
    ("agent", "不知道您这周哪天方便过来办理？", N),
    ("agent", "不知道您还有没有别的问题", N),
    ("agent", "不清楚的地方您随时打过来问我", N),
    ("agent", "这个是上面定的，我做不了主", F),
    ("agent", "这事我做不了主，您找别人吧", F),
    ("agent", "这是公司的规定，我也没有办法", F),
    ("agent", "这个我真帮不了您", F),
    ("agent", "那我也不知道，你自己去问吧", F),
    ("agent", "我不知道该怎么跟您解释才好，我换个说法", N),
    ("agent", "实在没办法给您办，系统不让", F),
    ("agent", "您别着急，我来想办法", N),
    ("agent", "这个问题不归我们部门管", F),
    # 顶撞 / condescension, dismissal
    ("agent", "你爱投诉就投诉去", F),
    ("agent", "你想投诉就去投诉好了，我无所谓", F),
    ("agent", "有本事你去告啊", F),
    ("agent", "你到底听没听懂我说的", F),
    ("agent", "我都说了三遍了你还问", F),
    ("agent", "您的投诉我们已经受理了，三个工作日内回复您", N),
    ("agent", "如果您对处理结果不满意，可以拨打投诉电话", N),
    # 催促 / impatience
    ("agent", "你能不能快点，我后面还有很多电话", F),
    ("agent", "说重点好吗", F),
    ("agent", "您慢慢说，不着急", N),
    ("agent", "麻烦您稍微快一点核对一下信息，系统要超时了", N),
    # 保证收益 / over-promise
    ("agent", "不瞒您说这个保本", O),
    ("agent", "别人家不保本我们保本", O),
    ("agent", "别人家不保本，我们这个保本", O),
    ("agent", "说实话这款收益稳稳的，每年百分之五跑不掉", O),
    ("agent", "年化百分之四是肯定有的", O),
    ("agent", "您放心，收益肯定不会低于百分之三", O),
    ("agent", "这个产品不保本，收益也不确定", N),
    ("agent", "理财非存款，产品有风险，投资须谨慎", N),
    ("agent", "过往业绩不代表未来收益", N),
    ("agent", "不是我吹，这个产品从来没亏过", O),
    # 承诺到账 / over-promise of time
    ("agent", "我向您打包票，明天一定退回来", O),
    ("agent", "今天下午之前肯定到账", O),
    ("agent", "退款一般三到五个工作日到账，具体以银行为准", N),
    ("agent", "我保证明天给您退回去", O),
    ("agent", "我没法保证明天一定到账", N),
    ("agent", "百分之百能批下来，您放心", O),
    # 索要验证码 / 密码 / credential request
    ("agent", "麻烦把刚才短信里的六位数字报给我", C),
    ("agent", "您把手机收到的验证码念给我听一下", C),
    ("agent", "你那个密码是多少，我帮你登进去看看", C),
    ("agent", "卡背面那三个数字您说一下", C),
    ("agent", "请您在手机上输入验证码完成验证", N),
    ("agent", "我们工作人员不会向您索要验证码", N),
    ("agent", "验证码千万别告诉别人", N),
    ("agent", "请不要把密码透露给任何人", N),
    # 媒体 / 监管 / 诉讼 / escalation, one event per utterance
    ("customer", "我要去消协投诉你们", E),
    ("customer", "再不给我处理我就打12315投诉你们", E),
    ("customer", "我要找记者曝光你们", E),
    ("customer", "我已经咨询过律师了，准备起诉", E),
    ("customer", "信不信我发到网上让大家看看", E),
    ("customer", "我要向银保监会反映", E),
    ("customer", "我不想投诉，就是想问问怎么回事", N),
    ("customer", "我没打算投诉你们", N),
    ("agent", "您是要投诉是吗，我帮您登记", N),
    ("customer", "你们这种服务太差了，我要投诉到底", E),
    # two categories in one utterance
    ("agent", "这个保本的，你把验证码告诉我我帮你买", O | C),
    # the other party saying the words
    ("customer", "你们是不是保本的啊", N),
    ("customer", "我也不知道怎么回事", N),
    ("customer", "验证码是多少来着我找一下", N),
]

# (name, turns, whether the agent left out the risk disclosure the customer's question called for)
CALLS: list[tuple[str, tuple[tuple[str, str], ...], bool]] = [
    (
        "asks-loss-disclosed",
        (
            ("agent", "您好，这款是我们的稳健型理财"),
            ("customer", "这个会不会亏钱啊"),
            ("agent", "理财非存款，产品有风险，这款风险等级是R2"),
        ),
        False,
    ),
    (
        "asks-loss-not-disclosed",
        (
            ("customer", "买这个会不会亏本"),
            ("agent", "您放心吧，大家都买的"),
            ("customer", "那行吧"),
            ("agent", "好的，我帮您登记一下"),
        ),
        True,
    ),
    (
        "asks-safety-disclosed-on-third-turn",
        (
            ("customer", "这个理财安全吗"),
            ("agent", "您稍等我查一下"),
            ("customer", "好"),
            ("agent", "查到了，是中低风险的"),
            ("customer", "嗯"),
            ("agent", "需要提醒您，过往业绩不代表未来表现"),
        ),
        False,
    ),
    (
        "asks-safety-disclosed-too-late",
        (
            ("customer", "这个基金有没有风险"),
            ("agent", "这个卖得很好"),
            ("customer", "哦"),
            ("agent", "很多人买"),
            ("customer", "那好"),
            ("agent", "收益也不错"),
            ("customer", "嗯"),
            ("agent", "对了，投资需谨慎"),
        ),
        True,
    ),
    (
        "no-risk-question",
        (
            ("customer", "我想查一下信用卡账单"),
            ("agent", "好的，您本月账单是三千二百元"),
        ),
        False,
    ),
    (
        "worried-principal-not-disclosed",
        (
            ("customer", "我就担心本金"),
            ("agent", "这个您放一百个心"),
            ("customer", "真的吗"),
            ("agent", "真的，我们好多老客户"),
        ),
        True,
    ),
    (
        "asks-return-disclosed",
        (
            ("customer", "那这个收益大概多少"),
            ("agent", "业绩比较基准是百分之三点二，但收益不确定，以实际为准"),
        ),
        False,
    ),
    (
        "asks-return-not-disclosed",
        (
            ("customer", "年化能有多少啊"),
            ("agent", "三个点左右吧"),
            ("customer", "那还行"),
            ("agent", "对，比存款高"),
        ),
        True,
    ),
    (
        "asks-drop-reassured-not-disclosed",
        (
            ("customer", "要是跌了怎么办"),
            ("agent", "不会的，这款没有风险"),
            ("customer", "好吧"),
        ),
        True,
    ),
    (
        "asks-guarantee-disclosed",
        (
            ("customer", "收益能保证吗"),
            ("agent", "这个我们不能保证，理财产品有风险"),
        ),
        False,
    ),
    (
        "asks-principal-loss-disclosed",
        (
            ("customer", "本金会不会损失"),
            ("agent", "有亏损本金的可能，您要根据自己的情况考虑"),
        ),
        False,
    ),
    (
        "asks-stable-not-disclosed",
        (
            ("customer", "这款稳不稳啊"),
            ("agent", "很稳的，您放心"),
            ("customer", "那我买五万"),
            ("agent", "好的"),
        ),
        True,
    ),
    (
        "logistics-no-question",
        (
            ("customer", "我的快递三天了还没到"),
            ("agent", "我帮您催一下，今天会派送"),
        ),
        False,
    ),
    (
        "insurance-asks-loss-disclosed",
        (
            ("customer", "这个保险退保会不会亏"),
            ("agent", "提前退保只能退现金价值，会有损失的"),
        ),
        False,
    ),
]
