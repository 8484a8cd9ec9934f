"""How few parameters does a useful model need? PCA + logistic regression on digits.

Each model squeezes the 64 pixels into k numbers, then classifies from those.
Runs on its own: `python demos/tiny_models.py`.
"""

import matplotlib.pyplot as plt
from matplotlib.ticker import FuncFormatter
from sklearn.datasets import load_digits
from sklearn.decomposition import PCA
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline

X, y = load_digits(return_X_y=True)
X = X / 16.0
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3, random_state=0)

components = [1, 2, 4, 8, 16, 32, 64]
parameters, accuracies = [], []
print(f"{'components':>10} {'parameters':>10} {'accuracy':>8}")
for k in components:
    model = make_pipeline(PCA(n_components=k, random_state=0), LogisticRegression(max_iter=2000))
    model.fit(X_train, y_train)
    # PCA: k x 64 weights + 64 means; logistic regression: 10 x k weights + 10 biases
    count = k * 64 + 64 + 10 * k + 10
    accuracy = model.score(X_test, y_test)
    parameters.append(count)
    accuracies.append(accuracy)
    print(f"{k:>10} {count:>10} {accuracy:>8.3f}")

useful = next(p for p, a in zip(parameters, accuracies, strict=True) if a >= 0.9)
print(f"{useful} parameters are enough for 90% accuracy")

fig, ax = plt.subplots(figsize=(4.2, 2.8))
ax.semilogx(parameters, accuracies, marker="o", base=2)
# Plain numbers, not 2^n: superscripts would be too small to read on a phone.
ax.xaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:,.0f}"))
ax.axhline(0.9, color="grey", linestyle="--", linewidth=1)
ax.annotate("90% accuracy", (parameters[0], 0.9), xytext=(0, 4), textcoords="offset points", fontsize=9)
ax.set_xlabel("parameters (log scale)")
ax.set_ylabel("test accuracy")
ax.set_title("Accuracy against model size")
ax.grid(alpha=0.3)
fig.tight_layout()
plt.show()
