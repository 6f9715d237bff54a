"""Two reasons a weight learns slowly, both read off the equations of backpropagation.

    python examples/learning_slowdown.py [--steps 300] [--save learning_slowdown.png]

1. A saturated output neuron learns slowly. BP1 says δ^L = ∇_a C ⊙ σ'(z^L),
   and σ'(z) ≈ 0 when the sigmoid is near 0 or 1: however wrong the output,
   its error δ^L, and so every gradient into it, is small. One sigmoid neuron
   (input x = 1, target y = 0, η = 0.15 unless --eta says otherwise) is
   started at w = 0.6, b = 0.9 (output 0.82) and at w = 2, b = 2 (output
   0.98, saturated). With the quadratic cost the saturated start barely
   moves for many steps. The cross-entropy cost has
   ∇_a C = (a − y) / (a (1 − a)), which cancels σ'(z) in BP1, so
   δ^L = a − y: the worse the output, the faster it learns.

2. Weights out of a low-activation neuron learn slowly. BP4 says
   ∂C/∂w = a_in δ_out: with a_in ≈ 0 the gradient is ≈ 0 whatever δ_out is.
   A [1, 2, 1] network has one hidden neuron nearly off (a ≈ 0.018) and one
   nearly on (a ≈ 0.98); the two weights out of them into the same output
   neuron share δ_out, so their gradients differ exactly by the ratio of the
   activations.

Prints the numbers; with matplotlib (pip install "bp4[plot]") also plots
them: in a window, or, with --save or when there is no display, in a file
whose path it prints.
"""

from __future__ import annotations

import numpy as np
from _support import ArgumentParser, count, positive, pyplot, run, show_or_save

import bp4

DEFAULT_FIGURE = "learning_slowdown.png"
STARTS = {"w = 0.6, b = 0.9": (0.6, 0.9), "w = 2, b = 2": (2.0, 2.0)}
COSTS = ("quadratic", "cross-entropy")


def single_neuron(
    w: float, b: float, cost: str, eta: float, steps: int
) -> dict[str, np.ndarray]:
    """Train one sigmoid neuron toward y = 0 from x = 1; every step's numbers."""
    net = bp4.Network([1, 1], cost=cost)
    net.weights[0][:] = w
    net.biases[0][:] = b
    x, y = np.array([[1.0]]), np.array([[0.0]])
    record: dict[str, list[float]] = {
        "cost": [],
        "a": [],
        "dC/dw": [],
        "sigma_prime": [],
    }
    for step in range(steps + 1):
        zs, activations = net.forward(x)
        nabla_w, _ = net.backprop(x, y)
        record["cost"].append(net.cost(x, y))
        record["a"].append(float(activations[-1][0, 0]))
        record["dC/dw"].append(float(nabla_w[0][0, 0]))
        record["sigma_prime"].append(float(net.activation.prime(zs[-1])[0, 0]))
        if step < steps:
            net.update(x, y, eta)
    return {key: np.array(values) for key, values in record.items()}


def low_activation(eta: float, steps: int) -> dict[str, np.ndarray]:
    """Weights out of a neuron that is nearly off and one that is nearly on."""
    net = bp4.Network([1, 2, 1])
    net.weights[0][:] = [[1.0], [1.0]]
    net.biases[0][:] = [[-5.0], [3.0]]  # z^2 = (−4, 4): a^2 ≈ (0.018, 0.982)
    net.weights[1][:] = [[0.5, 0.5]]
    net.biases[1][:] = [[0.0]]
    x, y = np.array([[1.0]]), np.array([[0.0]])
    w_start = net.weights[1].copy()
    record: dict[str, list] = {"a^2": [], "dC/dw^3": [], "delta^3": [], "moved": []}
    for step in range(steps + 1):
        zs, activations = net.forward(x)
        nabla_w, nabla_b = net.backprop(x, y)
        record["a^2"].append(activations[1][:, 0].copy())
        record["dC/dw^3"].append(nabla_w[1][0].copy())
        record["delta^3"].append(float(nabla_b[1][0, 0]))  # BP3: ∂C/∂b = δ
        record["moved"].append(np.abs(net.weights[1][0] - w_start[0]))
        if step < steps:
            net.update(x, y, eta)
    return {key: np.array(values) for key, values in record.items()}


def report_saturation(
    runs: dict[tuple[str, str], dict[str, np.ndarray]], eta: float
) -> None:
    print("1. A saturated output neuron learns slowly (BP1: δ^L = ∇_a C ⊙ σ'(z^L))")
    print(f"   One sigmoid neuron, x = 1, target y = 0, η = {eta}.")
    print("   At the start:")
    sigma_prime = "σ'(z)"
    print(f"   {'start':<17} {'cost':<14} {'a':>7} {sigma_prime:>8} {'∂C/∂w':>9}")
    for (start, cost), r in runs.items():
        print(
            f"   {start:<17} {cost:<14} {r['a'][0]:7.4f} {r['sigma_prime'][0]:8.4f} "
            f"{r['dC/dw'][0]:9.4f}"
        )
    print("   Output a after each number of steps:")
    steps = len(next(iter(runs.values()))["a"]) - 1
    checkpoints = sorted({round(steps * k / 5) for k in range(6)})
    header = "".join(f"{step:>8}" for step in checkpoints)
    print(f"   {'start':<17} {'cost':<14}{header}")
    for (start, cost), r in runs.items():
        row = "".join(f"{r['a'][step]:8.4f}" for step in checkpoints)
        print(f"   {start:<17} {cost:<14}{row}")
    slow = runs[("w = 2, b = 2", "quadratic")]["dC/dw"][0]
    fast = runs[("w = 0.6, b = 0.9", "quadratic")]["dC/dw"][0]
    print(
        f"   With the quadratic cost the saturated start has the smaller gradient,\n"
        f"   {slow:.4f} against {fast:.4f}, although its output is further from the "
        "target;\n   with cross-entropy, ∂C/∂w = x (a − y) has no σ'(z) in it."
    )


def report_low_activation(r: dict[str, np.ndarray], eta: float) -> None:
    print()
    print(
        "2. Weights out of a low-activation neuron learn slowly (BP4: ∂C/∂w = a_in δ_out)"
    )
    a, g = r["a^2"][0], r["dC/dw^3"][0]
    print("   A [1, 2, 1] network; both hidden neurons feed the one output neuron,")
    print(f"   whose error is δ^3 = {r['delta^3'][0]:.4f}.")
    print(f"   {'hidden neuron':<15} {'a_in = a^2_k':>13} {'∂C/∂w^3_1k':>12}")
    for k in range(2):
        print(f"   {k + 1:<15} {a[k]:13.4f} {g[k]:12.5f}")
    print(
        f"   Ratio of the gradients {g[1] / g[0]:.1f} = ratio of the activations "
        f"{a[1] / a[0]:.1f}."
    )
    moved = r["moved"][-1]
    print(
        f"   After {len(r['moved']) - 1} steps of η = {eta}, w^3_11 has moved {moved[0]:.4f} "
        f"and w^3_12 {moved[1]:.4f}."
    )


def plot(
    runs: dict[tuple[str, str], dict[str, np.ndarray]],
    low: dict[str, np.ndarray],
    eta: float,
    steps: int,
    save: str | None,
) -> None:
    plt = pyplot(save)
    if plt is None:
        return
    step = np.arange(steps + 1)
    fig, axes = plt.subplots(1, 3, figsize=(13, 4.2), layout="constrained")
    for ax, cost in zip(axes[:2], COSTS):
        for start in STARTS:
            ax.plot(step, runs[(start, cost)]["cost"], label=start)
        ax.set_ylim(bottom=0)
        ax.set(title=f"One neuron, {cost} cost", xlabel="step", ylabel="cost C")
        ax.legend()
    ax = axes[2]
    for k in range(2):
        ax.plot(
            step,
            low["moved"][:, k],
            label=f"$w^3_{{1{k + 1}}}$, $a_{{in}}$ ≈ {low['a^2'][0, k]:.3f}",
        )
    ax.set(
        title="Weights out of two hidden neurons",
        xlabel="step",
        ylabel="distance moved, |w − w(step 0)|",
    )
    ax.legend()
    fig.suptitle(
        f"Gradient descent with η = {eta} for {steps} steps on one sample, "
        "x = 1, y = 0\nleft and middle: a [1, 1] network from the weights "
        "labelled; right: a [1, 2, 1] network, quadratic cost, weights set by "
        "hand (no random seed)",
        fontsize="medium",
    )
    show_or_save(plt, fig, save, DEFAULT_FIGURE)


def main(argv: list[str] | None = None) -> int:
    parser = ArgumentParser(__doc__)
    parser.add_argument(
        "--eta", type=positive, default=0.15, help="learning rate η of every step"
    )
    parser.add_argument(
        "--steps",
        type=count(1),
        default=300,
        metavar="N",
        help="gradient-descent steps on the one sample",
    )
    parser.add_save_option(DEFAULT_FIGURE)
    args = parser.parse_args(argv)

    runs = {
        (start, cost): single_neuron(w, b, cost, args.eta, args.steps)
        for cost in COSTS
        for start, (w, b) in STARTS.items()
    }
    low = low_activation(args.eta, args.steps)
    report_saturation(runs, args.eta)
    report_low_activation(low, args.eta)
    plot(runs, low, args.eta, args.steps, args.save)
    return 0


if __name__ == "__main__":
    run(main)
