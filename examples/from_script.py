"""The shortest complete use of bp4: load data, build a network, train it, test it.

    python examples/from_script.py [--epochs 30]

A [64, 30, 10] sigmoid network learns the 8×8 digits that ship with bp4 by
mini-batch stochastic gradient descent (quadratic cost, η = 3.0, batches of
10, 30 epochs); backpropagation (BP1–BP4) computes every gradient.
"""

from _support import ArgumentParser, count

import bp4

parser = ArgumentParser(__doc__)
parser.add_argument(
    "--epochs",
    type=count(1),
    default=30,
    metavar="N",
    help="passes over the training data",
)
args = parser.parse_args()

data = bp4.load_digits()  # samples are columns: X_train is (64, 1347)
net = bp4.Network([64, 30, 10], seed=0)  # weights[0] is w^2, shape (30, 64)
history = net.sgd(
    data.X_train, data.y_train, epochs=args.epochs, batch_size=10, eta=3.0
)
# The test set is used once, on the trained network: nothing was chosen by it.
accuracy = net.evaluate(data.X_test, data.y_test) / data.X_test.shape[1]
print(f"{net} after {len(history)} epochs: test accuracy {accuracy:.1%}")
