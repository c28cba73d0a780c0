"""gapsweep bench: the reference network trained in PyTorch, for comparison with DL4J.

The same network as gapsweep's reference (2 blocks of 3x3 conv without bias -> batch norm -> ReLU
-> dropout -> 2x2 max-pool, 8 then 16 filters; dense 16 -> ReLU -> dropout -> 6-way softmax;
Adam), the same image bytes and labels (ReferenceData.java generates them with the same formula),
batches of the same size reshuffled every epoch.

It serves epochs, so that the bench can alternate them with DL4J's: after one warm-up epoch it
prints "ready torch <version>", then trains one epoch for every line "epoch" it reads and answers
"samples_per_second <rate>"; it exits at the end of its input.
"""
import argparse
import sys
import time

import numpy as np
import torch
from torch import nn

MULTIPLIER = np.uint64(6364136223846793005)
INCREMENT = np.uint64(1442695040888963407)


def reference_data(count, channels, height, width, classes):
    """Image bytes and labels from a 64-bit LCG step over the index; see ReferenceData.java."""
    with np.errstate(over="ignore"):
        k = np.arange(count * channels * height * width, dtype=np.uint64)
        pixels = ((k * MULTIPLIER + INCREMENT) >> np.uint64(56)).astype(np.float32) / 255.0
        i = np.arange(count, dtype=np.uint64)
        labels = (((i * MULTIPLIER + INCREMENT) >> np.uint64(33)) % np.uint64(classes)).astype(np.int64)
    x = torch.from_numpy(pixels.reshape(count, channels, height, width))
    return x, torch.from_numpy(labels)


def network(channels, height, width, classes, drop):
    layers, filters, size = [], 8, (height, width)
    for _ in range(2):
        layers += [nn.Conv2d(channels, filters, 3, padding=1, bias=False), nn.BatchNorm2d(filters),
                   nn.ReLU(), nn.Dropout(drop), nn.MaxPool2d(2)]
        channels, filters, size = filters, filters * 2, (size[0] // 2, size[1] // 2)
    layers += [nn.Flatten(), nn.Linear(channels * size[0] * size[1], 16), nn.ReLU(), nn.Dropout(drop),
               nn.Linear(16, classes)]
    return nn.Sequential(*layers)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--samples", type=int, required=True)
    p.add_argument("--threads", type=int, required=True)
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--dropout", type=float, default=0.25)
    p.add_argument("--seed", type=int, default=42)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    x, y = reference_data(a.samples, 3, 32, 32, 6)
    model = network(3, 32, 32, 6, a.dropout)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss = nn.CrossEntropyLoss()
    model.train()

    def epoch():
        order = torch.randperm(a.samples)
        for start in range(0, a.samples, a.batch):
            rows = order[start:start + a.batch]
            optimizer.zero_grad()
            loss(model(x[rows]), y[rows]).backward()
            optimizer.step()

    epoch()  # warm-up, as the DL4J side does
    print("ready torch %s" % torch.__version__, flush=True)
    for line in sys.stdin:
        if line.strip() != "epoch":
            sys.exit("expected 'epoch', got %r" % line)
        start = time.perf_counter()
        epoch()
        print("samples_per_second %.3f" % (a.samples / (time.perf_counter() - start)), flush=True)


if __name__ == "__main__":
    main()
