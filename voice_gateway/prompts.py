"""Everything the gateway itself says to a caller (the bot's own words come from Rasa)."""

from __future__ import annotations

GREETING = (
    "您好，这里是郑州市12345政务服务热线智能助手。",
    "本次通话将被录音。",
)
FIRST_QUESTION = "请简要说出您要反映的问题。"

PLEASE_WAIT = "请稍候。"
STILL_WORKING = "正在为您处理，请再稍候。"

NO_INPUT = "不好意思，没有听到您说话。"
NOT_UNDERSTOOD = "抱歉，我没有听清，请您再说一遍。"
CONTINUE = "好的，请您继续说。"

NO_INPUT_GOODBYE = (
    "一直没有听到您的声音，本次通话先到这里。",
    "如有需要，欢迎您再次拨打12345。再见。",
)
UNAVAILABLE_GOODBYE = (
    "非常抱歉，系统暂时无法处理您的来电，您刚才说的内容还没有登记。",
    "请您稍后再拨打12345。给您带来不便，敬请谅解。再见。",
)
ERROR_GOODBYE = (
    "非常抱歉，系统出现了故障。",
    "请您稍后再拨打12345。再见。",
)
GOODBYE = ("感谢您的来电，再见。",)

# Words callers of a city hotline say often; they steer speech recognition toward them.
DOMAIN_HINTS = (
    "投诉", "举报", "反映", "建议", "咨询", "查询", "催办", "评价", "复查", "复核", "转人工",
    "信访", "案件编号", "查询码", "噪音", "扰民", "施工", "工地", "夜间施工", "物业", "小区",
    "停水", "停电", "供暖", "燃气", "占道经营", "油烟", "垃圾", "违章建筑", "拖欠工资",
    "城管", "街道办", "居委会", "社区", "匿名",
)  # fmt: skip

# No-input ladder, second silence: offer a person before asking again.
OFFER_HUMAN = "如需人工服务，请说“人工”或按0键。"

# Rasa answered but the bot said nothing (e.g. the action server is down).
EMPTY_REPLY = "抱歉，系统刚才没有回应。"
EMPTY_REPLY_TRANSFER = ("非常抱歉，系统暂时无法为您办理。", "正在为您转接人工服务，请稍候。")
EMPTY_REPLY_GOODBYE = (
    "非常抱歉，系统暂时无法为您办理。",
    "我们已记下您的来电，工作人员会尽快给您回电。",
    "感谢您的来电，再见。",
)
# Rasa could not be reached at all after the "请稍候" rounds, and a person can take over.
UNAVAILABLE_TRANSFER = ("非常抱歉，系统暂时无法处理您的来电。", "正在为您转接人工服务，请稍候。")

# Transfer to staff.
NO_TRANSFER_TARGET = (
    "抱歉，现在暂时无法为您转接人工服务，已请工作人员稍后给您回电。",
    "我们先继续为您办理。",
)
TRANSFERRING = "正在为您转接人工服务，请稍候。"
EMERGENCY_ADVICE = "如果情况紧急，请直接拨打110、119或120。"
TRANSFER_FALLBACK = (
    "工作人员暂时都在忙，您反映的内容已经记录，我们会尽快给您回电。",
    "感谢您的来电，再见。",
)
QUEUE_HOLD = "工作人员正在接听其他来电，请您稍候，不要挂机。"

# Said to the staff member before the caller is connected (whisper).
WHISPER_INTRO = "您好，这是12345热线转接的来电。"
WHISPER_REASONS = {
    "request_human": "来电人要求人工服务。",
    "emergency": "紧急情况，请优先处理。",
    "misunderstood": "智能助手没能听懂来电人。",
    "bot_unavailable": "智能助手暂时无法办理。",
}
WHISPER_CONNECT = "现在为您接通。"

# Caller said this (or pressed 0): wants a person.
HUMAN_KEY = "0"
