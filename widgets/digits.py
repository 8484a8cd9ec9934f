"""Read a hand-drawn digit on an 8x8 grid with a multinomial logistic regression.

scikit-learn's digits were made by scanning pen strokes into 32x32 bitmaps,
scaling each digit to the full height, and counting the ink in each 4x4 block
(0 to 16). A reader's drawing is on/off, often thin, small, slanted or
off-centre, so ``preprocess`` makes it the same way: straighten it (shear it
so the ink leans neither way, as MNIST's "deskewing" does), crop to the ink,
scale it to the full height (narrowing a wide drawing to the training digits'
width), centre it (by mass and by its box), draw it with a wide pen on a 32x32
canvas and count the ink in each 4x4 block, so small, slanted and off-centre
drawings look like the training digits and thin strokes get their weight. The
training demo (``demos/widget_digits.py``) trains on drawings made from
scikit-learn's digits and on pen drawings of each digit, all passed through
this very function, so the build, the training and the browser all see a
drawing the same way. Only the standard library is used, in the subset
MicroPython shares with CPython, so the same function runs
in CPython, in Pyodide and in MicroPython.
"""

import math

TITLE = "Draw a digit"
EXPLANATION = (
    "A logistic regression with 650 numbers (64 weights for each of the ten "
    "digits, plus ten offsets) guesses which digit you drew on the 8 by 8 grid. "
    "Your drawing is first straightened, centred, scaled and thickened the way "
    "the training digits were; the picture with the result is what the model sees."
)
INPUT = {"kind": "grid", "rows": 8, "cols": 8, "label": "8 by 8 drawing grid"}

CANVAS = 32  # pixels a side, as in the scans scikit-learn's digits come from
BLOCK = 4  # 32 / 8: each feature counts the ink of a 4x4 block (0 to 16)
PEN = 2  # pixels added around each stroke on the canvas
WIDEST = 22  # pixels: the training digits are about 5.5 of the 8 blocks wide
MASS_WEIGHT = 0.5  # centre halfway between the centre of mass and the middle of the ink's box
MOST_SLANT = 1.0  # cells across per cell down: a steeper slant is the digit's shape, not a slant


def sample_input(weights: dict) -> list[int]:
    """The held-out test drawing the training demo exported with the weights."""
    return [int(value) for value in weights["sample"]["pixels"]]


def preprocess(cells: list[float], rows: int = 8, cols: int = 8) -> list[float]:
    """64 ink counts (0 to 16) of a rows x cols on/off drawing, straightened, centred, scaled, thickened."""
    ink = [(r + 0.5, c + 0.5) for r in range(rows) for c in range(cols) if cells[r * cols + c]]
    if not ink:
        return [0.0] * 64
    ink = upright(ink)
    top = min(r for r, _ in ink) - 0.5
    height = max(r for r, _ in ink) + 0.5 - top
    left = min(c for _, c in ink) - 0.5
    width = max(c for _, c in ink) + 0.5 - left
    # Full height, as the training digits; a wide drawing is narrowed to their widest.
    scale_y = CANVAS / height
    scale = min(scale_y, WIDEST / width)
    # Halfway between the centre of mass and the middle of the box goes to the canvas's centre column.
    mass = sum(c for _, c in ink) / len(ink) - left
    shift = CANVAS / 2 - (MASS_WEIGHT * mass + (1 - MASS_WEIGHT) * width / 2) * scale
    half_y = max(scale_y / 2, BLOCK / 2 + PEN / 2)  # thin strokes get a pen at least this wide
    half = max(scale / 2, BLOCK / 2 + PEN / 2)
    canvas = [[False] * CANVAS for _ in range(CANVAS)]
    for r, c in ink:
        cy, cx = (r - top) * scale_y, (c - left) * scale + shift
        for y in range(max(0, math.floor(cy - half_y)), min(CANVAS, math.ceil(cy + half_y))):
            row = canvas[y]
            for x in range(max(0, math.floor(cx - half)), min(CANVAS, math.ceil(cx + half))):
                row[x] = True
    return [
        float(
            sum(
                canvas[y][x]
                for y in range(by * BLOCK, (by + 1) * BLOCK)
                for x in range(bx * BLOCK, (bx + 1) * BLOCK)
            )
        )
        for by in range(CANVAS // BLOCK)
        for bx in range(CANVAS // BLOCK)
    ]


def upright(ink: list) -> list:
    """The ink cells (row, column) sheared so that their slant is gone: each row moves
    sideways by the covariance of rows and columns over the variance of rows."""
    count = len(ink)
    mean_r = sum(r for r, _ in ink) / count
    mean_c = sum(c for _, c in ink) / count
    spread = sum((r - mean_r) ** 2 for r, _ in ink)
    if not spread:
        return ink  # a single row: nothing to straighten
    slant = sum((r - mean_r) * (c - mean_c) for r, c in ink) / spread
    slant = max(-MOST_SLANT, min(MOST_SLANT, slant))
    return [(r, c - slant * (r - mean_r)) for r, c in ink]


def predict(weights: dict, pixels: list[float]) -> dict:
    """Class probabilities (softmax of the linear scores) and the 8x8 image the model saw."""
    if len(pixels) != 64:
        raise ValueError(f"expected 64 pixels, got {len(pixels)}")
    features = preprocess(pixels)
    scores = [
        bias + sum(w * float(x) for w, x in zip(row, features))
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
    image = {"rows": 8, "cols": 8, "max": 16, "values": features}
    return {"label": str(weights["classes"][best]), "probabilities": probabilities, "image": image}


def describe(result: dict) -> str:
    """One sentence for the aria-live region and the static fallback.

    round() and not the ``:.0%`` format: MicroPython formats 0.745 as 75%, CPython as 74%.
    """
    best = max(result["probabilities"], key=lambda item: item["p"])
    return f"The model guesses {result['label']} ({round(best['p'] * 100)}% probability)."
