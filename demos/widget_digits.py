"""Train the digits widget's model on drawings like a reader's, seen as the widget sees them.

A reader draws on/off cells on an 8x8 grid, with thin or thick strokes,
small or off-centre. So each of scikit-learn's 8x8 digits becomes several
drawings: cut at three ink levels (thick to thinner strokes), its ridge (the
middle of each stroke, one cell wide, as a thin pen draws it), and both shrunk
into a smaller box at a random place. Every drawing then goes through the
widget's own ``preprocess`` (``widgets/digits.py``, declared as this demo's
data so a change to it retrains), and a logistic regression learns from what
comes out. Writes ``weights.json`` (about 6 KB) into ``$DEMO_ARTIFACTS_DIR``
(default: ``demo-artifacts/widget_digits`` next to this file).
"""

import importlib.util
import json
import os
from pathlib import Path

import numpy as np
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split

INK_LEVELS = (4, 8, 12)  # scikit-learn's digits are 0..16: a lower cut draws thicker strokes
RIDGE_INK = 6  # the least ink a ridge cell has
DECIMALS = 4
rng = np.random.default_rng(0)

out_dir = Path(
    os.environ.get("DEMO_ARTIFACTS_DIR") or Path(__file__).with_name("demo-artifacts") / "widget_digits"
)
out_dir.mkdir(parents=True, exist_ok=True)

# The widget's code, imported by path exactly as the site's build imports it.
WIDGET = Path(__file__).parents[1] / "widgets" / "digits.py"
spec = importlib.util.spec_from_file_location("digits_widget", WIDGET)
widget = importlib.util.module_from_spec(spec)
spec.loader.exec_module(widget)


def ridge(image: np.ndarray) -> np.ndarray:
    """On/off cells along the middle of the strokes: inked cells at a peak across or along."""
    padded = np.pad(image, 1)
    middle = padded[1:-1, 1:-1]
    across = (middle >= padded[1:-1, :-2]) & (middle >= padded[1:-1, 2:])
    along = (middle >= padded[:-2, 1:-1]) & (middle >= padded[2:, 1:-1])
    return ((middle >= RIDGE_INK) & (across | along)).astype(int)


def shrunk(cells: np.ndarray) -> np.ndarray:
    """A drawing made smaller (5 to 7 cells high) and put somewhere on the grid."""
    size = int(rng.integers(5, 8))
    index = (np.arange(size) * 8 / size).astype(int)
    small = cells[np.ix_(index, index)]
    grid = np.zeros((8, 8), dtype=int)
    top, left = rng.integers(0, 9 - size, size=2)
    grid[top : top + size, left : left + size] = small
    return grid


def drawings(images: np.ndarray, labels: np.ndarray) -> tuple[list, list]:
    """On/off drawings made from 8x8 intensity images, with their labels."""
    cells, targets = [], []
    for image, label in zip(images, labels, strict=True):
        made = [(image >= level).astype(int) for level in INK_LEVELS] + [ridge(image)]
        made += [shrunk(made[1]), shrunk(made[-1])]
        cells += [grid.ravel() for grid in made]
        targets += [label] * len(made)
    return cells, targets


def seen(cells: list) -> np.ndarray:
    return np.array([widget.preprocess([int(v) for v in grid]) for grid in cells])


digits = load_digits()
train_images, test_images, y_train, y_test = train_test_split(
    digits.images, digits.target, test_size=0.25, random_state=0, stratify=digits.target
)
train_cells, train_targets = drawings(train_images, y_train)
test_cells, test_targets = drawings(test_images, y_test)
model = LogisticRegression(max_iter=3000, C=0.02)
model.fit(seen(train_cells), train_targets)
accuracy = model.score(seen(test_cells), test_targets)

sample = (test_images[0] >= 8).astype(int).ravel()
weights = {
    "model": "LogisticRegression(C=0.02) on preprocessed 8x8 drawings",
    "classes": [str(c) for c in model.classes_],
    "coef": [[round(float(w), DECIMALS) for w in row] for row in model.coef_],
    "intercept": [round(float(b), DECIMALS) for b in model.intercept_],
    "test_accuracy": round(float(accuracy), 4),
    "sample": {"pixels": [int(v) for v in sample], "true_label": str(y_test[0])},
}
(out_dir / "weights.json").write_text(json.dumps(weights, separators=(",", ":")))

print(f"Trained on {len(train_cells)} drawings made from {len(train_images)} digits.")
print(f"Tested on {len(test_cells)} drawings of {len(test_images)} held-out digits.")
print(f"Test accuracy: {accuracy:.1%}")
print(f"Exported {model.coef_.size + model.intercept_.size} numbers to weights.json")
