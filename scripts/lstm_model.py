#!/usr/bin/python3
"""Makes and runs rtcrypto-compatible LSTM models in PyTorch (run with /usr/bin/python3, which
has Debian's python3-torch).

  make  --out MODEL [--features logret,sma,tr,atr,volume] [--lookback 50] [--hidden 50]
        [--layers 1] [--horizon 1] [--seed 1] [--windows 8] [--io FILE]
        defines LSTM(batch_first) -> Linear(last step), traces it with torch.jit.trace, saves
        MODEL (TorchScript) and MODEL.json (the rtcrypto sidecar), and with --io writes random
        input windows and the model's outputs (JSON) for the parity test.
  run   --model MODEL --inputs FILE --out FILE
        runs the TorchScript model on the windows of FILE ({"windows": [[...], ...]}).
  bench --model MODEL [--n 2000]
        p50/p99 latency of one prediction (batch 1, one thread), as JSON on stdout.
"""
import argparse
import json
import sys
import time

import torch


class LstmNet(torch.nn.Module):
    def __init__(self, n_in, hidden, layers, n_out):
        super().__init__()
        self.lstm = torch.nn.LSTM(n_in, hidden, layers, batch_first=True)
        self.fc = torch.nn.Linear(hidden, n_out)

    def forward(self, x):
        out, _ = self.lstm(x)
        return self.fc(out[:, -1, :])


def sidecar(features, lookback, horizon, hidden, layers, gen):
    n = len(features)
    return {
        "format": "rtcrypto-lstm",
        "version": 1,
        "features": features,
        "feature_params": {"sma_window": 14, "atr_window": 14, "atr_method": "wilder"},
        "lookback": lookback,
        "horizon": horizon,
        "hidden": hidden,
        "layers": layers,
        "target": "cumulative log return ln(C[t+k]/C[t]), k = 1..horizon",
        # Plausible scales for the default features (made up: this model is untrained).
        "normalisation": {
            "input": {"mean": [0.0] * n, "std": [1e-3] * n},
            "target": {"mean": [0.0] * horizon, "std": [1e-3] * horizon},
        },
        "model_format": "torchscript",
        "metrics": {},
        "data": {"made_by": "scripts/lstm_model.py (untrained, random weights)"},
    }


def load_windows(path, lookback, n_in):
    with open(path) as f:
        data = json.load(f)
    return torch.tensor(data["windows"], dtype=torch.float32).reshape(-1, lookback, n_in)


def cmd_make(a):
    torch.manual_seed(a.seed)
    features = a.features.split(",")
    net = LstmNet(len(features), a.hidden, a.layers, a.horizon).eval()
    example = torch.randn(1, a.lookback, len(features))
    traced = torch.jit.trace(net, example)
    traced.save(a.out)
    with open(a.out + ".json", "w") as f:
        json.dump(sidecar(features, a.lookback, a.horizon, a.hidden, a.layers, None), f, indent=2)
    if a.io:
        x = torch.randn(a.windows, a.lookback, len(features))
        with torch.no_grad():
            y = traced(x)
        with open(a.io, "w") as f:
            json.dump({"lookback": a.lookback, "features": len(features),
                       "windows": x.reshape(a.windows, -1).tolist(), "outputs": y.tolist()}, f)


def cmd_run(a):
    model = torch.jit.load(a.model).eval()
    side = json.load(open(a.model + ".json"))
    x = load_windows(a.inputs, side["lookback"], len(side["features"]))
    with torch.no_grad():
        y = model(x)
    with open(a.out, "w") as f:
        json.dump({"outputs": y.tolist()}, f)


def cmd_bench(a):
    torch.set_num_threads(1)
    model = torch.jit.load(a.model).eval()
    side = json.load(open(a.model + ".json"))
    x = torch.randn(1, side["lookback"], len(side["features"]))
    eager = LstmNet(len(side["features"]), side["hidden"], side["layers"], side["horizon"]).eval()
    eager.load_state_dict({k: v for k, v in model.state_dict().items()})
    out = {}
    for name, fn in (("pytorch_eager", eager), ("pytorch_torchscript", model)):
        times = []
        with torch.no_grad():
            for _ in range(50):
                fn(x)
            for _ in range(a.n):
                t0 = time.perf_counter_ns()
                fn(x)
                times.append((time.perf_counter_ns() - t0) / 1000.0)
        times.sort()
        out[name] = {"p50_us": times[len(times) // 2], "p99_us": times[int(len(times) * 0.99)],
                     "n": a.n}
    json.dump(out, sys.stdout)
    print()


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    m = sub.add_parser("make")
    m.add_argument("--out", required=True)
    m.add_argument("--features", default="logret,sma,tr,atr,volume")
    m.add_argument("--lookback", type=int, default=50)
    m.add_argument("--hidden", type=int, default=50)
    m.add_argument("--layers", type=int, default=1)
    m.add_argument("--horizon", type=int, default=1)
    m.add_argument("--seed", type=int, default=1)
    m.add_argument("--windows", type=int, default=8)
    m.add_argument("--io")
    r = sub.add_parser("run")
    r.add_argument("--model", required=True)
    r.add_argument("--inputs", required=True)
    r.add_argument("--out", required=True)
    b = sub.add_parser("bench")
    b.add_argument("--model", required=True)
    b.add_argument("--n", type=int, default=2000)
    a = p.parse_args()
    {"make": cmd_make, "run": cmd_run, "bench": cmd_bench}[a.cmd](a)


if __name__ == "__main__":
    main()
