"""Card numbers masked like resident IDs: on their own (the registry's pages and exports) and inside free text
(logs, history values), IDs and phones as before."""

from jixiao.common.pii import mask_card_number, mask_resident_id, mask_text


def test_a_card_number_keeps_what_an_id_keeps_and_a_short_one_less():
    assert mask_card_number("6222021234567890123") == "6222***********0123"
    assert mask_card_number("6217000012345678") == mask_resident_id("6217000012345678") == "6217********5678"
    assert mask_card_number("622202123456") == "622******456"  # 12 digits: half hidden
    assert mask_card_number("A12345678") == "A1*****78"  # 9 characters: the ID rule would hide one
    assert mask_card_number("12345678") == "********" and mask_card_number("") == ""


def test_free_text_masks_card_numbers_after_ids():
    text = mask_text("卡号 6222021234567890123，另一张 6217000012345678；身份证 530102199001011234，区划 530125001002")
    assert "6222021234567890123" not in text and "6222***********0123" in text
    assert "6217000012345678" not in text and "6217********5678" in text
    assert "5301**********1234" in text and "530125001002" in text  # a 12-digit region code is left alone
