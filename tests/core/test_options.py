"""Numeric options: refused at parse time (exit 2) with the flag and its range; NaN and infinity
never pass; Hypothesis draws values on both sides of every bound."""

from __future__ import annotations

import argparse
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core import options
from core.options import Range

RANGES = {name: value for name, value in vars(options).items() if isinstance(value, Range)}


def parser_with(flag: str, kind: Range) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="reslens-cli test", exit_on_error=True)
    parser.add_argument(flag, type=kind)
    return parser


@pytest.mark.parametrize("name", sorted(RANGES))
@given(value=st.floats(allow_nan=True, allow_infinity=True) | st.integers(-(2**70), 2**70))
def test_a_value_parses_exactly_when_it_is_in_range(name: str, value: float) -> None:
    kind = RANGES[name]
    text = str(value)
    expected = kind.parse(text)
    inside = expected is not None and kind.contains(expected)
    if inside:
        assert kind(text) == expected
        if kind.low is not None:
            assert expected > kind.low if kind.low_open else expected >= kind.low
        if kind.high is not None:
            assert expected < kind.high if kind.high_open else expected <= kind.high
        assert math.isfinite(expected)
    else:
        with pytest.raises(argparse.ArgumentTypeError, match=kind.describe()):
            kind(text)


@pytest.mark.parametrize("name", sorted(RANGES))
def test_the_bounds_themselves(name: str) -> None:
    kind = RANGES[name]
    for bound, is_open in ((kind.low, kind.low_open), (kind.high, kind.high_open)):
        if bound is None:
            continue
        text = str(int(bound)) if kind.integer else repr(float(bound))
        if is_open:
            with pytest.raises(argparse.ArgumentTypeError):
                kind(text)
        else:
            assert kind(text) == bound
    for bad in ("nan", "inf", "-inf", "", "three", "1e999"):
        with pytest.raises(argparse.ArgumentTypeError):
            kind(bad)


def test_refusal_is_exit_2_naming_the_flag_and_the_range(capsys: pytest.CaptureFixture[str]) -> None:
    parser = parser_with("--lr", options.LEARNING_RATE)
    with pytest.raises(SystemExit) as exit_info:
        parser.parse_args(["--lr", "nan"])
    assert exit_info.value.code == 2
    assert "argument --lr: 'nan' is not a number > 0 and ≤ 10" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("kind", "text"),
    [
        (options.LEARNING_RATE, "a number > 0 and ≤ 10"),
        (options.BATCH_SIZE, "a whole number from 1 to 4096"),
        (options.SEED, "a whole number from 0 to 4294967295"),
        (options.IMAGE_SIZE, "a whole number from 16 to 2048"),
        (options.LABEL_SMOOTHING, "a number ≥ 0 and < 1"),
        (options.VAL_SPLIT, "a number > 0 and ≤ 0.9"),
    ],
)
def test_ranges_say_what_they_accept(kind: Range, text: str) -> None:
    """The numbers are the rule: a change to one shows here."""
    assert kind.describe() == text


def test_whole_numbers_are_written_as_such() -> None:
    assert options.BATCH_SIZE("8") == 8
    for text in ("8.0", "0x10", "1e3"):
        with pytest.raises(argparse.ArgumentTypeError):
            options.BATCH_SIZE(text)


# Every numeric option of every sub-command, with values it must refuse before any work (issue 24:
# "--batch-size 0/-4, --lr nan/-1, --head-lr inf, --weight-decay nan, --label-smoothing 5, ...").
REFUSED = [
    ("train DATA --out M.safetensors", "--batch-size", ["0", "-4"]),
    ("train DATA --out M.safetensors", "--lr", ["nan", "-1", "inf"]),
    ("train DATA --out M.safetensors", "--head-lr", ["inf"]),
    ("train DATA --out M.safetensors", "--weight-decay", ["nan"]),
    ("train DATA --out M.safetensors", "--label-smoothing", ["5"]),
    ("train DATA --out M.safetensors", "--min-scale", ["2", "-1"]),
    ("train DATA --out M.safetensors", "--rotation", ["-30", "nan"]),
    ("train DATA --out M.safetensors", "--warmup-epochs", ["nan"]),
    ("train DATA --out M.safetensors", "--seed", [str(2**70)]),
    ("train DATA --out M.safetensors", "--threads", ["-2", "100000", "5000"]),
    ("train DATA --out M.safetensors", "--input-size", ["-64", "8", "1", "15"]),
    ("train DATA --out M.safetensors", "--resize-size", ["1"]),
    ("train DATA --out M.safetensors", "--val-split", ["nan", "0"]),
    ("generate-shapes OUT", "--size", ["0", "-10"]),
    ("generate-shapes OUT", "--seed", ["-1"]),
    ("classify X.png", "--top-k", ["0"]),
    ("classify X.png", "--batch-size", ["0"]),
    ("batch X.png --out OUT", "--batch-size", ["-1"]),
    ("batch X.png --out OUT", "--shard-size", ["0"]),
    ("explain X.png", "--opacity", ["2", "nan"]),
    ("summary", "--num-classes", ["-1", "0"]),
]


@pytest.mark.parametrize(
    ("command", "flag", "value"),
    [(command, flag, value) for command, flag, values in REFUSED for value in values],
)
def test_every_sub_command_refuses_a_bad_number_at_parse_time(
    command: str, flag: str, value: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Exit 2 from argparse, naming the flag and the allowed range; nothing runs (no torch import
    is needed to refuse)."""
    from core.cli import main

    with pytest.raises(SystemExit) as exit_info:
        main([*command.split(), flag, value])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert f"argument {flag}: {value!r} is not " in err, err
