"""The shortest complete use of bp4: load data, build a network, train it, test it.

    python examples/from_script.py

A [64, 30, 10] sigmoid network learns the 8×8 digits that ship with bp4 by
mini-batch stochastic gradient descent (quadratic cost, η = 3.0, batches of
10, 30 epochs); backpropagation (BP1–BP4) computes every gradient.
Set BP4_FAST=1 (or pass --fast) for a 2-epoch run.
"""

import os
import sys

import bp4

fast = "--fast" in sys.argv or os.environ.get("BP4_FAST") == "1"

data = bp4.load_digits()  # samples are columns: X_train is (64, 1347)
net = bp4.Network([64, 30, 10], seed=0)  # weights[0] is w^2, shape (30, 64)
history = net.sgd(
    data.X_train,
    data.y_train,
    epochs=2 if fast else 30,
    batch_size=10,
    eta=3.0,
    test=(data.X_test, data.y_test),
)
print(f"{net} after {len(history)} epochs: test accuracy {history[-1].accuracy:.1%}")
