"""FedOpt (Reddi et al., ICLR 2021): one communication round of the demo's comparison, in PyTorch.

The same round as src/models/fedopt/train.ts on the synthetic bag-of-words task (the quick
preset): every enabled server optimizer ("arm") runs the round from its own global model on the
same sampled clients, then each arm's global model is scored on the test set.

  model       softmax regression z = x W + b, W [V, C], b [C], x = word counts / L
  client      E epochs of SGD with learning rate eta_l over batches of B examples (remainder dropped),
              gradient by hand: G = (softmax(z) - onehot(y)) / B, dW = x^T G, db = sum_rows G
  server      pseudo-gradient Delta = mean_i (x_i - x), then
                FedAvg    x += Delta
                FedAvgM   m = b1 m + (1 - b1) Delta,  x += eta m
                adaptive  m as above, v from Delta^2 (Adagrad / Adam / Yogi), x += eta m / (sqrt(v) + tau)
              with v_{-1} = tau^2 and no bias correction (Algorithm 2)
  evaluation  test cross-entropy and accuracy of every arm's model, read back once per round

The data are random documents of the same shapes (word ids uniform over the vocabulary, two
classes per client): throughput does not depend on the word statistics.
"""

import torch


def _client_update(w, b, features, labels, lr):
    """SGD over one client's batches from the global (w, b); features [n, B, V], labels [n, B]."""
    for x, y in zip(features, labels):
        batch = x.shape[0]
        g = torch.softmax(x @ w + b, dim=1)  # [B, C]
        g[torch.arange(batch), y] -= 1.0
        g *= lr / batch
        w = w - x.T @ g  # [V, C]
        b = b - g.sum(0)  # [C]
    return w, b


class Arm:
    """One server optimizer at its learning rates, with its global model and moments."""

    def __init__(self, name, client_lr, server_lr, hp, vocabulary, classes):
        self.name, self.client_lr, self.eta = name, client_lr, server_lr
        self.beta1, self.beta2, self.tau = hp["beta1"], hp["beta2"], hp["tau"]
        self.x = [torch.zeros(vocabulary, classes), torch.zeros(classes)]
        self.m = [torch.zeros_like(p) for p in self.x]
        self.v = [torch.full_like(p, self.tau**2) for p in self.x]

    def server_step(self, deltas):
        """ServerOpt from the pseudo-gradients (one per parameter tensor), in place."""
        for k, delta in enumerate(deltas):
            if self.name == "fedavg":
                self.x[k] += delta
                continue
            self.m[k].mul_(self.beta1).add_(delta, alpha=1 - self.beta1)
            if self.name == "fedavgm":
                self.x[k].add_(self.m[k], alpha=self.eta)
                continue
            sq = delta * delta
            if self.name == "fedadagrad":
                self.v[k] += sq
            elif self.name == "fedadam":
                self.v[k].mul_(self.beta2).add_(sq, alpha=1 - self.beta2)
            else:  # fedyogi
                self.v[k] -= (1 - self.beta2) * sq * torch.sign(self.v[k] - sq)
            self.x[k] += self.eta * self.m[k] / (self.v[k].sqrt() + self.tau)


def make_trainer(config, seed):
    """Returns step(): one FedOpt round of every arm, with the test evaluation."""
    if config["dataset"] != "synthetic":
        raise ValueError("the reference covers the synthetic task (the quick preset's)")
    g = torch.Generator().manual_seed(seed)
    vocabulary, classes, length = config["vocabulary"], config["classes"], config["documentLength"]
    clients, per_client = config["clients"], config["examplesPerClient"]
    batch, epochs, sampled = config["localBatch"], config["localEpochs"], config["clientsPerRound"]

    # Word ids of every client's documents [clients, n, L], two labels per client, and a test set.
    words = torch.randint(vocabulary, (clients, per_client, length), generator=g)
    pairs = torch.randint(classes, (clients, 2), generator=g)
    major = torch.rand(clients, per_client, generator=g) < config["majorFraction"]
    labels = torch.where(major, pairs[:, :1], pairs[:, 1:])  # [clients, n]
    test_words = torch.randint(vocabulary, (config["testExamples"], length), generator=g)
    test_labels = torch.arange(config["testExamples"]) % classes

    def bag_of_words(ids):
        """Word ids [..., L] -> counts / L [..., V]."""
        out = torch.zeros(*ids.shape[:-1], vocabulary)
        return out.scatter_add_(-1, ids, torch.full(ids.shape, 1.0 / length))

    test_x = bag_of_words(test_words)  # [T, V]
    hp = {"beta1": config["beta1"], "beta2": config["beta2"], "tau": config["tau"]}
    arms = [Arm(a["name"], a["clientLr"], a["serverLr"], hp, vocabulary, classes) for a in config["arms"]]
    usable = per_client - per_client % batch

    def step():
        # Sample |S| clients; per epoch shuffle each client's examples and cut them into batches.
        chosen = torch.randperm(clients, generator=g)[:sampled]
        features, targets = [], []
        for c in chosen:
            order = torch.cat([torch.randperm(per_client, generator=g)[:usable] for _ in range(epochs)])
            features.append(bag_of_words(words[c, order]).view(-1, batch, vocabulary))  # [n, B, V]
            targets.append(labels[c, order].view(-1, batch))  # [n, B]
        scores = []
        with torch.no_grad():
            for arm in arms:
                w, b = arm.x
                client_models = [_client_update(w, b, f, y, arm.client_lr) for f, y in zip(features, targets)]
                deltas = [torch.stack([m[k] for m in client_models]).mean(0) - arm.x[k] for k in range(2)]
                arm.server_step(deltas)
                logits = test_x @ arm.x[0] + arm.x[1]  # [T, C]
                loss = torch.nn.functional.cross_entropy(logits, test_labels)
                accuracy = (logits.argmax(1) == test_labels).float().mean()
                scores.append(torch.stack([accuracy, loss]))
            torch.stack(scores).tolist()  # one read-back per round, as the demo does

    return step
