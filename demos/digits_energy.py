"""Accuracy against compute for neural networks of growing size (scikit-learn digits).

Runs on its own: `python demos/digits_energy.py`. At build time the measured-demos
plugin runs it in a fresh process and reports the energy the whole script used.
"""

import time
import warnings

import matplotlib.pyplot as plt
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier

# Small networks stop at max_iter on purpose: equal training budgets, fair comparison.
warnings.filterwarnings("ignore", category=ConvergenceWarning)

X, y = load_digits(return_X_y=True)
X = X / 16.0
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3, random_state=0)

# Training energy, estimated the Green Algorithms way for a CPU of unknown model:
# CPU time x 12 W per core. (The plugin measures the whole script, not just fits.)
WATTS_PER_CORE = 12
sizes = [2, 4, 8, 16, 32]
accuracies, seconds, parameters = [], [], []
print(f"{'hidden units':>12} {'parameters':>10} {'CPU s':>7} {'est. J':>7} {'accuracy':>8}")
for size in sizes:
    model = MLPClassifier(hidden_layer_sizes=(size,), max_iter=200, random_state=0)
    start = time.process_time()
    model.fit(X_train, y_train)
    spent = time.process_time() - start
    accuracy = model.score(X_test, y_test)
    count = sum(w.size for w in model.coefs_) + sum(b.size for b in model.intercepts_)
    accuracies.append(accuracy)
    seconds.append(spent)
    parameters.append(count)
    print(f"{size:>12} {count:>10} {spent:>7.3f} {spent * WATTS_PER_CORE:>7.2f} {accuracy:>8.3f}")

fig, ax = plt.subplots(figsize=(4.2, 2.9))
joules = [spent * WATTS_PER_CORE for spent in seconds]
ax.plot(joules, accuracies, marker="o")
for size, x, y_value in zip(sizes, joules, accuracies, strict=True):
    ax.annotate(f"{size} units", (x, y_value), textcoords="offset points", xytext=(6, -10), fontsize=9)
ax.set_xlabel("training energy (J, estimated at 12 W per core)")
ax.set_ylabel("test accuracy")
ax.set_title("Bigger networks: more compute, diminishing returns", fontsize=11)
ax.grid(alpha=0.3)
fig.tight_layout()
plt.show()
