import pytest

from voice_gateway.speech_text import (
    choice_prompt,
    read_digits,
    speakable_sentences,
    spell_out_numbers,
    split_sentences,
    strip_emoji,
)


def test_phone_number_is_read_digit_by_digit_in_3_4_4_groups():
    assert read_digits("13800138000") == "幺三八，零零幺三，八零零零"


def test_query_code_is_read_in_two_groups_of_three():
    assert read_digits("654321") == "六五四，三二幺"


@pytest.mark.parametrize(
    ("text", "spoken"),
    [
        ("案件编号XF202611260001。", "案件编号X F，二零二六，幺幺二六，零零零幺。"),
        ("编号 xf202611260001", "编号 X F，二零二六，幺幺二六，零零零幺"),
        ("查询码654321", "查询码六五四，三二幺"),
        ("手机尾号8000", "手机尾号八零零零"),
        ("电话0371-67881234", "电话零三七幺，六七八八幺二三四"),
        ("请拨打12345", "请拨打幺二三四五"),
    ],
)
def test_identifying_numbers_are_spelled_out(text, spoken):
    assert spell_out_numbers(text) == spoken


@pytest.mark.parametrize(
    ("text", "spoken"),
    [
        ("15个工作日内答复", "15个工作日内答复"),
        ("受理期限2026-12-01", "受理期限2026年12月1日"),
        ("受理期限2026-12-01T00:00:00+08:00", "受理期限2026年12月1日"),
        ("共3.5万元", "共3.5万元"),
    ],
)
def test_quantities_and_dates_are_left_to_the_voice(text, spoken):
    assert spell_out_numbers(text) == spoken


def test_full_width_digits_are_normalised_before_spelling():
    assert speakable_sentences("电话１３８００１３８０００。") == [
        "电话幺三八，零零幺三，八零零零。"
    ]


def test_emoji_and_pictographs_are_stripped_but_degrees_kept():
    assert strip_emoji("好的😊👍🏻 已记录✅ 今天30℃") == "好的 已记录 今天30℃"
    assert strip_emoji("👨‍👩‍👧 家庭") == " 家庭"


def test_sentences_are_split_at_sentence_ends_and_long_ones_at_commas():
    text = "您好！请问问题发生在哪个区？" + "，".join(["这是一段比较长的说明文字"] * 5) + "。"
    sentences = split_sentences(text)
    assert sentences[:2] == ["您好！", "请问问题发生在哪个区？"]
    assert all(len(s) <= 40 for s in sentences)
    assert "".join(sentences[2:]) == "，".join(["这是一段比较长的说明文字"] * 5) + "。"


def test_number_groups_do_not_split_a_sentence():
    assert speakable_sentences("您的案件编号是XF202611260001，请记好。") == [
        "您的案件编号是X F，二零二六，幺幺二六，零零零幺，请记好。"
    ]


def test_links_markdown_and_blank_lines_vanish():
    text = "**已登记**\n\n详情见 https://example.org/cases/1\n- 请保持电话畅通"
    assert speakable_sentences(text) == ["已登记", "请保持电话畅通"]


def test_empty_and_symbol_only_text_gives_no_sentences():
    assert speakable_sentences("") == []
    assert speakable_sentences("😊👍") == []


def test_choice_prompt_names_the_spoken_word_and_the_key():
    assert choice_prompt(1, "确认提交") == "确认提交，请说一，或按1键。"
    assert choice_prompt(2, "修改 ✏️") == "修改，请说二，或按2键。"
    assert choice_prompt(3, "😊") == "第三项，请说三，或按3键。"


def test_emergency_numbers_are_dialled_digits_not_quantities():
    from voice_gateway.speech_text import spell_out_numbers

    assert spell_out_numbers("请直接拨打110、119或120。") == "请直接拨打幺幺零、幺幺九或幺二零。"
    assert spell_out_numbers("罚款120元，面积110平方米") == "罚款120元，面积110平方米"
