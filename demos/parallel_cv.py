"""Spare cycles: the same cross-validation run serially and split over two worker processes.

Splitting work over workers shortens the wall-clock time, but the processor time,
and so the energy, stays about the same: parallelism buys time, not electricity.
Runs on its own: `python demos/parallel_cv.py`.
"""

import time
from multiprocessing import Pool

import matplotlib.pyplot as plt
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_val_score

X, y = load_digits(return_X_y=True)
X = X / 16.0
STRENGTHS = [0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0, 30.0]


def score(strength: float) -> float:
    model = LogisticRegression(C=strength, max_iter=2000)
    return cross_val_score(model, X, y, cv=5).mean()


def timed(run) -> tuple[list[float], float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    scores = run()
    return scores, time.perf_counter() - wall, time.process_time() - cpu


if __name__ == "__main__":
    serial, serial_wall, serial_cpu = timed(lambda: [score(c) for c in STRENGTHS])

    def in_pool() -> list[float]:
        with Pool(processes=2) as pool:
            return pool.map(score, STRENGTHS)

    parallel, parallel_wall, _ = timed(in_pool)
    assert [round(s, 6) for s in serial] == [round(s, 6) for s in parallel]
    for strength, accuracy in zip(STRENGTHS, serial, strict=True):
        print(f"C = {strength:<5}: cross-validated accuracy {accuracy:.3f}")
    print(f"one process : {serial_wall:5.2f} s wall, {serial_cpu:5.2f} s CPU")
    print(f"two workers : {parallel_wall:5.2f} s wall (their CPU time counts in this demo's total)")
    print(f"speed-up    : {serial_wall / parallel_wall:.2f}x on this machine")

    fig, ax = plt.subplots(figsize=(4.2, 2.3))
    ax.barh(["one process", "two workers"], [serial_wall, parallel_wall], color=["#8c510a", "#01665e"])
    ax.set_xlabel("wall-clock seconds for the same eight cross-validations")
    ax.set_title("Splitting work saves time, not processor work", fontsize=11)
    fig.tight_layout()
    plt.show()
