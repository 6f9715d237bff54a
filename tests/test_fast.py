"""The fast SGD step (bp4.fast) against the readable BP1–BP4 and the update rule."""

import copy

import numpy as np
import pytest
from conftest import random_cases

import bp4
from bp4.backprop import backward
from bp4.fast import BatchStep, feedforward_in_blocks
from bp4.forward import forward
from bp4.gradcheck import numerical_gradient, relative_error
from bp4.validation import check_targets

# A σ the fast path has no in-place kernel for: it must fall back to fn and prime.
SOFTSIGN = bp4.Activation(
    "softsign", lambda z: z / (1 + np.abs(z)), lambda z: 1 / (1 + np.abs(z)) ** 2
)


class HalfQuadratic(bp4.QuadraticCost):
    """A cost the fast path does not recognise: C_x = ¼ ‖a − y‖²."""

    name = "half-quadratic"

    @staticmethod
    def nabla_a(a, y):
        return 0.5 * (a - y)


def readable_step(net, X, Y, eta):
    """The update rule with the readable equations: w → w − η ∂C/∂w, b → b − η ∂C/∂b."""
    zs, activations = forward(net.weights, net.biases, X, net.activation)
    nabla_w, nabla_b = backward(
        net.weights, zs, activations, Y, net.activation, net.cost_function
    )
    for w, b, nw, nb in zip(net.weights, net.biases, nabla_w, nabla_b):
        w -= eta * nw
        b -= eta * nb


def assert_same_parameters(fast, readable, rtol=1e-12, atol=1e-12):
    for i, (p, q) in enumerate(
        zip(fast.weights + fast.biases, readable.weights + readable.biases)
    ):
        np.testing.assert_allclose(p, q, rtol=rtol, atol=atol, err_msg=f"array {i}")


CASES = random_cases(12, seed=404)


@pytest.mark.parametrize("case", CASES, ids=repr)
@pytest.mark.parametrize("batch_size", [1, 4, 7, 64])
@pytest.mark.parametrize("order", ["C", "F"])
def test_steps_equal_backward_and_update_rule(case, batch_size, order):
    # Every step of an epoch, the last batch partial whenever batch_size does
    # not divide m, each from the same parameters on both sides: rounding
    # differences of 1e-16 would otherwise compound from step to step.
    fast = case.net
    X, Y = np.asfortranarray(case.X), case.Y
    m, eta = X.shape[1], 0.7
    step = BatchStep(
        fast.weights, fast.biases, X, Y, batch_size, fast.activation,
        fast.cost_function, order,
    )  # fmt: skip
    shuffle = np.random.default_rng(batch_size).permutation(m)
    for k in range(0, m, batch_size):
        batch = shuffle[k : k + batch_size]
        readable = copy.deepcopy(fast)
        step(batch, eta)
        readable_step(readable, X[:, batch], Y[:, batch], eta)
        assert_same_parameters(fast, readable)


@pytest.mark.parametrize(
    "activation, cost",
    [
        ("sigmoid", "quadratic"),
        ("tanh", "cross-entropy"),
        ("relu", "quadratic"),
        (SOFTSIGN, "quadratic"),
        ("sigmoid", HalfQuadratic()),
    ],
)
@pytest.mark.parametrize("order", ["C", "F"])
def test_sgd_equals_the_readable_loop(activation, cost, order):
    # Network.sgd end to end: 2 epochs of 23 samples in batches of 5 (the last
    # of 3), from a C- or Fortran-ordered X, against the same shuffles fed to
    # the readable step.
    rng = np.random.default_rng(11)
    X = np.asarray(rng.random((6, 23)), order=order)
    y = rng.integers(0, 4, size=23)
    net = bp4.Network([6, 8, 5, 4], activation, cost, init="scaled", seed=3)
    readable, rng_copy = copy.deepcopy(net), copy.deepcopy(net.rng)
    net.sgd(X, y, epochs=2, batch_size=5, eta=0.5)
    Y = check_targets(y, 4, 23, np.float64)
    for _ in range(2):
        order_ = rng_copy.permutation(23)
        for k in range(0, 23, 5):
            batch = order_[k : k + 5]
            readable_step(readable, X[:, batch], Y[:, batch], 0.5)
    assert_same_parameters(net, readable)


def test_saturated_sigmoid_neurons_keep_their_small_gradients():
    # With inputs this large, hidden z^l reach ±40: σ'(z) ≈ 4e-18 is kept to
    # full relative precision (σ(z)(1 − σ(z)) would give 0 above z ≈ 37).
    rng = np.random.default_rng(5)
    net = bp4.Network([20, 6, 3], seed=5)
    X, Y = np.asfortranarray(20 * rng.standard_normal((20, 9))), rng.random((3, 9))
    zs, _ = net.forward(X)
    assert np.abs(zs[0]).max() > 37
    readable = copy.deepcopy(net)
    BatchStep(net.weights, net.biases, X, Y, 9, net.activation, net.cost_function)(
        np.arange(9), 1.0
    )
    readable_step(readable, X, Y, 1.0)
    assert_same_parameters(net, readable, rtol=1e-12, atol=0)


def test_extreme_weighted_inputs_stay_finite_and_silent():
    # z far below −709 would overflow e^{−z}; the step must neither warn
    # (warnings are errors here) nor produce NaN.
    net = bp4.Network([2, 3, 1], seed=0)
    X = np.array([[1e4, -1e4], [-1e4, 1e4]], order="F")
    net.sgd(X, np.array([[1.0, 0.0]]), epochs=1, batch_size=2, eta=1.0)
    assert all(np.isfinite(p).all() for p in net.weights + net.biases)


# float32: the same algorithm rounds each operation to 24 bits instead of 53.
# A dot product of n terms carries a relative error of at most about n·u,
# u = 2⁻²⁴ ≈ 6e-8; the widest sum below runs over 64 inputs and three layers
# compound it, 3 × 64 × 6e-8 ≈ 1.1e-5. A wrong gradient is off by 1e-2 or more
# (see bp4.gradcheck).
FLOAT32_TOLERANCE = 2e-5


def fast_gradients(net, X, Y):
    """∂C/∂w^l and ∂C/∂b^l of the fast path, from one step with η = 1 on copies."""
    weights = [w.copy() for w in net.weights]
    biases = [b.copy() for b in net.biases]
    m = X.shape[1]
    step = BatchStep(weights, biases, X, Y, m, net.activation, net.cost_function)
    step(np.arange(m), 1.0)
    return step.nabla_w, step.nabla_b


def test_float32_gradients_pass_the_gradient_check():
    # The float32 network and a float64 twin with exactly the same (float32)
    # parameters and data: the twin's central differences are accurate to
    # about 1e-9, so what remains is the float32 rounding of the fast path.
    data = bp4.load_digits(np.float32)
    X = np.asfortranarray(data.X_train[:, :40])
    Y = check_targets(data.y_train[:40], 10, 40, np.float32)
    net32 = bp4.Network([64, 12, 10, 10], seed=8, dtype=np.float32)
    net64 = copy.deepcopy(net32)
    net64.weights = [w.astype(np.float64) for w in net32.weights]
    net64.biases = [b.astype(np.float64) for b in net32.biases]
    nabla_w, nabla_b = fast_gradients(net32, X, Y)
    assert all(g.dtype == np.float32 for g in nabla_w + nabla_b)
    numeric_w, numeric_b = numerical_gradient(
        net64, X.astype(np.float64), Y.astype(np.float64)
    )
    errors = [
        relative_error(g.astype(np.float64), n)
        for g, n in zip(nabla_w + nabla_b, numeric_w + numeric_b)
    ]
    assert max(errors) < FLOAT32_TOLERANCE, errors
    # Not a tolerance that anything passes: float32 rounding is visible.
    assert max(errors) > 1e-9, errors


def test_feedforward_in_blocks_equals_feedforward():
    rng = np.random.default_rng(2)
    net = bp4.Network([5, 7, 3], seed=2)
    X = rng.random((5, 23))  # blocks of 10: 10, 10 and a last one of 3
    whole = bp4.feedforward(net.weights, net.biases, X, net.activation)
    blocks = feedforward_in_blocks(net.weights, net.biases, X, net.activation, 10)
    np.testing.assert_allclose(blocks, whole, rtol=1e-14, atol=0)


def test_buffer_order_follows_the_dtype_and_is_checked():
    net = bp4.Network([3, 2], seed=0, dtype=np.float32)
    X, Y = np.ones((3, 4), np.float32, order="F"), np.ones((2, 4), np.float32)
    args = (net.weights, net.biases, X, Y, 2, net.activation, net.cost_function)
    assert BatchStep(*args).order == "F"
    assert BatchStep(*args, order="C").order == "C"
    with pytest.raises(ValueError, match="order must be 'C' or 'F', got 'K'"):
        BatchStep(*args, order="K")


def test_sgd_does_not_copy_fortran_ordered_data():
    # 5,000 samples of 784 float64 pixels: 31 MB. Training uses them in place;
    # what it allocates (buffers, one-hot targets, the cost's blocks) stays far
    # below one copy. A C-ordered X is copied once, as the docstring says.
    import tracemalloc

    rng = np.random.default_rng(0)
    X = rng.random((5000, 784)).T  # Fortran-ordered (784, 5000)
    y = rng.integers(0, 10, size=5000)
    peaks = {}
    for order, data in (("F", X), ("C", np.ascontiguousarray(X))):
        net = bp4.Network([784, 30, 10], seed=0)
        tracemalloc.start()
        net.sgd(data, y, epochs=1, batch_size=100, eta=3.0)
        peaks[order] = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    assert peaks["F"] < X.nbytes / 4, peaks
    assert peaks["C"] > X.nbytes, peaks
