"""Labelled data for the risk-disclosure rule (issue 15), fifth writer (helper disclosure_e).

Written from the writer's own knowledge of real calls, without reading the lexicons, the
detector code or the held-out set (only the first lines and the CALLS of
tests/phrase_tuning_seventh.py, for the format). Emphasis: elderly customers and their adult
children calling for them; wealth products sold at the post-office bank (邮储), rural commercial
banks (农商行) and credit cooperatives (信用社); insurance agents visiting villages; small-town and
northern-rural speech (咱, 俺, 中不中, 得劲, 嘞, 啥时候); very short questions (稳不, 亏不, 保吗);
questions buried in long stories about family money (孙子的学费, 养老钱, 卖房的钱); customers asking
on behalf of others. Agents are rural tellers, chatty or curt. Text is partly unpunctuated as ASR
gives it, with fillers and a few homophones (保笨, 理才, 风线).

How labelled:
- QUESTIONS True: the customer asks or worries aloud about the risk, loss, returns or safety of
  principal of an investment-type product (理财, funds, bonds, trusts, gold, structured deposits,
  savings / participating / universal / annuity insurance, private pension products, P2P-like
  lending, property-investment schemes). Asking whether promised returns are certain counts.
- QUESTIONS False: plain deposits (定期, 大额存单, 存款保险, interest on a deposit) — a deposit's
  interest or safety question does not call for an investment risk disclosure; bank-card and
  account safety, fraud calls; 社保 / 医保 / state pension payments; loans' interest and fees;
  insurance claims; refunds, parcels, rental and hotel deposits; travel and medical safety;
  procedure in a wealth call (how to redeem, when money arrives, minimum amount, 我考虑一下).
- ANSWERS True: the agent says the product can lose, is not a deposit / not covered by deposit
  insurance, returns or dividends are not guaranteed or float, past results do not promise
  future ones, or names its risk level. An admission softened by reassurance (风险是有 但是不大)
  still counts; a risk-disclosure document is True only when the agent also says what it
  discloses (不保本, 可能亏).
- ANSWERS False: reassurance and minimising without admitting loss (基本不会亏, 几乎没风险,
  没亏过), dodging, product facts, deposit facts, procedure that only names risk (风险测评在APP上做,
  风险提示书签个字, 您是稳健型), anti-fraud and other non-finance warnings, and protection of the
  policy by the state after an insurer fails (that is a reassurance, not a disclosure).
- CALLS True: a product-risk question and none of the agent's next three turns holds a disclosure
  (reassurance, dodging, procedure, or a disclosure that only comes in the fourth agent turn).
"""

from __future__ import annotations

# customer utterances: True = asks about / worries aloud about the risk, loss, returns or safety of
# principal of a financial product (what calls for a risk disclosure); False = anything else
QUESTIONS: list[tuple[str, bool]] = [
    # ---- True: very short ----
    ("稳不", True),
    ("亏不", True),
    ("保吗 这个", True),
    ("靠谱不啊", True),
    ("会赔钱不", True),
    ("这理财 稳当不稳当", True),
    ("保不保本你先跟俺说清楚", True),
    ("本金保证不保证", True),
    ("哎 会少不", True),
    ("风险高不", True),
    ("能亏多少", True),
    # ---- True: direct, rural and small-town speech ----
    ("中不中啊 这个理财 会不会亏咧", True),
    ("俺这钱放你们邮储买那个理财 到年底少不了吧", True),
    ("闺女 你跟俺说实话 这个保险交进去的钱能全拿回来不", True),
    ("你们信用社那个一年期的理财 说是四个点 这四个点是铁定给的不", True),
    ("这个得劲不 收益咋样 会不会赔", True),
    ("嗯那个 就是说 这个产品 风险 风险高不高啊", True),
    ("我不懂啥风险不风险的 就问一句 钱会不会少", True),
    ("到期能拿回来本钱不 俺只关心这个", True),
    ("俺听说前两年好多人买理财亏了 恁这个不会吧", True),
    ("你给俺透个底 这玩意儿有没有坑", True),
    ("这个不是跟炒股一样吧 俺可不敢炒股", True),
    ("这个理才保笨不", True),
    ("风线大不大 我年纪大了", True),
    ("要是亏了恁给不给兜底", True),
    ("能不能给俺写个条子 保证不亏", True),
    ("你们这个产品出过事没有 以前有人亏过没", True),
    ("最坏的情况是啥样 你说说", True),
    ("呃我存进去十万 会不会变成九万", True),
    # ---- True: on behalf of others ----
    ("我妈让我问问 她上个月在农商行买的那个理财会不会亏", True),
    ("我爸八十了 柜台给他推了个基金 那东西风险大不大 他那点钱亏不起", True),
    ("我爸耳朵不好我替他问 他那个保险到六十岁领的钱是不是定死的", True),
    ("俺娘说柜员跟她讲的是稳赚不赔 有这回事没有", True),
    ("我婆婆在你们信用社买了个保险 说是存钱 我想问问这个到期是不是一分不少", True),
    ("我是他儿子 我爸买的那个养老理财 是不是国家保的 保本不", True),
    ("喂 我替我姥姥问一下 她那个分红险今年咋没分红 以后还分不分", True),
    ("俺爹让人忽悠着买了个信托 你帮俺看看 这钱还能收回来不", True),
    ("我姐在外地 她让我问问你们这个黄金积存要是跌了是不是就亏了", True),
    ("我老丈人想把养老钱都放进去 你们这个到底稳不稳 你说句准话", True),
    # ---- True: worries stated, not asked ----
    ("养老钱啊 可不敢赔 我就图个稳", True),
    ("我胆子小 一分钱都亏不起的", True),
    ("我就怕跌 一跌我就睡不着觉", True),
    ("我一个老婆子不懂这些 就怕把钱弄没了", True),
    ("人家都说这玩意儿跟集资一样 到时候血本无归", True),
    ("我邻居王婶买了你们这个 说亏了两千多 我心里没底", True),
    ("我就是怕上当 钱投进去回不来了", True),
    ("这钱是俺两口子一辈子的积蓄 可不能打水漂", True),
    # ---- True: long stories about family money ----
    (
        "是这样 我儿子在外地打工 每个月给我打点钱 我攒了五万多 想着给孙子上大学用 "
        "你们经理说买这个比存着强 那到他上大学那年 这钱还能有这么多不",
        True,
    ),
    (
        "俺们家老房子拆迁 卖房的钱三十来万 闺女说别放家里 柜台的小伙子让俺买这个 "
        "俺就想问 要是跌了咋整",
        True,
    ),
    (
        "我老伴去年住院花了不少 剩下这点钱我想放你们这儿 到时候他要是再住院得取出来用 "
        "那取的时候会不会比放进去的少",
        True,
    ),
    (
        "嗯 那个 我闺女明年出嫁 我给她攒了点陪嫁钱 业务员说放三年能多出一截 "
        "我就是想知道 这多出来的那一截是准的还是说说而已",
        True,
    ),
    (
        "我在镇上开了个小卖部 攒的钱都在你们这儿 前天那个客户经理给我打电话 "
        "说有个新的产品比定期高 我就想问问他说的这个 会不会跟股票似的上上下下",
        True,
    ),
    # ---- True: scenarios ----
    ("万一你们保险公司黄了 俺交的这十来年的钱咋弄", True),
    ("行情不好的时候这个会往下掉吗", True),
    ("要是股市大跌 这个会不会跟着跌", True),
    ("要是银行倒闭了 理财的钱有人赔不", True),
    ("万一那个平台跑路了 我出借的钱咋办", True),
    ("公寓那个说是包租 每年返八个点 要是租不出去 我的钱咋办", True),
    ("要是公司经营亏损了 那个分红还有没有", True),
    ("利率再往下降的话 我这个万能账户的利息会不会没了", True),
    ("美元理财 要是汇率变了 是不是会亏", True),
    ("万一哪个月不分了呢 那个月月分红的", True),
    ("那个债要是发债的企业还不上钱 我们买的人咋办", True),
    ("打仗了经济不好了 这东西还值钱不", True),
    # ---- True: returns ----
    ("收益率写的三点八 到时候真能拿到三点八吗", True),
    ("那个业务员来村里讲的分红险 分红是不是每年都有", True),
    ("这个年化百分之六 咋比别家高这么多 有啥猫腻不", True),
    ("能翻倍不 人家说买这个三年能翻一番", True),
    ("一年下来大概能挣几个点 能保证不", True),
    ("这个理财收益是预期的还是保证的", True),
    ("七日年化那个数 是能一直保持的不", True),
    ("分红险那个演示的高档收益 真能拿到吗", True),
    ("去年买的那个今年咋收益这么低 以后还会更低不", True),
    ("这个基金去年涨了百分之二十 今年还能涨这么多吧", True),
    ("能保证比存银行高吗", True),
    ("一万块放一年 最少能拿回多少", True),
    ("三年以后能拿回来多少 你能打包票不", True),
    ("合同上写的保证利率是多少 剩下那些是不是不保证", True),
    ("增额寿说的三点零复利 那是写进合同里的不", True),
    ("有没有可能一分钱收益都没有", True),
    ("这个结构性存款说是一点五到三点五 我最后到底能拿几个", True),
    ("收益是按天算的吧 那会不会哪天是负的", True),
    # ---- True: comparisons ----
    ("这个跟存定期比 哪个牢靠", True),
    ("比大额存单稳不稳", True),
    ("跟余额宝比 哪个风险小", True),
    ("这个是不是比存款风险大", True),
    ("你们经理说这个跟存钱一样 真的一样安全吗", True),
    ("债券基金也会亏吗 不是说债券最稳嘛", True),
    # ---- True: specific products ----
    ("净值跌破一了是啥意思 是不是我亏了", True),
    ("APP上显示负两百多 这是亏了吧 还能涨回来不", True),
    ("年金险交满了 领的钱会不会比交的少", True),
    ("要是中途不想交了退保 本钱能退全不", True),
    ("这个R3是啥意思 风险大不", True),
    ("理财经理说是中低风险 中低风险到底会不会亏", True),
    ("黄金现在这么贵 买进去要是跌了咋办", True),
    ("那个金条 回购的时候会不会比买的时候便宜好多", True),
    ("纸黄金会不会一夜亏一半", True),
    ("信托那个产品 说是年化七个点 靠得住不", True),
    ("结构性存款也算存款吧 不会亏吧", True),
    ("那个国债到期了本钱能一分不少拿回来不", True),
    ("商铺投资 开发商说保底收益 这个真保底吗", True),
    ("个人养老金账户里那个基金 买了会亏不", True),
    ("投连险那个账户价值会不会变成负的", True),
    ("俺交了五年的万能险 结算利率一直降 会不会降到零", True),
    ("那个固收加 加的那部分会不会亏", True),
    ("可转债那玩意儿稳不", True),
    ("基金定投每个月扣五百 扣一年下来会不会还是亏的", True),
    ("都说理财打破刚兑了 啥意思 以后会亏钱吗", True),
    ("理财也有存款保险吗", True),
    ("那我要是急用钱提前取 会不会亏本", True),
    ("呃 那个 就是 万一要是 亏了的话 是谁担着", True),
    ("放三年 中间跌了能不能等它涨回来再取", True),
    ("这个基金经理换人了 会不会影响收益 会亏不", True),
    ("我那个理财到期咋少了三百块 以后还会这样不", True),
    ("那个保险代理人上门说这个比存钱划算 能多出多少 有保证没有", True),
    ("信用社代卖的那个保险 交够十年本金能回来不", True),
    ("是不是保险公司给兜底 不会亏吧", True),
    ("那个城投的信托 十个点 会不会收不回来", True),
    ("那个商业养老险交二十年 万一没活到领钱那天 钱不就打水漂了", True),
    ("这个稳健型的理财 稳健是多稳健 会不会亏一点", True),
    # ---- False: deposits (interest / safety of a plain deposit) ----
    ("定期三年现在利息多少", False),
    ("存款保险是保多少钱来着", False),
    ("大额存单起存多少 利率多少", False),
    ("整存整取提前取了 利息咋算", False),
    ("我存的定期到期了会自动转存不", False),
    ("存信用社的钱有存款保险不", False),
    ("五年的定期比三年的利息高多少", False),
    ("俺那个活期 一年能有几毛钱利息", False),
    ("邮储的定期跟农商行的定期 哪家利息高", False),
    ("零存整取一个月最少存多少", False),
    ("存单丢了咋办 里面的钱还在不", False),
    ("我在你们这存了二十万定期 要是你们信用社撤了 存款还能取不", False),
    # ---- False: bank card and account safety, fraud ----
    ("我手机丢了 绑的银行卡会不会被人盗刷", False),
    ("有人打电话说我卡冻结了 让我转到安全账户 这是真的不", False),
    ("昨天收到短信说异地登录 我卡里的钱安全不", False),
    ("网银密码老记不住 写本子上安全不", False),
    ("卡让ATM吞了 咋拿回来", False),
    ("我妈卡上少了两千块 是不是被人骗了 能追回来不", False),
    ("我这个社保卡带金融功能的 丢了会不会被人取钱", False),
    ("你们这个电话是不是诈骗的", False),
    ("这个二维码扫了安全不 会不会是骗子", False),
    ("我的身份证信息会不会泄露出去", False),
    ("密码输错三次锁了 咋解开", False),
    ("我爸老是接到那种说中奖的电话 有没有办法拦住", False),
    # ---- False: 社保, 医保, state pension ----
    ("养老金这个月啥时候发", False),
    ("退休金咋还没到账", False),
    ("新农合今年交多少钱", False),
    ("医保报销比例是多少 住院能报几成", False),
    ("社保卡丢了咋补办", False),
    ("城乡居民养老保险 交到多少岁能领", False),
    ("俺断了两年社保 还能补交不", False),
    ("高龄补贴是打到哪张卡上", False),
    ("异地就医咋备案", False),
    ("我爸的养老金涨了没有 今年涨多少", False),
    ("医保卡里的钱能给孙子看病用不", False),
    ("农村养老金一个月能领多少", False),
    # ---- False: loans ----
    ("贷款的利息是多少 以后会不会涨", False),
    ("提前还款有没有违约金", False),
    ("农户小额贷款利息咋算", False),
    ("信用卡分期手续费多少", False),
    ("今年养猪亏惨了 贷款能不能缓缓再还", False),
    ("做生意赔了 那个经营贷能延期不", False),
    ("房贷利率降了 我的会不会跟着降", False),
    ("逾期了会不会影响征信", False),
    ("贷款五万 一个月还多少", False),
    ("担保人要是不还钱 我这个担保的要担多少", False),
    # ---- False: insurance claims and policy service ----
    ("俺老伴住院的理赔 到哪一步了", False),
    ("车险理赔款啥时候到", False),
    ("理赔被拒了 能不能再申请", False),
    ("孩子在学校摔了 学平险能报不", False),
    ("这个保险的受益人能写孙子不", False),
    ("犹豫期是几天", False),
    ("保单丢了能补不", False),
    ("交保费那张卡换了 咋改", False),
    ("体检报告有结节 还能买不", False),
    ("理赔要带啥材料", False),
    # ---- False: refunds, parcels, deposits for rentals and hotels ----
    ("我退的那个货 钱啥时候退到卡里", False),
    ("退款会不会少", False),
    ("快递丢了能赔多少", False),
    ("包裹显示签收了 我没收到 钱能退不", False),
    ("租房押金两千 退房的时候能全退不", False),
    ("酒店押金啥时候解冻", False),
    ("房东不退押金咋办", False),
    ("网上买的东西是假的 平台给赔不", False),
    ("话费多扣了 这不是让我亏了嘛 能退不", False),
    ("你们多收了我十块年费 能不能退回来", False),
    # ---- False: travel, medical, household safety ----
    ("跟团去云南那条线 路上安全不", False),
    ("坐你们大巴走山路 晚上开危险不危险", False),
    ("做胃镜有没有风险 我七十了", False),
    ("白内障手术会不会做坏了", False),
    ("这个疫苗打了有没有副作用", False),
    ("我妈血压高 吃这个药有风险不", False),
    ("燃气热水器装卫生间安全不", False),
    ("电动车放楼道里会不会着火", False),
    ("身上带着几万现金坐火车 会不会不安全", False),
    ("房子漏水了 物业赔不赔", False),
    # ---- False: ordinary talk in a wealth call ----
    ("我考虑一下 回去跟孩子商量商量", False),
    ("那行 我买五万", False),
    ("起购金额是多少", False),
    ("要带身份证不", False),
    ("期限是多长时间", False),
    ("这个理财咋赎回 手机上能弄不", False),
    ("赎回了几天能到账", False),
    ("到期了收益打到哪张卡上", False),
    ("我那个理财赎回的钱咋还没到", False),
    ("能不能让我儿子替我签字", False),
    ("分红是领现金还是放里头生息 哪个方便", False),
    ("你们经理电话多少 我直接找他", False),
    ("嗯嗯 好嘞 那我下礼拜再来", False),
    ("手机银行上在哪儿看我买的理财", False),
    ("这个产品有没有手续费", False),
    ("能不能买一半 先买两万试试", False),
    ("那个业务员下回来村里是啥时候", False),
    ("俺不会用手机 能不能在柜台上办", False),
    ("收益是一个月结一次还是到期一起给", False),
    ("上回那个小伙子说给俺送个米 咋没送", False),
    # ---- False: opening hours, other service ----
    ("你们镇上的网点礼拜六开门不", False),
    ("邮局几点下班", False),
    ("取款机取不出钱 是不是坏了", False),
    ("取的钱多久到卡上", False),
    ("我要取五万现金 得提前预约不", False),
    ("存折换卡要本人去不", False),
    ("给儿子汇款 多久能到", False),
    ("手机号换了 银行卡上的咋改", False),
    ("你们信用社改成农商行了 原来的存折还能用不", False),
    ("转账限额是多少", False),
    # ---- False: family money, but no question about a product's risk ----
    ("俺那张卡是给孙子存学费的 能不能办成只能存不能取的", False),
    ("我妈年纪大了走不动 她存折上的钱我能替她取不", False),
    ("我爸走了 他卡里的钱咋取出来", False),
    ("卖房的钱三十万一次存进去 要不要说明钱是哪来的", False),
    ("那个保险代理人说下礼拜来俺们村开会 要带啥不", False),
    ("分红险的分红咋领 得去柜台不", False),
    ("这个理财能不能转到我闺女名下", False),
    ("我想把定期取出来买理财 定期提前取 利息损失多不多", False),
    ("你们这儿取钱安全不 门口有保安没", False),
    ("孙子的压岁钱存哪种定期好 利息高点的", False),
    ("养老钱放你们这儿存定期 一年能有多少利息", False),
    ("我婆婆说她存折上的钱不对 少了一百 你帮查查", False),
    ("来俺家那个保险代理人 是不是你们信用社的人 靠谱不", False),
    ("俺想给老伴买个意外险 一年多少钱", False),
]

# agent utterances: True = gives a risk disclosure (says the product can lose / is not a deposit /
# returns not guaranteed / past results do not promise future ones / its risk level …);
# False = anything else, including reassurance and dodging
ANSWERS: list[tuple[str, bool]] = [
    # ---- True: short and colloquial ----
    ("大爷 这个理财不是存款 有风险的 您得想好", True),
    ("阿姨我跟您说实话 这个是会亏的 不保本", True),
    ("会亏 不保本", True),
    ("有风险 不是存款", True),
    ("不保 这个不保本的", True),
    ("收益不保证的", True),
    ("净值会波动 有涨有跌", True),
    ("风险嘛肯定是有的 再低也有", True),
    ("咱这个不是稳赚不赔的 有赔的可能 您别听人瞎说", True),
    ("婶子 跌是会跌的 您心里得有个数", True),
    ("这个说不准 可能赚也可能亏", True),
    ("俺不能跟您打包票 它就不是保本的东西", True),
    ("亏了是自己担着的 我们不兜底", True),
    ("这个有亏损可能的 我得跟您讲清楚", True),
    ("风险是有 但是不大 您放心", True),
    ("嗯 有可能少 这个没法保证", True),
    ("这个不是存款啊大娘 是理财 会有波动", True),
    ("是中低风险的 R2 也不能说一定不亏", True),
    ("是的 会亏 去年就有一段是负的", True),
    ("本金也不保证 这点您要知道", True),
    # ---- True: standard and formal ----
    ("理财非存款 产品有风险 投资须谨慎", True),
    ("按规定我要跟您提示一下 本产品过往业绩不代表其未来表现 不等于实际收益", True),
    ("这款产品的风险等级为R3 中等风险 本金有可能发生损失", True),
    ("业绩比较基准不是预期收益率 更不是承诺的收益 实际收益以净值为准", True),
    ("本产品不保证本金和收益 请您根据自身风险承受能力审慎购买", True),
    ("该产品为非保本浮动收益型 您可能损失部分甚至全部本金", True),
    ("理财产品不属于存款保险的保障范围", True),
    ("基金有风险 投资需谨慎 基金的过往业绩并不预示其未来表现", True),
    ("保险产品的分红是不保证的 红利分配水平取决于公司实际经营成果", True),
    ("利益演示中的中档和高档都是假设 实际领取的金额是不确定的", True),
    ("万能账户保证利率是一点七五 超过这部分的结算利率是不保证的", True),
    ("投资连结保险的账户价值随投资单位价格波动 可能低于您所交的保费", True),
    ("结构性存款本金是保的 但是收益是浮动的 挂钩黄金价格 最低就只有一点几", True),
    ("信托产品不是存款 也不承诺保本保收益 出现违约的话本金有可能收不回来", True),
    ("黄金积存跟着国际金价走 金价跌了您卖出就是亏的 我们不承担这个损失", True),
    ("美元理财除了产品本身的风险 还有汇率风险 换回人民币可能是亏的", True),
    ("可转债价格也会跌 跌破面值的时候也有过", True),
    ("个人养老金里的基金也是基金 净值会波动 不保本", True),
    ("现在理财都是净值型的了 打破刚兑了 盈亏都是您自己承担", True),
    ("提前退保只能拿回现金价值 前几年现金价值比您交的保费少 是会损失的", True),
    # ---- True: rural tellers, chatty ----
    (
        "叔 我是您看着长大的 不糊弄您 这个理财它不是存款 行情不好的时候是要往下掉的 "
        "您这养老钱要是一点都不想动 还是存定期",
        True,
    ),
    (
        "嗯 俺跟您说 这个产品它写的四个点是业绩比较基准 就是个参考 到时候可能多可能少 "
        "不一定就是四个点",
        True,
    ),
    (
        "奶奶您孙子说得对 这个不是存款 它买的是基金 基金就会涨会跌 您这学费钱呢 我觉得别全放",
        True,
    ),
    (
        "那我得实话实说 您邻居那个亏了两千是真的 这个东西短期就是有可能亏的 拿的时间长一点会好一些 "
        "但也不是说一定能回来",
        True,
    ),
    (
        "哎呀姐 您别着急 跌破一就是说现在净值比您买的时候低 现在卖就是亏 这个产品本来就不保本",
        True,
    ),
    ("中 俺给您说明白 这个跟存钱不一样 存钱有存款保险 这个没有 有亏的可能", True),
    ("大爷您这个岁数 说实话这个风险等级对您来说有点高 它是有可能亏的 要不看看低风险的", True),
    ("您要图稳呢 那这个就不太合适 它净值是上下动的 不是说放进去就一分不少", True),
    ("分红是有可能没有的 公司哪年经营得不好 那年就分得少 甚至不分", True),
    ("俺可不敢跟您说一定拿多少 这个收益是浮动的 跟市场走", True),
    ("包租那个吧 其实就是投资 租不出去开发商不给返的情况也有 有风险的", True),
    ("您闺女提醒得对 这个万能险的利息就保底那一点七五 别的都是不确定的", True),
    ("是这样大娘 债券基金也会亏 利率一变它就跌 只是波动比股票小", True),
    ("R3的意思就是中等风险 就是说有可能亏本金 不是存款那种", True),
    ("嗯 中低风险也会亏 只是亏的可能性小一点 幅度小一点", True),
    # ---- True: curt ----
    ("不保本 您自己决定", True),
    ("会跌 买不买您定", True),
    ("有风险的 自己看说明书", True),
    ("没法保证 收益浮动", True),
    ("亏了自负", True),
    ("不是存款 别当存款买", True),
    ("我说了 有可能亏", True),
    ("这个谁也保证不了 市场的事", True),
    # ---- True: hidden inside a long turn ----
    (
        "这款起购一万 期限一年 到期自动回到您卡上 那个得跟您说一下啊 它不保本 收益跟着市场走 "
        "然后没有手续费 您要买的话带上身份证就行",
        True,
    ),
    (
        "嗯 您这个情况我了解了 孩子上大学还有六年 时间是够的 这个产品是偏债的 历史上波动不大 "
        "但是也有过回撤 不能保证每年都是正的 您要是能接受这个我再给您办",
        True,
    ),
    (
        "我们这个年金险呢 交十年 六十岁开始领 保证领取的部分是写在合同里的 那个分红部分是不保证的 "
        "具体领取金额您看这张表",
        True,
    ),
    (
        "呃对对 您说的那个产品在我们这儿卖得挺好 七日年化现在是一点九 这个数每天都变 "
        "过去的收益也不代表以后 然后赎回是一般T加一到账",
        True,
    ),
    (
        "那个 您先别签字 我再跟您说一遍 这个理财是R2 有一定的风险 虽然不大 "
        "但不能跟存款画等号 您看您还要不要买",
        True,
    ),
    (
        "好嘞好嘞 五万是吧 我给您录一下 按照规定我这儿要读一段 本产品不是存款 有投资风险 "
        "您确认已经了解了 对 然后您在这儿签个字",
        True,
    ),
    (
        "叔您听我说完 这个保险您交进去 头几年要是退保 退回来的钱是比交的少的 "
        "所以您这钱要是说不准啥时候用 就得想清楚",
        True,
    ),
    (
        "这个信托呀 收益是高 七个点 可是高收益就有高风险 前几年好几家信托都出过兑付问题 "
        "钱拖了好几年才回来一部分",
        True,
    ),
    (
        "我给您看一下啊 您这个基金今年是负百分之三 这个很正常 基金本来就会有亏损 "
        "以后会不会涨回来谁也说不好 您看要不要继续拿着",
        True,
    ),
    (
        "风险提示书上写的这个 您看这行 非保本浮动收益 就是说本钱也可能亏 您明白了再签字",
        True,
    ),
    # ---- True: dialect, ASR-like, homophones ----
    ("这个理才不保笨的 阿姨", True),
    ("有风线的 不是存款", True),
    ("嗯嗯那个 就是 收益不是固定的 有可能没那么多", True),
    ("俺们这个代销的保险 分红那块不保底 您要晓得嘞", True),
    ("行情不好它也会掉 这个俺得跟恁说一声", True),
    ("不是说放进去就稳稳当当的 它有起有落", True),
    ("您要是说一点都亏不得 那这个就不适合您 它有可能亏", True),
    ("黄金也会跌 前几年就跌过好多", True),
    ("那个过往业绩啊 它不代表以后 以后咋样不好说", True),
    ("风险等级是中高 对 R4 亏的时候可能亏得多", True),
    # ---- True: more partial / varied ----
    ("跟定期不一样 定期利息是死的 这个是浮动的 可能高也可能低", True),
    ("那三点零是合同里保证的 不过您要是前几年退 肯定是亏的", True),
    ("平台要是出问题 出借的钱是有可能拿不回来的 这个我们没法兜底", True),
    ("国债是国家信用 但是您要是提前卖 价格会变 可能卖亏", True),
    ("固收加那个加的部分是股票 会亏 整体也可能是负的", True),
    ("定投也不保证赚 扣一年还亏着的情况也有", True),
    ("银行倒闭了存款有存款保险 理财没有 理财亏了就是亏了", True),
    ("演示的那个高档 您别当真 实际可能远远到不了", True),
    ("基金经理换人了对业绩会有影响 以后的收益确实不好说 有亏的可能", True),
    ("到期少了三百块就是这期没跑赢 净值型的会这样 以后也可能再出现", True),
    ("这个是投资不是储蓄 赚了是您的 亏了也是您的", True),
    ("我们不能承诺收益 也不能承诺不亏", True),
    ("阿姨 这个不像存折上的钱 它会变的 有时候会少", True),
    ("您儿子问的那个 这个产品不保本 风险等级是二级", True),
    ("哎 说实话啊 那个稳健型也是会亏一点的 不是零风险", True),
    ("年化百分之六比别家高 那风险肯定也大一些 不保本的", True),
    ("这个是有本金损失风险的 您签这个确认书之前一定要想好", True),
    ("它这个收益没有上限也没有下限 就是说是有可能负的", True),
    ("我们这边不承诺保本 合同里写得清清楚楚", True),
    ("就算是R1的 理论上也有损失的可能 只是很小", True),
    ("翻倍那是瞎说的 这个产品有可能赚 也有可能亏", True),
    ("月月分红那个不是一定有的 哪个月没收益就不分", True),
    ("经济不好的时候它是会缩水的 这个俺不瞒您", True),
    ("汇率这块是有风险的 您换回来的时候可能亏", True),
    ("嗯 它跟股市有关系 股市跌它也会跟着跌一些", True),
    ("拿回来多少不确定 可能比您交的多 也可能少", True),
    ("您这个情况 我建议您了解一下 这是中高风险产品 可能会亏损 不适合养老钱", True),
    ("净值型产品嘛 每天都在变 跌的时候您看到的就是亏", True),
    ("收益率那个是测算的 不代表实际能拿到", True),
    ("不敢跟您说不亏 谁说不亏那都是骗您的", True),
    ("今年收益低了是市场的原因 以后还可能更低 没有保证", True),
    ("大哥我跟您直说 这东西跟存在我们信用社的定期是两码事 它能赔", True),
    ("那个包租返点不是保证的 铺子租不出去 钱就压在里头了", True),
    ("业绩是过去的 今年能不能这样没人知道", True),
    ("咱把丑话说前头 这个有可能亏", True),
    ("说句不好听的 要是碰上行情差 放三年也可能是负的", True),
    ("它是R2的产品 不属于存款 虽然波动小 可也不是一点不亏", True),
    # ---- False: reassurance ----
    ("您放心 我们邮储是国家的 跑不了", False),
    ("这个从来没亏过 好多老人都买", False),
    ("稳得很 跟存钱一样", False),
    ("亏不了 放心吧大爷", False),
    ("怕啥 有我呢", False),
    ("基本不会亏的 您放一百个心", False),
    ("几乎没风险 我们行最稳的一款", False),
    ("这个保险公司是世界五百强 倒不了", False),
    ("保险公司就算出事 也有国家接管 您的保单照样有效", False),
    ("我们行长自己都买了好几十万", False),
    ("您看我们信用社在镇上开了四十年了 啥时候坑过人", False),
    ("历史年化都在四个点左右 一直很稳", False),
    ("比存定期多一个多点呢 划算", False),
    ("卖得可好了 上午刚卖完一批", False),
    ("中 中 没事儿 放心买", False),
    ("这是低风险的 跟存款差不多 您就当存款", False),
    ("俺家里人也买的这个 三年了没出过事", False),
    ("咱这是正规银行 不是那些乱七八糟的平台", False),
    ("肯定能拿回来 到期本金加收益一起打您卡上", False),
    ("您就安心放着 到时候一分不会少", False),
    ("收益稳稳的三个多点 年年都这样", False),
    ("这个产品是银行自己的 不像外面的那么风险大", False),
    ("放心 我们都给您挑的最稳当的", False),
    ("波动很小很小 您基本感觉不到", False),
    ("短期跌一跌很正常 拿着就涨回来了", False),
    ("金价长远看肯定往上走 买了不吃亏", False),
    ("开发商有担保公司担保 合同里写着保底的", False),
    ("分红年年都有 去年分了两千多呢", False),
    ("这个你就放心 以前那些爆雷的都是小平台 我们是国有大行", False),
    ("您签了字就有保障了", False),
    # ---- False: dodging ----
    ("这个您问我们理财经理吧 我不太清楚", False),
    ("风险这个东西嘛 怎么说呢 看您怎么看了", False),
    ("您要是担心就少买点呗", False),
    ("这个不好说 您先买了再看嘛", False),
    ("嗯嗯 这个我回头让经理给您打电话", False),
    ("哎呀 您想那么多干啥", False),
    ("大家都买 您怕啥", False),
    ("这个嘛 收益是挺不错的 您看这宣传单", False),
    ("您问的这个呀 我们下周有个讲座 您来听听就知道了", False),
    ("那您要不先买个一万试试水", False),
    ("我也说不好 您自己看着办", False),
    ("我就是个柜员 产品的事我也不懂", False),
    ("您先把风险测评做了 做完再说", False),
    ("您这么问我也没法答 买不买吧", False),
    ("等下个月利率调了再说吧", False),
    # ---- False: product facts ----
    ("起购一万 期限三百六十五天", False),
    ("赎回T加一到账", False),
    ("这款每周二可以申购赎回", False),
    ("交费期十年 六十岁开始领", False),
    ("封闭期是九十天 封闭期内不能取", False),
    ("这个收益是按日计算 到期一次性给您", False),
    ("手续费是零 管理费千分之三", False),
    ("年金每年领一次 领到八十岁", False),
    ("犹豫期是十五天 十五天之内退保全退", False),
    ("业绩比较基准是百分之三点二到三点六", False),
    ("收益会打到您买的时候用的那张卡上", False),
    ("这款只能在柜台买 手机上买不了", False),
    ("这个是我们合作的保险公司的产品 在我们这代卖", False),
    ("万能账户可以部分领取 一年领一次", False),
    ("金条是千足金的 有一百克和五十克两种", False),
    # ---- False: procedure that only names risk ----
    ("风险测评您在手机银行上做一下", False),
    ("风险提示书您在这签个字就行", False),
    ("您的测评结果是稳健型 可以买这款", False),
    ("测评过期了 得重新做一下风险测评", False),
    ("这里要抄一句话 您照着这个抄就行", False),
    ("按规定我们要录音录像 您对着镜头说您本人自愿购买", False),
    ("高风险的您测评不够 只能买低风险的", False),
    ("风险评估问卷就十道题 几分钟就做完了", False),
    ("签字这儿 还有风险揭示书那页也签一下", False),
    ("七十岁以上买理财要家属陪同 您让您儿子来一趟", False),
    # ---- False: deposit facts ----
    ("定期三年利率一点九五", False),
    ("存款保险保五十万 您这存款在这范围里", False),
    ("大额存单二十万起存 三年期两点一五", False),
    ("提前支取按活期算利息", False),
    ("定期到期会自动转存 您不用来", False),
    ("零存整取一个月最少五块钱", False),
    ("我们农商行的存款也是受存款保险保护的 跟大银行一样", False),
    ("五年的比三年的高零点一", False),
    ("存单丢了带身份证来挂失 钱不会丢", False),
    ("信用社改制了 原来的存折照样能用 钱一分不少", False),
    # ---- False: non-finance warnings and other service ----
    ("接到让您转账到安全账户的电话别信 那都是骗子", False),
    ("出门注意安全啊大爷 路滑", False),
    ("密码别告诉任何人 包括我们工作人员", False),
    ("手机丢了赶紧打电话挂失 防止被盗刷", False),
    ("带这么多现金不安全 给您转账吧", False),
    ("理赔材料齐了 五个工作日到账", False),
    ("贷款利息一年四点三五 提前还不收违约金", False),
    ("养老金每月十五号发 遇到节假日提前", False),
    ("医保报销这块得去医保局问", False),
    ("逾期会上征信的 您按时还", False),
    ("手术有风险 这个您得问大夫", False),
    ("押金退房的时候验完房就退", False),
    ("您这卡异地登录是您儿子用的 不是被盗", False),
    ("网点周六上午开门 下午不营业", False),
    ("扫码之前看看是不是我们官方的", False),
    # ---- False: risk words in other senses ----
    ("这个风险您放心 我们都替您考虑到了", False),
    ("没有风险的 您就安心", False),
    ("风险啥的您不用管 交给我们", False),
    ("亏钱那是别人家的产品 我们这不会", False),
    ("保本 保本 肯定保本", False),
    ("收益是有保障的 您放心", False),
    ("我们这款是保证收益的 三点五", False),
    ("去年没跌过 一直在涨", False),
    ("跟股票不一样 这个不会跌", False),
    ("不用担心亏的事 这是国家支持的", False),
    ("过往业绩非常好 同类排前十", False),
    ("您说的那种爆雷 我们这从来没有过", False),
    ("安全性很高 比放家里强多了", False),
    ("这是保险 保险哪有亏的", False),
    ("这个跟存款一样 都有国家兜着", False),
    ("稳健型产品 您这年纪正合适", False),
    ("您买了就等着收钱吧", False),
    ("村里好多人都买了 没一个说亏的", False),
    ("这个是低风险 您看这个宣传页上写着呢 低风险高收益", False),
    ("嗯嗯 您放心 收益挺稳定的 然后起购一万 您要买多少", False),
    ("我跟您说啊 这个产品就是稳 您孙子上大学的钱放这儿正好", False),
    (
        "大娘您听我讲 这个是我们邮储跟大保险公司合作的 交十年 每年都有分红 "
        "到时候本金加分红一起给您 比存钱划算多了",
        False,
    ),
    (
        "阿姨 您这个情况我知道 卖房的钱嘛 放家里不放心 放我们这儿最合适 "
        "我们这个产品三年了都是正收益 您看这个走势图 一路往上",
        False,
    ),
    (
        "嗯嗯对对 您闺女说的那个存款保险 是保存款的 不过您放心 我们理财也是很安全的 "
        "我们是正规金融机构",
        False,
    ),
    (
        "这个呢 您不用担心 我们选的都是优质资产 都是国债啊 政策性金融债啊 "
        "管理团队也很专业 所以您就安心拿着",
        False,
    ),
]

# (name, turns, whether the agent left out the risk disclosure the customer's question called for)
CALLS: list[tuple[str, tuple[tuple[str, str], ...], bool]] = [
    # ---- True: a product-risk question, no disclosure in the agent's next three turns ----
    (
        "psbc-daughter-reassured",
        (
            ("customer", "喂 我是李秀兰的闺女 我妈前天在你们邮储买了个理财 她老问我会不会赔"),
            ("agent", "哦 李阿姨啊 我记得 买的是我们那款一年期的"),
            ("customer", "对 那个会不会赔啊 她那是养老的钱"),
            ("agent", "您让阿姨放心 我们邮储的产品都很稳的 她那款一直都是正收益"),
            ("customer", "那就好 那我跟她说一声"),
            ("agent", "好嘞 有啥事让阿姨直接来网点找我"),
        ),
        True,
    ),
    (
        "village-agent-dividend",
        (
            ("customer", "小刘啊 你上回来村里讲的那个分红险 分红是年年都有的不"),
            ("agent", "有 年年都有 叔 去年俺们公司分得可多了"),
            ("customer", "那俺交上十年 到时候是不是比存钱多"),
            ("agent", "那肯定多 存钱才几个利息"),
        ),
        True,
    ),
    (
        "curt-short-stable",
        (
            ("customer", "稳不"),
            ("agent", "稳"),
            ("customer", "真稳啊"),
            ("agent", "说了稳 买不买"),
        ),
        True,
    ),
    (
        "rcb-disclosure-fourth-turn",
        (
            ("customer", "俺想问问这个理财 亏不亏本"),
            ("agent", "大爷您先坐 喝口水"),
            ("agent", "这个是我们农商行今年新出的 好多人来问"),
            ("customer", "嗯"),
            ("agent", "起购一万 期限一年 到期打您卡上"),
            ("customer", "嗯 然后呢"),
            ("agent", "这个是不保本的 有亏的可能 您得想好"),
        ),
        True,
    ),
    (
        "teller-dodges-to-manager",
        (
            ("customer", "那个 柜台上给俺推的这个基金 风险大不大"),
            ("agent", "这个您得问我们理财经理 他今天下乡了"),
            ("customer", "那他啥时候回来"),
            ("agent", "明天吧 您明天再来"),
        ),
        True,
    ),
    (
        "son-asks-for-mother-facts-only",
        (
            ("customer", "你好 我妈在你们信用社买了个东西 她让我问问会不会亏"),
            ("agent", "您稍等我查一下 是王桂芝阿姨吧"),
            ("customer", "对"),
            ("agent", "阿姨买的是三年期的 起息日是上个月十号"),
            ("customer", "那会不会亏"),
            ("agent", "到期日是二零二九年 到期自动回到阿姨卡上"),
        ),
        True,
    ),
    (
        "house-money-long-story",
        (
            (
                "customer",
                "俺跟你说 俺家老宅子卖了 得了四十万 俺儿子在城里买房差首付 这钱是要给他的 "
                "可他说明年才用 你们经理说先买个理财 俺就是怕 这钱要是少了咋跟儿子交代",
            ),
            ("agent", "大娘 那您这个就放我们这款 比定期强多了 一年能多出好几千"),
            ("customer", "多几千是好 可万一少了呢"),
            ("agent", "不会少 我们这款卖了三年了 没听说谁少过"),
            ("customer", "那中 俺回去跟儿子说说"),
        ),
        True,
    ),
    (
        "structured-deposit-overpromise",
        (
            ("customer", "这个结构性存款 名字里有存款 那就跟存款一样稳吧"),
            ("agent", "对 本金保 收益就是三点二 稳稳的"),
            ("customer", "三点二是定死的啊"),
            ("agent", "嗯 您就按三点二算"),
        ),
        True,
    ),
    (
        "credit-coop-four-points",
        (
            ("customer", "你们信用社这个说是四个点 这四个点能给足不"),
            ("agent", "能 我们信用社几十年的老牌子了"),
            ("customer", "那要是给不足呢"),
            ("agent", "不会给不足的 您就放心吧 隔壁张叔买了三回了"),
        ),
        True,
    ),
    (
        "shop-lease-guarantee",
        (
            ("customer", "那个商铺包租 说每年返八个点 要是铺子租不出去 俺那钱咋办"),
            ("agent", "我们开发商实力强 租不出去也照样给您返"),
            ("customer", "合同上写了没"),
            ("agent", "写了 保底收益写得清清楚楚"),
        ),
        True,
    ),
    (
        "insurer-collapse-state-takes-over",
        (
            ("customer", "俺就担心 万一你们保险公司倒了 俺这十几年交的钱咋整"),
            ("agent", "叔您想多了 我们公司大着呢"),
            ("customer", "那要是真倒了"),
            ("agent", "真倒了也有国家接管 您的保单照样管用 您就放心"),
        ),
        True,
    ),
    (
        "risk-test-instead-of-disclosure",
        (
            ("customer", "这个风险大不大啊 我七十了"),
            ("agent", "阿姨 您先做个风险测评 就几道题"),
            ("customer", "啥是测评 我眼睛不好"),
            ("agent", "我念给您听 您说选哪个就行"),
            ("customer", "中"),
            ("agent", "好了 您是稳健型 这款您可以买"),
        ),
        True,
    ),
    (
        "sign-the-risk-paper-only",
        (
            ("customer", "这个保本不啊"),
            ("agent", "您在这儿签个字 这是风险提示书"),
            ("customer", "签这个干啥"),
            ("agent", "规定要签的 大家都签 签完就能买了"),
        ),
        True,
    ),
    (
        "gold-bar-for-grandson",
        (
            ("customer", "过年想给孙子买根金条 以后留着 这玩意儿会不会跌价"),
            ("agent", "金子是硬通货 啥时候都值钱"),
            ("customer", "那俺买个一百克的"),
            ("agent", "好嘞 一百克的现在四万多 您稍等我给您拿"),
        ),
        True,
    ),
    (
        "curt-repeat-no",
        (
            ("customer", "会不会亏啊"),
            ("agent", "不会"),
            ("customer", "真的不会啊 我邻居说会"),
            ("agent", "说了不会 你邻居懂啥"),
            ("customer", "那行吧"),
        ),
        True,
    ),
    (
        "annuity-surrender-grandma",
        (
            ("customer", "闺女 我要是交了三年不想交了 退了亏不亏"),
            ("agent", "奶奶 这个年金是六十岁以后每年领钱的"),
            ("customer", "我是问退了亏不亏"),
            ("agent", "领到八十岁 每年都有 可划算了"),
            ("customer", "哦"),
            ("agent", "还有个万能账户 钱放里头还能生利息"),
        ),
        True,
    ),
    (
        "pension-fund-chatty-teller",
        (
            ("customer", "我替我爸问一下 他个人养老金账户里买那个基金 会不会亏"),
            ("agent", "哎呀 叔叔最近身体咋样 好久没见他来了"),
            ("customer", "还行 腿不太好"),
            ("agent", "天冷了 让他少出门 有啥事您来办就行"),
            ("customer", "那基金那个"),
            ("agent", "嗯那个基金是我们卖得最好的一只 叔叔眼光好"),
        ),
        True,
    ),
    (
        "tuition-buried-question",
        (
            (
                "customer",
                "嗯 是这样 我孙子今年上初中 我想着给他攒上大学的钱 一个月存个一千 "
                "存了两年了 现在有两万多 那个 放你们那个理财里 到时候够不够 会不会少了",
            ),
            ("agent", "阿姨您真疼孙子 这个产品收益挺好的 去年是四点二"),
            ("customer", "那今年也四点二吧"),
            ("agent", "差不多 差不多"),
        ),
        True,
    ),
    (
        "late-after-three-chatty",
        (
            ("customer", "这个跟存定期比 哪个保险点"),
            ("agent", "嫂子 您这问题问得好 我给您慢慢说"),
            ("agent", "定期呢利息是定的 一点几 这个呢比定期高"),
            ("customer", "高多少"),
            ("agent", "去年大概三个多点"),
            ("customer", "嗯嗯"),
            ("agent", "您看我们这个宣传页 都是国债这些"),
            ("agent", "不过它不是存款 不保本 有波动 您得知道"),
        ),
        True,
    ),
    (
        "bond-fund-safest",
        (
            ("customer", "俺闺女让俺买债券基金 说债券最稳 是不是不会亏"),
            ("agent", "对 债基是最稳的 您闺女懂行"),
            ("customer", "那俺买五万"),
            ("agent", "好 身份证给我一下"),
        ),
        True,
    ),
    # ---- False: disclosed in time, or no product-risk question ----
    (
        "psbc-disclosed-at-once",
        (
            ("customer", "这个理财 稳当不"),
            ("agent", "大爷 它不是存款 是有风险的 净值会上下动 您这钱要是急用就别买"),
            ("customer", "那俺再想想"),
        ),
        False,
    ),
    (
        "disclosed-third-agent-turn",
        (
            ("customer", "这个分红险 分红每年都有吧"),
            ("agent", "叔您稍等 我把合同拿来给您看"),
            ("agent", "您看这一页 交十年 保到八十"),
            ("customer", "嗯 分红呢"),
            ("agent", "分红是不保证的 公司经营得好就多 不好就少 有的年份可能没有"),
        ),
        False,
    ),
    (
        "deposit-rate-question",
        (
            ("customer", "俺这养老钱想存个定期 三年的利息现在多少"),
            ("agent", "三年期一点九五 五年期两点零"),
            ("customer", "那存三年的吧"),
            ("agent", "好的 身份证给我"),
        ),
        False,
    ),
    (
        "deposit-insurance-coop",
        (
            ("customer", "俺听人说信用社要是黄了 存的钱就没了 是不是真的"),
            ("agent", "不会的大娘 存款有存款保险 五十万以内都全额保"),
            ("customer", "俺存了十二万定期"),
            ("agent", "那您这十二万都在保障范围里"),
        ),
        False,
    ),
    (
        "card-fraud-call",
        (
            ("customer", "我妈接了个电话 说她卡涉嫌洗钱 让她把钱转到安全账户 这咋回事"),
            ("agent", "千万别转 那是诈骗 我们不会让客户转安全账户"),
            ("customer", "她已经把卡号告诉人家了"),
            ("agent", "那赶紧带阿姨来网点改密码 或者打电话先把卡冻上"),
        ),
        False,
    ),
    (
        "pension-payment-date",
        (
            ("customer", "闺女 俺那养老金这个月咋还没到"),
            ("agent", "大爷 这个月十八号发 今天才十六"),
            ("customer", "哦 那俺后天再来"),
        ),
        False,
    ),
    (
        "medical-insurance-reimburse",
        (
            ("customer", "我爸住院花了三万 新农合能报多少"),
            ("agent", "这个得看医院级别 县医院一般报百分之六七十 具体您得去医保窗口问"),
            ("customer", "要带啥"),
            ("agent", "住院发票 出院小结 身份证 还有医保卡"),
        ),
        False,
    ),
    (
        "claim-progress",
        (
            ("customer", "喂 俺老伴上个月住院报的那个险 钱啥时候能下来"),
            ("agent", "我查一下 材料审核通过了 这两天就打款"),
            ("customer", "打到哪张卡"),
            ("agent", "您报案时填的那张邮储卡"),
        ),
        False,
    ),
    (
        "how-to-redeem",
        (
            ("customer", "那个理财我想取出来 咋弄"),
            ("agent", "您手机银行上点赎回就行 不会弄的话来柜台"),
            ("customer", "几天能到"),
            ("agent", "第二个工作日到您卡上"),
        ),
        False,
    ),
    (
        "purchase-no-risk-question",
        (
            ("agent", "阿姨 这款是我们今年卖得最好的 起购一万"),
            ("customer", "那行 俺买五万"),
            ("agent", "好的 您身份证带了吧"),
            ("customer", "带了带了"),
        ),
        False,
    ),
    (
        "short-lose-curt-yes",
        (
            ("customer", "亏不"),
            ("agent", "会亏 不保本"),
            ("customer", "那算了"),
        ),
        False,
    ),
    (
        "son-for-mother-disclosed",
        (
            ("customer", "我妈七十五了 她想买你们那个理财 我就想问问这东西靠谱不"),
            ("agent", "您好 阿姨看的那款是R3的 中等风险 是有可能亏本金的"),
            ("customer", "那她那个岁数合适吗"),
            ("agent", "说实话我们不太建议 阿姨这种情况买个低风险的或者存定期更合适"),
        ),
        False,
    ),
    (
        "village-agent-honest",
        (
            ("customer", "小王 你说这个万能险的利息 以后会不会越来越低"),
            ("agent", "婶子 实话跟您说 保底就一点七五 上面那部分每个月结算 是会变的 不保证"),
            ("customer", "那就是说可能就一点几"),
            ("agent", "对 最低就是保底那个数"),
        ),
        False,
    ),
    (
        "loan-interest",
        (
            ("customer", "俺想贷五万块钱买种子化肥 利息咋算"),
            ("agent", "农户小额信用贷款 年利率四点几 按月付息 一年到期还本"),
            ("customer", "要是到时候还不上呢"),
            ("agent", "提前来跟我们说 可以申请展期 别逾期 逾期上征信"),
        ),
        False,
    ),
    (
        "rental-deposit",
        (
            ("customer", "我租房的押金是从你们卡上转的 房东说不退 这钱能追回来不"),
            ("agent", "这个是您跟房东之间的纠纷 我们银行没法追 您可以找社区调解或者报警"),
            ("customer", "哦 那我去找居委会"),
        ),
        False,
    ),
    (
        "structured-deposit-disclosed",
        (
            ("customer", "这个结构性存款 说一点五到三点五 到底能拿几个"),
            ("agent", "本金是保的 收益是浮动的 挂着汇率 最差就是一点五 不一定能到三点五"),
            ("customer", "那就是最少一点五"),
            ("agent", "对"),
        ),
        False,
    ),
    (
        "cannot-afford-loss-disclosed",
        (
            ("customer", "俺就这点钱 可亏不起啊"),
            ("agent", "那我得跟您说清楚 这款净值会波动 短期是可能亏的"),
            ("customer", "那有没有不亏的"),
            ("agent", "不亏的那就是存款了 定期或者大额存单"),
        ),
        False,
    ),
    (
        "disclosure-hidden-long-turn",
        (
            ("customer", "这个一年能挣几个点啊"),
            (
                "agent",
                "嗯 这款的业绩比较基准是三点二到三点八 这个不是保证的收益 实际可能高也可能低 "
                "过去一年它实际是三点四 起购一万 每个月可以赎回一次",
            ),
            ("customer", "中 那俺买两万"),
        ),
        False,
    ),
    (
        "withdrawal-arrival",
        (
            ("customer", "我昨天在手机上把定期取了 钱咋还没到活期里"),
            ("agent", "您稍等 我看一下 已经到了 您再刷新一下"),
            ("customer", "哦 看到了看到了"),
        ),
        False,
    ),
    (
        "travel-cash-safety",
        (
            ("customer", "俺过两天去海南看闺女 带两万现金路上安全不"),
            ("agent", "大娘 带现金不安全 您办个卡 到那边取 或者直接转给您闺女"),
            ("customer", "那你给俺转吧"),
            ("agent", "好 您闺女的卡号有吗"),
        ),
        False,
    ),
]

# tests.phrase_eval reads UTTERANCES for the phrase categories; this set has none
UTTERANCES: list = []
