"""Train the iris widget's model: a six-neuron network on the iris measurements.

Writes ``weights.json`` (standardisation, two layers, about 1.5 KB) into
``$DEMO_ARTIFACTS_DIR`` (default: ``demo-artifacts/widget_iris`` next to this
file) for the ``::: widget iris`` block.
"""

import json
import os
from pathlib import Path

from sklearn.datasets import load_iris
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import StandardScaler

DECIMALS = 5

out_dir = Path(
    os.environ.get("DEMO_ARTIFACTS_DIR") or Path(__file__).with_name("demo-artifacts") / "widget_iris"
)
out_dir.mkdir(parents=True, exist_ok=True)

iris = load_iris()
x_train, x_test, y_train, y_test = train_test_split(
    iris.data, iris.target, test_size=0.3, random_state=1, stratify=iris.target
)
scaler = StandardScaler().fit(x_train)
model = MLPClassifier(hidden_layer_sizes=(6,), max_iter=3000, random_state=0)
model.fit(scaler.transform(x_train), y_train)
accuracy = model.score(scaler.transform(x_test), y_test)


def rounded(values):
    """Nested lists of floats, rounded so the JSON stays small."""
    if hasattr(values, "tolist"):
        values = values.tolist()
    if isinstance(values, list):
        return [rounded(v) for v in values]
    return round(float(values), DECIMALS)


names = [f"Iris {name}" for name in iris.target_names]
weights = {
    "model": "MLPClassifier(hidden_layer_sizes=(6,), relu), standardised inputs",
    "classes": names,
    "mean": rounded(scaler.mean_),
    "scale": rounded(scaler.scale_),
    "coefs": rounded(model.coefs_),
    "intercepts": rounded(model.intercepts_),
    "test_accuracy": round(float(accuracy), 4),
    "sample": {"features": [float(v) for v in x_test[0]], "true_label": names[y_test[0]]},
}
(out_dir / "weights.json").write_text(json.dumps(weights, separators=(",", ":")))

n_numbers = sum(c.size for c in model.coefs_) + sum(b.size for b in model.intercepts_)
print(f"Trained on {len(x_train)} flowers, tested on {len(x_test)}.")
print(f"Test accuracy: {accuracy:.1%}")
print(f"Exported {n_numbers} network numbers to weights.json")
