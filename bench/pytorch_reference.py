"""PyTorch reference for `npm run bench`: the same models, shapes and optimizer as the
Tensorloom workloads, timed per training step (median after warm-up) at the thread
count given. Reads the workload list as JSON on stdin, prints JSON on stdout."""
import json
import statistics
import sys
import time

import torch
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


def build(workload):
    if workload["model"] == "mlp":
        return nn.Sequential(nn.Flatten(), nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 10))
    if workload["model"] == "moe":
        return nn.Sequential(nn.Flatten(), MoE(784, 8, 2, 256, 10))
    raise ValueError(workload["model"])


def time_steps(workload, threads):
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    model = build(workload)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    batch = workload["batch"]
    x = torch.rand(batch, 28, 28)
    y = torch.randint(0, 10, (batch,))
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
        }
    json.dump(results, sys.stdout)


main()
