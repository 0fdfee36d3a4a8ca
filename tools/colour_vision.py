#!/usr/bin/env python3
"""Colour-vision-deficiency simulation for the book's figures and colour maps.

    python tools/colour_vision.py FIGURE.png [...] --out DIR
        writes DIR/<name>_cvd.png per figure: the original and how it looks with
        deuteranopia, protanopia and tritanopia, side by side, to LOOK at
    python tools/colour_vision.py --colormaps [NAME ...]
        prints, per colour map, how far apart (CIELAB Delta E 1976) its colours stay under
        each deficiency: the closest pair of a categorical map's colours, and for a
        continuous map the ends against each other and against the middle

The simulation is Machado, Oliveira & Fernandes (2009), "A Physiologically-based Model for
Simulation of Color Vision Deficiency", IEEE TVCG 15(6):1291-1298, doi:10.1109/TVCG.2009.113:
one 3x3 matrix per deficiency (severity 1.0: dichromacy, the strongest case), applied to
linear-light sRGB. The matrices are those of the paper's supplementary table (the same ones
used by colorspacious, DaltonLens and Chromium's DevTools). For tritanopia Brettel et al.
(1997) is more exact; Machado's matrix is a close approximation, enough to spot a map that
relies on blue against green or yellow. Only numpy, Pillow and matplotlib are needed.

Examples
--------
>>> import numpy as np
>>> grey = np.full((1, 1, 3), 128, np.uint8)
>>> all(np.array_equal(simulate(grey, k), grey) for k in KINDS)      # greys stay grey
True
>>> red, green = np.array([[[214, 39, 40]]], np.uint8), np.array([[[44, 160, 44]]], np.uint8)
>>> delta_e(red, green) > 60                                         # normal vision
True
>>> delta_e(simulate(red, "deuteranopia"), simulate(green, "deuteranopia")) < 20
True
"""

from __future__ import annotations

import argparse
import itertools
import sys
from pathlib import Path

import numpy as np

# Machado et al. (2009), severity 1.0, acting on linear RGB (rows: output R, G, B)
MACHADO_2009 = {
    "deuteranopia": np.array([[0.367322, 0.860646, -0.227968],
                              [0.280085, 0.672501, 0.047413],
                              [-0.011820, 0.042940, 0.968881]]),
    "protanopia": np.array([[0.152286, 1.052583, -0.204868],
                            [0.114503, 0.786281, 0.099216],
                            [-0.003882, -0.048116, 1.051998]]),
    "tritanopia": np.array([[1.255528, -0.076749, -0.178779],
                            [-0.078411, 0.930809, 0.147602],
                            [0.004733, 0.691367, 0.303900]]),
}
KINDS = tuple(MACHADO_2009)

# the colour maps the book's figures use (tconvlib/plotting.py, tconvlib/painting.py and the
# chapters); categorical ones are compared colour by colour
BOOK_COLORMAPS = ["RdBu_r", "coolwarm", "viridis", "cividis", "magma", "Greys", "gray",
                  "Pastel1", "tab10"]
CATEGORICAL = {"Pastel1", "Pastel2", "tab10", "tab20", "Set1", "Set2", "Set3", "Dark2",
               "Paired", "Accent"}


def _to_linear(srgb):
    c = srgb / 255.0
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def _to_srgb(linear):
    c = np.clip(linear, 0.0, 1.0)
    c = np.where(c <= 0.0031308, 12.92 * c, 1.055 * c ** (1 / 2.4) - 0.055)
    return np.round(c * 255.0).astype(np.uint8)


def simulate(rgb, kind):
    """The image ``rgb`` (uint8, ``(..., 3)``; an alpha channel is passed through) as seen
    with the deficiency ``kind`` (``"deuteranopia"``, ``"protanopia"``, ``"tritanopia"``)."""
    if kind not in MACHADO_2009:
        raise ValueError(f"kind ({kind!r}) must be one of {KINDS}")
    rgb = np.asarray(rgb)
    if rgb.dtype != np.uint8 or rgb.shape[-1] not in (3, 4):
        raise ValueError(f"rgb must be uint8 with 3 or 4 channels last, got {rgb.dtype} "
                         f"{rgb.shape}")
    out = _to_srgb(_to_linear(rgb[..., :3].astype(np.float64)) @ MACHADO_2009[kind].T)
    return np.concatenate([out, rgb[..., 3:]], axis=-1) if rgb.shape[-1] == 4 else out


def _lab(rgb):
    """CIELAB (D65) of uint8 sRGB."""
    lin = _to_linear(np.asarray(rgb, np.float64)[..., :3])
    xyz = lin @ np.array([[0.4124564, 0.3575761, 0.1804375],
                          [0.2126729, 0.7151522, 0.0721750],
                          [0.0193339, 0.1191920, 0.9503041]]).T
    xyz = xyz / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.stack([116 * f[..., 1] - 16, 500 * (f[..., 0] - f[..., 1]),
                     200 * (f[..., 1] - f[..., 2])], axis=-1)


def delta_e(a, b):
    """CIE76 colour difference between uint8 sRGB colours (scalar for single pixels)."""
    d = np.linalg.norm(_lab(a) - _lab(b), axis=-1)
    return float(d.squeeze()) if d.size == 1 else d


def panel(path, out_dir):
    """Write ``out_dir/<stem>_cvd.png``: a 2 x 2 sheet, the original and deuteranopia above,
    protanopia and tritanopia below."""
    from PIL import Image, ImageDraw

    img = np.asarray(Image.open(path).convert("RGB"))
    views = [("original", img)] + [(k, simulate(img, k)) for k in KINDS]
    h, w = img.shape[:2]
    band, gap = 18, 8
    sheet = Image.new("RGB", (2 * w + gap, 2 * (h + band) + gap), "white")
    draw = ImageDraw.Draw(sheet)
    for i, (name, view) in enumerate(views):
        x, y = (i % 2) * (w + gap), (i // 2) * (h + band + gap)
        sheet.paste(Image.fromarray(view), (x, y + band))
        draw.text((x + 4, y + 3), name, fill="black")
    out = Path(out_dir) / f"{Path(path).stem}_cvd.png"
    sheet.save(out)
    return out


def colormap_report(names):
    """Lines of text: how distinct each colour map's colours stay under each deficiency."""
    import matplotlib

    lines = [f"{'colour map':10} {'measure':28} " + " ".join(f"{k[:6]:>8}" for k in
                                                              ("normal",) + KINDS)]
    for name in names:
        cmap = matplotlib.colormaps[name]
        if name in CATEGORICAL:
            cols = (np.array(cmap.colors)[:, :3] * 255).round().astype(np.uint8)
            cols = cols[:, None, :]
            row = []
            for kind in (None,) + KINDS:
                seen = cols if kind is None else simulate(cols, kind)
                d, i, j = min((delta_e(seen[i], seen[j]), i, j)
                              for i, j in itertools.combinations(range(len(cols)), 2))
                row.append(f"{d:5.1f}({i},{j})")
            lines.append(f"{name:10} {'closest pair of colours':28} " + " ".join(
                f"{r:>8}" for r in row))
        else:
            cols = (cmap(np.array([0.0, 0.5, 1.0]))[:, :3] * 255).round().astype(np.uint8)
            cols = cols[:, None, :]
            for label, ends in (("low end vs high end", True), ("middle vs nearer end", False)):
                row = []
                for kind in (None,) + KINDS:
                    seen = cols if kind is None else simulate(cols, kind)
                    d = (delta_e(seen[0], seen[2]) if ends
                         else min(delta_e(seen[1], seen[0]), delta_e(seen[1], seen[2])))
                    row.append(f"{d:8.1f}")
                lines.append(f"{name:10} {label:28} " + " ".join(row))
    return lines


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("images", nargs="*", help="PNG files to simulate")
    ap.add_argument("--out", default="_build/colour_vision", help="folder for the panels")
    ap.add_argument("--colormaps", nargs="*", metavar="NAME",
                    help="report on colour maps (default: the book's)")
    args = ap.parse_args(argv)
    if args.colormaps is not None:
        print("\n".join(colormap_report(args.colormaps or BOOK_COLORMAPS)))
        print("(CIELAB Delta E 1976; below about 10, two colours are hard to tell apart)")
    if args.images:
        Path(args.out).mkdir(parents=True, exist_ok=True)
        for path in args.images:
            print(panel(path, args.out))
    if not args.images and args.colormaps is None:
        ap.print_help()
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
