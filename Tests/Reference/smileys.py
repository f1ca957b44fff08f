"""The seed's smiley data set and the quality scorer, in NumPy, mirroring the Swift code
(SmileyDataset.swift, QualityScore.swift) so PyTorch runs can be scored the same way.
"""

import numpy as np

COLOURS = [(1, 1, 0), (0, 0, 1), (0, 1, 0), (1, 0.75, 0.8)]  # yellow, blue, green, pink
GLASSES, HAT = 0.3, 0.2
THRESHOLD = 0.035  # RMSE in [0, 1] units; see QualityScorer.threshold


def render(colour, glasses, hat):
    """One face, planar RGB (3, 64, 64), values in [0, 1]; x is the column, y the row."""
    image = np.ones((3, 64, 64), dtype=np.float32)

    def paint(x, y, rgb):
        if 0 <= x < 64 and 0 <= y < 64:
            image[:, y, x] = rgb

    def disk(cx, cy, r, rgb):
        for y in range(cy - r, cy + r + 1):
            for x in range(cx - r, cx + r + 1):
                if (x - cx) ** 2 + (y - cy) ** 2 <= r * r:
                    paint(x, y, rgb)

    disk(32, 32, 27, COLOURS[colour])
    disk(16, 22, 3, (0, 0, 0))
    disk(48, 22, 3, (0, 0, 0))
    if glasses:
        disk(24, 21, 3, (0, 0, 0))
        disk(40, 21, 3, (0, 0, 0))
        for x in range(27, 38):
            paint(x, 21, (0, 0, 0))
    if hat:
        image[:, 8:16, 22:42] = 0
    for x in range(16, 48):
        t = (x - 32) / 16
        paint(x, int(np.floor(42 - t * t * 6)), (0, 0, 0))
    return image


# Prototype index = colour * 4 + glasses * 2 + hat, as in Swift.
PROTOTYPES = np.stack([render(c, g, h) for c in range(4) for g in (0, 1) for h in (0, 1)])
MODE_P = np.array([0.25 * (GLASSES if g else 1 - GLASSES) * (HAT if h else 1 - HAT)
                   for c in range(4) for g in (0, 1) for h in (0, 1)])


def dataset(count=2000, rng=None):
    """count faces in [-1, 1] (the seed's normalisation), drawn as the seed draws them."""
    rng = rng or np.random.default_rng(0)
    modes = [rng.integers(4) * 4 + (rng.random() < GLASSES) * 2 + (rng.random() < HAT) for _ in range(count)]
    return PROTOTYPES[modes] * 2 - 1


def score(images):
    """images: (N, 3, 64, 64) in [-1, 1]. Returns precision, modes covered, TV distance and the mean
    RMSE to the nearest prototype."""
    unit = np.clip((np.asarray(images, dtype=np.float32) + 1) / 2, 0, 1).reshape(len(images), -1)
    protos = PROTOTYPES.reshape(16, -1)
    mse = ((unit[:, None, :] - protos[None, :, :]) ** 2).mean(axis=2)
    nearest, rmse = mse.argmin(axis=1), np.sqrt(mse.min(axis=1))
    counts = np.bincount(nearest[rmse < THRESHOLD], minlength=16)
    good = counts.sum()
    tv = 1.0 if good == 0 else 0.5 * np.abs(counts / good - MODE_P).sum()
    return {"precision": float(good / len(images)), "modes": int((counts > 0).sum()), "tv": float(tv),
            "rmse": round(float(rmse.mean()), 4)}
