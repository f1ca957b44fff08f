"""Why samples miss the threshold: the face colour of a checkpoint's samples, split good / not good.

For 256 samples of the fixed quality noise (seed 12345, as `smileys.score` is fed in
quality_pytorch.py) prints, for the samples under and over the threshold: the distance of the
face's mean colour to the nearest of the four colours, the colour's spread inside the face
(standard deviation over the face's pixels: a blotchy, two-coloured face has a large one), which
two colours a bad face lies between, and where its squared error sits (face colour, glasses,
hat, the rest): the median share, and for how many bad samples each region holds the most.
With --by-kind, the same per kind of face (plain, hat, glasses, glasses and hat: the rarest, 6% of
the data): how many samples are nearest to each kind, how many of them are good, and how far
their face colour is off.

    python3 Tests/Reference/failure_anatomy.py RUN/best.safetensors [--generator average|trained] [--batch-stats]
                                                [--samples 256] [--by-kind]

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
GLASSES = np.abs(P[2] - P[0]).sum(0) > 0
HAT = np.abs(P[1] - P[0]).sum(0) > 0
FACE = (np.abs(P[4] - P[0]).sum(0) > 0) & ~GLASSES & ~HAT  # where the colour shows
REST = ~(FACE | GLASSES | HAT)
COLOURS = np.array(smileys.COLOURS)
NAMES = ["yellow", "blue", "green", "pink"]


def samples(path, average, batch_stats, count=256):
    state = load_file(path)
    prefix = "generator_ema." if average and any(k.startswith("generator_ema.") for k in state) else "generator."
    G = reference.DCGAN(latent=100, features=64).generator
    G.load_state_dict({k[len(prefix):]: v for k, v in state.items() if k.startswith(prefix)})
    G.train(batch_stats)
    with torch.no_grad():
        z = torch.randn(count, 100, 1, 1, generator=torch.Generator().manual_seed(12345))
        return prefix, ((G(z).numpy() + 1) / 2).clip(0, 1)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("checkpoints", nargs="+")
    parser.add_argument("--generator", choices=["average", "trained"], default="average")
    parser.add_argument("--batch-stats", action="store_true", help="BatchNorm in train mode")
    parser.add_argument("--samples", type=int, default=256)
    parser.add_argument("--by-kind", action="store_true", help="per kind of face: plain, hat, glasses, both")
    args = parser.parse_args()
    for path in args.checkpoints:
        prefix, x = samples(path, args.generator == "average", args.batch_stats, args.samples)
        mse = ((x[:, None] - P[None]) ** 2).mean(axis=(2, 3, 4))
        nearest, rmse = mse.argmin(1), np.sqrt(mse.min(1))
        bad = rmse >= smileys.THRESHOLD
        mean = x[:, :, FACE].mean(2)
        spread = x[:, :, FACE].std(2).mean(1)
        distance = np.linalg.norm(mean[:, None] - COLOURS[None], axis=2)
        order = np.argsort(distance, 1)
        error = ((x - P[nearest]) ** 2).sum(1)
        print(f"{path} ({prefix[:-1]}, {'batch' if args.batch_stats else 'running'} statistics): "
              f"{(~bad).sum()} of {len(x)} good")
        if args.by_kind:
            by_kind(nearest, bad, distance.min(1), spread)
            continue
        for label, chosen in (("good", ~bad), ("not good", bad)):
            if not chosen.any():
                continue
            shares = {name: np.median((error * mask).sum((1, 2))[chosen] / error.sum((1, 2))[chosen].clip(1e-12))
                      for name, mask in (("face colour", FACE), ("glasses", GLASSES), ("hat", HAT), ("rest", REST))}
            print(f"  {label:8s} ({chosen.sum():3d}): colour off by {np.median(distance.min(1)[chosen]):.3f} (median), "
                  f"spread in the face {np.median(spread[chosen]):.3f}; median share of the squared error: "
                  + ", ".join(f"{k} {v:.2f}" for k, v in shares.items()))
        regions = {"face colour": FACE, "glasses": GLASSES, "hat": HAT, "rest": REST}
        largest = np.stack([(error * mask).sum((1, 2)) for mask in regions.values()], 1).argmax(1)
        print("  not good, where most of the error is: " + ", ".join(
            f"{name} {(bad & (largest == k)).sum()}" for k, name in enumerate(regions)))
        pairs = {}
        for i in np.where(bad)[0]:
            pair = " / ".join(NAMES[c] for c in sorted(order[i, :2]))
            pairs[pair] = pairs.get(pair, 0) + 1
        print("  not good, between the colours: " + ", ".join(f"{k} {v}" for k, v in sorted(pairs.items(), key=lambda kv: -kv[1])))


def by_kind(nearest, bad, colour_off, spread):
    """Per kind of face (prototype index % 4: plain, hat, glasses, both), against the data's shares."""
    kind = nearest % 4
    data = [(1 - smileys.GLASSES) * (1 - smileys.HAT), (1 - smileys.GLASSES) * smileys.HAT,
            smileys.GLASSES * (1 - smileys.HAT), smileys.GLASSES * smileys.HAT]
    for k, name in enumerate(["plain", "hat", "glasses", "glasses+hat"]):
        chosen = kind == k
        if not chosen.any():
            print(f"  {name:11s}: no sample (data {data[k]:.2f})")
            continue
        print(f"  {name:11s}: {chosen.sum():4d} nearest ({chosen.mean():.3f}, data {data[k]:.2f}), "
              f"{(chosen & ~bad).sum():4d} good ({(chosen & ~bad).sum() / chosen.sum():.2f}); face colour off by "
              f"{np.median(colour_off[chosen]):.3f}, spread {np.median(spread[chosen]):.3f} (medians)")


if __name__ == "__main__":
    main()
