"""DrQ (Yarats, Kostrikov and Fergus, ICLR 2021): one training step of the pixel-SAC demo, in PyTorch.

The same update as src/models/drq/sac.ts, networks.ts, augment.ts and learner.ts, op for op:

  encoder   conv 3x3 x F, stride 2 -> ReLU -> conv 3x3 x F, stride 1 -> ReLU -> flatten
            (24 x 24 x 4 -> 11 x 11 x F -> 9 x 9 x F), then linear -> LayerNorm (eps 1e-5) -> tanh
  critic    the encoder, then two Q heads, each linear -> ReLU -> linear -> ReLU -> linear on [feature, action]
  actor     its own linear -> LayerNorm -> tanh on the critic's conv output (conv weights tied, gradient
            stopped), then an MLP giving mu and log-std = -10 + 6 (tanh(raw) + 1) of a tanh-squashed Gaussian;
            log pi(a) = sum_j [log N(u_j; mu_j, sigma_j^2) - 2 (log 2 - u_j - softplus(-2 u_j))]
  target    y = r + gamma * not_done * (1/K) sum_k [min_j Qbar_j(f(s', nu'_k), a'_k) - alpha log pi(a'_k)],
            next actions from the current actor on the current critic's conv features, values from the
            target critic (its own conv and head)
  critic    L_Q = mean over the M views and the batch of (Q_1 - y)^2, plus the same for Q_2; trains conv,
            feature head and both Q heads
  actor     on the updates counted 0, actorEvery, 2 actorEvery, ... (the official `step % frequency == 0`,
            its first update at an even step), after the critic's step: on the first view of s, conv features of the
            updated critic computed once and detached; L_pi = mean(alpha log pi - min_j Q_j), gradients to the
            actor's parameters only; then L(alpha) = mean(exp(log alpha) (-log pi - H)), H = -|A|, in log alpha
  targets   on the updates counted 0, targetEvery, ..., after the actor: theta_bar <- tau theta + (1 - tau) theta_bar for every
            critic parameter (conv included)
  optimiser three Adams (critic, actor, log alpha), PyTorch's defaults as the official code: beta 0.9 / 0.999, eps 1e-8
  shift     replicate-pad by `pad` and crop back at an offset drawn from {0 .. 2 pad}^2 per image, i.e.
            out[y][x] = in[clamp(y + dy - pad)][clamp(x + dx - pad)]; M views of s and K views of s',
            independent; no augmentation uses the raw frames once (K = M = 1)

Initial weights as the demo draws them in kind: orthogonal linear weights, orthogonal conv kernels
(the whole kernel flattened to [out, in 3 3], gain sqrt 2, as the official weight_init), zero biases, LayerNorm
gain 1, log alpha = log(initTemperature); the target critic starts as a copy of the critic.

One step is what the demo counts as an agent step after its seed phase: one gradient update of every
learner (each enabled agent at each seed: the quick preset's no-augmentation, shift K = M = 1 and
DrQ K = M = 2 learners). Only the update is timed: sampling a batch from the replay buffer, the
random shifts, the critic, actor, temperature and target updates. The demo's agent step also
renders one environment step and picks one action (a batch-of-one actor forward pass) per learner,
which this step leaves out. Where it differs from the demo:
  - the replay buffer of each learner is filled once with random transitions (uint8 frames, actions
    uniform in [-1, 1], rewards uniform in [0, 1], not done) up to its capacity, instead of the
    point-mass task's frames; the cost of an update does not depend on the values;
  - observations are stored and convolved channels-first (PyTorch's layout; ours are channels-last),
    so the feature head's weight rows follow the channels-first flattening;
  - random draws (batch indices, shifts, policy noise) come from torch's generator.

Run as a script, `--replay FILE` runs given updates from given weights on given batches, shifts and
noise, and prints the losses, temperatures and final weights (test/unit/drq/reference.test.ts checks
that they are the demo's):

    python3 bench/reference/drq.py --replay drq-replay.json
"""

import argparse
import json
import math

import torch
import torch.nn.functional as F

SIZE = 24
CHANNELS = 4
ACTION_DIM = 2
LOG_STD_MIN, LOG_STD_MAX = -10.0, 2.0
LOG_2PI = math.log(2 * math.pi)

def conv_out(size, stride):
    return (size - 3) // stride + 1


def flat_dim(filters):
    return conv_out(conv_out(SIZE, 2), 1) ** 2 * filters


# ---------------------------------------------------------------------------------------------
# Parameters: plain leaf tensors, in the order of src/models/drq/networks.ts criticVariables and
# actorVariables; linear weights [in, out] as ours (y = x W + b), conv weights [out, in, 3, 3].


def orthogonal(rows, cols, gain, generator):
    w = torch.empty(rows, cols)
    # torch's orthogonal_ draws from the global generator; seed it from ours for reproducibility.
    with torch.random.fork_rng():
        torch.manual_seed(int(torch.randint(2**31 - 1, (1,), generator=generator)))
        torch.nn.init.orthogonal_(w, gain)
    return w


def linear(inputs, outputs, generator):
    return [orthogonal(inputs, outputs, 1.0, generator), torch.zeros(outputs)]


def conv_kernel(channels, filters, generator):
    # The official weight_init: orthogonal_ on the whole [out, in, 3, 3] kernel with the ReLU gain.
    return orthogonal(filters, channels * 9, math.sqrt(2.0), generator).view(filters, channels, 3, 3)


def mlp_params(inputs, hidden, outputs, generator):
    return linear(inputs, hidden, generator) + linear(hidden, hidden, generator) + linear(hidden, outputs, generator)


def init_critic(sizes, generator):
    f, feature, hidden = sizes["filters"], sizes["featureDim"], sizes["hidden"]
    return (
        [conv_kernel(CHANNELS, f, generator), torch.zeros(f), conv_kernel(f, f, generator), torch.zeros(f)]
        + linear(flat_dim(f), feature, generator)
        + [torch.ones(feature), torch.zeros(feature)]
        + mlp_params(feature + ACTION_DIM, hidden, 1, generator)
        + mlp_params(feature + ACTION_DIM, hidden, 1, generator)
    )


def init_actor(sizes, generator):
    feature = sizes["featureDim"]
    return (
        linear(flat_dim(sizes["filters"]), feature, generator)
        + [torch.ones(feature), torch.zeros(feature)]
        + mlp_params(feature, sizes["hidden"], 2 * ACTION_DIM, generator)
    )


# ---------------------------------------------------------------------------------------------
# Forward passes (critic parameters: conv 0-3, head 4-7, Q1 8-13, Q2 14-19; actor: head 0-3, MLP 4-9)


def conv_forward(c, obs):
    h = F.relu(F.conv2d(obs, c[0], c[1], stride=2))
    h = F.relu(F.conv2d(h, c[2], c[3]))
    return h.flatten(1)


def head_forward(head, flat):
    z = torch.addmm(head[1], flat, head[0])
    return torch.tanh(F.layer_norm(z, (z.shape[1],), head[2], head[3], eps=1e-5))


def mlp_forward(layers, x):
    h = torch.relu(torch.addmm(layers[1], x, layers[0]))
    h = torch.relu(torch.addmm(layers[3], h, layers[2]))
    return torch.addmm(layers[5], h, layers[4])


def q_values(c, features, actions):
    x = torch.cat([features, actions], 1)
    return mlp_forward(c[8:14], x).view(-1), mlp_forward(c[14:20], x).view(-1)


def actor_gaussian(a, flat):
    mu, raw = mlp_forward(a[4:10], head_forward(a[0:4], flat)).chunk(2, 1)
    return mu, LOG_STD_MIN + 0.5 * (LOG_STD_MAX - LOG_STD_MIN) * (torch.tanh(raw) + 1)


def squashed_sample(mu, log_std, eps):
    u = mu + torch.exp(log_std) * eps
    gaussian = -0.5 * (eps.square() + LOG_2PI) - log_std
    log_det_jacobian = 2 * (math.log(2.0) - u - F.softplus(-2 * u))
    return torch.tanh(u), (gaussian - log_det_jacobian).sum(1)


def shift(images, offsets, pad):
    """Random shift with given offsets [N, 2] (dy, dx in 0 .. 2 pad) of images [N, C, H, W]."""
    n, c, h, w = images.shape
    rows = (torch.arange(h).unsqueeze(0) + offsets[:, :1] - pad).clamp_(0, h - 1)
    cols = (torch.arange(w).unsqueeze(0) + offsets[:, 1:] - pad).clamp_(0, w - 1)
    index = (rows.unsqueeze(2) * w + cols.unsqueeze(1)).view(n, 1, h * w).expand(n, c, h * w)
    return images.reshape(n, c, h * w).gather(2, index).view(n, c, h, w)


# ---------------------------------------------------------------------------------------------
# The agent


class Agent:
    def __init__(self, hp, critic, actor, log_alpha):
        self.hp = hp
        self.critic = [p.clone().requires_grad_(True) for p in critic]
        self.target = [p.clone() for p in critic]
        self.actor = [p.clone().requires_grad_(True) for p in actor]
        self.log_alpha = torch.tensor(float(log_alpha), requires_grad=True)
        lr, betas, eps = float(hp["lr"]), (0.9, 0.999), 1e-8  # PyTorch's Adam defaults, as the official code
        self.critic_opt = torch.optim.Adam(self.critic, lr=lr, betas=betas, eps=eps)
        self.actor_opt = torch.optim.Adam(self.actor, lr=lr, betas=betas, eps=eps)
        self.alpha_opt = torch.optim.Adam([self.log_alpha], lr=lr, betas=betas, eps=eps)
        self.updates = 0

    def update(self, n, m, k, obs, next_obs, actions, rewards, not_dones, eps_next, eps_actor):
        """One update on M views of s (obs [M N, C, H, W]) and K views of s' (next_obs [K N, ...]).

        eps_next [K N, A] is the policy noise of the target's next actions, eps_actor [N, A] that of
        the actor update (drawn only when the actor is updated). Returns the critic loss, and the actor
        and temperature losses when they were updated.
        """
        hp = self.hp
        out = {}
        with torch.no_grad():
            alpha = self.log_alpha.exp()
            mu, log_std = actor_gaussian(self.actor, conv_forward(self.critic, next_obs))
            next_actions, log_prob = squashed_sample(mu, log_std, eps_next)
            target_features = head_forward(self.target[4:8], conv_forward(self.target, next_obs))
            tq1, tq2 = q_values(self.target, target_features, next_actions)
            soft = torch.minimum(tq1, tq2) - alpha * log_prob
            y = rewards + float(hp["gamma"]) * not_dones * soft.view(k, n).mean(0)

        features = head_forward(self.critic[4:8], conv_forward(self.critic, obs))
        q1, q2 = q_values(self.critic, features, actions.repeat(m, 1))
        yy = y.repeat(m)
        critic_loss = F.mse_loss(q1, yy) + F.mse_loss(q2, yy)
        self.critic_opt.zero_grad(set_to_none=True)
        critic_loss.backward()
        self.critic_opt.step()
        out["criticLoss"] = critic_loss.detach()
        count = self.updates
        self.updates += 1

        if count % int(hp["actorEvery"]) == 0:
            with torch.no_grad():
                flat = conv_forward(self.critic, obs[:n])
                alpha = self.log_alpha.exp()
            mu, log_std = actor_gaussian(self.actor, flat)
            sampled, log_prob = squashed_sample(mu, log_std, eps_actor)
            q1, q2 = q_values(self.critic, head_forward(self.critic[4:8], flat), sampled)
            actor_loss = (alpha * log_prob - torch.minimum(q1, q2)).mean()
            for p, g in zip(self.actor, torch.autograd.grad(actor_loss, self.actor)):
                p.grad = g
            self.actor_opt.step()
            entropy_gap = -log_prob.detach() + ACTION_DIM  # -log pi - H, H = -|A|
            alpha_loss = (self.log_alpha.exp() * entropy_gap).mean()
            self.alpha_opt.zero_grad(set_to_none=True)
            alpha_loss.backward()
            self.alpha_opt.step()
            out["actorLoss"] = actor_loss.detach()
            out["alphaLoss"] = alpha_loss.detach()

        if count % int(hp["targetEvery"]) == 0:
            tau = float(hp["tau"])
            with torch.no_grad():
                for t, p in zip(self.target, self.critic):
                    t.mul_(1 - tau).add_(p, alpha=tau)
        return out


# ---------------------------------------------------------------------------------------------
# The timed step


class Learner:
    """One agent at one seed: its networks, optimisers and a replay buffer of random transitions."""

    def __init__(self, config, kind, generator):
        # How the agent augments (src/models/drq/learner.ts, VIEWS): M views of s, K of s'; without
        # augmentation the raw frames once.
        views = config["views"][kind]
        self.augment, self.m, self.k = bool(views["augment"]), int(views["m"]), int(views["k"])
        hp = config
        log_alpha = math.log(float(hp["initTemperature"]))
        self.agent = Agent(hp, init_critic(hp, generator), init_actor(hp, generator), log_alpha)
        self.generator = generator
        self.batch, self.pad = int(config["batch"]), int(config["pad"])
        capacity = int(config["capacity"])
        frames = (capacity, CHANNELS, SIZE, SIZE)
        self.obs = torch.randint(0, 256, frames, dtype=torch.uint8, generator=generator)
        self.next_obs = torch.randint(0, 256, frames, dtype=torch.uint8, generator=generator)
        self.actions = torch.rand(capacity, ACTION_DIM, generator=generator) * 2 - 1
        self.rewards = torch.rand(capacity, generator=generator)
        self.not_dones = torch.ones(capacity)

    def views(self, images, count):
        if not self.augment:
            return images
        n, g = images.shape[0], self.generator
        return torch.cat(
            [shift(images, torch.randint(0, 2 * self.pad + 1, (n, 2), generator=g), self.pad) for _ in range(count)]
        )

    def step(self):
        n, g = self.batch, self.generator
        i = torch.randint(0, self.obs.shape[0], (n,), generator=g)
        obs = self.views(self.obs[i].float().div_(255), self.m)
        next_obs = self.views(self.next_obs[i].float().div_(255), self.k)
        eps_next = torch.randn(self.k * n, ACTION_DIM, generator=g)
        actor_turn = self.agent.updates % int(self.agent.hp["actorEvery"]) == 0
        eps_actor = torch.randn(n, ACTION_DIM, generator=g) if actor_turn else None
        return self.agent.update(
            n, self.m, self.k, obs, next_obs, self.actions[i], self.rewards[i], self.not_dones[i], eps_next, eps_actor
        )


def make_trainer(config, seed):
    """Returns step(): one gradient update of every learner (each agent at each seed), as one demo agent step."""
    generator = torch.Generator().manual_seed(seed)
    learners = [Learner(config, kind, generator) for _ in range(int(config["seeds"])) for kind in config["agents"]]
    if not learners:
        raise ValueError("no agent enabled")

    def step():
        return [learner.step() for learner in learners]

    return step


# ---------------------------------------------------------------------------------------------
# Replay of given updates (the unit test's check)


def from_ours(value, kind, filters):
    """A tensor in our layout ({"shape", "values"}) in this module's: conv [3,3,in,out] -> [out,in,3,3],
    the feature head's weight rows from channels-last to channels-first flattening."""
    t = torch.tensor(value["values"], dtype=torch.float32).view(value["shape"])
    if kind == "conv":
        return t.permute(3, 2, 0, 1).contiguous()
    if kind == "head":
        side = conv_out(conv_out(SIZE, 2), 1)
        return t.view(side, side, filters, -1).permute(2, 0, 1, 3).reshape(t.shape).contiguous()
    return t


def to_ours(t, kind, filters):
    if kind == "conv":
        t = t.permute(2, 3, 1, 0)
    elif kind == "head":
        side = conv_out(conv_out(SIZE, 2), 1)
        t = t.view(filters, side, side, -1).permute(1, 2, 0, 3).reshape(t.shape)
    return t.detach().contiguous().view(-1).tolist()


def critic_kinds():
    return ["conv", None, "conv", None, "head"] + [None] * 15


def actor_kinds():
    return ["head"] + [None] * 9


def observations(values, count):
    """[count, H, W, C] values (ours, channels-last) -> [count, C, H, W]."""
    return torch.tensor(values, dtype=torch.float32).view(count, SIZE, SIZE, CHANNELS).permute(0, 3, 1, 2).contiguous()


def replay(path):
    """Runs given updates from given weights; returns every update's losses and temperature and the final weights.

    The file holds {"config": {filters, featureDim, hidden, lr, gamma, tau, initTemperature, actorEvery,
    targetEvery, pad}, "critic": [...], "actor": [...] (each {"shape", "values"} in our order and
    layout), "logAlpha": x, "updates": [{"n", "m", "k", "obs" (raw frames [N, H, W, C]), "nextObs",
    "obsOffsets" (M lists of N (dy, dx) pairs, or null without augmentation), "nextOffsets" (K lists),
    "actions", "rewards", "notDones", "epsNext" [K N A], "epsActor" [N A] or null}]}.
    """
    with open(path, encoding="utf-8") as f:
        spec = json.load(f)
    hp = spec["config"]
    filters, pad = int(hp["filters"]), int(hp["pad"])
    critic = [from_ours(v, kind, filters) for v, kind in zip(spec["critic"], critic_kinds())]
    actor = [from_ours(v, kind, filters) for v, kind in zip(spec["actor"], actor_kinds())]
    agent = Agent(hp, critic, actor, spec["logAlpha"])
    steps = []
    for u in spec["updates"]:
        n, m, k = u["n"], u["m"], u["k"]

        def views(frames, offsets, count):
            raw = observations(frames, n)
            if offsets is None:
                return raw.repeat(count, 1, 1, 1)
            return torch.cat([shift(raw, torch.tensor(o, dtype=torch.long).view(n, 2), pad) for o in offsets])

        out = agent.update(
            n,
            m,
            k,
            views(u["obs"], u["obsOffsets"], m),
            views(u["nextObs"], u["nextOffsets"], k),
            torch.tensor(u["actions"], dtype=torch.float32).view(n, ACTION_DIM),
            torch.tensor(u["rewards"], dtype=torch.float32),
            torch.tensor(u["notDones"], dtype=torch.float32),
            torch.tensor(u["epsNext"], dtype=torch.float32).view(k * n, ACTION_DIM),
            None if u["epsActor"] is None else torch.tensor(u["epsActor"], dtype=torch.float32).view(n, ACTION_DIM),
        )
        record = {key: float(v) for key, v in out.items()}
        record["alpha"] = float(agent.log_alpha.exp())
        steps.append(record)
    return {
        "steps": steps,
        "critic": [to_ours(p, kind, filters) for p, kind in zip(agent.critic, critic_kinds())],
        "target": [to_ours(p, kind, filters) for p, kind in zip(agent.target, critic_kinds())],
        "actor": [to_ours(p, kind, filters) for p, kind in zip(agent.actor, actor_kinds())],
        "logAlpha": float(agent.log_alpha),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--replay", required=True, help="print the losses and weights of given updates, as JSON")
    args = parser.parse_args()
    torch.set_num_threads(1)
    print(json.dumps(replay(args.replay)))


if __name__ == "__main__":
    main()
