"""Train the digits widget's model: logistic regression on binarised 8x8 digits.

Writes ``weights.json`` (coefficients rounded to 4 decimals, about 5 KB) into
``$DEMO_ARTIFACTS_DIR`` (default: ``demo-artifacts/widget_digits`` next to
this file) for the ``::: widget digits`` block.  The reader's grid is on/off,
so the training pixels are binarised the same way.
"""

import json
import os
from pathlib import Path

from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split

ON_THRESHOLD = 8  # scikit-learn's digits are 0..16 intensities
DECIMALS = 4

out_dir = Path(
    os.environ.get("DEMO_ARTIFACTS_DIR") or Path(__file__).with_name("demo-artifacts") / "widget_digits"
)
out_dir.mkdir(parents=True, exist_ok=True)

digits = load_digits()
pixels = (digits.data >= ON_THRESHOLD).astype(int)
x_train, x_test, y_train, y_test = train_test_split(
    pixels, digits.target, test_size=0.25, random_state=0, stratify=digits.target
)
model = LogisticRegression(max_iter=2000, C=0.5)
model.fit(x_train, y_train)
accuracy = model.score(x_test, y_test)

sample = x_test[0]
weights = {
    "model": "LogisticRegression(C=0.5), binarised 8x8 digits",
    "classes": [str(c) for c in model.classes_],
    "coef": [[round(float(w), DECIMALS) for w in row] for row in model.coef_],
    "intercept": [round(float(b), DECIMALS) for b in model.intercept_],
    "test_accuracy": round(float(accuracy), 4),
    "sample": {"pixels": [int(v) for v in sample], "true_label": str(y_test[0])},
}
(out_dir / "weights.json").write_text(json.dumps(weights, separators=(",", ":")))

print(f"Trained on {len(x_train)} digits, tested on {len(x_test)}.")
print(f"Test accuracy: {accuracy:.1%}")
print(f"Exported {model.coef_.size + model.intercept_.size} numbers to weights.json")
