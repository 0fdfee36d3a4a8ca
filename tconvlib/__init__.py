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
- :mod:`tconvlib.initialization` per-phase fan-in and variance, He-style and bilinear init
- :mod:`tconvlib.subpixel`    depth to space (``pixel_shuffle``, ``pixel_unshuffle``)
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
from .initialization import (bilinear_init_, bilinear_kernel, he_init_, he_std, phase_fan_in,
                             phase_variance)
from .subpixel import pixel_shuffle, pixel_unshuffle
from .shapes import conv_output_size, output_size
from .transposed import METHODS, conv_transpose1d, conv_transpose2d

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
    "phase_fan_in",
    "phase_variance",
    "he_std",
    "he_init_",
    "bilinear_kernel",
    "bilinear_init_",
    "pixel_shuffle",
    "pixel_unshuffle",
    "default_device",
    "check",
    "plot_matrix",
    "plot_matrices",
    "shade",
    "Explorer",
    "Animation",
]

__version__ = "0.1.0"
