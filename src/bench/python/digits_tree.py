#!/usr/bin/python3
"""Writes scikit-learn's handwritten digits as a Keras flow_from_directory tree, for gapsweep's
self-check on real meager data (issue #15, item 6b).

    /usr/bin/python3 src/bench/python/digits_tree.py OUT [--train 15] [--validation 15]
        [--size 16] [--seed 0]

OUT/train/<digit>/*.png, OUT/validation/<digit>/*.png and OUT/test/<digit>/*.png, classes "0".."9".
Each class is shuffled with the seed and cut into `--train` training images, `--validation`
validation images and the rest as test (about 150 per class: 1797 images in all). The 8x8 images
(16 grey levels) are scaled to 0..255 and enlarged to `--size` pixels by pixel replication, so the
stored pixels are exactly the dataset's; written as 8-bit greyscale PNG. The same arguments give the
same files. Nothing is downloaded: the digits ship inside scikit-learn (Debian's python3-sklearn).
Needs numpy and scikit-learn; PIL is used when present, else PNG is written with zlib.
"""

import argparse
import os
import struct
import sys
import zlib

import numpy as np
from sklearn.datasets import load_digits


def write_png(path, pixels):
    """An 8-bit greyscale PNG of a 2-D uint8 array, without PIL."""
    height, width = pixels.shape
    raw = b"".join(b"\x00" + pixels[row].tobytes() for row in range(height))

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    with open(path, "wb") as out:
        out.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
                  + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out")
    parser.add_argument("--train", type=int, default=15, help="training images per class")
    parser.add_argument("--validation", type=int, default=15, help="validation images per class")
    parser.add_argument("--size", type=int, default=16, help="side in pixels, a multiple of 8")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if args.size % 8 != 0 or args.size < 8:
        parser.error("--size must be a positive multiple of 8, got %d" % args.size)
    if args.train < 1 or args.validation < 1:
        parser.error("--train and --validation must be at least 1")

    digits = load_digits()
    factor = args.size // 8
    images = np.rint(digits.images * (255.0 / 16.0)).astype(np.uint8)
    images = images.repeat(factor, axis=1).repeat(factor, axis=2)
    try:
        from PIL import Image

        def save(path, pixels):
            Image.fromarray(pixels, mode="L").save(path)
    except ImportError:
        save = write_png

    rng = np.random.RandomState(args.seed)
    counts = {"train": 0, "validation": 0, "test": 0}
    for label in range(10):
        members = np.flatnonzero(digits.target == label)
        members = members[rng.permutation(len(members))]
        if len(members) <= args.train + args.validation:
            sys.exit("Cannot split digit %d: %d images for %d training and %d validation"
                     % (label, len(members), args.train, args.validation))
        cuts = {"train": members[:args.train],
                "validation": members[args.train:args.train + args.validation],
                "test": members[args.train + args.validation:]}
        for split, indices in cuts.items():
            folder = os.path.join(args.out, split, str(label))
            os.makedirs(folder, exist_ok=True)
            for index in indices:
                save(os.path.join(folder, "digit-%04d.png" % index), images[index])
            counts[split] += len(indices)
    print("Wrote %s: %d training, %d validation and %d test images, %dx%d grey, 10 classes"
          % (args.out, counts["train"], counts["validation"], counts["test"], args.size, args.size))


if __name__ == "__main__":
    main(sys.argv[1:])
