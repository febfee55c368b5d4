"""PyTorch peer of `overseer bench train`: trains the same GPT (nanoGPT architecture, tied output
head, GELU-tanh, LayerNorm eps 1e-5, AdamW) on random tokens for the same batch and steps, and
prints one JSON line. Run with /usr/bin/python3 (Debian's python3-torch) and, for the fastest
configuration measured on 2 cores, OPENBLAS_NUM_THREADS=2 with torch.set_num_threads(1).

Exit code 3 with a message on stderr means torch is not installed.
"""

import argparse
import json
import math
import resource
import sys
import time

try:
    import torch
    import torch.nn as nn
    import torch.nn.functional as F
except ImportError as error:  # the caller reports torchTokensPerSecond = null
    print(f"torch is not importable: {error}", file=sys.stderr)
    sys.exit(3)


class Block(nn.Module):
    def __init__(self, width, heads, context):
        super().__init__()
        self.heads = heads
        self.ln_1 = nn.LayerNorm(width, eps=1e-5)
        self.c_attn = nn.Linear(width, 3 * width)
        self.c_proj = nn.Linear(width, width)
        self.ln_2 = nn.LayerNorm(width, eps=1e-5)
        self.c_fc = nn.Linear(width, 4 * width)
        self.mlp_proj = nn.Linear(4 * width, width)
        self.gelu = nn.GELU(approximate="tanh")
        mask = torch.tril(torch.ones(context, context, dtype=torch.bool))
        self.register_buffer("mask", mask.view(1, 1, context, context), persistent=False)

    def forward(self, x):
        B, T, C = x.shape  # (batch, time, width)
        q, k, v = self.c_attn(self.ln_1(x)).split(C, dim=2)
        hs = C // self.heads
        q = q.view(B, T, self.heads, hs).transpose(1, 2)  # (batch, heads, time, headSize)
        k = k.view(B, T, self.heads, hs).transpose(1, 2)
        v = v.view(B, T, self.heads, hs).transpose(1, 2)
        att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(hs))
        att = att.masked_fill(~self.mask[:, :, :T, :T], float("-inf")).softmax(dim=-1)
        y = (att @ v).transpose(1, 2).contiguous().view(B, T, C)
        x = x + self.c_proj(y)
        return x + self.mlp_proj(self.gelu(self.c_fc(self.ln_2(x))))


class Gpt(nn.Module):
    def __init__(self, vocab, context, layers, heads, width):
        super().__init__()
        self.wte = nn.Embedding(vocab, width)
        self.wpe = nn.Embedding(context, width)
        self.blocks = nn.ModuleList([Block(width, heads, context) for _ in range(layers)])
        self.ln_f = nn.LayerNorm(width, eps=1e-5)
        for p in self.parameters():
            if p.dim() >= 2:
                nn.init.normal_(p, std=0.02)

    def forward(self, inputs, targets):
        T = inputs.shape[1]
        x = self.wte(inputs) + self.wpe(torch.arange(T))
        for block in self.blocks:
            x = block(x)
        logits = self.ln_f(x) @ self.wte.weight.t()  # tied output head, (batch, time, vocab)
        return F.cross_entropy(logits.view(-1, logits.size(-1)), targets.view(-1))


def timed(warmup, repeats, call):
    """Calls call(i) for i in range(warmup) untimed, then for i in range(repeats) timed; returns
    (wall seconds, CPU seconds of all threads, the timed calls' results)."""
    for index in range(warmup):
        call(index)
    started = time.perf_counter()
    cpu_started = time.process_time()  # all threads of the process (OpenBLAS's included)
    results = [call(index) for index in range(repeats)]
    return time.perf_counter() - started, time.process_time() - cpu_started, results


def print_report(model, token_count, seconds, cpu_seconds, **extra):
    """Prints the peer's one JSON line: throughput, `extra`, size, memory and torch's version."""
    print(
        json.dumps(
            {
                "tokensPerSecond": token_count / seconds,
                "tokensPerCpuSecond": token_count / cpu_seconds,
                **extra,
                "seconds": seconds,
                "params": sum(p.numel() for p in model.parameters()),
                "peakRssMb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                "torch": torch.__version__,
                "threads": torch.get_num_threads(),
            }
        )
    )


def main():
    parser = argparse.ArgumentParser()
    for name in ["vocab", "context", "layers", "heads", "width", "batch", "steps", "warmup"]:
        parser.add_argument(f"--{name}", type=int, required=True)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    model = Gpt(args.vocab, args.context, args.layers, args.heads, args.width)
    decay = [p for p in model.parameters() if p.dim() >= 2 and p is not model.wpe.weight]
    no_decay = [p for p in model.parameters() if p.dim() < 2 or p is model.wpe.weight]
    optimizer = torch.optim.AdamW(
        [{"params": decay, "weight_decay": 0.1}, {"params": no_decay, "weight_decay": 0.0}],
        lr=1e-3,
        betas=(0.9, 0.95),
        eps=1e-8,
        foreach=True,
    )
    shape = (args.batch, args.context)
    batches = [
        (torch.randint(args.vocab, shape), torch.randint(args.vocab, shape)) for _ in range(8)
    ]

    def step(index):
        inputs, targets = batches[index % len(batches)]
        loss = model(inputs, targets)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        return loss.detach()

    seconds, cpu_seconds, losses = timed(args.warmup, args.steps, step)
    tokens = args.steps * args.batch * args.context
    print_report(model, tokens, seconds, cpu_seconds, loss=float(losses[-1]))


if __name__ == "__main__":
    main()
