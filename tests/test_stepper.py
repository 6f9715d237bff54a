"""Stepping through one backpropagation step: the frames, the player, the saved page in Chromium."""

from __future__ import annotations

import html
import json
import re
import subprocess
import tempfile
from pathlib import Path

import numpy as np
import pytest

import bp4
from bp4.teaching.stepper import frames

pytest.importorskip("matplotlib")


def test_one_frame_per_step_of_the_algorithm_in_its_order():
    walk = bp4.explain([3, 4, 2, 1], seed=1, eta=0.5)
    titles = [f.title.split(":")[0] for f in frames(walk)]
    assert titles == [
        "1. Input",
        "2. Feedforward, l = 2",
        "2. Feedforward, l = 3",
        "2. Feedforward, l = 4",
        f"3–4. Cost C = {walk.C:.4g} and the output error (BP1), L = 4",
        "5. Backpropagate the error (BP2), l = 3",
        "5. Backpropagate the error (BP2), l = 2",
        "6–7. Gradients (BP3 and BP4)",
        "8. Update, l = 2, η = 0.5",
        "8. Update, l = 3, η = 0.5",
        "8. Update, l = 4, η = 0.5",
    ]
    # without η the walk-through, and the stepper, stop at the gradients
    assert len(frames(bp4.explain([3, 4, 2, 1], seed=1))) == len(titles) - 3


def test_each_frame_shows_its_steps_own_quantities():
    walk = bp4.explain([3, 4, 2], seed=2, eta=0.1)
    by_title = {f.title.split(":")[0]: f for f in frames(walk)}
    forward = by_title["2. Feedforward, l = 2"]
    np.testing.assert_array_equal(forward.neurons[2], walk.a(2)[:, 0])
    np.testing.assert_array_equal(forward.edge_values[2], walk.w(2))
    assert forward.edges == [2]
    assert any(
        line.strip().startswith("z^2 (4×1)") or "z^2 (4×1)" in line
        for line in forward.equation
    )
    bp1 = by_title[
        "3–4. Cost C = " + f"{walk.C:.4g}" + " and the output error (BP1), L = 3"
    ]
    np.testing.assert_array_equal(bp1.neurons[3], walk.delta(3)[:, 0])
    bp2 = by_title["5. Backpropagate the error (BP2), l = 2"]
    np.testing.assert_array_equal(bp2.neurons[2], walk.delta(2)[:, 0])
    np.testing.assert_array_equal(bp2.edge_values[3], walk.w(3))
    grads = by_title["6–7. Gradients (BP3 and BP4)"]
    np.testing.assert_array_equal(grads.edge_values[2], walk.weight_gradient(2))
    update = by_title["8. Update, l = 3, η = 0.1"]
    np.testing.assert_allclose(update.edge_values[3], -0.1 * walk.weight_gradient(3))
    assert (
        "after" in update.equation[-1] and f"{walk.C_after:#.4g}" in update.equation[-1]
    )


def test_the_player_embeds_every_frame_and_fetches_nothing():
    stepper = bp4.explain([2, 3, 2], eta=0.5).steps()
    page = stepper._repr_html_()
    assert len(re.findall(r"frames\[\d+\] = \"data:image/png;base64,", page)) == len(
        stepper
    )
    assert "http://" not in page and "https://" not in page
    assert 'title="Next frame"' in page and "›" in page
    fig = stepper.figure(3)
    assert fig.axes[0].get_title(loc="left").startswith("3–4. Cost")


def test_a_wide_network_steps_too():
    walk = bp4.explain([30, 12, 3], seed=0, eta=0.5)
    stepper = walk.steps()
    assert len(stepper) == 1 + 2 + 1 + 1 + 1 + 2
    fig = stepper.figure(1)
    text = fig.axes[1].texts[0].get_text()
    assert "w^2 (12×30)" in text and "┆" in text and "⋯" in text


# -- the saved page in headless Chromium ------------------------------------------

HARNESS = """<!doctype html><html><body><script>
function report(result) {
  const kept = document.createElement("template");
  kept.dataset.result = JSON.stringify(result);
  document.body.appendChild(kept);
}
function check(frame, hashFrame) {
  const doc = frame.contentDocument;
  if (!doc || doc.body.dataset.ready !== "yes") {
    setTimeout(() => check(frame, hashFrame), 50);
    return;
  }
  const img = doc.querySelector(".animation img");
  const slider = doc.querySelector("input.anim-slider");
  const result = {
    buttons: Array.from(doc.querySelectorAll(".anim-buttons button"),
                        (b) => b.title),
    glyphs: Array.from(doc.querySelectorAll(".anim-buttons button"),
                       (b) => b.textContent.trim()),
    frames: +slider.max + 1,
    opened: +slider.value,
    first: img.src.slice(-80),
    drawn: img.complete && img.naturalWidth > 0,
  };
  doc.querySelector('button[title="Next frame"]').click();
  result.next = img.src.slice(-80);
  result.after_next = +slider.value;
  doc.querySelector('button[title="Last frame"]').click();
  result.after_last = +slider.value;
  doc.dispatchEvent(new KeyboardEvent("keydown", {key: "ArrowLeft"}));
  result.after_left = +slider.value;
  report(result);
}
for (const url of %s) {
  const frame = document.createElement("iframe");
  frame.style.width = "1300px";
  frame.style.height = "1200px";
  frame.src = url;
  frame.addEventListener("load", () => check(frame));
  document.body.appendChild(frame);
}
</script></body></html>
"""


@pytest.mark.browser
def test_the_saved_page_steps_offline_in_chromium(tmp_path: Path):
    from test_docs_browser import CHROMIUM_FLAGS, chromium, page_requests

    binary = chromium()
    walk = bp4.explain([2, 3, 2], seed=0, eta=0.5)
    page = walk.save_html(tmp_path / "step.html")
    n = len(walk.steps())
    urls = [page.as_uri(), page.as_uri() + "#step=4"]
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        harness = work / "harness.html"
        harness.write_text(HARNESS % json.dumps(urls), encoding="utf-8")
        net_log = work / "net-log.json"
        run = subprocess.run(
            [binary, *CHROMIUM_FLAGS, f"--user-data-dir={work / 'profile'}"]
            + [f"--log-net-log={net_log}", "--dump-dom", harness.as_uri()],
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert run.returncode == 0, run.stderr[-2000:]
        assert page_requests(net_log) == []  # nothing asked of the network
    results = [
        json.loads(html.unescape(r))
        for r in re.findall(r'data-result="([^"]*)"', run.stdout)
    ]
    assert len(results) == 2, run.stdout[-2000:]
    plain, at_four = sorted(results, key=lambda r: r["opened"])
    for r in results:
        assert r["buttons"] == [
            "Decrease speed", "First frame", "Previous frame", "Play backwards",
            "Pause", "Play", "Next frame", "Last frame", "Increase speed",
        ]  # fmt: skip
        assert all(r["glyphs"])  # each button drawn with a character, no icon font
        assert r["frames"] == n and r["drawn"]
    assert plain["opened"] == 0 and plain["after_next"] == 1
    assert plain["next"] != plain["first"]  # stepping changed the picture
    assert plain["after_last"] == n - 1 and plain["after_left"] == n - 2
    assert at_four["opened"] == 3  # page.html#step=4 opens the fourth step


@pytest.mark.browser
def test_the_saved_page_screenshot_shows_a_frame(tmp_path: Path):
    from test_docs_browser import CHROMIUM_FLAGS, chromium

    page = bp4.explain([2, 3, 2], seed=0, eta=0.5).save_html(tmp_path / "step.html")
    shot = tmp_path / "step.png"
    flags = [f for f in CHROMIUM_FLAGS if not f.startswith("--virtual-time")]
    run = subprocess.run(
        [chromium(), *flags, f"--user-data-dir={tmp_path / 'profile'}",
         "--window-size=1300,1250", "--virtual-time-budget=5000",
         f"--screenshot={shot}", page.as_uri() + "#step=5"],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr[-2000:]
    from matplotlib.image import imread

    pixels = imread(shot)
    # the frame is drawn: a large share of the screenshot is not page white
    assert (pixels[..., :3] < 0.9).any(axis=-1).mean() > 0.02
