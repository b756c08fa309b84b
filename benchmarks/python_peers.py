"""The Python peers a Spark user would pick, on Fashion-MNIST, beside sparkprop (run by python-peers.sh).

Every trainer fits 784-256-128-10 ReLU with softmax cross-entropy on the 60k training images and reports the
test accuracy (10k images) after each epoch with the seconds since training began (data loading and process
start excluded, as sparkprop's per-epoch times exclude Spark's start and the caching of the data).
Pixels are standardised as sparkprop's default for images does: centred per pixel, all divided by one shared
scale, the root mean variance of the non-constant pixels, constant pixels 0 (training statistics).

    python python_peers.py sweep DATA EPOCHS BATCHES LRS OUT.json     single-process PyTorch, every batch x lr
    python python_peers.py torch DATA EPOCHS BATCH LR OUT.json        single-process PyTorch, one setting
    python python_peers.py distributor DATA EPOCHS BATCH LR OUT.json  TorchDistributor, 2 local processes, DDP/Gloo
    python python_peers.py sparkprop-log LOG OUT.json                 sparkprop's per-epoch lines as the same JSON
    python python_peers.py table RESULT.json...                       one Markdown table and the ratios
"""
import gzip
import json
import os
import re
import struct
import sys
import time

import numpy as np

HIDDEN = (256, 128)
SEED = 42
THREADS = 2  # the machine's cores; sparkprop runs local[2]


def read_idx(path):
    """One IDX file (optionally gzipped) as a uint8 array of its declared shape."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = struct.unpack(">" + "I" * dims, data[4:4 + 4 * dims])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def idx_pair(data_dir, prefix):
    def find(kind):
        for name in (f"{prefix}-{kind}-ubyte.gz", f"{prefix}-{kind}-ubyte"):
            if os.path.exists(os.path.join(data_dir, name)):
                return os.path.join(data_dir, name)
        raise SystemExit(f"python_peers: no {prefix}-{kind}-ubyte[.gz] in {data_dir} "
                         "(apt-get install -y dataset-fashion-mnist)")
    images = read_idx(find("images-idx3")).reshape(-1, 28 * 28).astype(np.float32) / 255.0
    return images, read_idx(find("labels-idx1")).astype(np.int64)


def load(data_dir):
    """Training and test arrays, standardised with the training statistics (sparkprop's shared scale)."""
    x, y = idx_pair(data_dir, "train")
    tx, ty = idx_pair(data_dir, "t10k")
    mean = x.mean(axis=0, dtype=np.float64)
    var = x.var(axis=0, dtype=np.float64)
    varying = var > 0
    scale = np.sqrt(var[varying].mean())
    def standardise(a):
        z = (a - mean) / scale
        z[:, ~varying] = 0
        return z.astype(np.float32)
    return standardise(x), y, standardise(tx), ty, float(scale)


def network():
    import torch
    layers, width = [], 28 * 28
    for h in HIDDEN:
        layers += [torch.nn.Linear(width, h), torch.nn.ReLU()]
        width = h
    layers.append(torch.nn.Linear(width, 10))
    return torch.nn.Sequential(*layers)


def accuracy(model, tx, ty):
    import torch
    with torch.no_grad():
        return float((model(tx).argmax(dim=1) == ty).float().mean())


def train_single(data, epochs, batch, lr):
    """Single-process PyTorch, Adam at a constant rate, reshuffled each epoch: per-epoch (accuracy, seconds)."""
    import torch
    torch.set_num_threads(THREADS)
    torch.manual_seed(SEED)
    x, y, tx, ty = (torch.from_numpy(a) for a in data[:4])
    model = network()
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    loss_fn = torch.nn.CrossEntropyLoss()
    history, start = [], time.perf_counter()
    for _ in range(epochs):
        model.train()
        order = torch.randperm(len(x))
        for i in range(0, len(x), batch):
            rows = order[i:i + batch]
            opt.zero_grad(set_to_none=True)
            loss_fn(model(x[rows]), y[rows]).backward()
            opt.step()
        model.eval()
        history.append((accuracy(model, tx, ty), time.perf_counter() - start))
    return history


def ddp_worker(data_dir, epochs, batch, lr):
    """One TorchDistributor process: its half of the data (DistributedSampler), batch/2 rows a step, so the
    global batch and the rate are the single-process run's; rank 0 evaluates after each epoch."""
    import torch
    import torch.distributed as dist
    from torch.nn.parallel import DistributedDataParallel
    from torch.utils.data import DataLoader, DistributedSampler, TensorDataset
    torch.set_num_threads(1)  # two processes on two cores
    dist.init_process_group("gloo")
    rank, world = dist.get_rank(), dist.get_world_size()
    x, y, tx, ty, _ = load(data_dir)
    torch.manual_seed(SEED)
    model = DistributedDataParallel(network())
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    loss_fn = torch.nn.CrossEntropyLoss()
    sampler = DistributedSampler(TensorDataset(torch.from_numpy(x), torch.from_numpy(y)), seed=SEED)
    loader = DataLoader(sampler.dataset, batch_size=batch // world, sampler=sampler)
    tx, ty = torch.from_numpy(tx), torch.from_numpy(ty)
    dist.barrier()
    history, start = [], time.perf_counter()
    for epoch in range(epochs):
        model.train()
        sampler.set_epoch(epoch)
        for xb, yb in loader:
            opt.zero_grad(set_to_none=True)
            loss_fn(model(xb), yb).backward()
            opt.step()
        if rank == 0:
            model.eval()
            history.append((accuracy(model.module, tx, ty), time.perf_counter() - start))
        dist.barrier()
    # every rank returns rank 0's history: which process's return value the distributor hands back is not fixed
    shared = [history]
    dist.broadcast_object_list(shared, src=0)
    dist.destroy_process_group()
    return shared[0]


def train_distributor(data_dir, epochs, batch, lr):
    from pyspark.ml.torch.distributor import TorchDistributor
    from pyspark.sql import SparkSession
    spark = (SparkSession.builder.master("local[2]").appName("python-peers")
             .config("spark.driver.host", "127.0.0.1").config("spark.ui.enabled", "false").getOrCreate())
    spark.sparkContext.setLogLevel("WARN")
    started = time.perf_counter()
    history = TorchDistributor(num_processes=2, local_mode=True, use_gpu=False).run(
        ddp_worker, data_dir, epochs, batch, lr)
    wall = time.perf_counter() - started
    spark.stop()
    return history, wall


def result(name, history, **extra):
    return dict(name=name, epochs=[dict(accuracy=a, seconds=s) for a, s in history], **extra)


def sparkprop_log(path):
    """sparkprop's 'epoch N/M done ... accuracy A ... S s' lines: per-epoch seconds, summed."""
    pattern = re.compile(r"epoch (\d+)/\d+ done .*accuracy ([0-9.]+) .* ([0-9.]+) s$")
    history, total, wall = [], 0.0, None
    with open(path) as f:
        for line in f:
            m = pattern.search(line.strip())
            if m:
                total += float(m.group(3))
                history.append((float(m.group(2)), total))
            w = re.search(r"\(stopped by [a-z ]+\), ([0-9.]+) s", line)
            if w:
                wall = float(w.group(1))
    if not history:
        raise SystemExit(f"python_peers: no 'epoch N/M done' lines in {path}")
    return result("sparkprop default (bin/sparkprop train, local[2])", history, wall=wall)


def time_to(run, target):
    return next((e["seconds"] for e in run["epochs"] if e["accuracy"] >= target), None)


def seconds_per_epoch(run):
    return run["epochs"][-1]["seconds"] / len(run["epochs"])


def fmt(seconds):
    return "not reached" if seconds is None else f"{seconds:.1f} s"


def table(runs):
    print("| trainer | s/epoch | time to 85 % | time to 88 % | final test accuracy | best (epoch) | whole run wall |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for r in runs:
        best = max(range(len(r["epochs"])), key=lambda i: r["epochs"][i]["accuracy"])
        wall = "" if r.get("wall") is None else f"{r['wall']:.1f} s"
        print(f"| {r['name']} | {seconds_per_epoch(r):.2f} | {fmt(time_to(r, 0.85))} | {fmt(time_to(r, 0.88))} "
              f"| {r['epochs'][-1]['accuracy']:.4f} | {r['epochs'][best]['accuracy']:.4f} ({best + 1}) | {wall} |")
    print()
    print("per-epoch test accuracy:")
    for r in runs:
        print(f"  {r['name']}: " + " ".join(f"{e['accuracy']:.4f}@{e['seconds']:.1f}s" for e in r["epochs"]))
    base = runs[0]
    print()
    for r in runs[1:]:
        for target in (0.85, 0.88):
            a, b = time_to(base, target), time_to(r, target)
            ratio = "n/a" if a is None or b is None else f"{a / b:.2f}x"
            print(f"time to {target:.0%}: {base['name']} / {r['name']} = {ratio}")


def main(argv):
    mode = argv[0]
    if mode == "sparkprop-log":
        out = sparkprop_log(argv[1])
    elif mode == "table":
        table([json.load(open(p)) for p in argv[1:]])
        return
    else:
        data_dir, epochs, out_path = argv[1], int(argv[2]), argv[-1]
        if mode == "sweep":
            runs = []
            data = load(data_dir)
            print(f"standardised with one shared scale {data[4]:.8f}", flush=True)
            for batch in (int(b) for b in argv[3].split(",")):
                for lr in (float(v) for v in argv[4].split(",")):
                    r = result(f"PyTorch batch {batch}, Adam {lr:g}", train_single(data, epochs, batch, lr),
                               batch=batch, lr=lr)
                    print(f"  sweep batch {batch} lr {lr:g}: 88 % at {fmt(time_to(r, 0.88))}, "
                          f"85 % at {fmt(time_to(r, 0.85))}, final {r['epochs'][-1]['accuracy']:.4f}", flush=True)
                    runs.append(r)
            # soonest to 88 %; where none reaches it, soonest to 85 %, then the best final accuracy
            key = lambda r: (time_to(r, 0.88) is None, time_to(r, 0.88) or 0,
                             time_to(r, 0.85) is None, time_to(r, 0.85) or 0, -r["epochs"][-1]["accuracy"])
            out = dict(runs=runs, best=min(runs, key=key))
        elif mode == "torch":
            batch, lr = int(argv[3]), float(argv[4])
            import torch
            out = result(f"PyTorch {torch.__version__} single process, 2 threads, batch {batch}, Adam {lr:g}",
                         train_single(load(data_dir), epochs, batch, lr), batch=batch, lr=lr)
        elif mode == "distributor":
            batch, lr = int(argv[3]), float(argv[4])
            history, wall = train_distributor(data_dir, epochs, batch, lr)
            out = result(f"TorchDistributor DDP/Gloo, 2 processes x 1 thread, batch {batch} ({batch // 2} each), "
                         f"Adam {lr:g}", history, batch=batch, lr=lr, wall=wall)
        else:
            raise SystemExit(f"python_peers: unknown mode {mode} (sweep, torch, distributor, sparkprop-log, table)")
    with open(argv[-1], "w") as f:
        json.dump(out, f, indent=1)


if __name__ == "__main__":
    main(sys.argv[1:])
