"""What id_typo's search rests on (comparison.sql): an 18-character ID whose check character is right, changed in one
character or with two neighbours swapped, never has a right check character again — so only rows with an invalid
ID can be one typing error from a registry person's ID, and only they are sought."""

import random

from jixiao.common.ids import check_digit


def _passes(text: str) -> bool:
    return text[17] == check_digit(text[:17])


def _ids(n: int) -> list[str]:
    rng = random.Random(20261202)
    out = []
    for _ in range(n):
        first17 = "".join(rng.choice("0123456789") for _ in range(17))
        out.append(first17 + check_digit(first17))
    return out


def test_no_change_of_one_character_keeps_the_check_right():
    ids = _ids(3000)
    assert any(i.endswith("X") for i in ids)  # the X check character is among them
    kept = []
    for valid in ids:
        for position in range(18):
            for c in "0123456789" + ("X" if position == 17 else ""):
                if c != valid[position]:
                    changed = valid[:position] + c + valid[position + 1:]
                    if _passes(changed):
                        kept.append((valid, changed))
    assert kept == []


def test_no_swap_of_two_neighbours_keeps_the_check_right():
    kept = []
    swaps = 0
    for valid in _ids(3000):
        for position in range(17):
            a, b = valid[position], valid[position + 1]
            if a == b:
                continue
            swapped = valid[:position] + b + a + valid[position + 2:]
            if swapped[:17].isdigit():  # an X swapped into the first 17 is no ID form at all
                swaps += 1
                if _passes(swapped):
                    kept.append((valid, swapped))
    assert kept == [] and swaps > 40_000
