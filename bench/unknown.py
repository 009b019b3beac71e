"""The bundled model's "unknown" threshold: calibrate it, measure it, write it into the card.

The study itself is ``tools/calibrate_unknown.py``: the threshold is chosen on in-class images
only (``core.shapes`` at seed 14001, keeping ``core.unknown.DEFAULT_KEEP`` of them known) and then
measured on letters, textures and noise (seed 14001) and on fresh in-class images, the bundled
samples and digits 0-9 in the system's fonts (seed 14002). Digits never train or choose anything:
the outlier-exposure fine-tune (``core.outlier_exposure``) renders no digit, and the threshold
sees in-class images only.

This wrapper adds what the study cannot know: what this model's probabilities mean, which
depends on how it was trained (the card's ``outlier_exposure`` record), and the command that
reproduces the figures.

    python bench/unknown.py                  # print the study
    python bench/unknown.py --update-card    # and write threshold, figures and note into the card
"""

from __future__ import annotations

import json
import shlex
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tools")]

import calibrate_unknown  # noqa: E402  (tools/calibrate_unknown.py)

from core.metadata import card_path  # noqa: E402
from core.weights import bundled_model_path  # noqa: E402


def confidence_note(card: dict) -> str:
    """What a probability of this model means, from how it was trained."""
    classes = len(card.get("classes", ())) or 12
    tuned = card.get("outlier_exposure", {}).get("config", {})
    smoothing = tuned.get("label_smoothing", card.get("config", {}).get("label_smoothing", 0.0))
    sure = 1 - smoothing + smoothing / classes
    note = (
        f"Probabilities are softmax outputs. In-class pictures were trained toward one class "
        f"(label smoothing {smoothing:g}, so a sure answer reads about {sure:.2f})"
    )
    if tuned:
        note += (
            f", and pictures of none of the classes (letters, scribbles, textures, noise) toward "
            f"all {classes} at once (outlier exposure): ideally such a picture reads "
            f"1/{classes} = {1 / classes:.2f} for every class"
        )
    return (
        note + ". Read them as relative confidence, not as calibrated chances; below "
        "unknown_threshold a result is reported as unknown (none of the classes)."
    )


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    code = calibrate_unknown.main(argv)
    if code == 0 and "--update-card" in argv:
        path = card_path(bundled_model_path())
        data = json.loads(path.read_text(encoding="utf-8"))
        data["confidence_note"] = confidence_note(data.get("card", {}))
        data["unknown_calibration"]["command"] = shlex.join(["python", "bench/unknown.py", *argv])
        path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return code


if __name__ == "__main__":
    sys.exit(main())
