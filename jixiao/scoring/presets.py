"""Named sets of option coefficients. D and E are deliberately absent from the seeds' preset:
a survey that uses them must state their coefficients explicitly."""

from decimal import Decimal

OPTION_LETTERS = ["A", "B", "C", "D", "E"]
OPTION_LABELS = {"A": "非常满意", "B": "满意", "C": "一般", "D": "不满意", "E": "很不满意"}

PRESETS: dict[str, dict[str, Decimal]] = {
    # 昆明市残联 2022 自评（种子 001、002）: A 1.0, B 0.9, C 0.8
    "昆明三档": {"A": Decimal("1.0"), "B": Decimal("0.9"), "C": Decimal("0.8")},
}
DEFAULT_PRESET = "昆明三档"
