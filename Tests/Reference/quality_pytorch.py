"""Time to quality of the seed recipe in PyTorch, scored like `dcgan-smiles train --quality-every`.

Trains the seed's DCGAN on the seed's data (smileys.py) with the seed recipe and prints, every
--every steps, the same JSON line as our headless output:
{"quality":{"iteration":…,"seconds":…,"samples":256,"train":{…},"eval":{…}}}
then the first step (and training seconds) at which eval-mode precision >= 0.9 with 16/16 modes.

    python3 Tests/Reference/quality_pytorch.py [--steps 1500] [--every 100] [--seed 0] [--threads 2]
"""

import argparse
import importlib.util
import json
import time
from pathlib import Path

import numpy as np
import torch

import smileys

spec = importlib.util.spec_from_file_location("make_reference", Path(__file__).with_name("make_reference.py"))
reference = importlib.util.module_from_spec(spec)
spec.loader.exec_module(reference)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", type=int, default=1500)
    parser.add_argument("--every", type=int, default=100)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--samples", type=int, default=256)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    data = torch.tensor(smileys.dataset(rng=np.random.default_rng(args.seed)))
    model = reference.DCGAN(latent=100, features=64)
    opt_g = torch.optim.Adam(model.generator.parameters(), lr=2e-4, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(model.discriminator.parameters(), lr=2e-4, betas=(0.5, 0.999))
    G, D, bce = model.generator, model.discriminator, torch.nn.BCELoss()
    fixed = torch.randn(args.samples, 100, 1, 1, generator=torch.Generator().manual_seed(12345))
    step, seconds, reached = 0, 0.0, None
    while step < args.steps:
        for batch in torch.randperm(len(data)).split(64):
            real, n = data[batch], len(batch)
            start = time.perf_counter()
            opt_d.zero_grad()
            d_loss = (bce(D(real), torch.full((n,), 0.9)) + bce(D(G(torch.randn(n, 100, 1, 1)).detach()), torch.zeros(n))) / 2
            d_loss.backward()
            opt_d.step()
            opt_g.zero_grad()
            g_loss = bce(D(G(torch.randn(n, 100, 1, 1))), torch.ones(n))
            g_loss.backward()
            opt_g.step()
            seconds += time.perf_counter() - start
            step += 1
            if step % args.every == 0:
                with torch.no_grad():
                    state = {k: v.clone() for k, v in G.state_dict().items()}
                    train = smileys.score(G.train()(fixed).numpy())
                    G.load_state_dict(state)  # a look in train mode leaves the running statistics alone
                    evaluation = smileys.score(G.eval()(fixed).numpy())
                    G.train()
                print(json.dumps({"quality": {"iteration": step, "seconds": round(seconds, 3), "samples": args.samples,
                                              "train": train, "eval": evaluation}}), flush=True)
                if reached is None and evaluation["precision"] >= 0.9 and evaluation["modes"] == 16:
                    reached = (step, seconds)
            if step >= args.steps:
                break
    print(json.dumps({"time_to_quality": None if reached is None else {"iteration": reached[0], "seconds": round(reached[1], 3)}}))


if __name__ == "__main__":
    main()
