"""Phone, ID and case number extraction; masking for logs."""

import pytest

from zhtext import (
    extract_case_number,
    extract_id_number,
    extract_phone,
    id_check_char,
    is_valid_id_number,
    mask_id,
    mask_name,
    mask_phone,
)

# Valid GB 11643 numbers (check characters computed by the standard's weights).
ID_X = "11010519491231002X"
ID_DIGIT = "410105199001011233"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("13800138000", "13800138000"),
        ("我的电话是幺五九两三四五六七八九", "15923456789"),
        ("一三八 零零一三 八零零零", "13800138000"),
        ("电话：１３８００１３８０００", "13800138000"),
        ("+86 138-0013-8000", "13800138000"),
        ("86 13800138000", "13800138000"),
        ("138 0013 8000 打这个", "13800138000"),
        ("座机0371-67891234", "037167891234"),
        ("（0371）67891234", "037167891234"),
        ("67891234", "67891234"),
    ],
)
def test_extract_phone(text, expected):
    assert extract_phone(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "没有电话",
        "12345",
        "1380013800",
        "138001380001",
        "23800138000",
        ID_DIGIT,
        "XF202611260001",
        "20261126 和 67891234",
        None,
    ],
)
def test_extract_phone_none(text):
    assert extract_phone(text) is None


def test_check_char():
    assert id_check_char(ID_X[:17]) == "X"
    assert id_check_char(ID_DIGIT[:17]) == ID_DIGIT[17]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (ID_X, ID_X),
        ("身份证号" + ID_X.lower() + "谢谢", ID_X),
        (ID_DIGIT, ID_DIGIT),
        ("4101 0519 9001 0112 33", ID_DIGIT),
        ("幺幺零幺零五幺九四九幺二三幺零零二叉", ID_X),
        ("１１０１０５１９４９１２３１００２Ｘ", ID_X),
    ],
)
def test_extract_id_number(text, expected):
    assert extract_id_number(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "110105194912310021",  # wrong check digit
        "410105199013011239",  # month 13
        "010105199001011230",  # no region starts with 0
        "41010519900101123",  # 17 digits
        "4101051990010112334",  # 19 digits
        "",
        None,
    ],
)
def test_extract_id_number_rejects(text):
    assert extract_id_number(text) is None


def test_is_valid_id_number():
    assert is_valid_id_number(ID_X)
    assert is_valid_id_number(ID_X.lower())
    assert not is_valid_id_number(ID_X[:-1] + "1")
    assert not is_valid_id_number(12345)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("XF202611260001", "XF202611260001"),
        ("xf202611260001", "XF202611260001"),
        ("我的件号是 Xf 2026 1126 0001", "XF202611260001"),
        ("案件号XF二零二六一一二六零零零一", "XF202611260001"),
        ("202611260001", "XF202611260001"),
        ("编号二零二六一一二六零零零一查一下", "XF202611260001"),
        ("ＸＦ２０２６１１２６０００１", "XF202611260001"),
    ],
)
def test_extract_case_number(text, expected):
    assert extract_case_number(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "202613260001",  # month 13: not a date prefix
        "037167891234",  # a fixed line, not a date
        "XF20261126000",  # 11 digits
        "2026112600011",  # 13 digits
        "13800138000",
        "",
        None,
    ],
)
def test_extract_case_number_rejects(text):
    assert extract_case_number(text) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("13800138000", "138****8000"),
        ("037167891234", "********1234"),
        ("110", "***"),
        ("", ""),
        (None, ""),
    ],
)
def test_mask_phone(value, expected):
    assert mask_phone(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (ID_X, "1101**********002X"),
        (ID_DIGIT, "4101**********1233"),
        ("1234", "****"),
        ("", ""),
        (None, ""),
    ],
)
def test_mask_id(value, expected):
    assert mask_id(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("张三", "张*"),
        ("张三丰", "张**"),
        ("欧阳娜娜", "欧***"),
        ("王", "*"),
        (" 李四 ", "李*"),
        ("", ""),
        (None, ""),
    ],
)
def test_mask_name(value, expected):
    assert mask_name(value) == expected
