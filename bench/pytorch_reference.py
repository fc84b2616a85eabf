"""PyTorch reference for `npm run bench`: the same models, shapes and optimizer as the
Tensorloom workloads, timed per training step (median after warm-up) at the thread
count given. Reads the workload list as JSON on stdin, prints JSON on stdout."""
import json
import statistics
import sys
import time

import math

import torch
import torch.nn.functional as F
from torch import nn


class MoE(nn.Module):
    """Top-k softmax gate over MLP experts; tokens go only to their chosen experts."""

    def __init__(self, d, experts, top_k, hidden, units):
        super().__init__()
        self.top_k = top_k
        self.gate = nn.Linear(d, experts)
        self.experts = nn.ModuleList(
            nn.Sequential(nn.Linear(d, hidden), nn.ReLU(), nn.Linear(hidden, units)) for _ in range(experts)
        )
        self.units = units

    def forward(self, x):
        logits = self.gate(x)
        top, idx = logits.topk(self.top_k, dim=-1)
        weights = torch.softmax(top, dim=-1)
        out = x.new_zeros(x.shape[0], self.units)
        for e, expert in enumerate(self.experts):
            rows, slot = (idx == e).nonzero(as_tuple=True)
            if rows.numel():
                out.index_add_(0, rows, expert(x[rows]) * weights[rows, slot].unsqueeze(-1))
        return out


def uniform(shape, limit):
    return nn.Parameter(torch.empty(*shape).uniform_(-limit, limit))


class ModLin(nn.Module):
    """ModLin(x; c) = W (x ⊗ LayerNorm(W_c c)) + b for every function's stream at once.
    x: [B, U, T, in], codes: [U, codeDim]."""

    def __init__(self, d_in, d_out, code_dim):
        super().__init__()
        self.linear = nn.Linear(d_in, d_out)
        self.w_c = uniform((code_dim, d_in), 1 / math.sqrt(code_dim))

    def forward(self, x, codes):
        modulation = F.layer_norm(codes @ self.w_c, (x.shape[-1],))
        return self.linear(x * modulation[None, :, None, :])


class ModMLP(nn.Module):
    def __init__(self, dim, hidden, layers, code_dim):
        super().__init__()
        widths = [dim] + [hidden] * (layers - 1) + [dim]
        self.layers = nn.ModuleList(ModLin(widths[l], widths[l + 1], code_dim) for l in range(layers))

    def forward(self, x, codes):
        for l, layer in enumerate(self.layers):
            if l > 0:
                x = F.gelu(x)
            x = layer(x, codes)
        return x


class ModAttn(nn.Module):
    """Batched over batch, functions and heads; attention weighted by C_ui·C_uj and renormalised."""

    def __init__(self, dim, heads, key_dim, code_dim):
        super().__init__()
        self.heads, self.key_dim = heads, key_dim
        width = heads * key_dim
        self.query, self.key, self.value = (ModLin(dim, width, code_dim) for _ in range(3))
        self.out = ModLin(width, dim, code_dim)

    def forward(self, x, codes, C):
        b, u, t, _ = x.shape
        h, d = self.heads, self.key_dim

        def split(y):
            return y.reshape(b * u, t, h, d).transpose(1, 2).reshape(b * u * h, t, d)

        q, k, v = split(self.query(x, codes)), split(self.key(x, codes)), split(self.value(x, codes))
        weights = torch.softmax(q @ k.transpose(1, 2) / math.sqrt(d), dim=-1).reshape(b, u, h, t, t)
        weights = weights * (C[:, :, None, :, None] * C[:, :, None, None, :])
        weights = weights / (weights.sum(-1, keepdim=True) + 1e-6)
        y = (weights.reshape(b * u * h, t, t) @ v).reshape(b * u, h, t, d).transpose(1, 2).reshape(b, u, t, h * d)
        return self.out(y, codes)


class LineOfCode(nn.Module):
    def __init__(self, p):
        super().__init__()
        self.attn_norm, self.mlp_norm = nn.LayerNorm(p["dim"]), nn.LayerNorm(p["dim"])
        self.attn = ModAttn(p["dim"], p["heads"], p["keyDim"], p["codeDim"])
        self.mlp = ModMLP(p["dim"], p["hidden"], p["mlpLayers"], p["codeDim"])

    def forward(self, x, codes, C):
        c = C[..., None]
        a = x + c * self.attn(self.attn_norm(x), codes, C)
        return a + c * self.mlp(self.mlp_norm(a), codes)


class Script(nn.Module):
    """A Neural-Interpreters script: type matching, then the interpreter, `iterations` times."""

    def __init__(self, p):
        super().__init__()
        self.p = p
        self.codes = nn.Parameter(torch.randn(p["functions"], p["codeDim"]))
        self.type0 = nn.Linear(p["dim"], p["hidden"])
        self.type1 = nn.Linear(p["hidden"], p["typeDim"])
        self.signatures = nn.Parameter(torch.randn(p["functions"], p["typeDim"]))
        self.locs = nn.ModuleList(LineOfCode(p) for _ in range(p["loc"]))

    def compatibilities(self, x):
        types = F.normalize(self.type1(F.gelu(self.type0(x))), dim=-1)
        distance = (1 - types @ F.normalize(self.signatures, dim=-1).t()).transpose(1, 2)  # [B, U, T]
        raw = torch.exp(-distance) * (distance < 1.4).float()
        return raw / (raw.sum(1, keepdim=True) + 1e-6)

    def forward(self, x):
        for _ in range(self.p["iterations"]):
            C = self.compatibilities(x)
            streams = x[:, None].expand(-1, self.p["functions"], -1, -1)
            for loc in self.locs:
                streams = loc(streams, self.codes, C)
            x = x + (C[..., None] * (streams - x[:, None])).sum(1)
        return x


class ScriptStack(nn.Module):
    def __init__(self, p):
        super().__init__()
        self.embed = nn.Linear(p["clauses"] + 2, p["dim"])
        self.cls = nn.Parameter(torch.randn(1, 1, p["dim"]))
        self.scripts = nn.Sequential(*(Script(p) for _ in range(p["scripts"])))
        self.head = nn.Linear(p["dim"], 2)

    def forward(self, x):
        x = self.embed(x)
        x = torch.cat([self.cls.expand(x.shape[0], -1, -1), x], dim=1)
        return self.head(self.scripts(x)[:, 0])


def build(workload):
    if workload["model"] == "mlp":
        return nn.Sequential(nn.Flatten(), nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 10))
    if workload["model"] == "moe":
        return nn.Sequential(nn.Flatten(), MoE(784, 8, 2, 256, 10))
    if workload["model"] == "script":
        return ScriptStack(workload["script"])
    raise ValueError(workload["model"])


def batch_of(workload):
    """The bench's MNIST batch (the same pixels as Tensorloom's) where it sent one, else
    random inputs and labels of the workload's shape."""
    batch = workload["batch"]
    if workload["model"] == "script":
        p = workload["script"]
        return torch.rand(batch, p["tokens"], p["clauses"] + 2), torch.randint(0, 2, (batch,))
    mnist = workload.get("mnist")
    if mnist:
        with open(mnist["pixels"], "rb") as f:
            pixels = torch.frombuffer(bytearray(f.read()), dtype=torch.float32)
        return pixels.reshape(batch, 28, 28).clone(), torch.tensor(mnist["labels"], dtype=torch.long)
    return torch.rand(batch, 28, 28), torch.randint(0, 10, (batch,))


def time_steps(workload, threads):
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    model = build(workload)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    x, y = batch_of(workload)
    times = []
    for i in range(workload["warmup"] + workload["steps"]):
        start = time.perf_counter()
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        loss.item()
        if i >= workload["warmup"]:
            times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), min(times)


def main():
    workloads = json.load(sys.stdin)
    results = {}
    for w in workloads:
        per_thread = {t: time_steps(w, t) for t in (1, 2)}
        best = min(per_thread, key=lambda t: per_thread[t][0])
        results[w["name"]] = {
            "ms": per_thread[best][0],
            "threads": best,
            "fastestMs": min(fastest for _, fastest in per_thread.values()),
            "parameters": sum(p.numel() for p in build(w).parameters()),
        }
    json.dump(results, sys.stdout)


main()
