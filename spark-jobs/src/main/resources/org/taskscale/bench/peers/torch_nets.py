"""Every network taskscale registers, written in PyTorch as a user of that framework would, layer for layer at the
registry's default sizes (ModelConfig.defaults: scale 2, RGB, guidance weight 0.5), with the same losses.

build(name) returns (model, loss, in_channels): model(x) gives the outputs of our graph, in its output order, and
loss(outputs, x, targets) the scalar our graph minimises. Departures, none of which changes the work by more than a
few per cent: PyTorch's bicubic (a = -0.75) where ours is MATLAB's (a = -0.5); CAR's resampler as k*k bilinear
grid_sample calls (the reference's CUDA kernel does not run on a CPU).
"""
import torch
import torch.nn as nn
import torch.nn.functional as F


def conv(cin, cout, k, stride=1, dilation=1, act=None):
    c = nn.Conv2d(cin, cout, k, stride=stride, padding=dilation * (k // 2), dilation=dilation)
    return nn.Sequential(c, act) if act is not None else c


class Quantize(nn.Module):
    """Rounds to 8 bits, straight-through."""
    def forward(self, x):
        return x + (torch.round(x * 255) / 255 - x).detach()


def bicubic(x, scale):
    return F.interpolate(x, scale_factor=scale, mode='bicubic', align_corners=False, antialias=scale < 1)


def luma(x):
    return 0.299 * x[:, 0:1] + 0.587 * x[:, 1:2] + 0.114 * x[:, 2:3]


class ResBlock(nn.Module):
    def __init__(self, c, act=None, res_scale=1.0):
        super().__init__()
        self.body = nn.Sequential(conv(c, c, 3), act if act is not None else nn.ReLU(), conv(c, c, 3))
        self.res_scale = res_scale

    def forward(self, x):
        return x + self.res_scale * self.body(x)


# --- srcnn, srcnn-955 ---
def srcnn(mapping, colors=1):
    return nn.Sequential(conv(colors, 64, 9, act=nn.ReLU()), conv(64, 32, mapping, act=nn.ReLU()),
                         conv(32, colors, 5))


# --- arcnn (the seed's restorer; l2-sum) ---
def arcnn(colors=3, c=128):
    layers = []
    cin = colors
    for w in (c, c // 2, c // 4):
        layers += [conv(cin, w, 3), conv(w, w, 1), nn.PReLU(), conv(w, w, 3), nn.PReLU()]
        cin = w
    layers += [conv(cin, 16, 1), nn.PReLU(), conv(16, colors, 5)]
    return nn.Sequential(*layers)


# --- edsr (baseline x2) ---
class EDSR(nn.Module):
    def __init__(self, c=64, blocks=16, scale=2):
        super().__init__()
        self.head = conv(3, c, 3)
        self.body = nn.Sequential(*[ResBlock(c) for _ in range(blocks)])
        self.body_end = conv(c, c, 3)
        self.up = nn.Sequential(conv(c, c * scale * scale, 3), nn.PixelShuffle(scale))
        self.tail = conv(c, 3, 3)

    def forward(self, x):
        h = self.head(x)
        return self.tail(self.up(self.body_end(self.body(h)) + h))


# --- aetad-small / -large / -skip (TAR; x2) ---
class Body(nn.Module):
    """Residual blocks inside a long skip; for the skip variant a second skip before the last block."""
    def __init__(self, c, blocks, inner):
        super().__init__()
        self.blocks = nn.ModuleList([ResBlock(c) for _ in range(blocks)])
        self.conv = conv(c, c, 3)
        self.inner = inner

    def forward(self, x):
        outer = x
        for i, b in enumerate(self.blocks):
            if self.inner and i == len(self.blocks) - 1 and len(self.blocks) > 1:
                x = outer + x
                outer = x
            x = b(x)
        return outer + self.conv(x)


class AETAD(nn.Module):
    def __init__(self, blocks, skip, c=64):
        super().__init__()
        self.skip = skip
        self.down = nn.Sequential(conv(3, c // 8, 3), conv(c // 8, c // 4, 3), nn.PixelUnshuffle(2),
                                  Body(c, blocks, skip), conv(c, 3, 3))
        self.quantize = Quantize()
        self.up = nn.Sequential(conv(3, c, 3), Body(c, blocks, skip), conv(c, 4 * c, 3), nn.PixelShuffle(2),
                                conv(c, 3, 3))

    def forward(self, x):
        lr = self.down(x)
        if self.skip:
            lr = lr + bicubic(x, 0.5)
        q = self.quantize(lr)
        hr = self.up(q)
        if self.skip:
            hr = hr + bicubic(q, 2)
        return lr, hr


# --- colorize-basic ---
def colorize_basic(c=64):
    r = nn.ReLU
    return nn.Sequential(
        conv(1, c, 3, act=r()), conv(c, c, 3, stride=2, act=r()),
        conv(c, 2 * c, 3, act=r()), conv(2 * c, 2 * c, 3, stride=2, act=r()),
        conv(2 * c, 4 * c, 3, act=r()), conv(4 * c, 2 * c, 3, act=r()),
        nn.ConvTranspose2d(2 * c, c, 4, stride=2, padding=1), r(), conv(c, c, 3, act=r()),
        nn.ConvTranspose2d(c, c // 2, 4, stride=2, padding=1), r(), conv(c // 2, 2, 3))


# --- colorize-large (after Zhang et al., regression) ---
class ColorizeLarge(nn.Module):
    def __init__(self, c=64):
        super().__init__()
        spec = [(2, 1, 1, 2), (2, 2, 1, 2), (3, 4, 1, 2), (3, 8, 1, 1), (3, 8, 2, 1), (3, 8, 2, 1), (3, 8, 1, 1)]
        layers = []
        cin = 1
        for n, w, d, s in spec:
            for j in range(n):
                layers.append(conv(cin, w * c, 3, stride=s if j == n - 1 else 1, dilation=d, act=nn.ReLU()))
                cin = w * c
            layers.append(nn.BatchNorm2d(cin))
        layers += [nn.ConvTranspose2d(cin, 4 * c, 4, stride=2, padding=1), nn.ReLU(),
                   conv(4 * c, 4 * c, 3, act=nn.ReLU()), conv(4 * c, 4 * c, 3, act=nn.ReLU()), conv(4 * c, 2, 1)]
        self.net = nn.Sequential(*layers)

    def forward(self, x):
        return bicubic(self.net(x), 4)


# --- aetad-color ---
class AETADColor(nn.Module):
    def __init__(self, c=64, blocks=3):
        super().__init__()
        self.enc = nn.Sequential(conv(3, 8, 3), conv(8, c, 3), Body(c, blocks, False), conv(c, 1, 3))
        self.quantize = Quantize()
        self.dec = nn.Sequential(conv(1, c, 3), Body(c, blocks, False), conv(c, 8, 3), conv(8, 3, 3))

    def forward(self, x):
        grey = luma(x) + self.enc(x)
        return grey, self.dec(self.quantize(grey))


# --- car x2 ---
def resample(hr, logits, offsets, k, s):
    """LR pixel (i, j) = sum over the k x k taps of softmax(logits) * HR bilinearly sampled at the tap's position
    around the pixel's centre, moved by its offset (tanh, in units of s HR pixels)."""
    n, _, h, w = logits.shape
    H, W = hr.shape[2:]
    weights = torch.softmax(logits, dim=1)
    ys = (torch.arange(h, dtype=hr.dtype) + 0.5) * s - 0.5
    xs = (torch.arange(w, dtype=hr.dtype) + 0.5) * s - 0.5
    cy, cx = torch.meshgrid(ys, xs, indexing='ij')
    out = 0
    for t in range(k * k):
        dy, dx = t // k - k // 2, t % k - k // 2
        py = cy + dy + s * offsets[:, k * k + t]
        px = cx + dx + s * offsets[:, t]
        grid = torch.stack([2 * px / (W - 1) - 1, 2 * py / (H - 1) - 1], dim=-1)
        out = out + weights[:, t:t + 1] * F.grid_sample(hr, grid, mode='bilinear', align_corners=True)
    return out


class CAR(nn.Module):
    def __init__(self, c=64, blocks=5, s=2):
        super().__init__()
        self.k = 3 * s + 1
        self.s = s
        lk = nn.LeakyReLU(0.2)
        k2 = self.k * self.k
        self.kgn = nn.Sequential(conv(3, c, 5, act=lk), nn.PixelUnshuffle(2), conv(4 * c, 2 * c, 1),
                                 nn.PixelUnshuffle(2), conv(8 * c, 2 * c, 1))
        self.blocks = nn.Sequential(*[ResBlock(2 * c, act=nn.LeakyReLU(0.2)) for _ in range(blocks)])
        self.down8 = nn.Sequential(nn.PixelUnshuffle(2), conv(8 * c, 4 * c, 1))
        r = 8 // s

        def trunk():
            w = 4 * c
            return nn.Sequential(conv(w, w, 3, act=nn.ReLU()), conv(w, w, 3, act=nn.ReLU()), conv(w, w, 3, act=nn.ReLU()),
                                 conv(w, w * r * r, 1), nn.PixelShuffle(r), conv(w, w, 3, act=nn.ReLU()),
                                 conv(w, w, 3, act=nn.ReLU()))
        self.kernels = nn.Sequential(trunk(), conv(4 * c, k2, 3))
        self.offsets = nn.Sequential(trunk(), conv(4 * c, 2 * k2, 3), nn.Tanh())
        self.quantize = Quantize()
        e = 2 * c
        self.up_head = conv(3, e, 3)
        self.up_body = nn.Sequential(*[ResBlock(e) for _ in range(2 * blocks)], conv(e, e, 3))
        self.up_tail = nn.Sequential(conv(e, e * s * s, 3), nn.PixelShuffle(s), conv(e, 3, 3))

    def forward(self, x):
        f = self.kgn(x)
        f = self.down8(f + self.blocks(f))
        offsets = self.offsets(f)
        lr = resample(x, self.kernels(f), offsets, self.k, self.s)
        h = self.up_head(self.quantize(lr))
        return lr, self.up_tail(self.up_body(h) + h), offsets


def l1(a, b):
    return (a - b).abs().mean()


def l2(a, b):
    return ((a - b) ** 2).mean()


def build(name):
    """(model, loss(outputs, x, targets), input channels, output shapes of an input side p as [(C, side)])."""
    if name in ('srcnn', 'srcnn-955'):
        return srcnn(1 if name == 'srcnn' else 5), lambda o, x, t: l2(o, t[0]), 1, lambda p: [(1, p)]
    if name == 'arcnn':
        return arcnn(), lambda o, x, t: ((o - t[0]) ** 2).sum(), 3, lambda p: [(3, p)]
    if name == 'edsr':
        return EDSR(), lambda o, x, t: l1(o, t[0]), 3, lambda p: [(3, 2 * p)]
    if name.startswith('aetad-') and name != 'aetad-color':
        blocks = {'aetad-small': 2, 'aetad-large': 4, 'aetad-skip': 3}[name]
        return (AETAD(blocks, name == 'aetad-skip'), lambda o, x, t: 0.5 * l1(o[0], t[0]) + l1(o[1], t[1]), 3,
                lambda p: [(3, p // 2), (3, p)])
    if name == 'colorize-basic':
        return colorize_basic(), lambda o, x, t: l2(o, t[0]), 1, lambda p: [(2, p)]
    if name == 'colorize-large':
        return ColorizeLarge(), lambda o, x, t: l2(o, t[0]), 1, lambda p: [(2, p)]
    if name == 'aetad-color':
        return AETADColor(), lambda o, x, t: 0.5 * l1(o[0], t[0]) + l1(o[1], t[1]), 3, lambda p: [(1, p), (3, p)]
    if name == 'car':
        def car_loss(o, x, t):
            off = o[2]
            tv = (off[:, :, 1:] - off[:, :, :-1]).abs().mean() + (off[:, :, :, 1:] - off[:, :, :, :-1]).abs().mean()
            return l1(o[1], t[1]) + 1e-3 * off.abs().mean() + 1e-3 * tv
        return CAR(), car_loss, 3, lambda p: [(3, p // 2), (3, p)]
    raise SystemExit(f"unknown network {name}")


NAMES = ['srcnn', 'srcnn-955', 'arcnn', 'edsr', 'aetad-small', 'aetad-large', 'aetad-skip', 'colorize-basic',
         'colorize-large', 'aetad-color', 'car']


if __name__ == '__main__':
    # one line per network: its name and its parameters, counting batch norm's running statistics as DL4J does
    for n in NAMES:
        m = build(n)[0]
        stats = sum(b.numel() for k, b in m.named_buffers() if k.endswith(('running_mean', 'running_var')))
        print(n, sum(p.numel() for p in m.parameters()) + stats)
