"""Inference cost: k-nearest neighbours against a linear model on the digits data.

k-NN trains instantly but compares every query with every training sample;
a linear model pays once for training and then predicts with one matrix product.
Runs on its own: `python demos/knn_vs_linear.py`.
"""

import time

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.neighbors import KNeighborsClassifier

X, y = load_digits(return_X_y=True)
X = X / 16.0
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3, random_state=0)
queries = np.tile(X_test, (10, 1))  # 5,400 predictions each

models = {
    "k-NN (k=5)": KNeighborsClassifier(n_neighbors=5, algorithm="brute"),
    "logistic regression": LogisticRegression(max_iter=1000),
}
names, train_ms, predict_us, accuracies = [], [], [], []
for name, model in models.items():
    start = time.process_time()
    model.fit(X_train, y_train)
    trained = time.process_time() - start
    start = time.process_time()
    model.predict(queries)
    predicted = time.process_time() - start
    names.append(name)
    train_ms.append(trained * 1e3)
    predict_us.append(predicted / len(queries) * 1e6)
    accuracies.append(model.score(X_test, y_test))
    print(
        f"{name:>20}: train {trained * 1e3:7.1f} ms, "
        f"{predict_us[-1]:6.1f} us per prediction, accuracy {accuracies[-1]:.3f}"
    )

# Energy per thousand predictions, estimated at 12 W per core (Green Algorithms default)
for name, micro in zip(names, predict_us, strict=True):
    print(f"{name:>20}: about {micro * 1e-6 * 1000 * 12 * 1000:.0f} mJ per 1,000 predictions")
ratio = predict_us[0] / predict_us[1]
print(f"k-NN spends {ratio:.0f}x more CPU time per prediction than the linear model")

fig, ax = plt.subplots(figsize=(4.2, 2.6))
bars = ax.barh(names, predict_us, color=["#b35806", "#1b7837"])
for bar, accuracy in zip(bars, accuracies, strict=True):
    ax.annotate(
        f"accuracy {accuracy:.3f}",
        (bar.get_width(), bar.get_y() + bar.get_height() / 2),
        xytext=(4, 0),
        textcoords="offset points",
        va="center",
        fontsize=9,
    )
ax.set_xlabel("CPU time per prediction (microseconds)")
ax.set_title("The cost of answering one query")
ax.set_xlim(0, max(predict_us) * 1.45)
fig.tight_layout()
plt.show()
