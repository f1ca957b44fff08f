"""Time to quality of the seed recipe (and the candidate recipe changes) in PyTorch, scored like
`dcgan-smiles train --quality-every`.

Trains the seed's DCGAN on the seed's data (smileys.py) and prints, every --every steps, the same JSON
line as our headless output:
{"quality":{"iteration":…,"seconds":…,"samples":256,"train":{…},"eval":{…}[,"live":{…}]}}
then the first step (and training seconds) at which eval-mode precision >= 0.9 with 16/16 modes.
As in ours, with --ema the scored generator ("train", "eval") is the moving average and "live" is the
trained G in eval mode.

The recipe options mirror `dcgan-smiles train`'s (see the README's "Recipe"):
  --ema D           sample from an exponential moving average of G's weights and BatchNorm statistics
                    (decay D, bias-corrected: the first update copies G);
  --ema-statistics recomputed
                    the average's BatchNorm statistics recomputed before each eval-mode score by
                    torch.optim.swa_utils.update_bn over 512 samples of fixed noise (batches of 256),
                    instead of averaged like its weights;
  --lr-g, --lr-d    learning rates (the seed: 2e-4 both);
  --real-label      label of real images in D's loss (the seed: 0.9);
  --instance-noise S --noise-steps N
                    Gaussian noise of std S (in [-1, 1] pixel units) added to D's real and fake inputs,
                    fading linearly to 0 over N steps (0: no fading);
  --logits          the loss from D's logits (BCEWithLogits, D without its final Sigmoid);
  --lr-decay-start S --lr-decay-steps N --lr-floor F
                    both rates fall along half a cosine from step S over N steps to F times themselves;
  --lr-g-late-factor F --lr-g-late-start S
                    G's rate times F from step S (counted from 0) on, D's unchanged;
  --r1 G            the R1 gradient penalty on D at the real images, G/2 * mean |grad_x D(x)|^2
                    (on logits with --logits), added to D's loss (autograd's double backward);
  --r1-every K      lazy R1: K times the penalty at every K-th step only (steps 0, K, 2K, ...);
  --r1-late G2 --r1-late-start S
                    R1 with G2 instead of G from step S (counted from 0) on;
  --r1-later G3 --r1-later-start S3
                    and with G3 from step S3 (after S) on;
  --lookahead K --lookahead-alpha A
                    lookahead for both nets: every K steps their parameters move to
                    slow + A * (fast - slow), and that point becomes the new slow one;
  --top-k NU --top-k-decay GAMMA
                    top-k training: G's loss is the mean over the k fakes D rates most real,
                    k = max(GAMMA^epochs, NU) of the batch (rounded half up);
  --beta1, --beta2  Adam's betas for both networks (the seed: 0.5, 0.999).

    python3 Tests/Reference/quality_pytorch.py [--steps 1500] [--every 100] [--seed 0] [--threads 2]
"""

import argparse
import importlib.util
import json
import math
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
    parser.add_argument("--ema", type=float, default=None)
    parser.add_argument("--ema-statistics", choices=["averaged", "recomputed"], default="averaged")
    parser.add_argument("--lr-g", type=float, default=2e-4)
    parser.add_argument("--lr-d", type=float, default=2e-4)
    parser.add_argument("--real-label", type=float, default=0.9)
    parser.add_argument("--instance-noise", type=float, default=0.0)
    parser.add_argument("--noise-steps", type=int, default=1000)
    parser.add_argument("--logits", action="store_true")
    parser.add_argument("--lr-decay-start", type=int, default=0)
    parser.add_argument("--lr-decay-steps", type=int, default=0)
    parser.add_argument("--lr-floor", type=float, default=0.1)
    parser.add_argument("--lr-g-late-factor", type=float, default=1.0)
    parser.add_argument("--lr-g-late-start", type=int, default=1400)
    parser.add_argument("--r1", type=float, default=0.0)
    parser.add_argument("--r1-every", type=int, default=1)
    parser.add_argument("--r1-late", type=float, default=0.0)
    parser.add_argument("--r1-late-start", type=int, default=1000)
    parser.add_argument("--r1-later", type=float, default=0.0)
    parser.add_argument("--r1-later-start", type=int, default=1500)
    parser.add_argument("--lookahead", type=int, default=0)
    parser.add_argument("--lookahead-alpha", type=float, default=0.5)
    parser.add_argument("--top-k", type=float, default=0.0)
    parser.add_argument("--top-k-decay", type=float, default=0.99)
    parser.add_argument("--beta1", type=float, default=0.5)
    parser.add_argument("--beta2", type=float, default=0.999)
    args = parser.parse_args()
    if args.ema_statistics == "recomputed" and not args.ema:
        parser.error("--ema-statistics recomputed needs --ema")
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    data = torch.tensor(smileys.dataset(rng=np.random.default_rng(args.seed)))
    model = reference.DCGAN(latent=100, features=64)
    G, D = model.generator, model.discriminator
    if args.logits:
        D.net = D.net[:-1]  # no Sigmoid: D returns logits
        loss = torch.nn.BCEWithLogitsLoss()
    else:
        loss = torch.nn.BCELoss()
    opt_g = torch.optim.Adam(G.parameters(), lr=args.lr_g, betas=(args.beta1, args.beta2))
    opt_d = torch.optim.Adam(D.parameters(), lr=args.lr_d, betas=(args.beta1, args.beta2))
    # The average over G's state dict (weights and BatchNorm running statistics), bias-corrected.
    ema = {k: v.detach().clone() for k, v in G.state_dict().items() if v.is_floating_point()} if args.ema else None
    ema_updates = 0
    slow = [p.detach().clone() for p in [*G.parameters(), *D.parameters()]] if args.lookahead else None
    fixed = torch.randn(args.samples, 100, 1, 1, generator=torch.Generator().manual_seed(12345))
    recompute_batches = torch.randn(512, 100, 1, 1, generator=torch.Generator().manual_seed(54321)).split(256)

    def rate_factor(step):  # as LearningRateDecay.factor(after: step)
        if args.lr_decay_steps <= 0:
            return 1.0
        progress = min(1.0, max(0.0, (step - args.lr_decay_start) / args.lr_decay_steps))
        return args.lr_floor + (1 - args.lr_floor) * 0.5 * (1 + math.cos(math.pi * progress))

    def noisy(x, step):
        sigma = args.instance_noise * (max(0.0, 1 - step / args.noise_steps) if args.noise_steps > 0 else 1.0)
        return x + sigma * torch.randn_like(x) if sigma > 0 else x

    step, seconds, reached = 0, 0.0, None
    while step < args.steps:
        for batch in torch.randperm(len(data)).split(64):
            real, n = data[batch], len(batch)
            start = time.perf_counter()
            factor = rate_factor(step)
            late = args.lr_g_late_factor if step >= args.lr_g_late_start else 1.0  # as LateGeneratorRate.factor(after: step)
            for opt, rate in ((opt_d, args.lr_d), (opt_g, args.lr_g * late)):
                opt.param_groups[0]["lr"] = rate * factor
            opt_d.zero_grad()
            penalised = args.r1 > 0 and step % args.r1_every == 0
            seen = noisy(real, step).requires_grad_(penalised)
            real_out = D(seen)
            d_loss = (loss(real_out, torch.full((n,), args.real_label))
                      + loss(D(noisy(G(torch.randn(n, 100, 1, 1)).detach(), step)), torch.zeros(n))) / 2
            if penalised:  # R1: gamma/2 * E ||grad_x D(x)||^2 on the real batch (D's logits), x K when lazy
                grad, = torch.autograd.grad(real_out.sum(), seen, create_graph=True)
                gamma = args.r1_late if args.r1_late > 0 and step >= args.r1_late_start else args.r1
                if args.r1_late > 0 and args.r1_later > 0 and step >= args.r1_later_start:
                    gamma = args.r1_later
                d_loss = d_loss + gamma * args.r1_every / 2 * grad.pow(2).reshape(n, -1).sum(1).mean()
            d_loss.backward()
            opt_d.step()
            opt_g.zero_grad()
            fake_out = D(noisy(G(torch.randn(n, 100, 1, 1)), step))
            if args.top_k > 0:  # top-k: the k fakes D rates most real
                share = max(args.top_k_decay ** (step // math.ceil(len(data) / 64)), args.top_k)
                fake_out = torch.topk(fake_out, min(n, max(1, math.floor(share * n + 0.5)))).values
            g_loss = loss(fake_out, torch.ones(len(fake_out)))
            g_loss.backward()
            opt_g.step()
            if slow is not None and (step + 1) % args.lookahead == 0:
                with torch.no_grad():
                    for s, p in zip(slow, [*G.parameters(), *D.parameters()]):
                        s.add_(args.lookahead_alpha * (p - s))
                        p.copy_(s)
            if ema is not None:
                ema_updates += 1
                rate = (1 - args.ema) / (1 - args.ema ** ema_updates)
                with torch.no_grad():
                    for k, v in G.state_dict().items():
                        if k in ema:
                            ema[k].add_(rate * (v - ema[k]))
            seconds += time.perf_counter() - start
            step += 1
            if step % args.every == 0:
                with torch.no_grad():
                    state = {k: v.clone() for k, v in G.state_dict().items()}
                    live = smileys.score(G.eval()(fixed).numpy()) if ema is not None else None
                    if ema is not None:
                        G.load_state_dict({**state, **ema})
                    scored = {k: v.clone() for k, v in G.state_dict().items()}
                    train = smileys.score(G.train()(fixed).numpy())
                    G.load_state_dict(scored)  # a look in train mode leaves the running statistics alone
                    if ema is not None and args.ema_statistics == "recomputed":
                        torch.optim.swa_utils.update_bn(recompute_batches, G)
                    evaluation = smileys.score(G.eval()(fixed).numpy())
                    line = {"iteration": step, "seconds": round(seconds, 3), "samples": args.samples,
                            "train": train, "eval": evaluation}
                    if live is not None:
                        line["live"] = live
                    G.load_state_dict(state)
                    G.train()
                print(json.dumps({"quality": line}), flush=True)
                if reached is None and evaluation["precision"] >= 0.9 and evaluation["modes"] == 16:
                    reached = (step, seconds)
            if step >= args.steps:
                break
    print(json.dumps({"time_to_quality": None if reached is None else {"iteration": reached[0], "seconds": round(reached[1], 3)}}))


if __name__ == "__main__":
    main()
