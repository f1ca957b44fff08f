"""Which samples a data-agnostic criterion drops: Jacobian truncation against D's opinion.

For N samples of a checkpoint's sampling generator (eval mode), prints the precision, modes and TV
of all of them, the correlation of each criterion with a sample's RMSE to its nearest prototype,
and the score of the share q each criterion keeps:
  jacobian: the least steep, ||G(z + eps u) - G(z)||_rms / eps over k random unit directions u
            (what `--jacobian-truncation` does with k = 1, eps = 0.05);
  D:        the highest D logit (D in eval mode).
Then, per mode, how many samples are nearest to it and how many of those are good.

With --by-kind, per kind of face (plain, hat, glasses, glasses and a hat): where its good samples
rank in steepness and what share of them keeping 0.5 keeps. With --sets, the view of a run's
measurement: the samples split into sets of 256/q candidates, 256 kept of each (as `train
--jacobian-truncation q` keeps 256 of 256/q), scored per set, for three criteria: the first 256
(no truncation), the steepness, and the steepness relative to the median steepness of the sample's
--local nearest candidates (in image space) raised to --local-power, a data-agnostic way to judge
each sample against its own kind of face rather than against all of them.

    python3 Tests/Reference/truncation_ranking.py RUN/last.safetensors [--n 1024] [--eps 0.05] [--k 1]
        [--by-kind] [--sets 0.5 --local 16 --local-power 0.5 1]

Needs torch and safetensors (`pip install torch safetensors`).
"""

import argparse
import importlib.util
from pathlib import Path

import numpy as np
import torch
from safetensors.torch import load_file

import smileys

spec = importlib.util.spec_from_file_location("make_reference", Path(__file__).with_name("make_reference.py"))
reference = importlib.util.module_from_spec(spec)
spec.loader.exec_module(reference)

P = smileys.PROTOTYPES
PROBABILITIES = np.array([0.25 * (0.3 if g else 0.7) * (0.2 if h else 0.8) for c in range(4) for g in (0, 1) for h in (0, 1)])
NAMES = [f"{c}{' glasses' if g else ''}{' hat' if h else ''}" for c in ("yellow", "blue", "green", "pink")
         for g in (0, 1) for h in (0, 1)]


def nearest(images):
    x = ((images + 1) / 2).clip(0, 1)
    mse = ((x[:, None] - P[None]) ** 2).mean(axis=(2, 3, 4))
    return mse.argmin(1), np.sqrt(mse.min(1))


def counts_and_tv(modes, good):
    """The good samples per mode, and the TV distance of their frequencies to the data set's."""
    counts = np.bincount(modes[good], minlength=16)
    tv = 1.0 if good.sum() == 0 else 0.5 * np.abs(counts / good.sum() - PROBABILITIES).sum()
    return counts, tv


def score(modes, rmse):
    good = rmse < smileys.THRESHOLD
    counts, tv = counts_and_tv(modes, good)
    return f"precision {good.mean():.3f}, {int((counts > 0).sum()):2d}/16 modes, TV {tv:.2f}"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("checkpoints", nargs="+")
    parser.add_argument("--n", type=int, default=1024)
    parser.add_argument("--eps", type=float, default=0.05)
    parser.add_argument("--k", type=int, default=1)
    parser.add_argument("--by-kind", action="store_true")
    parser.add_argument("--sets", type=float, help="q: score sets of 256 kept of 256/q candidates")
    parser.add_argument("--local", type=int, default=16, help="neighbours for the local criterion")
    parser.add_argument("--local-power", type=float, nargs="+", default=[1.0], help="one or more")
    args = parser.parse_args()
    torch.set_num_threads(1)
    for path in args.checkpoints:
        state = load_file(path)
        prefix = "generator_ema." if any(k.startswith("generator_ema.") for k in state) else "generator."
        model = reference.DCGAN(latent=100, features=64)
        G, D = model.generator, model.discriminator
        G.load_state_dict({k[len(prefix):]: v for k, v in state.items() if k.startswith(prefix)})
        D.load_state_dict({k[len("discriminator."):]: v for k, v in state.items() if k.startswith("discriminator.")})
        G.eval()
        D.eval()
        random = torch.Generator().manual_seed(7)
        with torch.no_grad():
            z = torch.randn(args.n, 100, 1, 1, generator=random)
            images = torch.cat([G(part) for part in z.split(256)])
            steepness = torch.zeros(args.n)
            for _ in range(args.k):
                u = torch.randn(args.n, 100, 1, 1, generator=random)
                u = u / u.flatten(1).norm(dim=1)[:, None, None, None]
                moved = torch.cat([G(part) for part in (z + args.eps * u).split(256)])
                steepness += (moved - images).flatten(1).pow(2).mean(1).sqrt() / args.eps / args.k
            logits = D.net[:-1](images).flatten()  # D without its Sigmoid
        modes, rmse = nearest(images.numpy())
        steepness, logits = steepness.numpy(), logits.numpy()
        print(f"{path} ({prefix[:-1]}, {args.n} samples, eps {args.eps}, {args.k} direction(s)): all: {score(modes, rmse)}; "
              f"correlation with RMSE: steepness {np.corrcoef(rmse, steepness)[0, 1]:.2f}, -D {np.corrcoef(rmse, -logits)[0, 1]:.2f}")
        for share in (0.9, 0.8, 0.7, 0.6, 0.5):
            keep = int(share * args.n)
            by_jacobian, by_d = np.argsort(steepness)[:keep], np.argsort(-logits)[:keep]
            print(f"  keep {share:.1f}: jacobian {score(modes[by_jacobian], rmse[by_jacobian])} | "
                  f"D {score(modes[by_d], rmse[by_d])}")
        good = rmse < smileys.THRESHOLD
        for mode, name in enumerate(NAMES):
            chosen = modes == mode
            median = f"{np.median(rmse[chosen]):.3f}" if chosen.any() else "-"
            print(f"  {name:20s} nearest {chosen.sum():4d}, good {(chosen & good).sum():4d}, median RMSE {median}")
        if args.by_kind:
            by_kind(modes, good, steepness)
        if args.sets:
            measurement_sets(args, images, modes, good, steepness)


def by_kind(modes, good, steepness):
    """Where each kind's good samples rank in steepness (0 = the least steep)."""
    rank = steepness.argsort().argsort() / len(steepness)
    kind = modes % 4  # NAMES run plain, hat, glasses, glasses + hat within each colour
    for k, name in enumerate(("plain", "hat", "glasses", "glasses and hat")):
        kept = rank[(kind == k) & good]
        if len(kept) == 0:
            print(f"  {name:16s} no good sample")
            continue
        print(f"  {name:16s} good {len(kept):4d}: median steepness rank {np.median(kept):.2f}, "
              f"kept by keeping 0.5: {(kept < 0.5).mean():.2f}")


def measurement_sets(args, images, modes, good, steepness):
    """Sets of 256/q candidates, 256 kept of each: what a run's measurement would report."""
    size = int(round(256 / args.sets))
    flat = images.flatten(1)

    def local(power):
        def criterion(index):
            x = flat[index]
            neighbours = torch.cdist(x, x).topk(args.local + 1, largest=False).indices[:, 1:].numpy()
            return steepness[index] / np.median(steepness[index][neighbours], axis=1) ** power
        return criterion

    criteria = [("first 256", lambda index: np.arange(len(index))), ("steepness", lambda index: steepness[index])]
    criteria += [(f"local (k {args.local}, power {power})", local(power)) for power in args.local_power]
    for name, criterion in criteria:
        precisions, modes_covered, tvs = [], [], []
        for start in range(0, len(good) - size + 1, size):
            index = np.arange(start, start + size)
            kept = index[np.argsort(criterion(index), kind="stable")[:256]]
            counts, tv = counts_and_tv(modes[kept], good[kept])
            precisions.append(good[kept].mean())
            modes_covered.append(int((counts > 0).sum()))
            tvs.append(tv)
        print(f"  sets of {size}, {name}: precision {np.mean(precisions):.3f} ({min(precisions):.2f}–{max(precisions):.2f}), "
              f"modes {np.mean(modes_covered):.1f}, 16/16 in {modes_covered.count(16)} of {len(tvs)}, TV {np.mean(tvs):.2f}")


if __name__ == "__main__":
    main()
