"""tconvlib.training: the seeded training loop and the GAN loop."""

import numpy as np
import pytest
import torch
from torch import nn

import tconvlib as tc
from tconvlib.training import GANLog, TrainingLog, train, train_gan

mse = nn.functional.mse_loss


def line_data():
    x = torch.linspace(-1, 1, 40).reshape(-1, 1)
    return x, 2 * x - 0.5


def linear():
    return nn.Linear(1, 1)


def test_public_names():
    assert tc.train is train and tc.train_gan is train_gan
    assert {"train", "train_gan", "TrainingLog", "GANLog"} <= set(tc.__all__)


def test_loss_decreases_on_a_trivial_problem():
    log = train(linear, line_data(), mse, steps=150, lr=0.05, seed=1)
    assert isinstance(log, TrainingLog) and log.losses.shape == (150,)
    assert log.losses[-1] < 1e-2 * log.losses[0]
    np.testing.assert_allclose(log.model.weight.item(), 2.0, atol=0.05)


def test_same_seed_same_numbers_other_seed_other_numbers():
    a = train(linear, line_data(), mse, steps=30, lr=0.05, seed=3, batch_size=8)
    b = train(linear, line_data(), mse, steps=30, lr=0.05, seed=3, batch_size=8)
    c = train(linear, line_data(), mse, steps=30, lr=0.05, seed=4, batch_size=8)
    np.testing.assert_array_equal(a.losses, b.losses)
    assert not np.array_equal(a.losses, c.losses)


def test_factory_is_seeded_and_a_module_is_trained_in_place():
    a = train(linear, line_data(), mse, steps=1, lr=1e-9, seed=7)
    b = train(linear, line_data(), mse, steps=1, lr=1e-9, seed=7)
    assert a.model.weight.item() == b.model.weight.item()
    m = nn.Linear(1, 1)
    log = train(m, line_data(), mse, steps=5, lr=0.1, seed=0)
    assert log.model is m


@pytest.mark.parametrize("steps, every, expected", [
    (10, 5, [0, 5, 10]), (10, 3, [0, 3, 6, 9, 10]), (7, None, [0, 7]), (4, 10, [0, 4]),
    (1, 1, [0, 1])])
def test_records_at_the_right_steps(steps, every, expected):
    seen = []

    def score(model):
        seen.append(model.training)
        return model.weight.item()

    log = train(linear, line_data(), mse, steps=steps, lr=0.1, seed=0, record_every=every,
                score_fn=score)
    assert log.steps.tolist() == expected and log.scores.shape == (len(expected),)
    assert not any(seen), "score_fn must see the model in eval mode"
    assert log.model.training


def test_score_at_step_0_is_before_any_update_and_last_is_after_all():
    weights = []
    log = train(linear, line_data(), mse, steps=3, lr=0.1, seed=0, record_every=1,
                score_fn=lambda m: m.weight.item())
    torch.manual_seed(0)
    weights.append(linear().weight.item())
    assert log.scores[0] == weights[0]
    assert log.scores[-1] == log.model.weight.item()


def test_callable_batches_get_the_step_and_a_seeded_generator():
    calls = []

    def batches(step, gen):
        calls.append(step)
        x = torch.randn(8, 1, generator=gen)
        return x, 2 * x

    a = train(linear, batches, mse, steps=4, lr=0.1, seed=2)
    b = train(linear, batches, mse, steps=4, lr=0.1, seed=2)
    assert calls == [0, 1, 2, 3] * 2
    np.testing.assert_array_equal(a.losses, b.losses)


def test_num_threads_is_restored():
    before = torch.get_num_threads()
    train(linear, line_data(), mse, steps=2, lr=0.1, seed=0, num_threads=1)
    assert torch.get_num_threads() == before


@pytest.mark.parametrize("kwargs, error, words", [
    (dict(steps=0), ValueError, "steps (0) must be a positive integer"),
    (dict(steps=2.5), TypeError, "steps must be an int"),
    (dict(lr=0), ValueError, "lr (0.0) must be a positive finite number"),
    (dict(lr="0.1"), TypeError, "lr must be a number"),
    (dict(seed=-1), ValueError, "seed (-1) must be a non-negative integer"),
    (dict(record_every=0), ValueError, "record_every (0) must be a positive integer"),
    (dict(model=3), TypeError, "model must be a torch.nn.Module"),
    (dict(model=lambda: 3), TypeError, "model factory must return a torch.nn.Module"),
    (dict(batches=[1, 2]), TypeError, "batches must be a pair (inputs, targets) of tensors"),
    (dict(batches=(torch.zeros(3, 1), torch.zeros(4, 1))), ValueError, "same first"),
    (dict(batch_size=41), ValueError, "batch_size (41) must be at most the number of samples"),
    (dict(loss_fn=None), TypeError, "loss_fn must be callable"),
    (dict(score_fn=1), TypeError, "score_fn must be callable or None"),
    (dict(loss_fn=lambda y, t: (y - t) ** 2), ValueError, "loss_fn must return a scalar"),
    (dict(num_threads=0), ValueError, "num_threads (0) must be a positive integer"),
])
def test_validation_messages(kwargs, error, words):
    args = dict(model=linear, batches=line_data(), loss_fn=mse, steps=3, lr=0.1, seed=0)
    args.update(kwargs)
    with pytest.raises(error) as info:
        train(**args)
    assert words in str(info.value)


# -- GAN ----------------------------------------------------------------------------------------

def tiny_gan():
    G = lambda: nn.Sequential(nn.Linear(2, 16), nn.Unflatten(1, (1, 4, 4)))   # noqa: E731
    D = lambda: nn.Sequential(nn.Flatten(), nn.Linear(16, 1))                  # noqa: E731
    real = torch.randn(64, 1, 4, 4, generator=torch.Generator().manual_seed(0)) * 0.1 + 0.5
    return G, D, real


def test_gan_records_samples_scores_and_is_deterministic():
    G, D, real = tiny_gan()
    kw = dict(steps=12, lr=1e-2, latent_dim=2, record_every=5, n_samples=3,
              score_fn=lambda s: s.mean().item(), batch_size=16)
    a = train_gan(G, D, real, seed=0, **kw)
    b = train_gan(G, D, real, seed=0, **kw)
    c = train_gan(G, D, real, seed=1, **kw)
    assert isinstance(a, GANLog)
    assert a.steps.tolist() == [0, 5, 10, 12] and a.samples.shape == (4, 3, 1, 4, 4)
    assert a.g_losses.shape == a.d_losses.shape == (12,) and a.scores.shape == (4,)
    np.testing.assert_array_equal(a.samples, b.samples)
    np.testing.assert_array_equal(a.g_losses, b.g_losses)
    assert not np.array_equal(a.samples, c.samples)


def test_gan_learns_the_mean_of_the_data():
    G, D, real = tiny_gan()
    log = train_gan(G, D, real, steps=300, lr=1e-2, seed=0, latent_dim=2, record_every=50,
                    n_samples=32)
    gap = np.abs(log.samples.mean(axis=(1, 2, 3, 4)) - 0.5)   # a GAN oscillates around the data
    assert gap[0] > 0.2 and gap[1:].min() < 0.1 and gap[-1] < 0.5 * gap[0]


@pytest.mark.parametrize("kwargs, error, words", [
    (dict(real=np.zeros((4, 1, 4, 4))), TypeError, "real must be a torch.Tensor"),
    (dict(real=torch.zeros(4, 16)), ValueError, "real must have shape (N, C, H, W)"),
    (dict(batch_size=65), ValueError, "batch_size (65) must be at most the number of real"),
    (dict(latent_dim=0), ValueError, "latent_dim (0) must be a positive integer"),
    (dict(betas=(0.5, 1.0)), ValueError, "betas ((0.5, 1.0)) must be two numbers in [0, 1)"),
    (dict(generator="G"), TypeError, "generator must be a torch.nn.Module"),
    (dict(score_fn=2), TypeError, "score_fn must be callable or None"),
    (dict(steps=-3), ValueError, "steps (-3) must be a positive integer"),
])
def test_gan_validation_messages(kwargs, error, words):
    G, D, real = tiny_gan()
    args = dict(generator=G, discriminator=D, real=real, steps=2, lr=1e-2, seed=0, latent_dim=2)
    args.update(kwargs)
    with pytest.raises(error) as info:
        train_gan(**args)
    assert words in str(info.value)
