"""Draw the notation figure: a small network labelling w^3_{24}, b^2_3 and a^3_1.

The text's figures are missing, so bp4 draws its own. This script writes plain
SVG with the standard library only, so the output is byte-for-byte the same on
every machine; the tests regenerate it and compare. Run from anywhere:

    python docs/figures/draw_network.py            # writes network.svg, network-zh.svg
    python docs/figures/draw_network.py --out-dir DIR
"""

from __future__ import annotations

import argparse
from pathlib import Path

SIZES = [3, 4, 2]  # n_1, n_2, n_3: the input layer counts, as in the text
WEIGHT = (3, 2, 4)  # (l, j, k): w^3_{24}, neuron 4 of layer 2 to neuron 2 of layer 3
BIAS = (2, 3)  # (l, j): b^2_3
ACTIVATION = (3, 1)  # (l, j): a^3_1

WIDTH, HEIGHT = 560, 360
RADIUS = 17
LAYER_X = [110, 280, 450]
TOP, BOTTOM = 80, 300
HIGHLIGHT = "#c0392b"
INK = "#222222"
FAINT = "#b0b0b0"

LAYER_NAMES = {
    "en": "layer {l}",
    "zh": "第 {l} 层",
}


def neuron(l: int, j: int) -> tuple[float, float]:
    """Centre of neuron j (1-based, top to bottom) of layer l (1-based).

    Neurons are equally spaced in every layer, and each layer is centred.
    """
    n = SIZES[l - 1]
    gap = (BOTTOM - TOP) / (max(SIZES) - 1)
    y = (TOP + BOTTOM) / 2 + (j - (n + 1) / 2) * gap
    return float(LAYER_X[l - 1]), round(y, 1)


def symbol(x: float, y: float, base: str, sup: str, sub: str, colour: str) -> str:
    """A symbol such as w^3_{24}: the letter, then superscript and subscript stacked."""
    return (
        f'<text x="{x}" y="{y}" font-style="italic" font-size="22" fill="{colour}">'
        f"{base}</text>"
        f'<text x="{x + 14}" y="{y - 9}" font-size="14" fill="{colour}">{sup}</text>'
        f'<text x="{x + 14}" y="{y + 7}" font-size="14" fill="{colour}">{sub}</text>'
    )


def draw(lang: str) -> str:
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" font-family="serif">',
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="white"/>',
    ]
    wl, wj, wk = WEIGHT
    # Connections first, so the neurons are drawn over their ends.
    for l in range(2, len(SIZES) + 1):
        for j in range(1, SIZES[l - 1] + 1):
            for k in range(1, SIZES[l - 2] + 1):
                (x0, y0), (x1, y1) = neuron(l - 1, k), neuron(l, j)
                hot = (l, j, k) == WEIGHT
                parts.append(
                    f'<line x1="{x0}" y1="{y0}" x2="{x1}" y2="{y1}" '
                    f'stroke="{HIGHLIGHT if hot else FAINT}" '
                    f'stroke-width="{3 if hot else 1}"/>'
                )
    for l, n in enumerate(SIZES, start=1):
        for j in range(1, n + 1):
            x, y = neuron(l, j)
            marked = (l, j) in (BIAS, ACTIVATION) or (l, j) in ((wl, wj), (wl - 1, wk))
            parts.append(
                f'<circle cx="{x}" cy="{y}" r="{RADIUS}" fill="white" '
                f'stroke="{INK}" stroke-width="{2 if marked else 1.2}"/>'
            )
        parts.append(
            f'<text x="{LAYER_X[l - 1]}" y="36" font-size="18" text-anchor="middle" '
            f'fill="{INK}">{LAYER_NAMES[lang].format(l=l)}</text>'
        )
    # The weight's label sits on its line, a little above the middle.
    (x0, y0), (x1, y1) = neuron(wl - 1, wk), neuron(wl, wj)
    mx, my = (x0 + x1) / 2, (y0 + y1) / 2
    parts.append(symbol(mx - 8, my - 14, "w", str(wl), f"{wj}{wk}", HIGHLIGHT))
    bl, bj = BIAS
    x, y = neuron(bl, bj)
    # Left of its neuron, on a white patch so the connections behind it give way.
    parts.append(
        f'<rect x="{x - RADIUS - 36}" y="{y - 16}" width="30" height="30" fill="white"/>'
    )
    parts.append(symbol(x - RADIUS - 34, y + 6, "b", str(bl), str(bj), INK))
    al, aj = ACTIVATION
    x, y = neuron(al, aj)
    parts.append(symbol(x + RADIUS + 8, y + 6, "a", str(al), str(aj), INK))
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out-dir", type=Path, default=Path(__file__).parent)
    args = parser.parse_args(argv)
    args.out_dir.mkdir(parents=True, exist_ok=True)
    for lang, name in (("en", "network.svg"), ("zh", "network-zh.svg")):
        (args.out_dir / name).write_text(draw(lang), encoding="utf-8")
        print(args.out_dir / name)


if __name__ == "__main__":
    main()
