"""The command line: the default run, its options, its output and its help."""

import argparse
import math
import re
import subprocess
import sys

import numpy as np
import pytest

import bp4
from bp4 import cli
from bp4.cli import main
from bp4.teaching import gradcheck
from bp4.teaching.gradcheck import LayerError, max_error

EPOCH = re.compile(
    r"^epoch (\d+): training cost (\d+\.\d{4}), validation cost \d+\.\d{4}, "
    r"validation accuracy (\d+) / (\d+) \(\d+\.\d%\), \d+\.\d\d s$",
    re.M,
)


def epoch_lines(out):
    return [line for line in out.splitlines() if line.startswith("epoch ")]


DONE = re.compile(
    r"^Done in \d+\.\d s\. Best validation accuracy (\d+) / (\d+) \(\d+\.\d%\) at "
    r"epoch (\d+); that network's test accuracy: (\d+) / (\d+) \(\d+\.\d%\)$",
    re.M,
)


def train(capsys, *argv):
    """Run ``bp4 train ARGV``; its output, epoch lines and final line."""
    assert main(["train", *argv]) == 0
    out = capsys.readouterr().out
    done = DONE.search(out)
    assert done is not None, out
    return out, EPOCH.findall(out), done


def test_default_run_chooses_on_validation_and_reaches_97_percent(capsys):
    out, epochs, done = train(capsys)
    assert out.splitlines()[0] == (
        "Training Network([64, 30, 10], activation='sigmoid', output_activation="
        "'sigmoid', cost='quadratic', dtype=float64) on digits (1000 training, 347 "
        "validation samples; the 450 test samples are used once, at the end): 30 "
        "epochs, batch size 10, eta 3"
    )
    assert [int(e[0]) for e in epochs] == list(range(1, 31))
    assert {e[3] for e in epochs} == {"347"}
    # The best epoch is the first with the most validation samples right.
    correct = [int(e[2]) for e in epochs]
    assert int(done[3]) == int(np.argmax(correct)) + 1
    assert int(done[1]) == max(correct) and done[2] == "347"
    # The test set appears once, at the end.
    assert out.count("test accuracy") == 1 and "test" not in "".join(epoch_lines(out))
    assert done[5] == "450" and int(done[4]) / 450 >= 0.97


def test_save_holds_the_best_validation_epoch_whose_test_accuracy_is_reported(
    capsys, tmp_path
):
    path = tmp_path / "best.npz"
    out, epochs, done = train(capsys, "--epochs", "12", "--save", str(path))
    correct = [int(e[2]) for e in epochs]
    best = int(np.argmax(correct))
    # The run must have been worse at its end than at its best, or this
    # proves nothing about keeping the best rather than the last.
    assert correct[-1] < correct[best]
    assert f"Saved the network of epoch {best + 1} to {path}" in out
    net = bp4.Network.load(path)
    digits = bp4.load_digits()
    assert net.evaluate(digits.X_train[:, 1000:], digits.y_train[1000:]) == max(correct)
    assert net.evaluate(digits.X_test, digits.y_test) == int(done[4])


def test_options_are_used(capsys):
    argv = [
        "--sizes", "64", "12", "10", "--epochs", "2", "--batch-size", "50",
        "--eta", "0.5", "--activation", "tanh", "--output-activation", "softmax",
        "--cost", "log-likelihood", "--init", "standard", "--seed", "3",
        "--lmbda", "0.5", "--patience", "4",
    ]  # fmt: skip
    out, epochs, _ = train(capsys, *argv)
    assert out.startswith(
        "Training Network([64, 12, 10], activation='tanh', output_activation="
        "'softmax', cost='log-likelihood', dtype=float64)"
    )
    assert "2 epochs, batch size 50, eta 0.5, lmbda 0.5, patience 4\n" in out
    assert len(epochs) == 2


def test_hidden_gives_the_hidden_widths_only(capsys):
    out, epochs, _ = train(capsys, "--hidden", "12", "8", "--epochs", "1")
    assert out.startswith("Training Network([64, 12, 8, 10], ")
    assert len(epochs) == 1


def test_lmbda_adds_the_l2_term_to_the_training_cost(capsys):
    _, plain, _ = train(capsys, "--epochs", "1")
    _, regularised, _ = train(capsys, "--epochs", "1", "--lmbda", "5")
    # Same seed, so the same first batches: the L2 term (λ/2n) Σ w² is extra.
    assert float(regularised[0][1]) > float(plain[0][1])


def test_patience_stops_after_that_many_epochs_without_improvement(capsys):
    out, epochs, done = train(capsys, "--patience", "2", "--epochs", "100")
    last, best = int(epochs[-1][0]), int(done[3])
    assert last == best + 2 < 100
    assert (
        f"Stopped after epoch {last}: no better validation accuracy in 2 epochs "
        "(--patience 2)" in out
    )


def _help(capsys, command, monkeypatch):
    monkeypatch.setenv("COLUMNS", "10000")  # no wrapping inside a phrase
    with pytest.raises(SystemExit) as info:
        main([command, "--help"])
    assert info.value.code == 0
    return " ".join(capsys.readouterr().out.split())  # unwrapped


def _command_parser(name):
    parser = cli.build_parser()
    commands = next(
        a for a in parser._actions if isinstance(a, argparse._SubParsersAction)
    )
    return commands.choices[name]


@pytest.mark.parametrize("command", ["train", "evaluate", "explain", "gradcheck"])
def test_help_says_what_each_option_is_for_and_its_default(
    capsys, monkeypatch, command
):
    text = _help(capsys, command, monkeypatch)
    actions = [a for a in _command_parser(command)._actions if a.dest != "help"]
    assert len(actions) >= 3
    for action in actions:
        assert action.help is not None and len(action.help) > 12, action
        if action.default is not None:
            assert f"(default: {action.default})" in text, action
        elif action.option_strings:  # the help says what happens without it
            assert "default: " in action.help, action
    assert "exit status: 0 done; 1 the run failed" in text


def test_help_says_what_each_choice_is_for(capsys, monkeypatch):
    text = _help(capsys, "train", monkeypatch)
    for phrase in [
        "log-likelihood: -ln a_y, with --output-activation softmax",
        "softmax: a probability vector over the classes, for --cost log-likelihood",
        "identity: a = z, for regression with --cost quadratic",
        "cross-entropy: no learning slowdown when sigmoid outputs saturate",
        "relu: max(0, z), with a smaller --eta",
        "scaled: weights from N(0, 1/n_in)",
        "(default: scaled)",
        "--lmbda LMBDA L2 regularisation λ",
        "(default: 0.0)",
    ]:
        assert phrase in text


def test_python_dash_m_runs():
    result = subprocess.run(
        [sys.executable, "-m", "bp4", "train", "--epochs", "1"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[1].startswith("epoch 1: training cost ")
    assert result.stderr == ""


def test_explain_takes_an_output_activation(capsys):
    argv = ["explain", "--output-activation", "softmax", "--cost", "log-likelihood"]
    assert main(argv) == 0
    assert "softmax" in capsys.readouterr().out


def test_gradcheck_takes_an_output_activation(capsys):
    argv = ["gradcheck", "--output-activation", "softmax", "--cost", "log-likelihood"]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "output_activation='softmax'" in out
    assert re.search(r"^Largest error \S+: good ", out, re.M)


def test_gradcheck_of_a_deep_sigmoid_network_exits_0(capsys):
    # 32 layers: ∂C/∂w^2 is about 1e-19 and its finite difference exactly 0.
    assert main(["gradcheck", "--sizes", "4", *["4"] * 30, "3"]) == 0
    out = capsys.readouterr().out
    assert re.search(r"^l = 2 .* too small to judge$", out, re.M)
    assert re.search(r"^l = 32 .* good$", out, re.M)
    assert re.search(r"^Largest error \S+: good ", out, re.M)
    assert re.search(r"^Too small to judge: l = 2–\d+, whose gradients", out, re.M)
    assert "wrong" not in out.replace("not a number wrong", "")


def test_gradcheck_of_a_wrong_backprop_exits_1(capsys, monkeypatch):
    monkeypatch.setattr(
        bp4.backprop,
        "hidden_error",
        lambda w_next, delta_next, sigma_prime_z, out=None: w_next.T @ delta_next,
    )
    assert main(["gradcheck", "--sizes", "4", *["4"] * 30, "3"]) == 1
    assert re.search(r"^Largest error \S+: wrong ", capsys.readouterr().out, re.M)


def test_gradcheck_reads_a_nan_error_as_wrong(capsys, monkeypatch):
    def nan_check(net, X, Y, **options):
        return [LayerError(2, 1e-9, float("nan")), LayerError(3, 1e-9, 1e-9)]

    monkeypatch.setattr(gradcheck, "gradient_check", nan_check)
    assert main(["gradcheck"]) == 1
    out = capsys.readouterr().out
    assert re.search(r"^l = 2 .* nan .* wrong$", out, re.M)
    assert re.search(r"^l = 3 .* good$", out, re.M)
    assert re.search(r"^Largest error nan: wrong ", out, re.M)


@pytest.mark.parametrize(
    "error, reading",
    [
        (3e-11, "good"), (1e-6, "suspicious"), (0.5, "wrong"),
        (float("nan"), "wrong"), (float("inf"), "wrong"),
    ],
)  # fmt: skip
def test_gradcheck_reading(error, reading):
    assert bp4.teaching.gradcheck.reading(error) == reading


def test_max_error_is_nan_when_any_error_is():
    errors = [LayerError(2, 1e-9, float("nan")), LayerError(3, 0.5, 1e-3)]
    assert math.isnan(max_error(errors))
    assert max_error([LayerError(2, 1e-9, 2e-9), LayerError(3, 0.5, 1e-3)]) == 0.5


def test_a_stalled_run_warns_in_one_line_naming_options(capsys):
    # relu outputs at z <= 0 pass no gradient: the cost stops moving at once.
    assert main(["train", "--output-activation", "relu", "--epochs", "6"]) == 0
    captured = capsys.readouterr()
    assert captured.err.startswith("bp4 train: warning: training has stalled: ")
    assert captured.err.count("\n") == 1 and "Warning" not in captured.err
    assert "--output-activation " in captured.err
    assert "output_activation=" not in captured.err
    assert len(epoch_lines(captured.out)) == 6


def test_messages_name_the_options_not_the_keywords():
    assert cli.in_option_names(
        "use output_activation='sigmoid' or 'softmax', or cost='quadratic'"
    ) == ("use --output-activation sigmoid or softmax, or --cost quadratic")


def test_gradcheck_refuses_millions_of_forward_passes(capsys):
    # --sizes 1000 1000 would start 4,004,000 forward passes, with no end in sight.
    with pytest.raises(SystemExit) as exit:
        main(["gradcheck", "--sizes", "1000", "1000"])
    assert exit.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("bp4 gradcheck: error: --sizes 1000 1000: checking ")
    assert "1,001,000 parameters" in err and "4,004,000 forward passes" in err
    assert "at most 100,000" in err and err.count("\n") == 1


def test_a_long_gradcheck_reports_its_progress_on_stderr(capsys, monkeypatch):
    from bp4.cli import explain

    monkeypatch.setattr(explain, "PROGRESS_FROM", 10)
    assert main(["gradcheck", "--sizes", "4", "5", "3"]) == 0  # 43 parameters
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 10
    assert lines[0] == "bp4 gradcheck: 5 of 43 parameters (20 forward passes)"
    assert lines[-1] == "bp4 gradcheck: 43 of 43 parameters (172 forward passes)"
