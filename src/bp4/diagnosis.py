"""What to tell a student whose training stalls or diverges.

A run whose cost stops moving while it classifies no better than chance is
usually one of two things: hidden neurons that no longer pass a gradient
(σ'(z^l) ≈ 0 for sigmoid and tanh far from 0, exactly 0 for relu at z ≤ 0,
so BP2 multiplies δ^l by almost nothing), or an output layer that cannot
reach the targets. A run whose cost becomes NaN or infinite either took steps
too large for the curvature (η) or was fed inputs of extreme scale, which make
z^l, and with it every gradient, huge. Such inputs are worth a word before
training starts: :func:`input_scale_message`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .activations import Activation
from .array import Array
from .forward import forward

# How little the training cost may fall, relatively, over how many epochs,
# before a run at chance accuracy counts as stalled. Over several epochs, not
# per epoch: the default training cost averages the batches' costs, which
# jitter by about 1% from epoch to epoch on a run that learns nothing.
STALL_TOLERANCE = 1e-2
STALL_EPOCHS = 3
# |z| beyond which σ'(z) is under 1e-3 of its peak for sigmoid (σ'(7) ≈ 9e-4)
# and tanh (1 − tanh²(4) ≈ 1.3e-3): a neuron there hardly learns.
SATURATED_Z = {"sigmoid": 7.0, "tanh": 4.0}
# Inputs larger than this make z^l = w^l a^{l-1} + b^l huge with N(0, 1) weights.
EXTREME_INPUT = 1e3
# The initial weights, N(0, 1) or N(0, 1/n_in), assume inputs of about unit
# size centred near 0. A feature whose root-mean-square √(mean x²) — large for
# a wide spread and for a mean far from 0 alike — exceeds 5 is far outside
# that, and is warned about once, when sgd starts. Standardised features have
# 1, pixels scaled to [0, 1] (the digits, MNIST) at most 1; a standardised
# feature's rare outliers do not move it, as a largest |x| would.
INPUT_SCALE_LIMIT = 5.0
# How many samples (evenly spaced columns) the scale is measured on: enough
# to estimate a root-mean-square to a few percent, at a fixed cost however
# large the training set (all 50,000 MNIST-sized samples took 15 ms, 8% of an
# epoch at batch 1000).
INPUT_SCALE_SAMPLES = 2048


def chance_level(labels: Array, n_classes: int) -> float:
    """The accuracy of always answering the most common class: its share of ``labels``.

    At least 1/n_classes, what guessing scores on balanced classes.
    """
    counts = np.bincount(labels[labels >= 0], minlength=n_classes)
    return max(float(counts.max()) / max(len(labels), 1), 1.0 / n_classes)


def is_stalled(costs: Sequence[float], accuracy: float | None, chance: float) -> bool:
    """The cost fell by less than STALL_TOLERANCE (relative) in STALL_EPOCHS epochs, at chance.

    ``chance`` is the majority class's share (:func:`chance_level`): a run
    that answers the most common class for everything scores it without
    learning anything. "At chance" allows a little above it, the lesser of
    half of it again and a quarter of the way to 100%.
    """
    if accuracy is None or chance >= 1 or len(costs) <= STALL_EPOCHS:
        return False
    before, recent = costs[-STALL_EPOCHS - 1], costs[-STALL_EPOCHS:]
    fell = (before - min(recent)) / max(abs(before), np.finfo(float).tiny)
    near_chance = min(1.5 * chance, chance + (1 - chance) / 4)
    return fell < STALL_TOLERANCE and accuracy <= near_chance


def input_scale_message(X: Array, name: str = "X") -> str | None:
    """What to say about inputs far from unit scale, or None if they are fine.

    A feature (a row of X) is far from it when its root-mean-square exceeds
    INPUT_SCALE_LIMIT. Cheap: measured on at most INPUT_SCALE_SAMPLES evenly
    spaced samples, one pass for Σ x² and one for the mean per feature,
    without a temporary the size of X.
    """
    X = X[:, :: max(1, X.shape[1] // INPUT_SCALE_SAMPLES)]
    m = X.shape[1]
    rms = np.sqrt(np.einsum("ij,ij->i", X, X) / m)
    j = int(np.argmax(rms))
    if not rms[j] > INPUT_SCALE_LIMIT:
        return None
    mean = float(X[j].mean())
    std = float(np.sqrt(max(rms[j] ** 2 - mean**2, 0.0)))
    return (
        f"the inputs are far from the scale the initial weights assume (about "
        f"unit size, centred near 0): feature {j} (row {j} of {name}) has root-"
        f"mean-square {rms[j]:.4g} (mean {mean:.4g}, standard deviation "
        f"{std:.4g}), so z^l = w^l a^(l-1) + b^l starts huge and sigmoid or tanh "
        f"neurons saturate. Standardise each feature with the training set's "
        f"statistics: mean = {name}.mean(axis=1, keepdims=True); std = "
        f"{name}.std(axis=1, keepdims=True); std[std == 0] = 1; train on "
        f"({name} - mean) / std and use the same mean and std for the "
        f"validation and test inputs"
    )


def stall_message(
    weights: Sequence[Array],
    biases: Sequence[Array],
    X: Array,
    activation: Activation,
    output_activation: Activation,
    accuracy: float,
    chance: float,
) -> str:
    """One paragraph: that training stalled, and the likely cause, measured on X.

    ``chance`` is the accuracy of always answering the most common class.
    """
    p = forward(weights, biases, X[:, :1000], activation, output_activation)
    hidden = p.zs[:-1]
    if activation.name == "relu":
        stuck = sum(int(np.sum(np.all(z <= 0, axis=1))) for z in hidden)
        what = "dead (z ≤ 0 for every sample, so σ'(z) = 0)"
        advice = "try init='scaled' or a smaller eta"
    else:
        limit = SATURATED_Z.get(activation.name, np.inf)
        stuck = sum(int(np.sum(np.all(np.abs(z) > limit, axis=1))) for z in hidden)
        what = f"saturated (|z| > {limit:g} for every sample, so σ'(z) ≈ 0)"
        advice = "try init='scaled', a smaller eta, or the cross-entropy cost"
    if input_scale_message(X) is not None:
        # Huge inputs saturate whatever the init: the InputScaleWarning's cure.
        advice = (
            "standardise the inputs first, each feature to mean 0 and standard "
            "deviation 1 (see the InputScaleWarning)"
        )
    total = sum(z.shape[0] for z in hidden)
    message = (
        f"training has stalled: the training cost fell by less than "
        f"{STALL_TOLERANCE:.0%} in {STALL_EPOCHS} epochs while the accuracy is "
        f"{accuracy:.1%}, no better than always answering the most common class "
        f"({chance:.1%}). "
    )
    if total and stuck / total >= 0.5:
        return message + f"{stuck} of {total} hidden neurons are {what}: {advice}."
    z_L = p.zs[-1]
    if output_activation.name == "relu" and np.all(z_L <= 0):
        return message + (
            "Every output neuron is at z ≤ 0, where relu outputs 0 and passes no "
            "gradient: use output_activation='sigmoid' or 'softmax'."
        )
    return message + (
        "Check that the output activation can reach the targets (sigmoid and "
        "softmax for classes in [0, 1]) and try a different eta or init='scaled'."
    )


def largest_magnitude(X: Array) -> float:
    """The largest absolute value in X, from its min and max (no temporary array)."""
    return float(max(-X.min(), X.max()))


def sampled_magnitude(X_rows: Array) -> float:
    """:func:`largest_magnitude` of at most INPUT_SCALE_SAMPLES evenly spaced
    samples (rows): what sgd compares, before and after, to tell whether X
    changed under it, at a fixed cost however large X is."""
    return largest_magnitude(X_rows[:: max(1, X_rows.shape[0] // INPUT_SCALE_SAMPLES)])


def divergence_advice(
    eta: float,
    X: Array,
    lmbda: float = 0.0,
    n: int | None = None,
    largest_at_start: float | None = None,
) -> str:
    """What to change when the cost became NaN or infinite.

    In the order the causes are ruled out: the training data changed under
    training (``largest_at_start`` is :func:`sampled_magnitude` of X when sgd
    began), L2's weight
    decay overshooting (ηλ/n ≥ 1 makes the factor 1 − ηλ/n ≤ 0), inputs of
    extreme scale, and only then η.
    """
    largest = largest_magnitude(X)
    sampled = sampled_magnitude(X)
    if largest_at_start is not None and not sampled == largest_at_start:
        return (
            f"the training inputs X changed during training (max |x| of evenly "
            f"spaced samples was {largest_at_start:.3g} when sgd started and is now "
            f"{sampled:.3g}): "
            f"something modified them in place, such as a callback; sgd trains on "
            f"X as it is, so leave it unchanged until sgd returns"
        )
    decay = eta * lmbda / n if n else 0.0
    if decay >= 1:
        return (
            f"lmbda = {lmbda:g} makes eta·lmbda/n = {decay:.3g} (n = {n} training "
            f"samples), so L2's step w → (1 − eta·lmbda/n) w multiplies every "
            f"weight by {1 - decay:.3g} and overshoots 0; try a smaller lmbda, "
            f"such as lmbda = {lmbda / (10 * decay):.3g} (eta·lmbda/n = 0.1)"
        )
    if largest > EXTREME_INPUT:
        return (
            f"the inputs reach {largest:.3g}; scale them to unit size before "
            f"training: standardise each feature with the training set's mean and "
            f"standard deviation"
        )
    return f"try a smaller learning rate, such as eta = {eta / 10:g}"
