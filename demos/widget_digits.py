"""Train the digits widget's model on drawings like a reader's, seen as the widget sees them.

A reader draws on/off cells on an 8x8 grid, with thin or thick strokes,
small, slanted or off-centre. So the model learns from two kinds of drawing:

- each of scikit-learn's 8x8 digits (handwriting scanned from 43 people) made
  into several drawings: cut at three ink levels (thick to thinner strokes),
  its ridge (the middle of each stroke, one cell wide, as a thin pen draws
  it), and both shrunk into a smaller box at a random place;
- digits drawn with a pen, stroke by stroke, the way people commonly write
  them (a 1 with or without a flag and a base, a 4 open or closed, a 7 with or
  without a bar...), each at a random size, width, slant, tilt and place, with
  a one-cell or a two-cell pen: scikit-learn's writers drew on paper, not on a
  coarse grid, and the scans alone taught the model too little about grids.

Every drawing then goes through the widget's own ``preprocess``
(``widgets/digits.py``, declared as this demo's data so a change to it
retrains), and a logistic regression learns from what comes out. It is tested
on drawings of held-out scanned digits and on pen drawings made with another
seed. Writes ``weights.json`` (about 6 KB) into ``$DEMO_ARTIFACTS_DIR``
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
PEN_DRAWINGS = 300  # per digit, for training; as many again, with another seed, for testing
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


def arc(cx: float, cy: float, rx: float, ry: float, start: float, end: float) -> list:
    """Points along an ellipse in a unit box, from `start` to `end` degrees (0 right, 90 down)."""
    angles = np.radians(np.linspace(start, end, 24))
    return list(zip(cx + rx * np.cos(angles), cy + ry * np.sin(angles), strict=True))


# Each digit's common shapes, as strokes (lists of points) in a unit box, x right and y down.
PEN_STYLES = {
    "0": [[arc(0.5, 0.5, 0.4, 0.5, 0, 360)]],
    "1": [
        [[(0.5, 0), (0.5, 1)]],
        [[(0.25, 0.25), (0.5, 0), (0.5, 1)]],
        [[(0.25, 0.25), (0.5, 0), (0.5, 1)], [(0.2, 1), (0.8, 1)]],
    ],
    "2": [
        [arc(0.5, 0.28, 0.4, 0.28, 180, 410) + [(0.1, 1), (0.9, 1)]],
        [arc(0.5, 0.3, 0.38, 0.3, 200, 360) + [(0.88, 0.35), (0.1, 1), (0.95, 1)]],
    ],
    "3": [
        [arc(0.45, 0.26, 0.4, 0.26, 200, 449) + arc(0.45, 0.74, 0.42, 0.26, 270, 520)],
        [[(0.1, 0), (0.9, 0), (0.4, 0.42)] + arc(0.45, 0.7, 0.42, 0.3, 270, 520)],
    ],
    "4": [
        [[(0.7, 1), (0.7, 0), (0.05, 0.68), (0.95, 0.68)]],
        [[(0.15, 0), (0.15, 0.6), (0.95, 0.6)], [(0.75, 0), (0.75, 1)]],
    ],
    "5": [[[(0.85, 0), (0.2, 0), (0.15, 0.45)] + arc(0.45, 0.68, 0.4, 0.3, 240, 500)]],
    "6": [[arc(0.75, 0.62, 0.65, 0.62, 250, 180) + arc(0.5, 0.7, 0.36, 0.3, 180, 540)]],
    "7": [
        [[(0.05, 0), (0.95, 0), (0.35, 1)]],
        [[(0.05, 0), (0.95, 0), (0.35, 1)], [(0.3, 0.5), (0.8, 0.5)]],
    ],
    "8": [[arc(0.5, 0.25, 0.32, 0.25, 90, 450), arc(0.5, 0.73, 0.4, 0.27, 270, 630)]],
    "9": [
        [arc(0.5, 0.3, 0.35, 0.3, 0, 360), [(0.85, 0.3), (0.75, 1)]],
        [arc(0.5, 0.3, 0.35, 0.3, 0, 360), [(0.85, 0.3), (0.85, 1)]],
    ],
}


def along(stroke: list, step: float = 0.02) -> np.ndarray:
    """Points every `step` along a stroke's segments."""
    corners = np.array(stroke, dtype=float)
    points = [corners[0]]
    for start, end in zip(corners[:-1], corners[1:], strict=True):
        count = max(1, int(np.hypot(*(end - start)) / step))
        points += [start + (end - start) * k / count for k in range(1, count + 1)]
    return np.array(points)


def pen_drawing(digit: str, generator: np.random.Generator) -> np.ndarray:
    """`digit` drawn on the 8x8 grid in one of its shapes: random size, width, slant,
    tilt and place, every stroke a little unsteady, with a one- or two-cell pen."""
    styles = PEN_STYLES[digit]
    strokes = styles[generator.integers(len(styles))]
    unsteady = [[(x + generator.normal(0, 0.03), y + generator.normal(0, 0.03)) for x, y in s]
                for s in strokes]
    points = [along(stroke) for stroke in unsteady]
    height = generator.uniform(4.5, 8.0)
    if digit == "1":  # as wide as its flag and base, if any
        width = height * (np.ptp(np.vstack(points)[:, 0]) + 0.05)
    else:
        width = min(height * generator.uniform(0.5, 0.9), 8.0)
    slant, tilt = generator.uniform(-0.25, 0.25), np.radians(generator.uniform(-8, 8))
    thick = generator.random() < 0.4

    def placed(stroke: np.ndarray) -> np.ndarray:
        x = (stroke[:, 0] - 0.5) * width + slant * (stroke[:, 1] - 0.5) * height
        y = (stroke[:, 1] - 0.5) * height
        return np.c_[x * np.cos(tilt) - y * np.sin(tilt), x * np.sin(tilt) + y * np.cos(tilt)]

    points = [placed(stroke) for stroke in points]
    low, high = np.vstack(points).min(0), np.vstack(points).max(0)
    offset = -low + generator.uniform(0, 1, 2) * np.maximum(8 - (high - low), 0)
    grid = np.zeros((8, 8), dtype=int)
    for stroke in points:
        for x, y in stroke + offset:
            col, row = int(np.clip(x, 0, 7.999)), int(np.clip(y, 0, 7.999))
            grid[row, col] = 1
            if thick:  # the neighbours the pen's other half covers
                side = (row, col + (1 if x - col > 0.5 else -1))
                below = (row + (1 if y - row > 0.5 else -1), col)
                for r, c in (side, below):
                    if 0 <= r < 8 and 0 <= c < 8:
                        grid[r, c] = 1
    return grid


def pen_drawings(count: int, seed: int) -> tuple[list, list]:
    generator = np.random.default_rng(seed)
    cells, targets = [], []
    for digit in "0123456789":
        for _ in range(count):
            cells.append(pen_drawing(digit, generator).ravel())
            targets.append(int(digit))
    return cells, targets


def seen(cells: list) -> np.ndarray:
    return np.array([widget.preprocess([int(v) for v in grid]) for grid in cells])


digits = load_digits()
train_images, test_images, y_train, y_test = train_test_split(
    digits.images, digits.target, test_size=0.25, random_state=0, stratify=digits.target
)
train_cells, train_targets = drawings(train_images, y_train)
test_cells, test_targets = drawings(test_images, y_test)
pen_train_cells, pen_train_targets = pen_drawings(PEN_DRAWINGS, seed=1)
pen_test_cells, pen_test_targets = pen_drawings(PEN_DRAWINGS, seed=2)
model = LogisticRegression(max_iter=5000, C=0.02)
model.fit(seen(train_cells + pen_train_cells), train_targets + pen_train_targets)
accuracy = model.score(seen(test_cells), test_targets)
pen_accuracy = model.score(seen(pen_test_cells), pen_test_targets)

sample = (test_images[0] >= 8).astype(int).ravel()
weights = {
    "model": "LogisticRegression(C=0.02) on preprocessed 8x8 drawings",
    "classes": [str(c) for c in model.classes_],
    "coef": [[round(float(w), DECIMALS) for w in row] for row in model.coef_],
    "intercept": [round(float(b), DECIMALS) for b in model.intercept_],
    "test_accuracy": round(float(accuracy), 4),
    "pen_test_accuracy": round(float(pen_accuracy), 4),
    "sample": {"pixels": [int(v) for v in sample], "true_label": str(y_test[0])},
}
(out_dir / "weights.json").write_text(json.dumps(weights, separators=(",", ":")))

print(f"Trained on {len(train_cells)} drawings made from {len(train_images)} scanned digits")
print(f"and {len(pen_train_cells)} pen drawings.")
print(f"Test accuracy on {len(test_cells)} drawings of {len(test_images)} held-out digits: {accuracy:.1%}")
print(f"Test accuracy on {len(pen_test_cells)} pen drawings made with another seed: {pen_accuracy:.1%}")
print(f"Exported {model.coef_.size + model.intercept_.size} numbers to weights.json")
