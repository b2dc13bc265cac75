"""Peer: prep's jpeg-task work written well in Python (PIL on libjpeg-turbo, numpy), one process.

python3 pil_prep_peer.py IMAGE_DIR PATCHES_PER_IMAGE PATCH QUALITY OUT_DIR [MINIBATCH]
python3 pil_prep_peer.py --limit IMAGE_DIR PATCHES_PER_IMAGE PATCH QUALITY

Per photo, as taskscale prep does (task jpeg, its defaults): decode once, convert to RGB; with probability 0.5
resize the whole photo by a factor from 0.6, 0.7, 0.8, 0.9 (bicubic, antialiased, 8 bits); then per patch a random
PATCHxPATCH window, a random number of quarter turns (numpy.rot90) and a random left-right flip, JPEG-encode at
QUALITY (4:2:0, the libjpeg tables) and decode. Every MINIBATCH (16) patches, the JPEG-decoded inputs and the
clean labels go to OUT_DIR as one file of uint8 NHWC arrays (inputs, then labels): the bytes prep stores per patch.
Prints patches/s over the whole set.

--limit measures what libjpeg-turbo alone needs for the same work: decoding every photo once, and encoding and
decoding every patch (the patches are cut, untimed, beforehand). Prints patches/s of the codec time alone: no
Python program doing this work can be faster on this machine.
"""
import glob, io, os, random, sys, time
import numpy as np
from PIL import Image

limit = sys.argv[1] == '--limit'
args = sys.argv[2:] if limit else sys.argv[1:]
d, per_image, P, Q = args[0], int(args[1]), int(args[2]), int(args[3])
out = None if limit else args[4]
MB = int(args[5]) if len(args) > 5 else 16
files = [f for f in sorted(glob.glob(os.path.join(d, '*')))
         if f.lower().endswith(('.png', '.jpg', '.jpeg'))]
rng = random.Random(1)


def patches(img):
    """The photo's augmented source patches, as prep cuts them (uint8 HWC)."""
    if rng.random() < 0.5:
        f = rng.choice([0.6, 0.7, 0.8, 0.9])
        w, h = int(np.ceil(f * img.width)), int(np.ceil(f * img.height))
        if min(w, h) >= P:
            img = img.resize((w, h), resample=Image.BICUBIC)
    a = np.asarray(img)
    h, w = a.shape[:2]
    for _ in range(per_image):
        y, x = rng.randrange(h - P + 1), rng.randrange(w - P + 1)
        p = np.rot90(a[y:y + P, x:x + P], rng.randrange(4))
        if rng.random() < 0.5:
            p = p[:, ::-1]
        yield np.ascontiguousarray(p)


def roundtrip(p):
    buf = io.BytesIO()
    Image.fromarray(p).save(buf, format='JPEG', quality=Q, subsampling=2)
    return np.asarray(Image.open(io.BytesIO(buf.getvalue())).convert('RGB'))


def decode(f):
    with Image.open(f) as im:
        return im.convert('RGB')


if limit:
    codec = 0.0
    n = 0
    for f in files:
        t0 = time.perf_counter()
        img = decode(f)
        codec += time.perf_counter() - t0
        cut = list(patches(img))
        for p in cut:
            t0 = time.perf_counter()
            roundtrip(p)
            codec += time.perf_counter() - t0
        n += len(cut)
    print(f"libjpeg-turbo limit: {n} patches, codec time {codec:.2f}s = {n / codec:.1f} patches/s"
          f" (1 process, patch {P}, q{Q}, {len(files)} photos)")
else:
    os.makedirs(out, exist_ok=True)
    n = 0
    batch = 0
    inputs, labels = [], []
    t0 = time.perf_counter()

    def flush():
        global batch, inputs, labels
        tmp = os.path.join(out, f"batch-{batch:06d}.bin.tmp")
        with open(tmp, 'wb') as fh:
            fh.write(np.stack(inputs).tobytes())
            fh.write(np.stack(labels).tobytes())
        os.rename(tmp, tmp[:-4])  # published when complete, as prep does
        batch += 1
        inputs, labels = [], []

    for f in files:
        for p in patches(decode(f)):
            inputs.append(roundtrip(p))
            labels.append(p)
            n += 1
            if len(inputs) == MB:
                flush()
    if inputs:
        flush()
    dt = time.perf_counter() - t0
    print(f"PIL prep peer: {n} patches in {dt:.1f}s = {n / dt:.1f} patches/s"
          f" (1 process, patch {P}, q{Q}, {len(files)} photos, {batch} files)")
