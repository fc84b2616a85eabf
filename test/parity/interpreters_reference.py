"""PyTorch reference of the Neural Interpreters blocks (Rahaman et al. 2021), written from the
formulas of the post, one function and one head at a time, in float64.

Weights arrive as tensors keyed by the engine's variable names, in the engine's layouts:
`*.weight` is [in, out] (the transpose of torch's nn.Linear), `*.W_c` is [codeDim, in].
"""
import math

import torch
import torch.nn.functional as F

EPS = 1e-6  # ε of C = C̃ / (ε + Σ_u C̃) and W = W̃ / (ε + Σ_j W̃)
LN_EPS = 1e-5


def tensors(d):
    return {k: torch.tensor(v, dtype=torch.float64) for k, v in d.items()}


def linear(w, prefix, x):
    return F.linear(x, w[prefix + '.weight'].t(), w[prefix + '.bias'])


def mod_lin(w, prefix, x, c):
    """ModLin(x; c) = W (x ⊗ LayerNorm(W_c c)) + b, LayerNorm without affine."""
    code = torch.mv(w[prefix + '.W_c'].t(), c)
    modulation = F.layer_norm(code, code.shape, eps=LN_EPS)
    return linear(w, prefix, x * modulation)


def mod_mlp(w, prefix, x, c, layers):
    for l in range(layers):
        if l > 0:
            x = F.gelu(x)
        x = mod_lin(w, f'{prefix}.{l}', x, c)
    return x


def mod_attn(w, prefix, x, c, C, heads, key_dim):
    """x: [B, N, D] of one function; c: its code; C: its compatibilities [B, N] or None (C ≡ 1)."""
    q = mod_lin(w, prefix + '.query', x, c)
    k = mod_lin(w, prefix + '.key', x, c)
    v = mod_lin(w, prefix + '.value', x, c)
    per_head = []
    for h in range(heads):
        cols = slice(h * key_dim, (h + 1) * key_dim)
        qh, kh, vh = q[..., cols], k[..., cols], v[..., cols]
        att = torch.softmax(torch.bmm(qh, kh.transpose(1, 2)) / math.sqrt(key_dim), dim=-1)
        if C is not None:
            att = C[:, :, None] * C[:, None, :] * att
        att = att / (EPS + att.sum(dim=-1, keepdim=True))
        per_head.append(torch.bmm(att, vh))
    return mod_lin(w, prefix + '.out', torch.cat(per_head, dim=-1), c)


def type_matching(w, x, truncation, temperature):
    h = F.gelu(linear(w, 'typeInference.0', x))
    t = F.normalize(linear(w, 'typeInference.1', h), dim=-1)
    s = F.normalize(w['signatures'], dim=-1)
    d = 1 - torch.einsum('bik,uk->bui', t, s)
    c_tilde = torch.where(d < truncation, torch.exp(-d / temperature), torch.zeros_like(d))
    return c_tilde / (EPS + c_tilde.sum(dim=1, keepdim=True)), d


def line_of_code(w, prefix, x, c, C, p):
    Cw = C[..., None]
    attn_in = F.layer_norm(x, x.shape[-1:], w[prefix + '.attnNorm.weight'], w[prefix + '.attnNorm.bias'], LN_EPS)
    a = x + Cw * mod_attn(w, prefix + '.attn', attn_in, c, C, p['heads'], p['keyDim'])
    mlp_in = F.layer_norm(a, a.shape[-1:], w[prefix + '.mlpNorm.weight'], w[prefix + '.mlpNorm.bias'], LN_EPS)
    return a + Cw * mod_mlp(w, prefix + '.mlp', mlp_in, c, p['mlpLayers'])


def script(w, x, p):
    """Returns the output, the last compatibilities and every distance d seen."""
    distances = []
    for _ in range(p['iterations']):
        C, d = type_matching(w, x, p['truncation'], p['temperature'])
        distances.append(d)
        y = x
        for u in range(p['functions']):
            stream = x
            for l in range(p['loc']):
                stream = line_of_code(w, f'loc{l}', stream, w['codes'][u], C[:, u], p)
            y = y + C[:, u, :, None] * (stream - x)
        x = y
    return x, C, torch.stack(distances)


def run(data):
    w = tensors(data['weights'])
    for v in w.values():
        v.requires_grad_(True)
    x = torch.tensor(data['x'], dtype=torch.float64, requires_grad=True)
    p = data['params']
    if data['kind'] == 'ModAttn':
        out = mod_attn(w, 'attn', x, w['code'], None, p['heads'], p['keyDim'])
        extra = {}
    else:
        out, C, d = script(w, x, p)
        extra = {'compatibility': C, 'margin': (d - p['truncation']).abs().min()}
    # Gradient of Σ out ⊗ R for a fixed random R, to compare with the engine's.
    (out * torch.tensor(data['r'], dtype=torch.float64)).sum().backward()
    grads = {k: v.grad for k, v in w.items()}
    grads['in'] = x.grad
    return {'out': out, 'grads': grads, **extra}
