"""tconvlib: transposed convolution, explained and executable.

numpy reference implementations with the exact semantics of ``torch.nn.functional``; torch
tensors go through the same code and stay on their device. The public names are listed once,
here; the modules behind them are named after the book's concepts:

- :mod:`tconvlib.shapes`      output sizes (``output_size``, ``conv_output_size``)
- :mod:`tconvlib.conv`        reference forward convolution (``conv1d``, ``conv2d``)
- :mod:`tconvlib.transposed`  transposed convolution by painting, zero insertion or ``A.T``
- :mod:`tconvlib.matrix`      the matrix view (``conv_matrix``)
- :mod:`tconvlib.overlap`     overlap maps (``overlap_count``)
- :mod:`tconvlib.artifacts`   the checkerboard score (``phase_means``, ``checkerboard_score``)
- :mod:`tconvlib.subpixel`    depth to space (``pixel_shuffle``, ``pixel_unshuffle``)
- :mod:`tconvlib.remedies`    checkerboard remedies (``icnr_``, ``blur_kernel``, ``blur2d``,
  ``frequency_response``, ``phase_imbalance``, ``upsample``, ``resize_conv2d``)
- :mod:`tconvlib.layers`      torch modules (``ResizeConv2d``, ``SubPixelConv2d``,
  ``BlurredConvTranspose2d``, ``multiply_adds``); loaded lazily, only they import torch
- :mod:`tconvlib.device`      the device helper for chapters (``default_device``)
- :mod:`tconvlib.plotting`    figures used by the chapters
- :mod:`tconvlib.explorer`    explorers: live sliders in Jupyter, static players in the book
- :mod:`tconvlib.checkers`    exercise checkers
"""

from .conv import conv1d, conv2d
from .device import default_device
from .matrix import conv_matrix
from .overlap import overlap_count
from .artifacts import checkerboard_score, phase_means
from .subpixel import pixel_shuffle, pixel_unshuffle
from .shapes import conv_output_size, output_size
from .transposed import METHODS, conv_transpose1d, conv_transpose2d
from .remedies import (blur2d, blur_kernel, frequency_response, icnr_, phase_imbalance,
                       resize_conv2d, upsample)

# -- chapter support: plotting and exercise checkers ------------------------------------------
from .checkers import check
from .explorer import Animation, Explorer
from .plotting import plot_matrices, plot_matrix, shade

__all__ = [
    "output_size",
    "conv_output_size",
    "conv1d",
    "conv2d",
    "conv_transpose1d",
    "conv_transpose2d",
    "METHODS",
    "conv_matrix",
    "overlap_count",
    "phase_means",
    "checkerboard_score",
    "pixel_shuffle",
    "pixel_unshuffle",
    "default_device",
    "check",
    "plot_matrix",
    "plot_matrices",
    "shade",
    "Explorer",
    "Animation",
    "icnr_",
    "blur_kernel",
    "frequency_response",
    "blur2d",
    "phase_imbalance",
    "upsample",
    "resize_conv2d",
    "ResizeConv2d",
    "SubPixelConv2d",
    "BlurredConvTranspose2d",
    "multiply_adds",
]

# torch modules, imported on first use (PEP 562) so that numpy-only use never imports torch
_LAZY = {"ResizeConv2d": "layers", "SubPixelConv2d": "layers",
         "BlurredConvTranspose2d": "layers", "multiply_adds": "layers"}


def __getattr__(name):
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_LAZY))

__version__ = "0.1.0"
