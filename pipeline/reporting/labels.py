"""Chinese names of the finding categories and severities, as the coaching and trend reports
show them to agents, coaches and managers (the category codes stay beside them for analysts)."""

from __future__ import annotations

CATEGORY_ZH = {
    "pii.id_card": "身份证号",
    "pii.bank_card": "银行卡号",
    "pii.phone": "手机号",
    "pii.credential": "密码/验证码",
    "phrase.forbidden": "服务禁语",
    "phrase.overpromise": "过度承诺",
    "phrase.credential_request": "索要密码或验证码",
    "phrase.escalation": "客户投诉升级",
    "script.opening_missing": "开场白缺失",
    "script.closing_missing": "结束语缺失",
    "script.response_missing": "未作风险提示",
    "silence.dead_air": "静默时间过长",
    "silence.hold": "长时间保持",
    "speech_rate.fast": "语速过快",
    "speech_rate.slow": "语速过慢",
    "overlap.interruption": "抢话打断客户",
    "loudness.raised_voice": "语气激动",
    "roles.undetermined": "无法判定坐席与客户",
}

SEVERITY_ZH = {"info": "提示", "minor": "轻微", "major": "严重", "critical": "致命"}


def category_zh(category: str) -> str:
    """The Chinese name of a category; a site's custom.* category keeps its code."""
    return CATEGORY_ZH.get(category, category)
