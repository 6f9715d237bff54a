"""``bp4 train``: mini-batch SGD, keeping (and saving) the best epoch's network."""

from __future__ import annotations

import argparse
import time

from ..array import Array
from ..network import Network
from ..text import printable
from ..training import EpochRecord, TrainingDivergedError, best_record
from .checks import (
    _check_data_dir,
    _option_names,
    check_memory,
    check_save_path,
    train_sizes,
)
from .data import DATASETS, Split


class Interrupted(KeyboardInterrupt):
    """Ctrl-C, with what the user needs to know about the interrupted run."""


def run_train(args: argparse.Namespace) -> int:
    sizes = train_sizes(args)
    _check_data_dir(args, args.dataset)
    if args.save is not None:
        check_save_path(args.save)
    data_set = DATASETS[args.dataset]
    # A batch's columns at a time in training; the validation set's in evaluation.
    samples = max(min(args.batch_size, data_set.training), data_set.validation)
    check_memory(sizes, samples, "training")
    with _option_names():
        net = Network(
            sizes,
            args.activation,
            args.cost,
            args.init,
            seed=args.seed,
            output_activation=args.output_activation,
        )
    data = DATASETS[args.dataset].load(args.data_dir)
    print(_banner(args, net, data), flush=True)
    run = _Run(net, args.save)
    start = time.perf_counter()
    try:
        history = net.sgd(
            data.X_train, data.y_train, args.epochs, args.batch_size, args.eta,
            lmbda=args.lmbda, validation=(data.X_validation, data.y_validation),
            patience=args.patience, callback=run.on_epoch,
        )  # fmt: skip
    except KeyboardInterrupt:
        raise Interrupted(run.interrupted()) from None
    except TrainingDivergedError as error:
        # The process ends here: what is kept is the file, not the network.
        raise FloatingPointError(f"{error.cause}; {run.kept()}") from None
    best = run.restore_best()
    correct, total = net.evaluate(data.X_test, data.y_test), data.X_test.shape[1]
    print(
        f"Done in {time.perf_counter() - start:.1f} s. Best validation accuracy "
        f"{best.validation_correct} / {best.validation_total} "
        f"({best.validation_accuracy:.1%}) at epoch {best.epoch}; that network's "
        f"test accuracy: {correct} / {total} ({correct / total:.1%})"
    )
    if history.stopped_early:
        print(
            f"Stopped after epoch {history[-1].epoch}: no better validation "
            f"accuracy in {args.patience} epochs (--patience {args.patience})"
        )
    if run.saved is not None:
        print(f"Saved the network of epoch {run.saved.epoch} to {printable(args.save)}")
    return 0


def _banner(args: argparse.Namespace, net: Network, data: Split) -> str:
    extra = "".join(
        f", {name} {value:g}"
        for name, value in (("lmbda", args.lmbda), ("patience", args.patience))
        if value
    )
    return (
        f"Training {net} on {args.dataset} ({data.X_train.shape[1]} training, "
        f"{data.X_validation.shape[1]} validation samples; the "
        f"{data.X_test.shape[1]} test samples are used once, at the end): "
        f"{args.epochs} epochs, batch size {args.batch_size}, eta {args.eta:g}{extra}"
    )


class _Run:
    """What train keeps between epochs: the best epoch, and where it is saved."""

    def __init__(self, net: Network, save: str | None) -> None:
        self.net, self.save = net, save
        self.epoch = 1  # the epoch in progress
        self.best: EpochRecord | None = None
        self.best_parameters: list[Array] = []
        self.saved: EpochRecord | None = None  # the epoch in the --save file

    def on_epoch(self, record: EpochRecord) -> None:
        print(record, flush=True)
        # The rule sgd's History.best_epoch follows; the CLI's data are classes.
        if self.best is None or best_record([self.best, record], "accuracy") is record:
            self.best = record
            self.best_parameters = [p.copy() for p in self._parameters()]
            if self.save is not None:
                self.net.save(self.save)
                self.saved = record
        self.epoch = record.epoch + 1

    def restore_best(self) -> EpochRecord:
        """Put the best epoch's parameters back into the network; its record."""
        assert self.best is not None  # sgd ran at least one epoch
        for p, best in zip(self._parameters(), self.best_parameters):
            p[...] = best
        return self.best

    def interrupted(self) -> str:
        return f"interrupted at epoch {self.epoch}; {self.kept()}"

    def kept(self) -> str:
        """Which epoch's network a run that ends now leaves in the --save file."""
        if self.saved is not None:
            return (
                f"the best network so far (epoch {self.saved.epoch}, validation "
                f"accuracy {self.saved.validation_accuracy:.1%}) is in {self.save}"
            )
        if self.save is not None:
            return f"nothing was saved to {self.save} yet"
        return "nothing was saved (--save FILE keeps the best epoch's network)"

    def _parameters(self) -> list[Array]:
        return [*self.net.weights, *self.net.biases]
