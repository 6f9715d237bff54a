"""bp4's NetworkClassifier and NetworkRegressor beside scikit-learn's MLPs.

    python examples/sklearn_compare.py

Four of scikit-learn's data sets, all shipped with it (nothing downloaded):
the 8×8 digits, two moons (make_moons, 1,000 samples, noise 0.25), the
breast-cancer data and the diabetes regression. Each is split 75/25 with the
same seed; inputs are standardised with statistics of the training part (a
StandardScaler in a Pipeline), and diabetes targets too
(TransformedTargetRegressor). Three models on each, one hidden layer of 100
neurons, the same number of epochs:

- bp4 at its defaults: sigmoid hidden layer, softmax output with the
  log-likelihood cost (identity output, quadratic cost for regression),
  plain SGD, batch 10, eta 0.1 (0.01 for regression);
- MLP-SGD: scikit-learn's MLP running the same algorithm (logistic hidden
  layer, plain SGD without momentum, batch 10, bp4's learning rate, no L2),
  stopped after the same number of epochs;
- MLP-Adam: scikit-learn's MLP at its own defaults (relu, Adam, batch 200,
  L2 alpha 1e-4, stopping when the training loss stops improving).

It prints the mean held-out accuracy (R² for diabetes) over the folds, ± their
standard deviation, and seconds per epoch (the fits' time divided by the
epochs they ran). Needs scikit-learn:
pip install "bp4[sklearn]".
"""

from __future__ import annotations

import warnings
from typing import Any

from _support import ArgumentParser, count, run


def datasets(seed: int) -> dict[str, tuple[Any, Any, bool]]:
    """name → (X, y, is_classification), rows are samples."""
    from sklearn.datasets import (
        load_breast_cancer,
        load_diabetes,
        load_digits,
        make_moons,
    )

    moons = make_moons(n_samples=1000, noise=0.25, random_state=seed)
    return {
        "digits": (*load_digits(return_X_y=True), True),
        "moons": (*moons, True),
        "breast cancer": (*load_breast_cancer(return_X_y=True), True),
        "diabetes": (*load_diabetes(return_X_y=True), False),
    }


def models(epochs: int, seed: int, classification: bool) -> dict[str, Any]:
    """The three models, each in a Pipeline that standardises the inputs."""
    from sklearn.compose import TransformedTargetRegressor
    from sklearn.neural_network import MLPClassifier, MLPRegressor
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from bp4.estimators import NetworkClassifier, NetworkRegressor

    if classification:
        bp4_model, MLP = NetworkClassifier, MLPClassifier
    else:
        bp4_model, MLP = NetworkRegressor, MLPRegressor
    same_algorithm = {
        "activation": "logistic",
        "solver": "sgd",
        "batch_size": 10,
        "learning_rate_init": 0.1 if classification else 0.01,
        "momentum": 0.0,
        "alpha": 0.0,
        "n_iter_no_change": epochs,  # run every epoch, as bp4 does
    }
    found = {
        "bp4": bp4_model(epochs=epochs, random_state=seed),
        "MLP-SGD": MLP(max_iter=epochs, random_state=seed, **same_algorithm),
        "MLP-Adam": MLP(max_iter=epochs, random_state=seed),
    }
    pipelines = {}
    for name, model in found.items():
        pipeline = make_pipeline(StandardScaler(), model)
        if not classification:
            pipeline = TransformedTargetRegressor(
                pipeline, transformer=StandardScaler()
            )
        pipelines[name] = pipeline
    return pipelines


def epochs_run(fitted: Any) -> int:
    """How many epochs the fitted model's last step trained for."""
    model = getattr(fitted, "regressor_", fitted)[-1]
    return len(model.history_) if hasattr(model, "history_") else model.n_iter_


def main(argv: list[str] | None = None) -> int:
    parser = ArgumentParser(__doc__)
    parser.add_argument(
        "--epochs", type=count(1), default=100, metavar="N", help="passes over the data"
    )
    parser.add_argument(
        "--folds", type=count(2), default=5, metavar="K", help="cross-validation folds"
    )
    parser.add_argument(
        "--seed", type=count(0), default=0, help="seed for the folds and every model"
    )
    args = parser.parse_args(argv)
    try:
        from sklearn.exceptions import ConvergenceWarning
        from sklearn.model_selection import KFold, StratifiedKFold, cross_validate
    except ImportError:
        print('This example needs scikit-learn: pip install "bp4[sklearn]"')
        return 1

    print(
        f"{args.epochs} epochs, hidden layer (100,), {args.folds}-fold "
        f"cross-validation, seed {args.seed}:\nmean held-out accuracy (R² for "
        "diabetes) ± standard deviation over the folds, and seconds per epoch"
    )
    names = ("bp4", "MLP-SGD", "MLP-Adam")
    print(f"{'data set':14} {'samples':>7} " + "".join(f"{n:>25}" for n in names))
    for name, (X, y, classification) in datasets(args.seed).items():
        Folds = StratifiedKFold if classification else KFold
        folds = Folds(args.folds, shuffle=True, random_state=args.seed)
        cells = []
        for model in models(args.epochs, args.seed, classification).values():
            with warnings.catch_warnings():
                # The MLPs say that they ran out of epochs: that is the setting.
                warnings.simplefilter("ignore", ConvergenceWarning)
                found = cross_validate(model, X, y, cv=folds, return_estimator=True)
            epochs = sum(epochs_run(fitted) for fitted in found["estimator"])
            per_epoch = found["fit_time"].sum() / epochs
            mean, std = found["test_score"].mean(), found["test_score"].std()
            if classification:
                shown = f"{mean:.1%} ± {std:.1%}"
            else:
                shown = f"R² {mean:.2f} ± {std:.2f}"
            cells.append(f"{shown} {per_epoch:6.4f} s")
        row = f"{name:14} {len(y):7d} " + "".join(f"{c:>25}" for c in cells)
        print(row, flush=True)  # one data set at a time: the run is long
    return 0


if __name__ == "__main__":
    run(main)
