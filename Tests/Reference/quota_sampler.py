"""Keeping half of a checkpoint's candidate faces by density, with and without a quota per cluster.

The lead for the frequencies of the kept faces (README, "What keeps the TV above chance"), measured
on candidates our `sample` wrote. The engine's sampler grew from it (`--jacobian-truncation-density
K --jacobian-truncation-clusters C`), with its clusters taken from the training images instead of
the candidates (README, "Density, at the data's shares"). For 2N candidates (`sample
--jacobian-truncation 1 --count 2N --seed S --out FILE.safetensors`: the latents truncation would
judge for N samples of that seed), prints the score of all of them and of N kept:
  density:  the N with the nearest k-th neighbour (image space), over all candidates;
  quota K:  the candidates clustered by k-means into K clusters (image space, seeded), and the
            denser half of each cluster kept, so each cluster keeps its share.
Each score: precision, modes covered, TV and the good faces' share of hats (the data: 0.2).

    python3 Tests/Reference/quota_sampler.py FILE.safetensors... [--k 4] [--clusters 16 32] [--init-seeds 0 1 2]

Needs NumPy only.
"""

import argparse
import json
import struct

import numpy as np

import smileys


def read_images(path):
    """Tensor `images` of a safetensors file written by `sample --out`: (N, 3, 64, 64) in [-1, 1]."""
    raw = open(path, "rb").read()
    length = struct.unpack("<Q", raw[:8])[0]
    entry = json.loads(raw[8:8 + length])["images"]
    begin, end = entry["data_offsets"]
    return np.frombuffer(raw[8 + length + begin:8 + length + end], dtype="<f4").reshape(entry["shape"])


def hat_share(images):
    """The share of hats among the good faces (prototype index: colour × 4 + glasses × 2 + hat)."""
    unit = np.clip((images + 1) / 2, 0, 1).reshape(len(images), -1)
    mse = ((unit[:, None, :] - smileys.PROTOTYPES.reshape(16, -1)[None, :, :]) ** 2).mean(axis=2)
    good = mse.argmin(axis=1)[np.sqrt(mse.min(axis=1)) < smileys.THRESHOLD]
    return float((good % 2 == 1).mean()) if len(good) else float("nan")


def describe(images):
    s = smileys.score(images)
    return f"{s['precision']:.3f}, {s['modes']}/16, TV {s['tv']:.3f}, hats {hat_share(images):.3f}"


def kmeans(points, clusters, rng, iterations=30):
    centres = points[rng.choice(len(points), clusters, replace=False)]
    for _ in range(iterations):
        distances = (points ** 2).sum(1)[:, None] + (centres ** 2).sum(1)[None, :] - 2 * points @ centres.T
        assignment = distances.argmin(axis=1)
        centres = np.stack([points[assignment == j].mean(axis=0) if (assignment == j).any() else centres[j]
                            for j in range(clusters)])
    return assignment


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("files", nargs="+")
    parser.add_argument("--k", type=int, default=4, help="the neighbour whose distance measures density")
    parser.add_argument("--clusters", type=int, nargs="+", default=[16, 32])
    parser.add_argument("--init-seeds", type=int, nargs="+", default=[0], help="k-means starts, one score each")
    args = parser.parse_args()
    for path in args.files:
        images = read_images(path)
        keep = len(images) // 2
        points = np.clip((images + 1) / 2, 0, 1).reshape(len(images), -1).astype(np.float64)
        squared = (points ** 2).sum(axis=1)
        distances = squared[:, None] + squared[None, :] - 2 * points @ points.T
        np.fill_diagonal(distances, np.inf)
        spread = np.sort(distances, axis=1)[:, args.k - 1]  # small where the candidate has close neighbours
        print(f"{path}: all {len(images)}: {describe(images)}")
        densest = np.sort(np.argsort(spread, kind="stable")[:keep])
        print(f"  density (k {args.k}): {describe(images[densest])}")
        for clusters in args.clusters:
            for seed in args.init_seeds:
                assignment = kmeans(points, clusters, np.random.default_rng(seed))
                kept = []
                for j in range(clusters):
                    members = np.where(assignment == j)[0]
                    kept += list(members[np.argsort(spread[members], kind="stable")[:int(round(len(members) / 2))]])
                kept = np.sort(np.array(kept))
                print(f"  quota, {clusters} clusters, start {seed} ({len(kept)} kept): {describe(images[kept])}")


if __name__ == "__main__":
    main()
