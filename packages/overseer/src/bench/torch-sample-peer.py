"""PyTorch peer of `overseer bench sample`: samples from the same GPT (torch-peer.py's model) with a
KV cache, batched: random prompts prefilled in one pass, then one position per step through every
layer, each token drawn from the softmax at temperature 1 with its log-probability kept, until the
context is full. Prints one JSON line. Run with /usr/bin/python3 (Debian's python3-torch) and, for
the fastest configuration measured on 2 cores, OPENBLAS_NUM_THREADS=2 with torch.set_num_threads(1).

Exit code 3 with a message on stderr means torch is not installed.
"""

import argparse
import importlib.util
import math
import os

# The model, timing and report are torch-peer.py's (its file name has a dash, and it sits beside
# this file in src/ and in dist/); loading it exits with code 3 when torch is missing.
_spec = importlib.util.spec_from_file_location(
    "torch_peer", os.path.join(os.path.dirname(os.path.abspath(__file__)), "torch-peer.py")
)
torch_peer = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(torch_peer)

import torch  # noqa: E402 (importable: torch_peer checked)
import torch.nn.functional as F  # noqa: E402


def attend(block, x, keys, values, start):
    """One block over positions start … start+t−1 of x (batch, t, width), keeping their keys and
    values in keys/values (batch, heads, context, headSize) and attending to every kept one."""
    B, t, C = x.shape
    H = block.heads
    hs = C // H
    q, k, v = block.c_attn(block.ln_1(x)).split(C, dim=2)
    q = q.view(B, t, H, hs).transpose(1, 2)  # (batch, heads, t, headSize)
    keys[:, :, start : start + t] = k.view(B, t, H, hs).transpose(1, 2)
    values[:, :, start : start + t] = v.view(B, t, H, hs).transpose(1, 2)
    k = keys[:, :, : start + t]
    v = values[:, :, : start + t]
    att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(hs))  # (batch, heads, t, start + t)
    if t > 1:
        mask = block.mask[:, :, start : start + t, : start + t]
        att = att.masked_fill(~mask, float("-inf"))
    y = (att.softmax(dim=-1) @ v).transpose(1, 2).contiguous().view(B, t, C)
    x = x + block.c_proj(y)
    return x + block.mlp_proj(block.gelu(block.c_fc(block.ln_2(x))))


def sample(model, prompts, context, heads):
    """Samples until the context is full; returns the number of generated tokens."""
    B, P = prompts.shape
    C = model.wte.weight.shape[1]
    caches = [
        (torch.empty(B, heads, context, C // heads), torch.empty(B, heads, context, C // heads))
        for _ in model.blocks
    ]
    x = model.wte(prompts) + model.wpe(torch.arange(P))
    for block, (keys, values) in zip(model.blocks, caches):
        x = attend(block, x, keys, values, 0)
    generated = 0
    log_probs = []
    position = P
    while True:
        logits = model.ln_f(x[:, -1]) @ model.wte.weight.t()  # (batch, vocab)
        log_p = F.log_softmax(logits, dim=-1)
        token = torch.multinomial(log_p.exp(), 1)  # (batch, 1)
        log_probs.append(log_p.gather(1, token))
        generated += B
        if position == context:
            return generated
        x = model.wte(token) + model.wpe.weight[position]
        for block, (keys, values) in zip(model.blocks, caches):
            x = attend(block, x, keys, values, position)
        position += 1


def main():
    parser = argparse.ArgumentParser()
    for name in ["vocab", "context", "layers", "heads", "width", "batch", "prompt", "repeats"]:
        parser.add_argument(f"--{name}", type=int, required=True)
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    model = torch_peer.Gpt(args.vocab, args.context, args.layers, args.heads, args.width).eval()
    prompts = torch.randint(args.vocab, (args.batch, args.prompt))
    with torch.inference_mode():
        seconds, cpu_seconds, counts = torch_peer.timed(
            args.warmup, args.repeats, lambda _: sample(model, prompts, args.context, args.heads)
        )
    tokens = sum(counts)
    torch_peer.print_report(model, tokens, seconds, cpu_seconds, tokens=tokens)


if __name__ == "__main__":
    main()
