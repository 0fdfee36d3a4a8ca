"""One small, seeded training loop for the book's demonstrations: data in, model in, losses out.

The chapters compare upsampling layers by training them; the lesson is the comparison, not the
loop. :func:`train` fits one model to a loss with Adam and records the loss at every step and an
optional score at regular steps; :func:`train_gan` trains a generator against a discriminator
(the non-saturating GAN loss of Goodfellow et al.) and records the losses, an optional score of
the samples and the samples themselves for a fixed batch of latent codes.

Both take a ``seed``: torch's global generator is seeded before the model is built (when a
factory is passed) and a private :class:`torch.Generator` draws the minibatches and latent codes,
so two calls with the same arguments give the same numbers on the same machine. (Another CPU,
or another thread count, sums floats in another order: trained numbers agree only to a tolerance
across machines.)

This module imports torch; ``import tconvlib`` does not (the names are loaded lazily).
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass, field

import numpy as np
import torch
from torch import nn

from ._validate import as_int, positive_int

__all__ = ["TrainingLog", "GANLog", "train", "train_gan"]


@dataclass
class TrainingLog:
    """What :func:`train` records.

    Attributes
    ----------
    losses : numpy.ndarray, shape (steps,)
        The training loss of every step (before that step's update).
    steps : numpy.ndarray of int
        The steps at which ``scores`` were recorded: ``0`` (before training), every
        ``record_every`` steps, and the last step (after ``steps`` updates).
    scores : numpy.ndarray or None
        ``score_fn(model)`` at each recorded step, shape ``(len(steps),)`` or
        ``(len(steps), ...)`` for array scores; None without a ``score_fn``.
    model : torch.nn.Module
        The trained model (the one passed in, or the one the factory built).
    """

    losses: np.ndarray
    steps: np.ndarray
    scores: np.ndarray | None
    model: nn.Module = field(repr=False)


@dataclass
class GANLog:
    """What :func:`train_gan` records.

    Attributes
    ----------
    g_losses, d_losses : numpy.ndarray, shape (steps,)
        Generator and discriminator losses of every step.
    steps : numpy.ndarray of int
        Recorded steps (as in :class:`TrainingLog`).
    scores : numpy.ndarray or None
        ``score_fn(samples)`` at each recorded step, for the samples of the fixed latent codes.
    samples : numpy.ndarray, shape (len(steps), n_samples, C, H, W)
        The generator's output for the same fixed latent codes at each recorded step.
    generator, discriminator : torch.nn.Module
    """

    g_losses: np.ndarray
    d_losses: np.ndarray
    steps: np.ndarray
    scores: np.ndarray | None
    samples: np.ndarray
    generator: nn.Module = field(repr=False)
    discriminator: nn.Module = field(repr=False)


# -- validation -------------------------------------------------------------------------------

def _model(name, model):
    """An nn.Module, or a factory (a callable without arguments) that builds one."""
    if isinstance(model, nn.Module):
        return model
    if callable(model):
        built = model()
        if not isinstance(built, nn.Module):
            raise TypeError(f"{name} factory must return a torch.nn.Module, got "
                            f"{type(built).__name__}")
        return built
    raise TypeError(f"{name} must be a torch.nn.Module or a callable that builds one, got "
                    f"{type(model).__name__}")


def _positive_float(name, value):
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number, got {value!r} ({type(value).__name__})")
    value = float(value)
    if not np.isfinite(value) or value <= 0:
        raise ValueError(f"{name} ({value}) must be a positive finite number")
    return value


def _seed(seed):
    seed = as_int("seed", seed)
    if seed < 0:
        raise ValueError(f"seed ({seed}) must be a non-negative integer")
    return seed


def _threads(num_threads):
    return None if num_threads is None else positive_int("num_threads", num_threads)


def _record_steps(steps, record_every):
    return np.unique(np.r_[np.arange(0, steps + 1, record_every), steps]).astype(np.int64)


def _tensor_pair(batches):
    ok = (isinstance(batches, (tuple, list)) and len(batches) == 2
          and all(isinstance(t, torch.Tensor) for t in batches))
    if not ok:
        return False
    inputs, targets = batches
    if inputs.ndim == 0 or targets.ndim == 0 or inputs.shape[0] != targets.shape[0]:
        raise ValueError(f"batches (inputs, targets) must have the same first (sample) size, got "
                         f"shapes {tuple(inputs.shape)} and {tuple(targets.shape)}")
    return True


class _Threads:
    """Set torch's intra-op thread count for a block and restore it afterwards."""

    def __init__(self, n):
        self.n, self.old = n, None

    def __enter__(self):
        if self.n is not None:
            self.old = torch.get_num_threads()
            torch.set_num_threads(self.n)

    def __exit__(self, *exc):
        if self.old is not None:
            torch.set_num_threads(self.old)


def _score_array(values):
    return None if values is None else np.asarray(values, dtype=np.float64)


# -- supervised training ----------------------------------------------------------------------

def train(model, batches, loss_fn, steps, lr, seed, *, record_every=None, score_fn=None,
          batch_size=None, num_threads=None):
    """Train ``model`` with Adam on ``loss_fn``; record losses and scores.

    Parameters
    ----------
    model : torch.nn.Module, or a callable without arguments that returns one
        A factory is called after ``torch.manual_seed(seed)``, so its initialization is seeded
        too. The model is trained in place.
    batches : (inputs, targets) tensors, or a callable ``batches(step, generator)``
        A pair of tensors with the same first size: each step uses all of it, or ``batch_size``
        samples drawn (without replacement within the step) with the seeded generator. A callable
        gets the step number and the seeded :class:`torch.Generator` and returns
        ``(inputs, targets)``.
    loss_fn : callable
        ``loss_fn(model(inputs), targets)`` returns a scalar tensor.
    steps : int
        Number of optimizer updates (>= 1).
    lr : float
        Adam's learning rate (> 0).
    seed : int
        Seeds torch's global generator (before a factory builds the model) and the generator
        that draws minibatches.
    record_every : int, optional
        Record ``score_fn`` every this many steps (default: only at 0 and ``steps``).
    score_fn : callable, optional
        ``score_fn(model)`` returns a number or an array; called in ``torch.no_grad()`` with the
        model in eval mode at every recorded step.
    batch_size : int, optional
        Minibatch size when ``batches`` is a tensor pair (default: the whole pair).
    num_threads : int, optional
        Run under ``torch.set_num_threads(num_threads)``, restored afterwards.

    Returns
    -------
    TrainingLog

    Examples
    --------
    >>> import torch
    >>> x = torch.linspace(-1, 1, 32).reshape(-1, 1)
    >>> log = train(lambda: torch.nn.Linear(1, 1), (x, 3 * x + 1), torch.nn.functional.mse_loss,
    ...             steps=200, lr=0.1, seed=0, record_every=100,
    ...             score_fn=lambda m: m.weight.item())
    >>> log.steps.tolist()
    [0, 100, 200]
    >>> bool(log.losses[-1] < 1e-3 * log.losses[0]), round(float(log.scores[-1]), 2)
    (True, 3.0)
    """
    seed = _seed(seed)
    steps = positive_int("steps", steps)
    lr = _positive_float("lr", lr)
    record_every = steps if record_every is None else positive_int("record_every", record_every)
    if not callable(loss_fn):
        raise TypeError(f"loss_fn must be callable, got {type(loss_fn).__name__}")
    if score_fn is not None and not callable(score_fn):
        raise TypeError(f"score_fn must be callable or None, got {type(score_fn).__name__}")
    pair = _tensor_pair(batches)
    if not pair and not callable(batches):
        raise TypeError(f"batches must be a pair (inputs, targets) of tensors or a callable "
                        f"batches(step, generator), got {type(batches).__name__}")
    if batch_size is not None:
        if not pair:
            raise ValueError("batch_size is only used when batches is a pair of tensors")
        batch_size = positive_int("batch_size", batch_size)
        if batch_size > batches[0].shape[0]:
            raise ValueError(f"batch_size ({batch_size}) must be at most the number of samples "
                             f"({batches[0].shape[0]})")
    threads = _threads(num_threads)

    with _Threads(threads):
        torch.manual_seed(seed)
        model = _model("model", model)
        gen = torch.Generator().manual_seed(seed)
        opt = torch.optim.Adam(model.parameters(), lr=lr)
        record = set(_record_steps(steps, record_every).tolist())
        losses, scores, recorded = [], [], []

        def snapshot(step):
            if score_fn is None:
                return
            was = model.training
            model.eval()
            with torch.no_grad():
                scores.append(np.asarray(score_fn(model), dtype=np.float64))
            model.train(was)

        for step in range(steps + 1):
            if step in record:
                recorded.append(step)
                snapshot(step)
            if step == steps:
                break
            if pair:
                inputs, targets = batches
                if batch_size is not None:
                    idx = torch.randperm(inputs.shape[0], generator=gen)[:batch_size]
                    inputs, targets = inputs[idx], targets[idx]
            else:
                inputs, targets = batches(step, gen)
            loss = loss_fn(model(inputs), targets)
            if not isinstance(loss, torch.Tensor) or loss.numel() != 1:
                raise ValueError(f"loss_fn must return a scalar tensor, got "
                                 f"{type(loss).__name__} of shape {tuple(getattr(loss, 'shape', ()))}")
            opt.zero_grad()
            loss.backward()
            opt.step()
            losses.append(float(loss.detach()))
    return TrainingLog(np.asarray(losses), np.asarray(recorded, dtype=np.int64),
                       _score_array(scores if score_fn is not None else None), model)


# -- adversarial training ---------------------------------------------------------------------

def train_gan(generator, discriminator, real, steps, lr, seed, *, latent_dim, batch_size=32,
              record_every=None, score_fn=None, n_samples=16, betas=(0.5, 0.999),
              num_threads=None):
    """Train a GAN: one discriminator and one generator Adam step per step.

    The losses are the non-saturating ones (binary cross-entropy on logits): the discriminator
    learns real -> 1, fake -> 0; the generator learns to make the discriminator say 1.

    Parameters
    ----------
    generator, discriminator : torch.nn.Module, or callables without arguments returning one
        The generator maps ``(N, latent_dim)`` codes to images; the discriminator maps images to
        ``(N, 1)`` or ``(N,)`` logits. Factories are called (generator first) after
        ``torch.manual_seed(seed)``.
    real : torch.Tensor, shape (N, C, H, W)
        The training images (scaled as the generator's output, e.g. to [-1, 1]).
    steps : int
    lr : float
        Learning rate of both Adam optimizers.
    seed : int
    latent_dim : int
    batch_size : int
        Real images drawn per step (and as many fakes), at most ``len(real)``.
    record_every : int, optional
        Record samples (and scores) every this many steps (default: at 0 and ``steps``).
    score_fn : callable, optional
        ``score_fn(samples)`` for the fixed samples, a ``(n_samples, C, H, W)`` tensor.
    n_samples : int
        Number of fixed latent codes (drawn once, from the seeded generator).
    betas : (float, float)
        Adam's betas (DCGAN's (0.5, 0.999) by default).
    num_threads : int, optional
        Run under ``torch.set_num_threads(num_threads)``, restored afterwards.

    Returns
    -------
    GANLog

    Examples
    --------
    >>> import torch
    >>> real = torch.randn(64, 1, 4, 4) * 0.1 + 0.5
    >>> G = lambda: torch.nn.Sequential(torch.nn.Linear(2, 16), torch.nn.Unflatten(1, (1, 4, 4)))
    >>> D = lambda: torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(16, 1))
    >>> log = train_gan(G, D, real, steps=20, lr=1e-2, seed=0, latent_dim=2, record_every=10,
    ...                 n_samples=4, score_fn=lambda s: s.mean().item())
    >>> log.steps.tolist(), log.samples.shape, log.g_losses.shape
    ([0, 10, 20], (3, 4, 1, 4, 4), (20,))
    """
    seed = _seed(seed)
    steps = positive_int("steps", steps)
    lr = _positive_float("lr", lr)
    latent_dim = positive_int("latent_dim", latent_dim)
    n_samples = positive_int("n_samples", n_samples)
    record_every = steps if record_every is None else positive_int("record_every", record_every)
    if not isinstance(real, torch.Tensor):
        raise TypeError(f"real must be a torch.Tensor of images, got {type(real).__name__}")
    if real.ndim != 4 or real.shape[0] < 1:
        raise ValueError(f"real must have shape (N, C, H, W) with N >= 1, got "
                         f"{tuple(real.shape)}")
    batch_size = positive_int("batch_size", batch_size)
    if batch_size > real.shape[0]:
        raise ValueError(f"batch_size ({batch_size}) must be at most the number of real images "
                         f"({real.shape[0]})")
    if score_fn is not None and not callable(score_fn):
        raise TypeError(f"score_fn must be callable or None, got {type(score_fn).__name__}")
    if not (isinstance(betas, (tuple, list)) and len(betas) == 2
            and all(isinstance(b, numbers.Real) and 0 <= b < 1 for b in betas)):
        raise ValueError(f"betas ({betas!r}) must be two numbers in [0, 1)")
    threads = _threads(num_threads)
    bce = nn.functional.binary_cross_entropy_with_logits

    with _Threads(threads):
        torch.manual_seed(seed)
        G = _model("generator", generator)
        D = _model("discriminator", discriminator)
        gen = torch.Generator().manual_seed(seed)
        fixed = torch.randn(n_samples, latent_dim, generator=gen)
        opt_g = torch.optim.Adam(G.parameters(), lr=lr, betas=tuple(betas))
        opt_d = torch.optim.Adam(D.parameters(), lr=lr, betas=tuple(betas))
        ones = torch.ones(batch_size, 1)
        zeros = torch.zeros(batch_size, 1)
        record = set(_record_steps(steps, record_every).tolist())
        g_losses, d_losses, scores, samples, recorded = [], [], [], [], []

        def logits(x):
            return D(x).reshape(batch_size, 1)

        for step in range(steps + 1):
            if step in record:
                recorded.append(step)
                was = G.training
                G.eval()
                with torch.no_grad():
                    s = G(fixed)
                    samples.append(s.detach().cpu().numpy().copy())
                    if score_fn is not None:
                        scores.append(np.asarray(score_fn(s), dtype=np.float64))
                G.train(was)
            if step == steps:
                break
            idx = torch.randperm(real.shape[0], generator=gen)[:batch_size]
            z = torch.randn(batch_size, latent_dim, generator=gen)
            fake = G(z)
            d_loss = bce(logits(real[idx]), ones) + bce(logits(fake.detach()), zeros)
            opt_d.zero_grad()
            d_loss.backward()
            opt_d.step()
            g_loss = bce(logits(fake), ones)
            opt_g.zero_grad()
            g_loss.backward()
            opt_g.step()
            d_losses.append(float(d_loss.detach()))
            g_losses.append(float(g_loss.detach()))
    return GANLog(np.asarray(g_losses), np.asarray(d_losses), np.asarray(recorded, dtype=np.int64),
                  _score_array(scores if score_fn is not None else None), np.stack(samples),
                  G, D)
