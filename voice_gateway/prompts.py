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
