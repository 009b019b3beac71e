"""Messages as data: one English renderer, nested messages, plurals, errors that carry a code."""

from __future__ import annotations

import pickle

import pytest

from core.errors import ResLensError, WeightsError, describe, describe_message
from core.messages import QT_TRANSLATE_NOOP, Message, english, kind, translate

GREETING = kind("test.greeting", QT_TRANSLATE_NOOP("Messages", "%1 has %2"))
FILES = kind("test.files", translate("Messages", "%n file(s) in %1", None, 0))
CLASSES = kind("test.classes", translate("Messages", "%n class(es)", None, 0))


def test_english_fills_arguments_and_nested_messages_once() -> None:
    inner = FILES("a %2 folder", n=3)
    assert english(GREETING("Ann %1", inner)) == "Ann %1 has 3 files in a %2 folder"


@pytest.mark.parametrize(("n", "text"), [(0, "0 files in x"), (1, "1 file in x"), (2, "2 files in x")])
def test_english_plural_forms(n: int, text: str) -> None:
    assert english(FILES("x", n=n)) == text


def test_plural_es() -> None:
    assert english(CLASSES(n=1)) == "1 class" and english(CLASSES(n=5)) == "5 classes"


def test_a_plural_kind_needs_its_count_and_a_plain_one_refuses_it() -> None:
    with pytest.raises(TypeError):
        FILES("x")
    with pytest.raises(TypeError):
        GREETING("a", "b", n=2)


def test_a_code_defined_twice_with_another_text_is_refused() -> None:
    assert kind("test.greeting", "%1 has %2") is GREETING
    with pytest.raises(ValueError, match="defined twice"):
        kind("test.greeting", "%1 owns %2")


def test_errors_carry_their_message_through_pickling() -> None:
    error = WeightsError(GREETING("a", "b"), suggested_arch="resnet34")
    assert str(error) == "a has b" and describe(error) == "a has b"
    again = pickle.loads(pickle.dumps(error))
    assert again.message == Message("test.greeting", ("a", "b")) and str(again) == "a has b"


def test_plain_text_and_foreign_exceptions_become_text_messages() -> None:
    assert english(describe_message(ResLensError("plain words"))) == "plain words"
    assert english(describe_message(KeyError("k"))) == "KeyError: 'k'"
