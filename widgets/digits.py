"""Guess a hand-drawn digit on an 8x8 grid with a multinomial logistic regression.

The weights come from ``demos/widget_digits.py`` (scikit-learn, trained on the
binarised 8x8 digits bundled with scikit-learn).  Only the standard library is
used, in the subset MicroPython shares with CPython, so the same function runs
in CPython, in Pyodide and in MicroPython.
"""

import math

TITLE = "Draw a digit"
EXPLANATION = (
    "A logistic regression with 650 numbers (64 weights for each of the ten "
    "digits, plus ten offsets) guesses which digit you drew on the 8 by 8 grid."
)
INPUT = {"kind": "grid", "rows": 8, "cols": 8, "label": "8 by 8 drawing grid"}


def sample_input(weights: dict) -> list[int]:
    """The held-out test digit the training demo exported with the weights."""
    return [int(value) for value in weights["sample"]["pixels"]]


def predict(weights: dict, pixels: list[float]) -> dict:
    """Class probabilities (softmax of the linear scores) for 64 pixel values."""
    size = len(weights["coef"][0])
    if len(pixels) != size:
        raise ValueError(f"expected {size} pixels, got {len(pixels)}")
    scores = [
        bias + sum(w * float(x) for w, x in zip(row, pixels))
        for row, bias in zip(weights["coef"], weights["intercept"])
    ]
    top = max(scores)
    exps = [math.exp(score - top) for score in scores]
    total = sum(exps)
    probabilities = [
        {"label": str(label), "p": round(e / total, 6)}
        for label, e in zip(weights["classes"], exps)
    ]
    best = max(range(len(scores)), key=lambda index: scores[index])
    return {"label": str(weights["classes"][best]), "probabilities": probabilities}


def describe(result: dict) -> str:
    """One sentence for the aria-live region and the static fallback.

    round() and not the ``:.0%`` format: MicroPython formats 0.745 as 75%, CPython as 74%.
    """
    best = max(result["probabilities"], key=lambda item: item["p"])
    return f"The model guesses {result['label']} ({round(best['p'] * 100)}% probability)."
