"""A model small enough to print: decision trees of growing depth on the digits data.

A permacomputing-sized model: trained in a fraction of a second, readable by a
person, and runnable on any computer. Runs on its own: `python demos/tiny_tree.py`.
"""

import matplotlib.pyplot as plt
from matplotlib.ticker import FuncFormatter
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.tree import DecisionTreeClassifier, export_text

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3, random_state=0)

depths = list(range(1, 13))
accuracies, nodes = [], []
for depth in depths:
    tree = DecisionTreeClassifier(max_depth=depth, random_state=0).fit(X_train, y_train)
    accuracies.append(tree.score(X_test, y_test))
    nodes.append(tree.tree_.node_count)
    print(f"depth {depth:2d}: {nodes[-1]:4d} nodes, test accuracy {accuracies[-1]:.3f}")

small = DecisionTreeClassifier(max_depth=3, random_state=0).fit(X_train, y_train)
print("\nThe depth-3 tree, whole (feature_k is pixel k of the 8x8 image):")
print(export_text(small, feature_names=[f"pixel_{k}" for k in range(64)]))

fig, ax = plt.subplots(figsize=(4.2, 2.7))
ax.plot(nodes, accuracies, marker="o", color="#1b7837")
for depth, count, accuracy in zip(depths, nodes, accuracies, strict=True):
    if depth in (1, 3, 6, 12):
        label = f"depth {depth}"
        ax.annotate(label, (count, accuracy), xytext=(5, -12), textcoords="offset points", fontsize=9)
ax.set_xscale("log")
# Plain numbers, not 10^n: superscripts would be too small to read on a phone.
ax.xaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:,.0f}"))
ax.set_xlabel("nodes in the tree (log scale)")
ax.set_ylabel("test accuracy")
ax.set_title("How big must a readable model be?")
fig.tight_layout()
plt.show()
