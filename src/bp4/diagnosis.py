"""What to tell a student whose training stalls or diverges.

A run whose cost stops moving while it classifies no better than chance is
usually one of two things: hidden neurons that no longer pass a gradient
(σ'(z^l) ≈ 0 for sigmoid and tanh far from 0, exactly 0 for relu at z ≤ 0,
so BP2 multiplies δ^l by almost nothing), or an output layer that cannot
reach the targets. A run whose cost becomes NaN or infinite either took steps
too large for the curvature (η) or was fed inputs of extreme scale, which make
z^l, and with it every gradient, huge.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .activations import Activation
from .array import Array
from .forward import forward

# How little the training cost may change, relatively, per epoch, and for how
# many epochs in a row, before a run counts as stalled.
STALL_TOLERANCE = 1e-3
STALL_EPOCHS = 3
# |z| beyond which σ'(z) is under 1e-3 of its peak for sigmoid (σ'(7) ≈ 9e-4)
# and tanh (1 − tanh²(4) ≈ 1.3e-3): a neuron there hardly learns.
SATURATED_Z = {"sigmoid": 7.0, "tanh": 4.0}
# Inputs larger than this make z^l = w^l a^{l-1} + b^l huge with N(0, 1) weights.
EXTREME_INPUT = 1e3


def is_stalled(costs: Sequence[float], accuracy: float | None, n_classes: int) -> bool:
    """The last STALL_EPOCHS costs barely moved and accuracy is at chance level."""
    if accuracy is None or n_classes < 2 or len(costs) <= STALL_EPOCHS:
        return False
    recent = costs[-STALL_EPOCHS - 1 :]
    moved = max(
        abs(b - a) / max(abs(a), np.finfo(float).tiny)
        for a, b in zip(recent[:-1], recent[1:])
    )
    return moved < STALL_TOLERANCE and accuracy <= 1.5 / n_classes


def stall_message(
    weights: Sequence[Array],
    biases: Sequence[Array],
    X: Array,
    activation: Activation,
    output_activation: Activation,
    accuracy: float,
    n_classes: int,
) -> str:
    """One paragraph: that training stalled, and the likely cause, measured on X."""
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
    total = sum(z.shape[0] for z in hidden)
    message = (
        f"training has stalled: the training cost changed by less than "
        f"{STALL_TOLERANCE:.0e} (relative) for {STALL_EPOCHS} epochs while the "
        f"accuracy is {accuracy:.1%}, chance level for {n_classes} classes. "
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
    """max |x| over X, from its min and max (no temporary array the size of X)."""
    return float(max(-X.min(), X.max()))


def divergence_advice(
    eta: float,
    X: Array,
    lmbda: float = 0.0,
    n: int | None = None,
    largest_at_start: float | None = None,
) -> str:
    """What to change when the cost became NaN or infinite.

    In the order the causes are ruled out: the training data changed under
    training (``largest_at_start`` is max |x| when sgd began), L2's weight
    decay overshooting (ηλ/n ≥ 1 makes the factor 1 − ηλ/n ≤ 0), inputs of
    extreme scale, and only then η.
    """
    largest = largest_magnitude(X)
    if largest_at_start is not None and not largest == largest_at_start:
        return (
            f"the training inputs X changed during training (max |x| was "
            f"{largest_at_start:.3g} when sgd started and is now {largest:.3g}): "
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
            f"the inputs reach {largest:.3g}; scale them to about [0, 1] (divide "
            f"by their largest value) before training"
        )
    return f"try a smaller learning rate, such as eta = {eta / 10:g}"
