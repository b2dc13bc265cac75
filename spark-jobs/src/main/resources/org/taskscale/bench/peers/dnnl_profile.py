"""Where oneDNN's time goes in a DNNL_VERBOSE=1 log, and the FLOPs of the algorithms it actually ran.

DNNL_VERBOSE=1 bin/taskscale bench train --arch NAME --seconds 3 --repeat 1 > LOG
python3 dnnl_profile.py LOG [PEAK_GFLOPS]

Per primitive, implementation, propagation kind and algorithm: calls, milliseconds and their share of oneDNN's
time, and for convolutions and matrix products the FLOPs executed (a multiply-add counts 2):
- direct convolution: batch * out channels * in channels * output pixels * kernel area (a transposed convolution
  per input pixel);
- Winograd F(4x4, 3x3) (jit_wino_4x3): 36 multiply-adds per 4x4 tile of the output (or of the input for
  backward data) per channel pair, the batched products of the transformed tiles; the transforms (a few dozen
  additions per tile and channel) are not counted;
- matmul MxK:KxN: M*K*N.
The last line gives executed over direct-equivalent FLOPs (what the same convolutions would cost direct: the
figure bench train divides by time) and, with PEAK_GFLOPS, the fraction of the peak the convolution kernels
reach while they run.
"""
import collections, math, re, sys

rows = collections.defaultdict(lambda: [0, 0.0, 0.0, 0.0])  # calls, ms, executed flops, direct-equivalent flops
conv = re.compile(r'mb(\d+)(?:_g(\d+))?_ic(\d+)oc(\d+)_(?:id\d+od\d+kd\d+sd\d+dd\d+pd\d+_)?'
                  r'ih(\d+)oh(\d+)kh(\d+)sh\d+dh\d+ph\d+_iw(\d+)ow(\d+)kw(\d+)')
for line in open(sys.argv[1], errors='replace'):
    if not line.startswith(('dnnl_verbose,exec', 'onednn_verbose,exec')):
        continue
    f = line.rstrip('\n').split(',')
    kind, impl, prop = f[3], f[4], f[5]
    alg = next((x for x in f if x.startswith('alg:')), '')
    desc, ms = f[-2], float(f[-1])
    executed = direct = 0.0
    m = conv.search(desc)
    if m and kind in ('convolution', 'deconvolution'):
        mb, g, ic, oc, ih, oh, kh, iw, ow, kw = (int(x) if x else 1 for x in m.groups())
        # a transposed convolution does its multiply-adds per input pixel
        px_h, px_w = (ih, iw) if kind == 'deconvolution' else (oh, ow)
        direct = 2.0 * mb * ic * oc * px_h * px_w * kh * kw / g
        if 'wino' in impl:
            th, tw = (ih, iw) if prop == 'backward_data' else (oh, ow)
            executed = 2.0 * mb * ic * oc * math.ceil(th / 4) * math.ceil(tw / 4) * 36 / g
        else:
            executed = direct
    elif kind == 'matmul':
        a, b = desc.split(':')[0:2]
        mm, kk = (int(x) for x in a.split('x')[-2:])
        nn = int(b.split('x')[-1])
        executed = direct = 2.0 * mm * kk * nn
    r = rows[(kind, impl, prop, alg)]
    r[0] += 1
    r[1] += ms
    r[2] += executed
    r[3] += direct

total = sum(r[1] for r in rows.values())
print(f"{'calls':>7} {'ms':>9} {'share':>6} {'GFLOP run':>10} {'GFLOP/s':>8}  primitive")
for k, r in sorted(rows.items(), key=lambda kv: -kv[1][1]):
    rate = f"{r[2] / r[1] / 1e6:8.1f}" if r[2] and r[1] else ' ' * 8
    print(f"{r[0]:7d} {r[1]:9.1f} {100 * r[1] / total:5.1f}% {r[2] / 1e9:10.2f} {rate}  {','.join(x for x in k if x)}")
conv_rows = [r for k, r in rows.items() if k[0] in ('convolution', 'deconvolution')]
ex = sum(r[2] for r in conv_rows)
di = sum(r[3] for r in conv_rows)
ms = sum(r[1] for r in conv_rows)
reorder = sum(r[1] for k, r in rows.items() if k[0] == 'reorder')
line = (f"convolutions: executed/direct-equivalent FLOPs={ex / di:.2f}, {ex / ms / 1e6:.1f} GFLOP/s executed while"
        f" they run; reorders {100 * reorder / total:.1f}% of oneDNN's time") if di and ms else "no convolutions"
if len(sys.argv) > 2 and di and ms:
    line += f"; fraction of peak while convolving={ex / ms / 1e6 / float(sys.argv[2]):.2f}"
print(line)
