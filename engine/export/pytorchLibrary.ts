/**
 * The PyTorch building blocks an exported module may need, as Python source. The
 * generator copies in only the ones a graph uses (with what they depend on), so the
 * exported file stays self-contained: it imports nothing but torch and the standard
 * library. Each block restates the formula of the engine's node kind it mirrors
 * (engine/nodes/...): change them together.
 */
export interface PythonBlock {
  /** Blocks this one uses, emitted before it. */
  needs: string[];
  code: string;
}

export const PYTHON_BLOCKS: Record<string, PythonBlock> = {
  patchify: {
    needs: [],
    code: `
def patchify(images, patch):
    """Cuts images [B, H, W] or [B, H, W, C] into p×p patches, one token each, as ViT:
    [B, (H/p)·(W/p), p·p·C], patches row by row, and inside a patch by pixel row, column, channel."""
    if images.dim() == 3:
        images = images.unsqueeze(-1)
    b, h, w, c = images.shape
    grid = images.reshape(b, h // patch, patch, w // patch, patch, c)
    return grid.permute(0, 1, 3, 2, 4, 5).reshape(b, (h // patch) * (w // patch), patch * patch * c)
`,
  },

  top_k_routing: {
    needs: [],
    code: `
def top_k_routing(logits, k):
    """Routes each token (row of logits [N, E]) to its k largest experts.

    Returns the gates [N, E] (a softmax over the chosen logits, 0 elsewhere) and the
    Switch Transformer load-balancing loss E · Σ_e f_e · P_e, where f_e is the share of
    the N·k assignments expert e received and P_e its mean router probability.
    """
    top, chosen = logits.topk(k, dim=-1)
    gates = torch.zeros_like(logits).scatter(-1, chosen, torch.softmax(top, dim=-1))
    fraction = torch.zeros_like(logits).scatter(-1, chosen, 1.0).mean(0) / k
    probability = torch.softmax(logits, dim=-1).mean(0)
    return gates, logits.shape[-1] * (fraction * probability).sum()
`,
  },

  MoE: {
    needs: ['top_k_routing'],
    code: `
class MoE(nn.Module):
    """Mixture of MLP experts with a top-k softmax gate (Shazeer et al. 2017).

    Per token x: g = softmax over the k largest gate logits x·W_g + b_g (0 elsewhere),
    y = Σ_e g_e · expert_e(x), each expert Linear(dim → hidden) → activation → Linear(hidden → units).
    After a forward, balance_loss holds the load-balancing term (see top_k_routing).
    """

    def __init__(self, dim, experts, top_k, hidden, units, activation="relu"):
        super().__init__()
        self.top_k = top_k
        self.units = units
        self.gate = nn.Linear(dim, experts)
        act = nn.GELU if activation == "gelu" else nn.ReLU
        self.experts = nn.ModuleList(
            nn.Sequential(nn.Linear(dim, hidden), act(), nn.Linear(hidden, units)) for _ in range(experts)
        )
        self.balance_loss = None

    def forward(self, x):
        tokens = x.reshape(-1, x.shape[-1])
        gates, self.balance_loss = top_k_routing(self.gate(tokens), self.top_k)
        out = tokens.new_zeros(tokens.shape[0], self.units)
        for e, expert in enumerate(self.experts):
            rows = gates[:, e].nonzero(as_tuple=True)[0]  # the tokens routed to expert e
            if len(rows):
                out = out.index_add(0, rows, gates[rows, e, None] * expert(tokens[rows]))
        return out.reshape(*x.shape[:-1], self.units)
`,
  },

  MoA: {
    needs: ['top_k_routing'],
    code: `
class MoA(nn.Module):
    """Mixture of attention heads, as JetMoE (Shen et al. 2024), after MoA (Zhang et al. 2022).

    Each expert e has its own query and output projections; keys and values are shared:
    y_t = Σ_e g_e · W_o^e · Attn(x_t·W_q^e, X·W_k, X·W_v) + b_o, with g the top-k gate of x_t·W_g.
    No positional encoding: position comes from the rest of the graph.
    """

    def __init__(self, dim, experts, top_k, heads, head_dim, causal=True):
        super().__init__()
        self.top_k = top_k
        self.heads = heads
        self.head_dim = head_dim
        self.causal = causal
        width = heads * head_dim
        self.router = nn.Linear(dim, experts, bias=False)
        self.key = nn.Linear(dim, width, bias=False)
        self.value = nn.Linear(dim, width, bias=False)
        self.queries = nn.ModuleList(nn.Linear(dim, width, bias=False) for _ in range(experts))
        self.outputs = nn.ModuleList(nn.Linear(width, dim, bias=False) for _ in range(experts))
        self.out_bias = nn.Parameter(torch.zeros(dim))
        self.balance_loss = None

    def forward(self, x):
        b, t, d = x.shape
        gates, self.balance_loss = top_k_routing(self.router(x.reshape(-1, d)), self.top_k)

        def split_heads(projected):  # [B, T, H·d] → [B, H, T, d]
            return projected.reshape(b, t, self.heads, self.head_dim).transpose(1, 2)

        keys, values = split_heads(self.key(x)), split_heads(self.value(x))
        future = torch.ones(t, t, dtype=torch.bool, device=x.device).triu(1)
        out = x.new_zeros(b * t, d)
        for e, (query, output) in enumerate(zip(self.queries, self.outputs)):
            scores = split_heads(query(x)) @ keys.transpose(-1, -2) / math.sqrt(self.head_dim)
            if self.causal:
                scores = scores.masked_fill(future, float("-inf"))
            attended = (torch.softmax(scores, dim=-1) @ values).transpose(1, 2).reshape(b * t, -1)
            out = out + gates[:, e, None] * output(attended)  # g_e is 0 where e was not chosen
        return (out + self.out_bias).reshape(b, t, d)
`,
  },

  ModLin: {
    needs: [],
    code: `
NI_EPS = 1e-6  # ε of C = C̃ / (ε + Σ_u C̃) and W = W̃ / (ε + Σ_j W̃) (Neural Interpreters)


class ModLin(nn.Module):
    """ModLin(x; c) = W (x ⊗ LayerNorm(W_c c)) + b (Neural Interpreters, Rahaman et al. 2021).

    x: [B, U, T, in], one stream per function u; codes c_u: [U, code_dim] → [B, U, T, out].
    W, b and W_c are shared by the functions: only the code differs. The LayerNorm has no affine.
    """

    def __init__(self, in_dim, out_dim, code_dim):
        super().__init__()
        self.linear = nn.Linear(in_dim, out_dim)
        self.W_c = nn.Parameter(torch.empty(in_dim, code_dim).uniform_(-(code_dim ** -0.5), code_dim ** -0.5))

    def forward(self, x, codes):
        modulation = F.layer_norm(codes @ self.W_c.T, (self.W_c.shape[0],))  # [U, in]
        return self.linear(x * modulation[:, None, :])
`,
  },

  ModMLP: {
    needs: ['ModLin'],
    code: `
class ModMLP(nn.Module):
    """ModMLP(x; c) = ModLin_L(•; c) ∘ GELU ∘ … ∘ ModLin_1(x; c), widths dim → hidden → … → dim."""

    def __init__(self, dim, hidden, layers, code_dim):
        super().__init__()
        widths = [dim] + [hidden] * (layers - 1) + [dim]
        self.layers = nn.ModuleList(ModLin(a, b, code_dim) for a, b in zip(widths, widths[1:]))

    def forward(self, x, codes):
        for i, layer in enumerate(self.layers):
            if i > 0:
                x = F.gelu(x)
            x = layer(x, codes)
        return x
`,
  },

  ModAttention: {
    needs: ['ModLin'],
    code: `
class ModAttention(nn.Module):
    """Modulated multi-head attention for every function u at once.

    q_uhi, k_uhi, v_uhi = ModLin^h_{query,key,value}(x_ui; c_u)   (head h: columns h·d_key … (h+1)·d_key − 1)
    W̃_uhij = C_ui · C_uj · softmax_j(q_uhi · k_uhj / √d_key)
    W_uhij = W̃_uhij / (ε + Σ_j W̃_uhij)
    y_ui = ModLin_out([Σ_j W_uhij v_uhj]_h; c_u)
    x: [B, U, T, D]; compatibility C: [B, U, T], or None when every element is compatible (C ≡ 1).
    """

    def __init__(self, dim, heads, key_dim, code_dim):
        super().__init__()
        self.heads = heads
        self.key_dim = key_dim
        self.query = ModLin(dim, heads * key_dim, code_dim)
        self.key = ModLin(dim, heads * key_dim, code_dim)
        self.value = ModLin(dim, heads * key_dim, code_dim)
        self.out = ModLin(heads * key_dim, dim, code_dim)

    def forward(self, x, codes, compatibility=None):
        b, u, t, _ = x.shape

        def split_heads(projected):  # [B, U, T, H·d] → [B, U, H, T, d]
            return projected.reshape(b, u, t, self.heads, self.key_dim).transpose(2, 3)

        q = split_heads(self.query(x, codes))
        k = split_heads(self.key(x, codes))
        v = split_heads(self.value(x, codes))
        weights = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(self.key_dim), dim=-1)  # [B, U, H, T, T]
        if compatibility is not None:
            c = compatibility[:, :, None]  # [B, U, 1, T]
            weights = weights * c[..., :, None] * c[..., None, :]
        weights = weights / (NI_EPS + weights.sum(dim=-1, keepdim=True))
        y = (weights @ v).transpose(2, 3).reshape(b, u, t, self.heads * self.key_dim)
        return self.out(y, codes)
`,
  },

  ModAttn: {
    needs: ['ModAttention'],
    code: `
class ModAttn(nn.Module):
    """Self-attention modulated by one learned code c, every token compatible (C ≡ 1). No residual."""

    def __init__(self, dim, heads, key_dim, code_dim):
        super().__init__()
        self.code = nn.Parameter(torch.randn(code_dim))
        self.attn = ModAttention(dim, heads, key_dim, code_dim)

    def forward(self, x):
        return self.attn(x[:, None], self.code[None], None)[:, 0]
`,
  },

  LineOfCode: {
    needs: ['ModAttention', 'ModMLP'],
    code: `
class LineOfCode(nn.Module):
    """One line of code (LOC), run by every function's stream x_ui at once, pre-normalised:
    a_ui = x_ui + C_ui · ModAttn(LN(x_u); c_u, C_u)_i
    y_ui = a_ui + C_ui · ModMLP(LN(a_ui); c_u)
    Where C_ui = 0 the function leaves the element unchanged."""

    def __init__(self, dim, heads, key_dim, code_dim, hidden, mlp_layers):
        super().__init__()
        self.attn_norm = nn.LayerNorm(dim)
        self.attn = ModAttention(dim, heads, key_dim, code_dim)
        self.mlp_norm = nn.LayerNorm(dim)
        self.mlp = ModMLP(dim, hidden, mlp_layers, code_dim)

    def forward(self, x, codes, compatibility):
        c = compatibility[..., None]
        a = x + c * self.attn(self.attn_norm(x), codes, compatibility)
        return a + c * self.mlp(self.mlp_norm(a), codes)
`,
  },

  TypeMatching: {
    needs: ['ModLin'],
    code: `
class TypeMatching(nn.Module):
    """Which function may read which element:
    t_i = TypeInference(x_i) on the unit sphere, s_u the function signatures (normalised),
    d(s_u, t_i) = 1 − s_u · t_i,  C̃_ui = exp(−d / σ) if d < τ else 0,  C_ui = C̃_ui / (ε + Σ_u C̃_ui).
    Returns C: [B, U, T]."""

    def __init__(self, dim, hidden, type_dim, functions, truncation, temperature):
        super().__init__()
        self.truncation = truncation
        self.temperature = temperature
        self.type_inference = nn.Sequential(nn.Linear(dim, hidden), nn.GELU(), nn.Linear(hidden, type_dim))
        self.signatures = nn.Parameter(torch.randn(functions, type_dim))

    def forward(self, x):
        types = F.normalize(self.type_inference(x), dim=-1)
        signatures = F.normalize(self.signatures, dim=-1)
        distance = 1 - torch.einsum("btk,uk->but", types, signatures)
        raw = torch.exp(-distance / self.temperature) * (distance < self.truncation)
        return raw / (NI_EPS + raw.sum(dim=1, keepdim=True))
`,
  },

  Script: {
    needs: ['TypeMatching', 'LineOfCode'],
    code: `
class Script(nn.Module):
    """One script of a Neural Interpreter (Rahaman et al. 2021): FnIter, i.e. type matching then
    the interpreter, applied \`iterations\` times with the same parameters. The interpreter sends
    every element through the stacked lines of code once per function u (code c_u) and mixes the
    results back by compatibility: y_i = x_i + Σ_u C_ui · (LOCs(x)_ui − x_i).
    After a forward, \`compatibility\` holds the last iteration's C [B, U, T]."""

    def __init__(self, dim, functions, type_dim, code_dim, loc, iterations, heads, hidden, key_dim,
                 truncation, temperature, mlp_layers):
        super().__init__()
        self.iterations = iterations
        self.codes = nn.Parameter(torch.randn(functions, code_dim))
        self.type_matching = TypeMatching(dim, hidden, type_dim, functions, truncation, temperature)
        self.lines = nn.ModuleList(
            LineOfCode(dim, heads, key_dim, code_dim, hidden, mlp_layers) for _ in range(loc)
        )
        self.compatibility = None

    def forward(self, x):
        for _ in range(self.iterations):
            compatibility = self.type_matching(x)
            streams = x[:, None].expand(-1, self.codes.shape[0], -1, -1)  # one stream per function
            for line in self.lines:
                streams = line(streams, self.codes, compatibility)
            x = x + (compatibility[..., None] * (streams - x[:, None])).sum(dim=1)
        self.compatibility = compatibility
        return x
`,
  },
};

/** The reader of Tensorloom's safetensors files, with nothing but json, struct and torch. */
export const READ_SAFETENSORS = `
def read_safetensors(path):
    """The tensors of a safetensors file by their Tensorloom names ("h1/weight").

    The format: an 8-byte little-endian header length, a JSON header mapping each name to
    its dtype, shape and byte range, then the raw little-endian data. Tensorloom writes
    float32 (F32) and int32 (I32) and keeps the exact variable names in the metadata.
    """
    dtypes = {"F32": torch.float32, "I32": torch.int32}
    with open(path, "rb") as f:
        data = f.read()
    (header_size,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + header_size])
    names = json.loads((header.pop("__metadata__", None) or {}).get("tensorloom.names", "{}"))
    start = 8 + header_size
    tensors = {}
    for key, info in header.items():
        if info["dtype"] not in dtypes:
            raise ValueError(f"{path}: tensor {key} is {info['dtype']}; only F32 and I32 are read")
        begin, end = info["data_offsets"]
        chunk = bytearray(data[start + begin:start + end])
        values = torch.frombuffer(chunk, dtype=dtypes[info["dtype"]]) if chunk else torch.empty(0, dtype=dtypes[info["dtype"]])
        if sys.byteorder != "little":
            raise ValueError("this reader assumes a little-endian machine")
        tensors[names.get(key, key.replace(".", "/"))] = values.reshape(info["shape"])
    return tensors
`;
