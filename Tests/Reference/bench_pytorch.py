"""Times the seed's DCGAN training step in PyTorch on the CPU, as `dcgan-smiles bench` times ours.

One step is exactly the seed recipe (the same as make_reference.py's train_step): a D step on a
real batch (BCE against 0.9) and G(z_d).detach() (against 0), Adam on D; then a G step on
D(G(z_g)) against 1, Adam on G. Batch 64, 64x64x3 images, latent 100, width 64, PyTorch's default
init, Adam 2e-4 (0.5, 0.999). The real batch is a fixed random tensor in [-1, 1]; the noise is
drawn every step (torch.randn, part of the timed step).

  --precision bf16 runs the forward passes under torch.autocast("cpu", dtype=torch.bfloat16)
  (the losses in float32, as the seed would write a mixed-precision step); float32 master weights.

Prints seconds per step, images/s and the peak resident set size (VmHWM); --json prints one
JSON object instead. Usage:

    python3 Tests/Reference/bench_pytorch.py [--precision f32|bf16] [--batch-size 64]
                                             [--steps 10] [--warmup 3] [--threads 2] [--json]
"""

import argparse
import importlib.util
import json
import os
import resource
import sys
import time
from pathlib import Path

import torch
from torch import nn

LR, BETAS, EPS = 2e-4, (0.5, 0.999), 1e-8
REAL_LABEL = 0.9


# The seed's networks, from the fixture script (one definition for every reference script).
_spec = importlib.util.spec_from_file_location("make_reference", Path(__file__).with_name("make_reference.py"))
_reference = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_reference)
Generator, Discriminator = _reference.Generator, _reference.Discriminator


def peak_rss_mib():
    """VmHWM from /proc/self/status, else getrusage's ru_maxrss (KiB on Linux)."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--precision", choices=["f32", "bf16"], default="f32")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--steps", type=int, default=10)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    parser.add_argument("--latent-size", type=int, default=100)
    parser.add_argument("--feature-maps", type=int, default=64)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--channels-last", action="store_true",
                        help="models and batches in torch.channels_last (not the seed's code; PyTorch's faster CPU layout)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if args.batch_size <= 0 or args.steps <= 0 or args.warmup < 0 or args.threads <= 0:
        parser.error("--batch-size, --steps and --threads must be positive, --warmup 0 or more")

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    batch, latent = args.batch_size, args.latent_size
    G, D = Generator(latent, args.feature_maps), Discriminator(args.feature_maps)
    G.train()
    D.train()
    bce = nn.BCELoss()
    opt_g = torch.optim.Adam(G.parameters(), lr=LR, betas=BETAS, eps=EPS)
    opt_d = torch.optim.Adam(D.parameters(), lr=LR, betas=BETAS, eps=EPS)
    real = torch.rand(batch, 3, 64, 64) * 2 - 1
    layout = torch.channels_last if args.channels_last else torch.contiguous_format
    if args.channels_last:
        G, D = G.to(memory_format=layout), D.to(memory_format=layout)
        real = real.contiguous(memory_format=layout)
    real_labels = torch.full((batch,), REAL_LABEL)
    zeros, ones = torch.zeros(batch), torch.ones(batch)
    bf16 = args.precision == "bf16"

    def autocast():
        return torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16)

    def step():
        z_d = torch.randn(batch, latent, 1, 1).contiguous(memory_format=layout)
        z_g = torch.randn(batch, latent, 1, 1).contiguous(memory_format=layout)

        opt_d.zero_grad()
        with autocast():
            real_out = D(real)
            fake = G(z_d).detach()
            fake_out = D(fake)
        real_loss = bce(real_out.float(), real_labels)
        fake_loss = bce(fake_out.float(), zeros)
        d_loss = (real_loss + fake_loss) / 2
        d_loss.backward()
        opt_d.step()

        opt_g.zero_grad()
        with autocast():
            out = D(G(z_g))
        g_loss = bce(out.float(), ones)
        g_loss.backward()
        opt_g.step()
        return d_loss.item(), g_loss.item()

    for _ in range(args.warmup):
        step()
    losses = []
    start = time.perf_counter()
    for _ in range(args.steps):
        losses.append(step())
    seconds = time.perf_counter() - start

    per_step = seconds / args.steps
    result = {
        "framework": f"pytorch {torch.__version__}",
        "precision": args.precision,
        "channels_last": args.channels_last,
        "batch_size": batch,
        "threads": args.threads,
        "steps": args.steps,
        "seconds_per_step": round(per_step, 5),
        "images_per_s": round(batch / per_step, 3),
        "peak_rss_mib": round(peak_rss_mib(), 1),
        "last_d_loss": losses[-1][0],
        "last_g_loss": losses[-1][1],
    }
    if args.json:
        print(json.dumps(result))
    else:
        print(f"pytorch {torch.__version__} {args.precision}{' channels_last' if args.channels_last else ''}, "
              f"batch {batch}, {args.threads} threads, "
              f"{args.steps} steps after {args.warmup} warm-up")
        print(f"  {per_step:.4f} s/step  {batch / per_step:.1f} images/s  peak RSS {result['peak_rss_mib']:.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
