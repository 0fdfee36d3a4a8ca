"""tconvlib: transposed convolution, explained and executable.

numpy reference implementations with the exact semantics of ``torch.nn.functional``; torch
tensors go through the same code and stay on their device. The public names are listed once,
here; the modules behind them are named after the book's concepts:

- :mod:`tconvlib.shapes`      output sizes (``output_size``, ``conv_output_size``)
                              and solvers/recipes (``output_padding_for``, ``decoder_params``,
                              ``upsampling_recipes``, ``conv_input_sizes``)
- :mod:`tconvlib.conv`        reference forward convolution (``conv1d``, ``conv2d``)
- :mod:`tconvlib.transposed`  transposed convolution by painting, zero insertion or ``A.T``
- :mod:`tconvlib.matrix`      the matrix view (``conv_matrix``)
- :mod:`tconvlib.painting`    the painting view in pieces (``stamps``, ``crop_canvas``,
                              ``projective_field``, ``multiplication_counts``,
                              ``plot_painting``)
- :mod:`tconvlib.overlap`     overlap maps (``overlap_count``)
- :mod:`tconvlib.artifacts`   the checkerboard score (``phase_means``, ``checkerboard_score``)
- :mod:`tconvlib.initialization` per-phase fan-in and variance, He-style and bilinear init
- :mod:`tconvlib.subpixel`    depth to space (``pixel_shuffle``, ``pixel_unshuffle``)
- :mod:`tconvlib.polyphase`   the polyphase split and the sub-pixel form of a transposed conv

- :mod:`tconvlib.remedies`    checkerboard remedies (``icnr_``, ``blur_kernel``, ``blur2d``,
  ``frequency_response``, ``phase_imbalance``, ``upsample``, ``resize_conv2d``)
- :mod:`tconvlib.alignment`   output-grid alignment and U-Net skip plans (``impulse_response``,
  ``center_of_mass``, ``painted_center``, ``grid_offset``, ``decoder_plan``, ``unet_plan``,
  ``crop_or_pad``, ``grid_shift``)
- :mod:`tconvlib.layers`      torch modules (``ResizeConv2d``, ``SubPixelConv2d``,
  ``BlurredConvTranspose2d``, ``multiply_adds``); loaded lazily, only they import torch
- :mod:`tconvlib.training`    one seeded training loop for the demonstrations (``train``,
  ``train_gan``, ``TrainingLog``, ``GANLog``); loaded lazily, imports torch
- :mod:`tconvlib.device`      the device helper for chapters (``default_device``)
- :mod:`tconvlib.plotting`    figures used by the chapters
- :mod:`tconvlib.tables`      result tables (``Table``): HTML in the book, text for nbval
- :mod:`tconvlib.explorer`    explorers: live sliders in Jupyter, static players in the book
- :mod:`tconvlib.labels`      many text labels drawn as one artist (``text_labels``): fast redraws
- :mod:`tconvlib.checkers`    exercise checkers
"""

from .conv import conv1d, conv2d
from .device import default_device
from .matrix import conv_matrix
from .overlap import overlap_count
from .artifacts import checkerboard_score, checkerboard_variance_score, phase_means
from .initialization import (bilinear_init_, bilinear_kernel, he_init_, he_std, phase_fan_in,
                             phase_variance)
from .subpixel import pixel_shuffle, pixel_unshuffle
from .shapes import conv_output_size, output_size
from .shapes import (UpsamplingRecipe, conv_input_sizes, decoder_params, output_padding_for,
                     upsampling_recipes)
from .painting import (MultiplicationCounts, crop_canvas, multiplication_counts, plot_painting,
                       projective_field, stamps)
from .transposed import METHODS, conv_transpose1d, conv_transpose2d
from .polyphase import (SubpixelGeometry, conv_transpose_polyphase, conv_transpose_subpixel,
                        polyphase_kernels, subpixel_geometry, subpixel_weight,
                        transposed_weight)

from .remedies import (blur2d, blur_kernel, frequency_response, icnr_, phase_imbalance,
                       resize_conv2d, upsample)
from .alignment import (DecoderPlan, center_of_mass, crop_or_pad, decoder_plan, grid_offset,
                        grid_shift, impulse_response, painted_center, unet_plan)

# -- chapter support: plotting and exercise checkers ------------------------------------------
from .checkers import check
from .explorer import Animation, Explorer
from .labels import text_labels
from .plotting import plot_matrices, plot_matrix, shade
from .tables import Table

__all__ = [
    "output_size",
    "conv_output_size",
    "output_padding_for",
    "conv_input_sizes",
    "decoder_params",
    "upsampling_recipes",
    "UpsamplingRecipe",
    "stamps",
    "crop_canvas",
    "projective_field",
    "multiplication_counts",
    "MultiplicationCounts",
    "plot_painting",
    "conv1d",
    "conv2d",
    "conv_transpose1d",
    "conv_transpose2d",
    "METHODS",
    "conv_matrix",
    "overlap_count",
    "phase_means",
    "checkerboard_score",
    "checkerboard_variance_score",
    "phase_fan_in",
    "phase_variance",
    "he_std",
    "he_init_",
    "bilinear_kernel",
    "bilinear_init_",
    "pixel_shuffle",
    "pixel_unshuffle",
    "polyphase_kernels",
    "conv_transpose_polyphase",
    "subpixel_geometry",
    "SubpixelGeometry",
    "subpixel_weight",
    "transposed_weight",
    "conv_transpose_subpixel",
    "default_device",
    "check",
    "plot_matrix",
    "plot_matrices",
    "shade",
    "Table",
    "Explorer",
    "text_labels",
    "Animation",
    "icnr_",
    "blur_kernel",
    "frequency_response",
    "blur2d",
    "phase_imbalance",
    "upsample",
    "resize_conv2d",
    "impulse_response",
    "center_of_mass",
    "painted_center",
    "grid_offset",
    "DecoderPlan",
    "decoder_plan",
    "unet_plan",
    "crop_or_pad",
    "grid_shift",
    "ResizeConv2d",
    "SubPixelConv2d",
    "BlurredConvTranspose2d",
    "multiply_adds",
    "train",
    "train_gan",
    "TrainingLog",
    "GANLog",
]

# torch modules, imported on first use (PEP 562) so that numpy-only use never imports torch
_LAZY = {"ResizeConv2d": "layers", "SubPixelConv2d": "layers",
         "BlurredConvTranspose2d": "layers", "multiply_adds": "layers",
         "train": "training", "train_gan": "training", "TrainingLog": "training",
         "GANLog": "training"}


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
