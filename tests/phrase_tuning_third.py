"""A third tuning set of the phrase rules, written by yet another hand and outside finance.

Same format as tests/phrase_tuning.py: (role, text, the categories a QA lead flags in that
utterance, each once), and calls for the risk-disclosure window. Lines from utilities (电力,
燃气, 水务), airlines, hospitals' appointment lines, car insurance claims, securities brokers,
telecom broadband, food delivery, the 12345 government hotline and credit card collections, in
every register: colloquial and regional (咋, 啥, 整, 弄, 搞), polite and formal, ASR text without
punctuation, fillers (嗯, 呃, 那个, 就是说). Weighted towards phrase.forbidden — refusal and
推诿, blame shifting, condescension and 顶撞, dismissal, impatience — in wordings the first two
sets do not hold, and credential requests put indirectly (那六个数字, 登录口令, 取钱按的数).
About half are hard negatives: courtesy holding a trigger word, negated promises, warnings,
the other party saying the words, helpful transfers, and neutral mentions (我女儿是律师,
报警电话是110, 12345转过来的) that are no escalation.
"""

from __future__ import annotations

from tests.phrase_tuning import C, E, F, N, O

UTTERANCES: list[tuple[str, str, frozenset[str]]] = [
    # 推诿 / refusal: 整不了, 没招, 无能为力, 不是我们能管的, 一概不受理, 你自己想办法
    ("agent", "咋整？我这也整不了啊，你找供电所去", F),
    ("agent", "航班取消是航司定的，我们代理这边也没招", F),
    ("agent", "挂号这块不是我们能管的", F),
    ("agent", "号源没了就是没了 我也变不出来啊", F),
    ("agent", "这种情况我们一概不受理", F),
    ("agent", "这个没法弄 系统就这么设定的", F),
    ("agent", "我只负责登记，别的我一概不管", F),
    ("agent", "这个事情我们也无能为力", F),
    ("agent", "我们这边没这个权限，你自己想办法吧", F),
    ("agent", "这不是我们的业务范围，我们不管的", F),
    ("agent", "嗯那个该说的我都说了 别的我也不知道", F),
    ("agent", "宽带的事你别找我，我这管不了", F),
    ("agent", "这个弄不了就是弄不了，你说破天也没用", F),
    ("agent", "呃这个我们搞不定的，你问别家吧", F),
    # blame shifting: 不赖我们, 你找骑手去, 又不是我们造成的, 还怪我们, 你该找谁找谁
    ("agent", "定损慢是修理厂那边的问题，不赖我们", F),
    ("agent", "外卖送晚了是骑手的事 你找骑手去", F),
    ("agent", "这又不是我们造成的，你冲我们发什么火", F),
    ("agent", "你自己把地址填错了还怪我们", F),
    ("agent", "那是你家路由器的问题，跟我们宽带没关系", F),
    ("agent", "谁叫你不按时还款的，现在知道着急了", F),
    ("agent", "这是医院的规定，又不是我定的", F),
    ("agent", "你该找谁找谁去，别老打我们这", F),
    ("agent", "这事你得问航空公司，我们这边管不着", F),
    ("agent", "停气是你们小区物业报的，你问物业去", F),
    ("agent", "是你自己没按时缴费才停的电，怨不得别人", F),
    ("agent", "那是银行扣的款，你问银行去吧，不关我们事", F),
    # condescension / 顶撞: 不会用吗, 这还用问, 你识字吧, 讲不通, 还有理了, 懂什么
    ("agent", "你连个APP都不会用吗", F),
    ("agent", "这还用问吗，页面上写得清清楚楚", F),
    ("agent", "你识字吧？自己看合同", F),
    ("agent", "你是第一次坐飞机吗，这都不知道", F),
    ("agent", "跟你真是讲不通", F),
    ("agent", "欠钱不还你还有理了", F),
    ("agent", "你这人怎么回事啊，听不进去话是吧", F),
    ("agent", "我说的是普通话，你听不明白？", F),
    ("agent", "你懂什么呀，我干这行十几年了", F),
    ("agent", "就这么点事至于吗", F),
    ("agent", "你嚷什么嚷 嚷也没用", F),
    ("agent", "你要告就去告，我们不怕", F),
    ("agent", "你上过学没有啊这个都看不懂", F),
    # dismissal: 挂了, 爱咋想咋想, 爱信不信, 嫌慢别点, 又没人拦着你
    ("agent", "行了行了就这样吧，我挂了", F),
    ("agent", "你爱咋想咋想，我就这么跟你说", F),
    ("agent", "爱信不信吧，反正就这样", F),
    ("agent", "嫌慢你别点啊", F),
    ("agent", "嫌贵你可以不办嘛", F),
    ("agent", "你不满意可以销户啊，又没人拦着你", F),
    ("agent", "爱咋咋地吧，我这边反正就这样", F),
    # impatience / 催促: 快点的, 磨蹭啥, 痛快点, 跟你耗, 别打断我, 磨叽, 又打来干嘛
    ("agent", "你到底要办啥，快点的", F),
    ("agent", "你磨蹭啥呢 赶紧找", F),
    ("agent", "能不能痛快点，办还是不办", F),
    ("agent", "我没那么多时间跟你耗", F),
    ("agent", "你别打断我行不行", F),
    ("agent", "一个问题你翻来覆去地问", F),
    ("agent", "哎你咋这么磨叽呢", F),
    ("agent", "上午不是刚打过吗，怎么又打来了", F),
    ("agent", "说了一百遍了 就是没号了", F),
    ("agent", "嗯嗯嗯好了好了我知道了你别说了", F),
    ("agent", "你先别说话 听我讲", F),
    # courtesy and helpful transfers holding refusal, blame and impatience words
    ("agent", "如果我们这边处理不了，我会帮您转到专门的部门", N),
    ("agent", "我帮您转到理赔专员那边，他们更专业一些", N),
    ("agent", "这个需要您到营业厅办理，我把地址发您短信上", N),
    ("agent", "号源确实已经约满了，我帮您登记候补，有退号第一时间通知您", N),
    ("agent", "航班取消是因为天气原因，我们给您免费改签", N),
    ("agent", "这个不是您的责任，费用由我们来承担", N),
    ("agent", "停电是因为线路检修，预计下午五点恢复供电", N),
    ("agent", "抱歉这个确实超出了我的权限，我向主管申请一下", N),
    ("agent", "您说的我都明白，我们一起想办法", N),
    ("agent", "您不用着急，时间还来得及", N),
    ("agent", "这个问题问得好，很多客户都不清楚", N),
    ("agent", "您看一下APP首页，我一步一步教您操作", N),
    ("agent", "您是第一次办理吗？我给您详细说一下流程", N),
    ("agent", "您还款有困难的话，我们可以帮您申请分期", N),
    ("agent", "您稍等，我这边马上帮您催一下骑手", N),
    ("agent", "这个我确实不知道，我帮您问一下同事马上回复您", N),
    ("agent", "您要是不清楚可以看一下短信里的链接", N),
    ("agent", "您要投诉我们也理解，我先帮您把问题解决了", N),
    ("agent", "挂号费是医院统一定的，我跟您说明一下收费标准", N),
    ("agent", "好的，那就先这样，有问题您随时再打过来", N),
    ("agent", "这个没办法线上办，需要您带身份证去营业厅", N),
    ("agent", "定损慢的原因我帮您问一下修理厂，下午给您回电", N),
    ("agent", "是我们这边的问题，我先给您道个歉", N),
    ("agent", "您别急，慢慢说，我在听", N),
    ("agent", "那我先不打扰您了，祝您生活愉快", N),
    ("agent", "您的情况我会如实反映给上级，尽量帮您争取", N),
    ("agent", "呃这个我这边查不到，我帮您转人工复核一下", N),
    ("agent", "您先把外卖的照片拍一下，我这边给您申请赔付", N),
    ("agent", "系统显示是银行那边扣款失败了，我教您重新绑卡", N),
    ("agent", "您这个情况不属于您的过错，保险公司会正常理赔", N),
    ("agent", "不好意思刚才没听清，麻烦您再说一遍", N),
    ("agent", "您说得对，是我刚才没解释清楚", N),
    # the customer saying refusal, blame or impatience words
    ("customer", "你们这边是不是处理不了啊", N),
    ("customer", "我没时间跟你耗，你快点", N),
    ("customer", "这不赖我啊，是你们系统的问题", N),
    ("customer", "你别打断我行不行", N),
    # 保本 / 保收益 / 必涨: 肯定翻倍, 赚个三五成没问题, 跌不了, 只会越来越值钱, 保底
    ("agent", "这只股票下个月肯定翻倍", O),
    ("agent", "跟着我们投顾操作，一年赚个三五成没问题", O),
    ("agent", "打新稳赚的 这几年就没破过发", O),
    ("agent", "这个分红险每年至少返您百分之四，白纸黑字的", O),
    ("agent", "这个理财就跟余额宝一样，随存随取还不亏", O),
    ("agent", "这票您放心拿着，跌不了", O),
    ("agent", "这个板块的股票只会越来越值钱", O),
    ("agent", "这款保险的收益是保底的，至少三点五", O),
    ("agent", "亏了算我的，您大胆买", O),
    ("agent", "有我在，您这个理赔一分钱都少不了", O),
    # 承诺时限 / 结果: 保证三天到账, 一准装好, 肯定能约上, 今天之内退回, 打保票
    ("agent", "您这个车险理赔款保证三天到账", O),
    ("agent", "骑手十分钟之内肯定给您送到", O),
    ("agent", "宽带明天上午一准给您装好", O),
    ("agent", "您这个专家号我给您留着，肯定能约上", O),
    ("agent", "您的退款今天之内百分之百退回", O),
    ("agent", "这个额度您申请了就能下，我打保票", O),
    ("agent", "燃气明天一早绝对给您恢复", O),
    # disclosures, estimates and negated promises
    ("agent", "股市有风险，我们不推荐个股", N),
    ("agent", "理赔时效一般是十个工作日，具体看材料审核情况", N),
    ("agent", "骑手预计二十分钟送到，高峰期可能会晚一点", N),
    ("agent", "我不敢跟您打包票，但会尽力帮您催", N),
    ("agent", "这个说不准的，股票谁也说不好涨跌", N),
    ("agent", "分红是不保证的，要看保险公司的经营情况", N),
    ("agent", "宽带安装一般要两到三天，我们尽快给您安排", N),
    ("agent", "保证金需要您在开户之后存入", N),
    ("agent", "任何人跟您说稳赚不赔都是骗人的", N),
    ("agent", "这只基金过去三年都在涨，但过往业绩不代表未来", N),
    ("agent", "您放心，我一定帮您跟进到底", N),
    ("agent", "这个航班肯定是要延误了，建议您改签", N),
    ("agent", "专家号能不能约上要看放号情况，我没法给您保证", N),
    ("agent", "这个额度批不批下来我说了不算，得看系统审核", N),
    # the customer asking about promises
    ("customer", "你能保证这票不跌吗", N),
    ("customer", "他们都说打新稳赚，是真的吗", N),
    # 索要密码 / 验证码, put indirectly: 那个六位数, 取钱按的数, 登录口令, 服务密码
    ("agent", "您把登录APP的那个六位数告诉我一下", C),
    ("agent", "为了给您办改签，需要您把手机上收到的那个数字念一下", C),
    ("agent", "您那个取款的六位数是多少，我这边核一下", C),
    ("agent", "麻烦您把卡后面那几个小数字也报一下", C),
    ("agent", "您刚刚是不是收到一条短信 里面那串数您跟我讲下", C),
    ("agent", "你把交易密码打在对话框里发过来", C),
    ("agent", "手机银行的登录口令跟我说一下", C),
    ("agent", "网上营业厅的服务密码您说下，我帮您登进去", C),
    ("agent", "您平时取钱按的那六个数字是多少", C),
    ("agent", "收到一个106开头的短信了吧 把里面的码报我", C),
    ("agent", "您的资金账户密码提供一下，我帮您看下持仓", C),
    ("agent", "宽带账号的密码给我念一下，我远程帮您调试", C),
    ("agent", "您把短信验证码截图发到我们公众号上", C),
    ("agent", "你告诉我一下卡的有效期和背面的数字我给你做个核验", C),
    ("agent", "你那个动态口令牌上显示的数字是多少", C),
    ("agent", "医保卡的密码您报一下，我给您挂上号", C),
    ("agent", "登录不上的话，您把账号密码都发给我，我帮您弄", C),
    ("agent", "要验证一下，您把收到的数字按顺序读一遍", C),
    ("agent", "把您手机上弹出来的那个码给我说说", C),
    ("agent", "嗯那个验证的那个数字你直接说就行 我这边记", C),
    # warnings, self-entry, codes merely mentioned
    ("agent", "验证码请您自己在页面上输入，不要告诉任何人，包括我", N),
    ("agent", "系统会给您发送一个验证码，请注意查收", N),
    ("agent", "我们的工作人员不会以任何理由问您要密码", N),
    ("agent", "请您在听到提示音后输入您的查询密码", N),
    ("agent", "密码忘了的话，需要本人带身份证去营业厅重置", N),
    ("agent", "您说一下身份证后四位就行，不需要密码", N),
    ("agent", "您收到的那个码是登录用的，千万别给别人", N),
    ("agent", "卡背面那三位是安全码，谁要都不能给", N),
    ("agent", "宽带的初始密码印在您的回执单上", N),
    ("agent", "建议您修改一下登录密码，数字加字母更安全", N),
    ("agent", "如果有人冒充客服让您报验证码，请直接挂断", N),
    ("agent", "刚才那个验证码您输错了，我重新给您发一个", N),
    ("agent", "医保卡的初始密码一般是六个零，您可以去药店修改", N),
    ("customer", "验证码我念给你吧", N),
    ("customer", "我的密码是不是被人改了", N),
    # 监管 / 热线: 12345, 民航局, 卫健委, 证监局, 市场监管, 消费者协会
    ("customer", "再不来修我就打12345", E),
    ("customer", "我要去民航局投诉你们", E),
    ("customer", "我要向卫健委反映你们医院", E),
    ("customer", "你们这是霸王条款，我去找消费者协会评评理", E),
    ("customer", "我要去证监局举报你们营业部", E),
    ("customer", "我要去市场监管那里告你们平台", E),
    ("customer", "我要打市长热线反映你们燃气公司", E),
    ("customer", "你信不信我打12315", E),
    # 投诉 / 找领导
    ("customer", "我要投诉到你们总部去", E),
    ("customer", "不给我退，我就天天打电话投诉", E),
    ("customer", "把你们领导叫来，你不行", E),
    # 媒体 / 网络曝光: 朋友圈, 报社, 热搜, 上电视
    ("customer", "我要把你们这个事发到朋友圈让大家都看看", E),
    ("customer", "我去找报社，让他们给评评理", E),
    ("customer", "我已经录音了，等着上热搜吧", E),
    ("customer", "我要上电视曝光你们这种暴力催收", E),
    # 法律途径: 法院见, 找律师, 走法律程序, 告到底
    ("customer", "咱法院见", E),
    ("customer", "这事我要走法律程序", E),
    ("customer", "我找个律师跟你们谈", E),
    ("customer", "这事没完，我非告你们不可", E),
    ("customer", "你们再这样天天打电话催，我就去报警", E),
    # neutral mentions, disclaimers, the agent giving the channel
    ("customer", "我女儿是律师，她让我先问问怎么回事", N),
    ("customer", "报警电话是110吧，我家楼下有人打架", N),
    ("customer", "我是12345热线那边转过来的", N),
    ("customer", "我看电视台报道说今年医保政策变了", N),
    ("customer", "我之前投诉过一次，后来处理好了，谢谢你们", N),
    ("customer", "我不是投诉，我是想表扬一下昨天装宽带的师傅", N),
    ("customer", "我儿子在法院上班，周末才有空过来", N),
    ("customer", "新闻上说宽带要提速降费了", N),
    ("customer", "律师费能不能用信用卡付", N),
    ("customer", "我没想投诉，就是问问进度", N),
    ("customer", "算了不投诉了，你们尽快弄吧", N),
    ("customer", "小区物业让我打12345问问", N),
    ("customer", "我想咨询下劳动仲裁去哪儿申请", N),
    ("customer", "不至于去告你们，就是心里不舒服", N),
    ("customer", "我可不想上新闻，你们帮我保密就行", N),
    ("customer", "我在小红书上看到说这个航班老延误", N),
    ("agent", "如果您对处理结果不满意，可以拨打12345反映", N),
    ("agent", "您要投诉的话，我帮您转到投诉专席", N),
    # two categories in one utterance
    ("agent", "这基金稳赚，您把资金账户密码给我我帮您操作", O | C),
    ("agent", "你爱找谁找谁去，反正这个理赔肯定能下来", F | O),
]

# (name, turns, whether the agent left out the risk disclosure the customer's question called for)
CALLS: list[tuple[str, tuple[tuple[str, str], ...], bool]] = [
    # questions about losses, principal, returns or safety left without a disclosure
    (
        "fund-lose-money-colloquial",
        (
            ("customer", "这基金买了会不会赔钱呐"),
            ("agent", "哎呀大姐您放心 这个基金经理很厉害的"),
            ("customer", "真的啊"),
            ("agent", "真的 去年涨了二十多"),
        ),
        True,
    ),
    (
        "stock-trapped",
        (
            ("customer", "这票现在进去会不会被套住"),
            ("agent", "不会的 这个位置很安全"),
            ("customer", "那我买点"),
            ("agent", "好嘞"),
        ),
        True,
    ),
    (
        "dividend-insurance-principal-back",
        (
            ("customer", "这个分红险到期本钱能拿回来不"),
            ("agent", "能的能的 还有分红呢"),
            ("customer", "分红多少"),
            ("agent", "一年好几千呢"),
        ),
        True,
    ),
    (
        "universal-life-interest",
        (
            ("customer", "这个万能险一年利息能有多少啊"),
            ("agent", "现在结算利率是百分之三点五"),
            ("customer", "那挺好"),
            ("agent", "对 比存银行划算"),
        ),
        True,
    ),
    (
        "pension-money-safe-asr",
        (
            ("customer", "这个理财安全不安全啊我这是养老钱"),
            ("agent", "安全的阿姨您放心我们是大银行"),
            ("customer", "那就好"),
            ("agent", "嗯我帮您办"),
        ),
        True,
    ),
    (
        "drop-zenme-zheng",
        (
            ("customer", "万一跌了咋整"),
            ("agent", "跌不了 这个是投债券的"),
            ("customer", "行"),
        ),
        True,
    ),
    (
        "reliable-money-gone",
        (
            ("customer", "这玩意儿靠谱不 别把我钱弄没了"),
            ("agent", "靠谱 我自己也买了"),
            ("customer", "哦"),
            ("agent", "您就放心吧"),
        ),
        True,
    ),
    (
        "guarantee-disclosed-fourth-turn",
        (
            ("customer", "收益有保证吗"),
            ("agent", "我先给您介绍一下产品"),
            ("customer", "嗯"),
            ("agent", "期限是一年"),
            ("customer", "哦"),
            ("agent", "起购一万"),
            ("customer", "好"),
            ("agent", "另外理财非存款产品有风险"),
        ),
        True,
    ),
    (
        "fund-risk-big-vague",
        (
            ("customer", "这个基金风险大不大"),
            ("agent", "中等吧 跟大盘走的"),
            ("customer", "那赚钱的时候多不"),
            ("agent", "大部分时候都是赚的"),
        ),
        True,
    ),
    (
        "double-in-three-years",
        (
            ("customer", "我这钱放三年能翻番不"),
            ("agent", "差不多吧 去年这款涨了三成"),
            ("customer", "那挺好"),
        ),
        True,
    ),
    (
        "annual-points-never-fell",
        (
            ("customer", "年化能到几个点"),
            ("agent", "四个点往上"),
            ("customer", "稳吗"),
            ("agent", "稳的 从来没跌过"),
        ),
        True,
    ),
    (
        "equity-fund-drawdown",
        (
            ("customer", "股票型基金会不会一下跌很多啊"),
            ("agent", "一般不会 我们这个回撤控制得很好"),
            ("customer", "好的"),
        ),
        True,
    ),
    (
        "margin-liquidation",
        (
            ("customer", "融资融券会不会爆仓啊"),
            ("agent", "您账户资产这么多 不会的"),
            ("customer", "那就开吧"),
            ("agent", "好 我给您发链接"),
        ),
        True,
    ),
    (
        "unit-linked-principal",
        (
            ("customer", "那这个投连险到底会不会亏本金"),
            ("agent", "这个您放一百个心"),
            ("customer", "那行"),
            ("agent", "我给您登记"),
        ),
        True,
    ),
    (
        "afraid-of-losing-novice",
        (
            ("customer", "我怕亏 我没啥经验"),
            ("agent", "没经验没关系 我们有专人帮您打理"),
            ("customer", "好吧"),
            ("agent", "那就这么定了"),
        ),
        True,
    ),
    (
        "floor-return-basically",
        (
            ("customer", "收益是保底的吗"),
            ("agent", "基本上是的 没出过问题"),
            ("customer", "行"),
        ),
        True,
    ),
    (
        "insurance-savings-early-withdrawal",
        (
            ("customer", "这个保险理财要是提前取出来会损失不"),
            ("agent", "损失不了多少 就一点点手续费"),
            ("customer", "那还行"),
        ),
        True,
    ),
    (
        "principal-risk-fillers",
        (
            ("customer", "呃 那个 本金有没有风险啊"),
            ("agent", "没有 本金是安全的"),
            ("customer", "嗯"),
            ("agent", "您放心买"),
        ),
        True,
    ),
    (
        "gold-price-falls",
        (
            ("customer", "你们这个黄金积存 金价跌了我会赔吗"),
            ("agent", "长期看黄金肯定涨的"),
            ("customer", "好"),
        ),
        True,
    ),
    (
        "how-much-can-i-earn",
        (
            ("customer", "就是说 这个一年能挣多少钱"),
            ("agent", "一年下来 怎么也有个五六千"),
            ("customer", "那不错"),
            ("agent", "对吧 比存款强多了"),
        ),
        True,
    ),
    # questions answered with a disclosure in time
    (
        "fund-loss-disclosed",
        (
            ("customer", "这基金会不会亏啊"),
            ("agent", "基金有风险 投资需谨慎 过去涨得好不代表以后也涨"),
        ),
        False,
    ),
    (
        "stock-fall-disclosed",
        (
            ("customer", "这只股票能不能买 会不会跌"),
            ("agent", "股市有风险 入市需谨慎 我们不做个股推荐"),
        ),
        False,
    ),
    (
        "dividend-uncertain",
        (
            ("customer", "分红能拿多少"),
            ("agent", "分红是不确定的 要看公司经营情况 不保证"),
        ),
        False,
    ),
    (
        "universal-life-surrender-loss-third-turn",
        (
            ("customer", "这个万能险会不会亏本"),
            ("agent", "我看一下您的保单"),
            ("customer", "嗯"),
            ("agent", "您这个是万能险"),
            ("customer", "对"),
            ("agent", "有保底利率 但是前五年退保会有损失"),
        ),
        False,
    ),
    (
        "wealth-safe-disclosed",
        (
            ("customer", "这个理财安不安全"),
            ("agent", "理财非存款，产品有风险，这款是R2级的"),
        ),
        False,
    ),
    (
        "what-if-loss-disclosed",
        (
            ("customer", "万一亏了咋办"),
            ("agent", "这个产品是有可能亏损本金的 您要考虑好"),
        ),
        False,
    ),
    (
        "return-guarantee-denied",
        (
            ("customer", "收益有保证吗"),
            ("agent", "收益不保证的，以实际净值为准"),
        ),
        False,
    ),
    (
        "benchmark-not-a-promise",
        (
            ("customer", "年化多少"),
            ("agent", "业绩比较基准百分之三，但收益不确定，实际可能低于这个"),
        ),
        False,
    ),
    (
        "steady-not-principal-protected",
        (
            ("customer", "这玩意儿稳当不"),
            ("agent", "不保本的 您得想清楚 净值会有波动"),
        ),
        False,
    ),
    (
        "convertible-bond-earn",
        (
            ("customer", "这个可转债能挣多少"),
            ("agent", "这个说不好 收益不确定 也可能亏"),
        ),
        False,
    ),
    (
        "fund-fall-principal-less",
        (
            ("customer", "要是跌了本金会少吗"),
            ("agent", "会的 基金净值会下跌 投资有风险"),
        ),
        False,
    ),
    # no question about an investment's risk: utilities, airlines, hospitals, claims, broadband,
    # delivery, collections
    (
        "power-cut",
        (
            ("customer", "我家停电了 啥时候来电啊"),
            ("agent", "线路在抢修 预计下午三点恢复"),
        ),
        False,
    ),
    (
        "airline-refund-loss",
        (
            ("customer", "机票退了会损失多少钱"),
            ("agent", "退票手续费是票价的百分之二十"),
            ("customer", "这么多啊"),
            ("agent", "是的 您也可以选择改签"),
        ),
        False,
    ),
    (
        "hospital-surgery-risk",
        (
            ("customer", "做这个手术有没有风险啊"),
            ("agent", "这个需要您当面问医生 我这边只负责预约挂号"),
            ("customer", "好吧"),
        ),
        False,
    ),
    (
        "car-claim-will-they-pay",
        (
            ("customer", "这种情况保险公司会不会赔"),
            ("agent", "如果是对方全责 由对方的保险公司赔付"),
            ("customer", "那我等通知"),
        ),
        False,
    ),
    (
        "broadband-safe-wifi",
        (
            ("customer", "家里宽带安不安全啊 会不会被人蹭网"),
            ("agent", "您可以设置一个无线密码 我教您"),
        ),
        False,
    ),
    (
        "delivery-spilled",
        (
            ("customer", "这个外卖要是洒了怎么办 会不会赔"),
            ("agent", "洒了的话您拍照申请 平台会给您赔付的"),
        ),
        False,
    ),
    (
        "collections-overdue-loss",
        (
            ("customer", "我要是晚几天还会不会有啥损失"),
            ("agent", "逾期会产生罚息 也会影响征信"),
        ),
        False,
    ),
    (
        "gas-bill",
        (
            ("customer", "燃气费是不是涨了 怎么多扣了我钱"),
            ("agent", "价格没变 您看一下是不是用量多了"),
        ),
        False,
    ),
    (
        "agent-discloses-unasked",
        (
            ("agent", "理财非存款 产品有风险"),
            ("customer", "好的我知道了"),
        ),
        False,
    ),
]
