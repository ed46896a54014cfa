"""Train the line reader (`workbench/recognize/ocr/linereader.py`) and export it to ONNX.

    .venv/bin/python training/train_line_reader.py --minutes 70 \
        --out workbench/recognize/ocr/models/line_reader.onnx

Lines come from `render_lines.py` (fonts and dictionaries the benchmark generators never
use), made on the fly by worker processes; the network is a small CNN (32 px high, 4 px a
time step) with one bidirectional LSTM and a CTC head. A held-out set of rendered lines
(its own seed) is read every few minutes; its character error rate is printed. Needs
torch (installed with easyocr); CPU is enough.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

import numpy as np
import torch
from torch import nn

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from render_lines import CHARS, line_text, render

from workbench.recognize.ocr.linereader import HEIGHT, decode, prepare

INDEX = {c: k + 1 for k, c in enumerate(CHARS)}


class Net(nn.Module):
    def __init__(self, classes: int):
        super().__init__()

        def block(i: int, o: int) -> list[nn.Module]:
            return [nn.Conv2d(i, o, 3, padding=1, bias=False), nn.BatchNorm2d(o), nn.ReLU()]

        self.cnn = nn.Sequential(
            *block(1, 24),
            nn.MaxPool2d(2, 2),  # 16 x W/2
            *block(24, 48),
            nn.MaxPool2d(2, 2),  # 8 x W/4
            *block(48, 96),
            *block(96, 96),
            nn.MaxPool2d((2, 1), (2, 1)),  # 4
            *block(96, 144),
            nn.MaxPool2d((2, 1), (2, 1)),  # 2
            nn.Conv2d(144, 192, (2, 1), bias=False),
            nn.BatchNorm2d(192),
            nn.ReLU(),  # 1
        )
        self.rnn = nn.LSTM(192, 128, bidirectional=True, batch_first=True)
        self.head = nn.Linear(256, classes + 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # (N, 1, 32, W) -> (N, W/4, C)
        f = self.cnn(x).squeeze(2).permute(0, 2, 1)
        f, _ = self.rnn(f)
        return self.head(f).softmax(-1) if not self.training else self.head(f)


def sample(rng: random.Random) -> tuple[np.ndarray, list[int], str]:
    while True:
        text = line_text(rng)
        crop, _ = render(text, rng)
        line = prepare(crop)
        target = [INDEX[c] for c in text if c in INDEX]
        if target and line.shape[1] // 4 >= 2 * len(target) + 1 and line.shape[1] <= 640:
            return line, target, text


class Lines(torch.utils.data.IterableDataset):
    def __init__(self, seed: int, batch: int):
        self.seed, self.batch = seed, batch

    def __iter__(self):
        info = torch.utils.data.get_worker_info()
        rng = random.Random(self.seed * 1000 + (info.id if info else 0))
        while True:  # lines of like widths together: little padding to compute
            pool = sorted((sample(rng) for _ in range(8 * self.batch)), key=lambda s: s[0].shape[1])
            batches = [pool[k : k + self.batch] for k in range(0, len(pool), self.batch)]
            rng.shuffle(batches)
            yield from (collate(b) for b in batches)


def collate(items):
    width = max(x.shape[1] for x, _, _ in items)
    batch = np.ones((len(items), 1, HEIGHT, width), np.float32)
    for k, (x, _, _) in enumerate(items):
        batch[k, 0, :, : x.shape[1]] = x
    targets = torch.tensor([c for _, t, _ in items for c in t], dtype=torch.long)
    lengths = torch.tensor([len(t) for _, t, _ in items], dtype=torch.long)
    steps = torch.tensor([x.shape[1] // 4 for x, _, _ in items], dtype=torch.long)
    return torch.from_numpy(batch), targets, lengths, steps, [t for _, _, t in items]


def cer(net: Net, held: list) -> tuple[float, float]:
    from rapidfuzz.distance import Levenshtein

    net.eval()
    errors = chars = exact = 0
    with torch.no_grad():
        for k in range(0, len(held), 64):
            x, _, _, steps, texts = collate(held[k : k + 64])
            probs = net(x).numpy()
            for row, text in enumerate(texts):
                got, _ = decode(probs[row, : int(steps[row])], CHARS)
                errors += Levenshtein.distance(got, text)
                chars += len(text)
                exact += got == text
    net.train()
    return errors / chars, exact / len(held)


def export(net: Net, out: Path, version: str) -> None:
    import onnx

    net.eval()
    out.parent.mkdir(parents=True, exist_ok=True)
    dummy = torch.ones(2, 1, HEIGHT, 200)
    torch.onnx.export(
        net,
        dummy,
        str(out),
        input_names=["lines"],
        output_names=["probs"],
        dynamic_axes={"lines": {0: "n", 3: "w"}, "probs": {0: "n", 1: "t"}},
        opset_version=17,
        dynamo=False,
    )
    model = onnx.load(str(out))
    for key, value in (("charset", json.dumps(CHARS, ensure_ascii=False)), ("version", version)):
        prop = model.metadata_props.add()
        prop.key, prop.value = key, value
    onnx.save(model, str(out))
    net.train()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--minutes", type=float, default=60)
    ap.add_argument("--batch", type=int, default=48)
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", type=Path, default=Path("/tmp/line_reader.onnx"))
    ap.add_argument("--resume", type=Path)
    ap.add_argument("--check-every", type=float, default=5.0, help="minutes")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    net = Net(len(CHARS))
    if args.resume:
        net.load_state_dict(torch.load(args.resume))
    print(f"{sum(p.numel() for p in net.parameters()) / 1e6:.2f} M parameters", flush=True)
    held_rng = random.Random(999_999)
    held = [sample(held_rng) for _ in range(600)]
    loader = torch.utils.data.DataLoader(
        Lines(args.seed, args.batch),
        batch_size=None,
        num_workers=args.workers,
        prefetch_factor=4 if args.workers else None,
        persistent_workers=bool(args.workers),
    )
    total = args.minutes * 60
    opt = torch.optim.AdamW(net.parameters(), lr=args.lr, weight_decay=1e-4)
    ctc = nn.CTCLoss(blank=0, zero_infinity=True)
    start = last_check = time.time()
    seen, losses, best = 0, [], 9.0
    for step, (x, targets, lengths, steps, _) in enumerate(loader):
        elapsed = time.time() - start
        frac = elapsed / total
        lr = args.lr * min(1.0, (step + 1) / 300) * (0.5 * (1 + np.cos(np.pi * min(frac, 1.0))))
        for group in opt.param_groups:
            group["lr"] = max(lr, args.lr * 0.01)
        logits = net(x).log_softmax(-1).permute(1, 0, 2)  # (T, N, C)
        loss = ctc(logits, targets, steps, lengths)
        opt.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(net.parameters(), 5.0)
        opt.step()
        seen += len(lengths)
        losses.append(float(loss.detach()))
        if step % 20 == 0:
            print(
                f"{elapsed / 60:5.1f} min  step {step}  lines {seen}  "
                f"loss {np.mean(losses[-50:]):.3f}  lr {lr:.5f}  "
                f"{seen / max(elapsed, 1e-6):.0f} lines/s",
                flush=True,
            )
        if time.time() - last_check > args.check_every * 60 or frac >= 1.0:
            last_check = time.time()
            rate, exact = cer(net, held)
            print(f"  held-out rendered lines: CER {rate:.4f}, exact {exact:.3f}", flush=True)
            torch.save(net.state_dict(), args.out.with_suffix(".pt"))
            if rate < best:
                best = rate
                export(net, args.out, f"v1 {time.strftime('%Y-%m-%d')} cer{rate:.3f}")
                print(f"  exported {args.out}", flush=True)
        if frac >= 1.0:
            break


if __name__ == "__main__":
    main()
