"""Score-based generative modelling through SDEs (Song et al., ICLR 2021): one training step of
the 2-D demo, in PyTorch.

The same step as src/models/score-sde/train.ts: a batch of B points of the 2-D data, one t per
point, and one Adam step on the denoising score-matching loss with weighting lambda(t) = sigma_t^2:

  x(t) = m_t x(0) + sigma_t z,  z ~ N(0, I),  t ~ U[eps, 1]
  loss = mean_b || n_theta(x(t), t) + z ||^2             (n_theta predicts -z; score = n_theta / sigma_t)

Score network (inputs 2, embedding E, hidden H, `layers` hidden layers, SiLU):
  h_0 = silu(c_in(t) x W_x + phi(t) W_t + b_0),   h_l = silu(h_{l-1} W_l + b_l),   n = h_L W_out + b_out
  c_in(t) = 1 / sqrt(m_t^2 Var[x(0)] + sigma_t^2),   phi(t) = [sin, cos](1000 t omega_k), omega_k = 10000^(-k/(E/2-1))

Optimizer: Adam (beta 0.9, 0.999, eps 1e-8) after clipping the gradients to global norm 1, a linear
warm-up then cosine decay of the learning rate, and an EMA of the parameters.
The data is the quick preset's: 8 Gaussians (std 0.1) on a ring of radius 2.
"""

import math

import torch
from torch import nn

TRAIN_EPS = 1e-5


def marginal(sde, config):
    """(m_t, sigma_t) of the perturbation kernel p_0t as functions of a tensor t."""
    smin, smax = config["sigmaMin"], config["sigmaMax"]
    bmin, bmax = config["betaMin"], config["betaMax"]

    def integral(t):  # B(t) = int_0^t beta(s) ds for the linear schedule
        return bmin * t + 0.5 * (bmax - bmin) * t * t

    if sde == "ve":
        return lambda t: (torch.ones_like(t), torch.sqrt((smin * (smax / smin) ** t) ** 2 - smin**2))
    if sde == "vp":
        return lambda t: (torch.exp(-0.5 * integral(t)), torch.sqrt(-torch.expm1(-integral(t))))
    if sde == "subvp":
        return lambda t: (torch.exp(-0.5 * integral(t)), -torch.expm1(-integral(t)))
    raise ValueError(f"unknown sde {sde}")


def ring(n, generator, components=8, radius=2.0, std=0.1):
    """n points of the mixture of `components` Gaussians on a circle: [n, 2]."""
    angle = 2 * math.pi * torch.randint(components, (n,), generator=generator) / components
    means = radius * torch.stack([torch.cos(angle), torch.sin(angle)], 1)
    return means + std * torch.randn(n, 2, generator=generator)


class ScoreMlp(nn.Module):
    def __init__(self, embedding, hidden, layers):
        super().__init__()
        self.embedding = embedding
        self.input = nn.Linear(2, hidden, bias=False)  # W_x
        self.time = nn.Linear(embedding, hidden)  # W_t, b_0
        self.hidden = nn.ModuleList(nn.Linear(hidden, hidden) for _ in range(layers - 1))
        self.out = nn.Linear(hidden, 2)
        for layer in [self.input, self.time, *self.hidden]:
            nn.init.xavier_normal_(layer.weight)
            if layer.bias is not None:
                nn.init.zeros_(layer.bias)
        nn.init.xavier_normal_(self.out.weight, gain=0.1)
        nn.init.zeros_(self.out.bias)

    def time_features(self, t):
        """phi(t): [B, E] sines and cosines of 1000 t at geometric frequencies."""
        half = self.embedding // 2
        frequencies = torch.exp(-math.log(10000) * torch.arange(half) / (half - 1))
        angles = 1000 * t[:, None] * frequencies  # [B, E/2]
        return torch.cat([torch.sin(angles), torch.cos(angles)], 1)

    def forward(self, x_scaled, t):
        """n_theta for inputs already scaled by c_in(t): [B, 2]."""
        h = nn.functional.silu(self.input(x_scaled) + self.time(self.time_features(t)))
        for layer in self.hidden:
            h = nn.functional.silu(layer(h))
        return self.out(h)


def make_trainer(config, seed):
    """Returns step(): one denoising score-matching step with Adam, schedule and EMA."""
    g = torch.Generator().manual_seed(seed)
    if config["dataset"] != "ring":
        raise ValueError("the reference samples the ring data set (the quick preset's)")
    kernel = marginal(config["sde"], config)
    variance = ring(10000, g).var(unbiased=False).item()  # pooled over both coordinates
    model = ScoreMlp(config["embedding"], config["hidden"], config["layers"])
    ema = [p.detach().clone() for p in model.parameters()]
    lr, warmup, total, decay = config["lr"], config["warmup"], config["steps"], config["emaDecay"]
    optimizer = torch.optim.Adam(model.parameters(), lr=lr, eps=1e-8)

    def schedule(k):  # k = 0, 1, ...: factor of lr at step k + 1
        k += 1
        if k <= warmup:
            return k / warmup
        progress = min(1.0, (k - warmup) / max(1, total - warmup))
        return 0.5 * (1 + math.cos(math.pi * progress))

    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, schedule)
    batch = config["batch"]

    def step():
        x0 = ring(batch, g)  # [B, 2]
        t = TRAIN_EPS + (1 - TRAIN_EPS) * torch.rand(batch, generator=g)  # [B]
        z = torch.randn(batch, 2, generator=g)
        mean, std = kernel(t)
        c_in = 1 / torch.sqrt(mean**2 * variance + std**2)
        xt = mean[:, None] * x0 + std[:, None] * z
        loss = (model(c_in[:, None] * xt, t) + z).pow(2).sum(1).mean()
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        scheduler.step()
        with torch.no_grad():
            for average, p in zip(ema, model.parameters()):
                average.mul_(decay).add_(p, alpha=1 - decay)
        return loss.detach()

    return step
