"""A small federated-averaging server of my own, annotated with the FedOpt equations it implements.

Open this folder with the Paper Lab extension installed: each `# @paper` line gets a CodeLens that
opens the paper at that equation. The last annotation names an equation the paper does not have,
so it is reported as a warning in the Problems view.
"""

import numpy as np


def client_update(weights, data, lr=0.1, epochs=1, batch=32, grad=None):
    # @paper fedopt client-update
    x = weights.copy()
    for _ in range(epochs):
        for start in range(0, len(data), batch):
            x -= lr * grad(x, data[start : start + batch])
    return x


class AdaptiveServer:
    def __init__(self, weights, server_lr=0.01, beta1=0.9, beta2=0.99, tau=1e-3, kind="yogi"):
        self.x = weights
        self.m = np.zeros_like(weights)
        self.v = np.full_like(weights, tau**2)
        self.eta, self.beta1, self.beta2, self.tau, self.kind = server_lr, beta1, beta2, tau, kind

    def round(self, client_weights):
        # @paper fedopt pseudo-gradient
        delta = np.mean([w - self.x for w in client_weights], axis=0)

        # @paper fedopt server-momentum
        self.m = self.beta1 * self.m + (1 - self.beta1) * delta

        if self.kind == "adagrad":
            # @paper fedopt adagrad-accumulator
            self.v = self.v + delta**2
        elif self.kind == "adam":
            # @paper fedopt adam-accumulator
            self.v = self.beta2 * self.v + (1 - self.beta2) * delta**2
        else:
            # @paper fedopt yogi-accumulator
            self.v = self.v - (1 - self.beta2) * delta**2 * np.sign(self.v - delta**2)

        # @paper fedopt adaptive-update
        self.x = self.x + self.eta * self.m / (np.sqrt(self.v) + self.tau)
        return self.x


def fedavg_round(weights, client_weights):
    # @paper fedopt fedavg-update
    return np.mean(client_weights, axis=0)


def clipped_round(weights, client_weights, clip=1.0):
    # This equation is not in the paper: Paper Lab reports it as a warning.
    # @paper fedopt server-clipping
    delta = np.mean([w - weights for w in client_weights], axis=0)
    return weights + delta * min(1.0, clip / (np.linalg.norm(delta) + 1e-12))
