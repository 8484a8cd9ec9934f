"""Name an iris from four flower measurements with a six-neuron network.

The weights come from ``demos/widget_iris.py`` (scikit-learn ``MLPClassifier``
with one hidden layer of six ReLU neurons, trained on the iris data set).
Only the standard library is used, in the subset MicroPython shares with CPython,
so the same code runs in CPython, in Pyodide and in MicroPython.
"""

import math

TITLE = "Name the iris"
EXPLANATION = (
    "A neural network with six hidden neurons (51 numbers in all) names the "
    "iris species from four measurements. Move the sliders to change the flower."
)
INPUT = {
    "kind": "sliders",
    "fields": [
        {"name": "sepal_length", "label": "Sepal length", "min": 4.0, "max": 8.0, "step": 0.1, "unit": "cm"},
        {"name": "sepal_width", "label": "Sepal width", "min": 2.0, "max": 4.5, "step": 0.1, "unit": "cm"},
        {"name": "petal_length", "label": "Petal length", "min": 1.0, "max": 7.0, "step": 0.1, "unit": "cm"},
        {"name": "petal_width", "label": "Petal width", "min": 0.1, "max": 2.5, "step": 0.1, "unit": "cm"},
    ],
}


def sample_input(weights: dict) -> list[float]:
    """The held-out flower the training demo exported with the weights."""
    return [float(value) for value in weights["sample"]["features"]]


def _layer(inputs: list[float], matrix: list[list[float]], biases: list[float]) -> list[float]:
    """inputs @ matrix + biases, with ``matrix`` stored as scikit-learn's coefs_ (in x out)."""
    return [bias + sum(x * matrix[i][j] for i, x in enumerate(inputs)) for j, bias in enumerate(biases)]


def predict(weights: dict, features: list[float]) -> dict:
    """Species probabilities for [sepal length, sepal width, petal length, petal width] in cm."""
    if len(features) != len(weights["mean"]):
        raise ValueError(f"expected {len(weights['mean'])} features, got {len(features)}")
    scaled = [(float(x) - m) / s for x, m, s in zip(features, weights["mean"], weights["scale"])]
    hidden = [max(0.0, h) for h in _layer(scaled, weights["coefs"][0], weights["intercepts"][0])]
    scores = _layer(hidden, weights["coefs"][1], weights["intercepts"][1])
    top = max(scores)
    exps = [math.exp(score - top) for score in scores]
    total = sum(exps)
    probabilities = [
        {"label": label, "p": round(e / total, 6)} for label, e in zip(weights["classes"], exps)
    ]
    best = max(range(len(scores)), key=lambda index: scores[index])
    return {"label": weights["classes"][best], "probabilities": probabilities}


def describe(result: dict) -> str:
    """One sentence for the aria-live region and the static fallback.

    round() and not the ``:.0%`` format: MicroPython formats 0.745 as 75%, CPython as 74%.
    """
    best = max(result["probabilities"], key=lambda item: item["p"])
    return f"The network says {result['label']} ({round(best['p'] * 100)}% probability)."
