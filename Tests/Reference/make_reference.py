"""PyTorch reference fixtures for the Swift DCGAN engine tests.

Writes safetensors files under Tests/Fixtures/:

  layers.safetensors  single layers (conv, transposed conv, batch norm,
                      activations), BCE loss and Adam, forward and backward
  models.safetensors  the DCGAN generator and discriminator (L=8, F=8, N=4):
                      initial state, train-mode and eval-mode forward passes
  train5.safetensors  five full training steps of the seed recipe: inputs,
                      losses and the final weights and Adam state
  logits.safetensors  BCE from logits (BCEWithLogitsLoss, saturated logits
                      included) and two of train5's steps with D's loss taken
                      from its logits (D without its final Sigmoid)
  interop.safetensors checkpoints in both directions (see File 4)
  lookahead.safetensors three of train5's steps with lookahead (k 2, alpha 0.5)
                      on both nets: the weights after the synchronisation
  recomputed_statistics.safetensors  the generator's BatchNorm running
                      statistics recomputed by torch.optim.swa_utils.update_bn
                      over three noise batches (4, 4, 2), then an eval pass
  top_k.safetensors   three of train5's steps with top-k training: G's loss
                      over the k = 4, 3, 2 fakes D rates most real
  r1.safetensors      two of train5's steps with BCE from logits and the R1
                      gradient penalty (gamma 1): D's gradient of step 1
  truncation.safetensors  Jacobian truncation's steepness: a generator's RMS
                      image change per unit of a small latent step along given
                      directions (eval mode), and the least steep latents

Everything runs on the CPU in float32, single-threaded, with
torch.manual_seed(0) at the start of each section, so the output depends only
on the PyTorch version (recorded in each file's metadata).

Regenerate from the repository root with

    python3 Tests/Reference/make_reference.py [layers models train5 logits interop lookahead
     recomputed_statistics top_k r1 truncation]

(no argument: every file).

The safetensors format is written by hand (json + struct), without the
safetensors package. Conventions: images are NCHW; weights keep PyTorch's
layouts (Conv2d (out, in, kh, kw), ConvTranspose2d (in, out, kh, kw));
scalars, and 0-dim tensors such as num_batches_tracked, are stored as shape [1].
"""

import json
import struct
from pathlib import Path

import torch
from torch import nn

SCRIPT = "Tests/Reference/make_reference.py"
FIXTURES = Path(__file__).resolve().parent.parent / "Fixtures"

LATENT, FEATURES, BATCH, IMAGE = 8, 8, 4, 64
LR, BETAS, EPS = 2e-4, (0.5, 0.999), 1e-8
REAL_LABEL = 0.9
TRAIN_STEPS = 5
MODEL_CONFIG = f"L={LATENT} F={FEATURES} N={BATCH} image={IMAGE}x{IMAGE}x3"
ADAM_CONFIG = f"Adam lr={LR} betas={BETAS} eps={EPS}"

# --------------------------------------------------------------------------
# safetensors writer

DTYPES = {torch.float32: ("F32", "<f4"), torch.int64: ("I64", "<i8")}


def write_safetensors(path, tensors, metadata):
    """Writes `tensors` (name -> tensor) in insertion order, with `metadata`."""
    header, chunks, offset = {}, [], 0
    for name, tensor in tensors.items():
        dtype, numpy_dtype = DTYPES[tensor.dtype]
        if tensor.dim() == 0:
            tensor = tensor.reshape(1)
        data = tensor.detach().contiguous().cpu().numpy().astype(numpy_dtype, copy=False).tobytes()
        header[name] = {"dtype": dtype, "shape": list(tensor.shape),
                        "data_offsets": [offset, offset + len(data)]}
        chunks.append(data)
        offset += len(data)
    header["__metadata__"] = {"torch": torch.__version__, "script": SCRIPT, **metadata}
    header_bytes = json.dumps(header).encode("utf-8")
    header_bytes += b" " * (-len(header_bytes) % 8)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(header_bytes)))
        f.write(header_bytes)
        for chunk in chunks:
            f.write(chunk)
    print(f"wrote {path} ({path.stat().st_size} bytes, {len(tensors)} tensors)")
    for name, tensor in tensors.items():
        print(f"  {name} {list(tensor.shape) or [1]} {header[name]['dtype']}")


# --------------------------------------------------------------------------
# helpers


def scalar(value):
    """A Python number or 0-dim tensor as a shape-[1] float32 tensor."""
    return torch.as_tensor(value, dtype=torch.float32).detach().reshape(1)


def prefixed(prefix, named_tensors):
    return {f"{prefix}.{name}": tensor for name, tensor in named_tensors}


def forward_backward(module, x):
    """Runs y = module(x) and backpropagates a random dy.

    Returns (x, y, dy, dx); the parameter gradients stay on the module.
    """
    x = x.clone().requires_grad_(True)
    y = module(x)
    dy = torch.randn_like(y)
    y.backward(dy)
    return x, y, dy, x.grad


def batch_norms(module):
    return [m for m in module.modules() if isinstance(m, nn.BatchNorm2d)]


def randomise_batch_norm_affine(module):
    """Moves BatchNorm's weight off 1 and bias off 0 so the affine part matters."""
    with torch.no_grad():
        for bn in batch_norms(module):
            bn.weight.copy_(1 + 0.1 * torch.randn_like(bn.weight))
            bn.bias.copy_(0.1 * torch.randn_like(bn.bias))


# --------------------------------------------------------------------------
# File 1: single layers, loss and optimizer


def conv_case(prefix, layer, x_shape):
    torch.manual_seed(0)
    module = layer()
    x, y, dy, dx = forward_backward(module, torch.randn(x_shape))
    return {f"{prefix}.x": x, f"{prefix}.weight": module.weight, f"{prefix}.y": y,
            f"{prefix}.dy": dy, f"{prefix}.dx": dx, f"{prefix}.dweight": module.weight.grad}


def batch_norm_case(prefix="bn", channels=5):
    torch.manual_seed(0)
    bn = nn.BatchNorm2d(channels, eps=1e-5, momentum=0.1)
    with torch.no_grad():
        bn.weight.copy_(1 + 0.1 * torch.randn(channels))
        bn.bias.copy_(0.1 * torch.randn(channels))
        bn.running_mean.copy_(0.1 * torch.randn(channels))
        bn.running_var.copy_(1 + 0.1 * torch.rand(channels))
    running_mean_in, running_var_in = bn.running_mean.clone(), bn.running_var.clone()

    bn.train()
    x, y, dy, dx = forward_backward(bn, 2 * torch.randn(4, channels, 3, 3) + 0.5)
    running_mean_out, running_var_out = bn.running_mean.clone(), bn.running_var.clone()

    bn.eval()
    with torch.no_grad():
        bn.running_mean.copy_(running_mean_in)
        bn.running_var.copy_(running_var_in)
        y_eval = bn(x)

    return prefixed(prefix, [
        ("x", x), ("weight", bn.weight), ("bias", bn.bias),
        ("running_mean_in", running_mean_in), ("running_var_in", running_var_in),
        ("y", y), ("dy", dy), ("dx", dx), ("dweight", bn.weight.grad), ("dbias", bn.bias.grad),
        ("running_mean_out", running_mean_out), ("running_var_out", running_var_out),
        ("y_eval", y_eval),
    ])


def activation_case(prefix, module):
    torch.manual_seed(0)
    x, y, dy, dx = forward_backward(module, 2 * torch.randn(2, 3, 4, 4))
    return prefixed(prefix, [("x", x), ("y", y), ("dy", dy), ("dx", dx)])


def bce_case(prefix="bce", n=16):
    torch.manual_seed(0)
    p = 0.01 + 0.98 * torch.rand(n)
    p[0], p[1] = 0.0, 1.0  # log(0) is clamped to -100 by PyTorch
    target = torch.tensor([0.9, 0.0, 1.0])[torch.randint(0, 3, (n,))]
    target[0], target[1] = 0.9, 0.0  # both clamped logs contribute
    p.requires_grad_(True)
    loss = nn.BCELoss()(p, target)
    loss.backward()
    return prefixed(prefix, [("p", p), ("target", target), ("loss", scalar(loss)), ("dp", p.grad)])


def adam_case(prefix="adam", n=10, steps=3, betas=BETAS):
    torch.manual_seed(0)
    p0 = torch.randn(n)
    p = nn.Parameter(p0.clone())
    optimizer = torch.optim.Adam([p], lr=LR, betas=betas, eps=EPS)
    tensors = {f"{prefix}.p0": p0}
    for step in range(1, steps + 1):
        tensors[f"{prefix}.g{step}"] = torch.randn(n)
        p.grad = tensors[f"{prefix}.g{step}"].clone()
        optimizer.step()
        tensors[f"{prefix}.p{step}"] = p.detach().clone()
    state = optimizer.state[p]
    tensors[f"{prefix}.exp_avg{steps}"] = state["exp_avg"]
    tensors[f"{prefix}.exp_avg_sq{steps}"] = state["exp_avg_sq"]
    return tensors


def make_layers():
    tensors = {
        **conv_case("conv_s2p1", lambda: nn.Conv2d(3, 5, 4, 2, 1, bias=False), (2, 3, 8, 8)),
        **conv_case("conv_s1p0", lambda: nn.Conv2d(6, 1, 4, 1, 0, bias=False), (2, 6, 4, 4)),
        **conv_case("convt_s1p0", lambda: nn.ConvTranspose2d(7, 6, 4, 1, 0, bias=False), (2, 7, 1, 1)),
        **conv_case("convt_s2p1", lambda: nn.ConvTranspose2d(6, 4, 4, 2, 1, bias=False), (2, 6, 4, 4)),
        **batch_norm_case(),
        **activation_case("relu", nn.ReLU()),
        **activation_case("leaky_relu", nn.LeakyReLU(0.2)),
        **activation_case("tanh", nn.Tanh()),
        **activation_case("sigmoid", nn.Sigmoid()),
        **bce_case(),
        **adam_case(),
        **adam_case("adam_b0", betas=(0.0, 0.99)),
    }
    write_safetensors(FIXTURES / "layers.safetensors", tensors, {
        "conv_s2p1": "Conv2d(3, 5, 4, stride=2, padding=1, bias=False), x (2,3,8,8)",
        "conv_s1p0": "Conv2d(6, 1, 4, stride=1, padding=0, bias=False), x (2,6,4,4)",
        "convt_s1p0": "ConvTranspose2d(7, 6, 4, stride=1, padding=0, bias=False), x (2,7,1,1)",
        "convt_s2p1": "ConvTranspose2d(6, 4, 4, stride=2, padding=1, bias=False), x (2,6,4,4)",
        "bn": "BatchNorm2d(5, eps=1e-5, momentum=0.1), train forward+backward, then eval on running_*_in",
        "activations": "relu, leaky_relu (slope 0.2), tanh, sigmoid on x = 2*randn(2,3,4,4)",
        "bce": "BCELoss(reduction=mean), p[0]=0 with target 0.9, p[1]=1 with target 0",
        "adam": f"{ADAM_CONFIG}, three steps with gradients g1..g3",
        "adam_b0": "the same with betas=(0.0, 0.99) (train --beta1 0 --beta2 0.99)",
        "backward": "dy = randn_like(y); dx = x.grad after y.backward(dy)",
    })


# --------------------------------------------------------------------------
# The seed's DCGAN


class Generator(nn.Module):
    def __init__(self, latent, features):
        super().__init__()
        f = features
        self.net = nn.Sequential(
            nn.ConvTranspose2d(latent, f * 8, 4, 1, 0, bias=False), nn.BatchNorm2d(f * 8), nn.ReLU(True),
            nn.ConvTranspose2d(f * 8, f * 4, 4, 2, 1, bias=False), nn.BatchNorm2d(f * 4), nn.ReLU(True),
            nn.ConvTranspose2d(f * 4, f * 2, 4, 2, 1, bias=False), nn.BatchNorm2d(f * 2), nn.ReLU(True),
            nn.ConvTranspose2d(f * 2, f, 4, 2, 1, bias=False), nn.BatchNorm2d(f), nn.ReLU(True),
            nn.ConvTranspose2d(f, 3, 4, 2, 1, bias=False), nn.Tanh(),
        )

    def forward(self, z):
        return self.net(z)


class Discriminator(nn.Module):
    def __init__(self, features):
        super().__init__()
        f = features
        self.net = nn.Sequential(
            nn.Conv2d(3, f, 4, 2, 1, bias=False), nn.LeakyReLU(0.2, True),
            nn.Conv2d(f, f * 2, 4, 2, 1, bias=False), nn.BatchNorm2d(f * 2), nn.LeakyReLU(0.2, True),
            nn.Conv2d(f * 2, f * 4, 4, 2, 1, bias=False), nn.BatchNorm2d(f * 4), nn.LeakyReLU(0.2, True),
            nn.Conv2d(f * 4, f * 8, 4, 2, 1, bias=False), nn.BatchNorm2d(f * 8), nn.LeakyReLU(0.2, True),
            nn.Conv2d(f * 8, 1, 4, 1, 0, bias=False), nn.Sigmoid(),
        )

    def forward(self, x):
        return self.net(x).view(-1, 1).squeeze(1)


class DCGAN(nn.Module):
    def __init__(self, latent=LATENT, features=FEATURES):
        super().__init__()
        self.generator = Generator(latent, features)
        self.discriminator = Discriminator(features)


def snapshot(prefix, named_tensors):
    """Copies of `named_tensors` under `prefix.`."""
    return prefixed(prefix, ((name, t.detach().clone()) for name, t in named_tensors))


def state(prefix, module):
    """The full state dict (parameters and buffers) under `prefix.`."""
    return snapshot(prefix, module.state_dict().items())


def random_images():
    return torch.rand(BATCH, 3, IMAGE, IMAGE) * 2 - 1


def random_latents():
    return torch.randn(BATCH, LATENT, 1, 1)


# --------------------------------------------------------------------------
# File 2: model forward passes


def train_then_eval(prefix, net, x):
    """Train-mode forward, the running statistics it leaves, then eval-mode forward."""
    with torch.no_grad():
        net.train()
        out = net(x)
        after = snapshot(f"{prefix}_after", net.named_buffers())
        net.eval()
        out_eval = net(x)
    return out, after, out_eval


def make_models():
    torch.manual_seed(0)
    model = DCGAN()
    randomise_batch_norm_affine(model)
    tensors = state("init", model)

    z = random_latents()
    g_out, g_after, g_out_eval = train_then_eval("g", model.generator, z)
    tensors.update({"z": z, "g_out": g_out, **g_after, "g_out_eval": g_out_eval})

    x = random_images()
    d_out, d_after, d_out_eval = train_then_eval("d", model.discriminator, x)
    tensors.update({"x": x, "d_out": d_out, **d_after, "d_out_eval": d_out_eval})

    write_safetensors(FIXTURES / "models.safetensors", tensors, {
        "config": MODEL_CONFIG,
        "init": "PyTorch default init, then BatchNorm weight = 1+0.1*randn, bias = 0.1*randn",
        "passes": "g_out/d_out in train mode; *_after = buffers after it; *_out_eval in eval mode",
    })


# --------------------------------------------------------------------------
# File 3: five training steps


def train_step(model, opt_g, opt_d, real, z_d, z_g, logits=False, k=None, r1=None, d_gradient=None):
    """One step of the seed recipe; returns (d_loss, g_loss, d_x, d_g_z). With `logits`, D returns
    logits (no final Sigmoid) and the loss is BCEWithLogitsLoss; D(x) is still a probability. With
    `k`, G's loss is over the k fakes D rates most real (top-k training). With `r1` (gamma), D's
    loss gains gamma/2 * mean |grad_x sum D(x)|^2 at the real batch (autograd's double backward,
    as quality_pytorch.py --r1). `d_gradient`: a dict that receives D's gradient before its update
    (and the penalty under "r1")."""
    G, D = model.generator, model.discriminator
    bce = nn.BCEWithLogitsLoss() if logits else nn.BCELoss()
    probability = torch.sigmoid if logits else (lambda out: out)

    opt_d.zero_grad()
    real = real.clone().requires_grad_(r1 is not None)
    real_out = D(real)
    real_loss = bce(real_out, torch.full((BATCH,), REAL_LABEL))
    fake = G(z_d).detach()
    fake_out = D(fake)
    fake_loss = bce(fake_out, torch.zeros(BATCH))
    d_loss = (real_loss + fake_loss) / 2
    if r1 is not None:
        grad, = torch.autograd.grad(real_out.sum(), real, create_graph=True)
        penalty = r1 / 2 * grad.pow(2).reshape(BATCH, -1).sum(1).mean()
        d_loss = d_loss + penalty
    d_loss.backward()
    if d_gradient is not None:
        d_gradient.update((name, p.grad.detach().clone()) for name, p in D.named_parameters())
        if r1 is not None:
            d_gradient["r1"] = scalar(penalty)
    opt_d.step()

    opt_g.zero_grad()
    out = D(G(z_g))
    if k is not None:
        out = torch.topk(out, k).values
    g_loss = bce(out, torch.ones(len(out)))
    g_loss.backward()
    opt_g.step()

    return d_loss, g_loss, probability(real_out).mean(), probability(fake_out).mean()


def adam_state(prefix, net, optimizer):
    tensors = {}
    for name, param in net.named_parameters():
        for key in ("exp_avg", "exp_avg_sq"):
            tensors[f"{prefix}.{name}.{key}"] = optimizer.state[param][key].detach().clone()  # a snapshot: Adam updates it in place
    return tensors


def make_train5(steps=TRAIN_STEPS, logits=False, lookahead=None, top_k=None, r1=None):
    """The training steps' fixture tensors. With `lookahead` (k, alpha), every k steps both nets'
    parameters move to slow + alpha * (fast - slow) and restart from there (state "synced" after
    the first synchronisation). With `top_k` (k of each step), G learns from the top k fakes
    (state "after2" after step 2). With `r1` (gamma), the R1 penalty joins D's loss; D's gradient of
    step 1 (before its update) is kept under "step1.d_gradient"."""
    torch.manual_seed(0)
    model = DCGAN()
    if logits:
        model.discriminator.net = model.discriminator.net[:-1]  # D returns logits
    model.train()
    opt_g = torch.optim.Adam(model.generator.parameters(), lr=LR, betas=BETAS, eps=EPS)
    opt_d = torch.optim.Adam(model.discriminator.parameters(), lr=LR, betas=BETAS, eps=EPS)
    tensors = state("init", model)
    slow = [p.detach().clone() for p in model.parameters()]

    for step in range(1, steps + 1):
        real, z_d, z_g = random_images(), random_latents(), random_latents()
        d_gradient = {}
        d_loss, g_loss, d_x, d_g_z = train_step(model, opt_g, opt_d, real, z_d, z_g, logits,
                                                k=top_k[step - 1] if top_k else None, r1=r1, d_gradient=d_gradient)
        if r1 is not None and step == 1:
            tensors.update(prefixed("step1.d_gradient", d_gradient.items()))
        if top_k and step == 2:
            tensors.update(state("after2", model))
        if lookahead and step % lookahead[0] == 0:
            with torch.no_grad():
                for s, p in zip(slow, model.parameters()):
                    s.add_(lookahead[1] * (p - s))
                    p.copy_(s)
            if step == lookahead[0]:
                tensors.update(state("synced", model))
        if step == 1:
            # After one step every tensor is still comparable element by element; later steps
            # amplify float rounding (Adam's first updates are ±lr for any gradient sign).
            tensors.update(state("after1", model))
            tensors.update(adam_state("after1.optimizer.generator", model.generator, opt_g))
            tensors.update(adam_state("after1.optimizer.discriminator", model.discriminator, opt_d))
        tensors.update(prefixed(f"step{step}", [
            ("real", real), ("z_d", z_d), ("z_g", z_g),
            ("d_loss", scalar(d_loss)), ("g_loss", scalar(g_loss)),
            ("d_x", scalar(d_x)), ("d_g_z", scalar(d_g_z)),
        ]))

    tensors.update(state("final", model))
    tensors.update(adam_state("final.optimizer.generator", model.generator, opt_g))
    tensors.update(adam_state("final.optimizer.discriminator", model.discriminator, opt_d))
    if logits or lookahead or top_k or r1:
        return tensors

    write_safetensors(FIXTURES / "train5.safetensors", tensors, {
        "config": MODEL_CONFIG,
        "init": "PyTorch default init",
        "optimizer": f"{ADAM_CONFIG} for both nets",
        "loss": f"BCELoss(reduction=mean), real label {REAL_LABEL}, fake label 0, generator target 1",
        "order": "D(real), G(z_d).detach(), D(fake), D step; G(z_g), D(G(z_g)), G step; all train mode",
        "steps": str(TRAIN_STEPS),
    })


# --------------------------------------------------------------------------
# File 4: checkpoint interop in both directions (needs `pip install safetensors`)

SWIFT_CHECKPOINT = FIXTURES / "swift_checkpoint.safetensors"
PYTORCH_CHECKPOINT = FIXTURES / "pytorch_checkpoint.safetensors"
# How swift_checkpoint.safetensors was made (commit the result when the format changes):
SWIFT_CHECKPOINT_COMMAND = ("dcgan-smiles train --headless --iterations 3 --latent-size 8 --feature-maps 8 "
                            "--batch-size 4 --seed 21 --run-dir RUN; cp RUN/last.safetensors " + str(SWIFT_CHECKPOINT))


def load_seed_module(path):
    """What a PyTorch user does with our checkpoint: keep the module's keys, load strictly."""
    from safetensors.torch import load_file
    state_dict = load_file(str(path))
    model = DCGAN()
    model.load_state_dict({k: v for k, v in state_dict.items() if k.startswith(("generator.", "discriminator."))})
    return model


def make_interop():
    from safetensors.torch import save_file
    torch.manual_seed(0)
    tensors = {}

    # Ours → PyTorch: the seed's module loads the Swift-written file; its eval-mode generator output
    # on fixed noise is what the Swift test must reproduce from the same file.
    if not SWIFT_CHECKPOINT.exists():
        raise SystemExit(f"missing {SWIFT_CHECKPOINT}; make it with: {SWIFT_CHECKPOINT_COMMAND}")
    model = load_seed_module(SWIFT_CHECKPOINT).eval()
    z = random_latents()
    with torch.no_grad():
        tensors.update({"swift.z": z, "swift.g_out_eval": model.generator(z)})

    # PyTorch → ours: a PyTorch-trained module (three steps, so the running statistics are not
    # trivial) saved with safetensors.torch.save_file, as a user would.
    model = DCGAN().train()
    opt_g = torch.optim.Adam(model.generator.parameters(), lr=LR, betas=BETAS, eps=EPS)
    opt_d = torch.optim.Adam(model.discriminator.parameters(), lr=LR, betas=BETAS, eps=EPS)
    for _ in range(3):
        train_step(model, opt_g, opt_d, random_images(), random_latents(), random_latents())
    save_file(model.state_dict(), str(PYTORCH_CHECKPOINT))
    print(f"wrote {PYTORCH_CHECKPOINT}")
    model.eval()
    z = random_latents()
    with torch.no_grad():
        tensors.update({"pytorch.z": z, "pytorch.g_out_eval": model.generator(z),
                        "pytorch.g_out_train": model.generator.train()(z)})

    write_safetensors(FIXTURES / "interop.safetensors", tensors, {
        "config": MODEL_CONFIG,
        "swift": "seed DCGAN module loaded from swift_checkpoint.safetensors (strict), generator in eval mode on swift.z",
        "pytorch": "3 PyTorch training steps, state_dict saved to pytorch_checkpoint.safetensors; generator eval/train on pytorch.z",
    })


# --------------------------------------------------------------------------
# File 5: the loss from D's logits


def bce_logits_case(prefix="bce_logits", n=16):
    torch.manual_seed(0)
    x = 8 * torch.randn(n)
    x[:4] = torch.tensor([-60.0, 40.0, -30.0, 20.0])  # past float32 sigmoid's 0 and 1, and past BCELoss's clamp
    target = torch.tensor([0.9, 0.0, 1.0])[torch.randint(0, 3, (n,))]
    target[:4] = torch.tensor([1.0, 0.0, 1.0, 0.9])
    x.requires_grad_(True)
    loss = nn.BCEWithLogitsLoss()(x, target)
    loss.backward()
    return prefixed(prefix, [("x", x), ("target", target), ("loss", scalar(loss)), ("dx", x.grad)])


def state_and_losses(tensors, state):
    """What a variant of train5 keeps (its weights and inputs are train5's: same seed, same draws):
    the nets' state under `state` (Adam's moments left out) and every step's losses."""
    return {name: tensor for name, tensor in tensors.items()
            if (name.startswith(state + ".") and ".optimizer." not in name)
            or (name.startswith("step") and name.split(".")[1] in ("d_loss", "g_loss", "d_x", "d_g_z", "d_gradient"))}


def make_logits():
    # The same initial weights and inputs as train5 (same seed, same order of draws), so only what
    # differs is kept: the state after step 1 and the losses of two steps.
    steps = state_and_losses(make_train5(steps=2, logits=True), "after1")
    tensors = {**bce_logits_case(), **prefixed("train", steps.items())}
    write_safetensors(FIXTURES / "logits.safetensors", tensors, {
        "config": MODEL_CONFIG,
        "init": "train5.safetensors' init.* and step inputs (same seed, same draws)",
        "optimizer": f"{ADAM_CONFIG} for both nets",
        "loss": f"BCEWithLogitsLoss(reduction=mean) on D without its Sigmoid, real label {REAL_LABEL}",
        "steps": "2, under train.*; d_x and d_g_z are mean sigmoid(logit)",
    })


# --------------------------------------------------------------------------
# File 6: lookahead on both nets


def make_lookahead():
    # train5's initial weights and inputs again; kept: the state after the synchronisation at step
    # 2 and the losses of all three steps (step 3 starts from the synchronised weights).
    steps = state_and_losses(make_train5(steps=3, lookahead=(2, 0.5)), "synced")
    write_safetensors(FIXTURES / "lookahead.safetensors", prefixed("train", steps.items()), {
        "config": MODEL_CONFIG,
        "init": "train5.safetensors' init.* and step inputs (same seed, same draws)",
        "optimizer": f"{ADAM_CONFIG} for both nets, lookahead k 2, alpha 0.5 on both nets' parameters",
        "loss": f"BCELoss(reduction=mean), real label {REAL_LABEL}",
        "steps": "3, under train.*; train.synced.*: after step 2's synchronisation",
    })


# --------------------------------------------------------------------------
# File 7: BatchNorm statistics recomputed for the current weights


def make_recomputed_statistics():
    torch.manual_seed(0)
    generator = Generator(LATENT, FEATURES)
    randomise_batch_norm_affine(generator)
    with torch.no_grad():
        generator.train()
        generator(random_latents())  # running statistics of their own, which update_bn must discard
    tensors = state("init", generator)
    batches = [torch.randn(n, LATENT, 1, 1) for n in (4, 4, 2)]
    torch.optim.swa_utils.update_bn(batches, generator)
    z = random_latents()
    with torch.no_grad():
        generator.eval()
        out_eval = generator(z)
    tensors.update(prefixed("batch", enumerate(batches)))
    tensors.update({**snapshot("recomputed", generator.named_buffers()), "z": z, "out_eval": out_eval})
    write_safetensors(FIXTURES / "recomputed_statistics.safetensors", tensors, {
        "config": MODEL_CONFIG,
        "init": "PyTorch default init, BatchNorm weight = 1+0.1*randn, bias = 0.1*randn, one train-mode pass",
        "recompute": "torch.optim.swa_utils.update_bn over batch.0, batch.1, batch.2 (4, 4 and 2 latents)",
        "passes": "recomputed.* = buffers after it; out_eval: eval-mode output for z",
    })


# --------------------------------------------------------------------------
# File 8: top-k training


def make_top_k():
    # train5's initial weights and inputs again, G's loss over the top 4, 3 and 2 of its 4 fakes
    # (what TopK(floor: 0.5, decay: 0.75) gives with one step per epoch); kept: the state after
    # step 2 (the first with k < 4) and the losses of all three steps.
    steps = state_and_losses(make_train5(steps=3, top_k=[4, 3, 2]), "after2")
    write_safetensors(FIXTURES / "top_k.safetensors", prefixed("train", steps.items()), {
        "config": MODEL_CONFIG,
        "init": "train5.safetensors' init.* and step inputs (same seed, same draws)",
        "optimizer": f"{ADAM_CONFIG} for both nets",
        "loss": f"BCELoss(reduction=mean), real label {REAL_LABEL}; G's loss over torch.topk(D(G(z_g)), k), k = 4, 3, 2",
        "steps": "3, under train.*; train.after2.*: after step 2",
    })


# --------------------------------------------------------------------------
# File 9: the R1 gradient penalty

R1_GAMMA = 1.0


def make_r1():
    # train5's initial weights and inputs again, with BCE from logits (R1 on D's logits, as the
    # recipes that use it) and R1 with gamma 1 in D's loss; kept: D's gradient in step 1 (BCE and
    # R1, before D's update), the state after step 1 and the losses of two steps.
    tensors = make_train5(steps=2, logits=True, r1=R1_GAMMA)
    without = make_train5(steps=1, logits=True, r1=0.0)  # D's gradient without R1, for the metadata
    steps = state_and_losses(tensors, "after1")
    share = torch.cat([(tensors[k] - v).flatten() for k, v in without.items() if k.startswith("step1.d_gradient.net")]).norm() \
        / torch.cat([v.flatten() for k, v in tensors.items() if k.startswith("step1.d_gradient.net")]).norm()
    write_safetensors(FIXTURES / "r1.safetensors", prefixed("train", steps.items()), {
        "config": MODEL_CONFIG,
        "init": "train5.safetensors' init.* and step inputs (same seed, same draws)",
        "optimizer": f"{ADAM_CONFIG} for both nets",
        "loss": f"BCEWithLogitsLoss(reduction=mean) on D without its Sigmoid, real label {REAL_LABEL}, "
                f"plus R1: {R1_GAMMA}/2 * mean over the batch of |autograd.grad(D(x).sum(), x, create_graph=True)|^2",
        "steps": "2, under train.*; train.step1.d_gradient.*: D's gradient before its first update "
                 f"(R1's part: {share:.2f} of its norm), train.step1.d_gradient.r1: the penalty",
    })


# --------------------------------------------------------------------------
# File 10: Jacobian truncation's steepness

TRUNCATION_STEP, TRUNCATION_COUNT, TRUNCATION_KEEP = 0.05, 12, 6
TRUNCATION_LOCAL = [(4, 1.0), (5, 0.5)]  # (neighbours, power): an even and an odd median


def make_truncation():
    # The generator of models.safetensors after its train-mode pass (so eval mode has running
    # statistics of its own), then in eval mode: the RMS change of its image per unit of a latent
    # step of TRUNCATION_STEP along each latent's direction (normalised here), and which
    # TRUNCATION_KEEP latents are least steep.
    torch.manual_seed(0)
    model = DCGAN()
    randomise_batch_norm_affine(model)
    generator = model.generator
    with torch.no_grad():
        generator.train()
        generator(random_latents())
        generator.eval()
        z = torch.randn(TRUNCATION_COUNT, LATENT, 1, 1)
        u = torch.randn(TRUNCATION_COUNT, LATENT, 1, 1)
        unit = u / u.flatten(1).norm(dim=1)[:, None, None, None]
        images = generator(z)
        moved = generator(z + TRUNCATION_STEP * unit)
        steepness = (moved - images).flatten(1).pow(2).mean(1).sqrt() / TRUNCATION_STEP
    kept = torch.sort(torch.argsort(steepness)[:TRUNCATION_KEEP]).values
    # The local criterion (`--jacobian-truncation-neighbours K --jacobian-truncation-power P`), as
    # truncation_ranking.py computes it: steepness / median(steepness of the K nearest others)^P.
    flat = images.flatten(1)
    neighbours = torch.cdist(flat, flat).topk(TRUNCATION_COUNT, largest=False).indices[:, 1:]
    local = {}
    for k, power in TRUNCATION_LOCAL:
        theirs = steepness[neighbours[:, :k]].sort(dim=1).values
        median = theirs[:, k // 2] if k % 2 else (theirs[:, k // 2 - 1] + theirs[:, k // 2]) / 2  # NumPy's median
        local[f"local_k{k}_p{power}"] = steepness / median ** power
    local_kept = torch.sort(torch.argsort(local[f"local_k{TRUNCATION_LOCAL[0][0]}_p{TRUNCATION_LOCAL[0][1]}"])[:TRUNCATION_KEEP]).values
    write_safetensors(FIXTURES / "truncation.safetensors", {
        **state("generator", generator), "z": z, "u": u, "images": images, "steepness": steepness, "kept": kept,
        **local, "local_kept": local_kept,
    }, {
        "config": f"L={LATENT} F={FEATURES}, {TRUNCATION_COUNT} latents, eval mode",
        "init": "models.safetensors' init.generator, then one train-mode pass on its z (running statistics)",
        "steepness": f"RMS(G(z + {TRUNCATION_STEP} * u/|u|) - G(z)) / {TRUNCATION_STEP} per latent; "
                     f"kept: the {TRUNCATION_KEEP} least steep, ascending index",
        "local": "local_k{K}_p{P}: steepness / median(steepness of the K nearest other images by L2)^P (the mean "
                 f"of the middle two for even K, as NumPy's); local_kept: the {TRUNCATION_KEEP} lowest of the first, ascending index",
    })


SECTIONS = {"layers": make_layers, "models": make_models, "train5": make_train5, "logits": make_logits,
            "interop": make_interop, "lookahead": make_lookahead, "recomputed_statistics": make_recomputed_statistics,
            "top_k": make_top_k, "r1": make_r1, "truncation": make_truncation}


def main():
    import sys
    torch.set_num_threads(1)
    for name in sys.argv[1:] or SECTIONS:
        SECTIONS[name]()


if __name__ == "__main__":
    main()
