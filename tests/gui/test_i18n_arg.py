"""gui.i18n.arg: Qt's %1..%9 placeholders, filled once and in any order."""

from gui.i18n import arg


def test_fills_in_translator_order() -> None:
    assert arg("%2 的第 %1 张", "3", "10") == "10 的第 3 张"


def test_value_containing_a_placeholder_is_not_substituted_again() -> None:
    assert arg("%1 and %2", "50%2", "x") == "50%2 and x"


def test_missing_value_leaves_the_placeholder() -> None:
    assert arg("%1 of %2", 4) == "4 of %2"
