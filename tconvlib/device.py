"""Device helper for the chapters: the GPU when there is one, else the CPU."""

from __future__ import annotations

__all__ = ["default_device"]


def default_device(prefer="cuda"):
    """The ``torch.device`` a chapter should use: ``prefer`` if available, else the CPU.

    Parameters
    ----------
    prefer : {'cuda', 'mps', 'cpu'}
        The accelerator to use when present.

    Examples
    --------
    >>> default_device("cpu")
    device(type='cpu')
    """
    import torch

    if prefer not in ("cuda", "mps", "cpu"):
        raise ValueError(f"prefer ({prefer!r}) must be 'cuda', 'mps' or 'cpu'")
    if prefer == "cuda" and torch.cuda.is_available():
        return torch.device("cuda")
    mps = getattr(torch.backends, "mps", None)
    if prefer == "mps" and mps is not None and mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")
