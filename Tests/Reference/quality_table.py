"""Markdown rows from quality runs: where each stands at fixed budgets, and when it first had clean faces.

Reads the JSON lines of `dcgan-smiles train --headless` (or a run's metrics.jsonl) or of
quality_pytorch.py, one file per run, and prints per file: the eval-mode score of the sampling
generator (precision, modes, TV, mean RMSE to the nearest prototype) at each budget, the trained G's
where an average samples ("live"), and the first step with eval-mode precision >= 0.9 and 16/16 modes.

    python3 Tests/Reference/quality_table.py [--budgets 500 1000 1500] [--score eval|kept] RUN.jsonl...

`--score kept`: the faces Jacobian truncation keeps (`train --jacobian-truncation Q`) instead of
the plain eval-mode score; measurements without them are left out.
"""

import argparse
import json


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--budgets", type=int, nargs="+", default=[500, 1000, 1500])
    parser.add_argument("--score", choices=["eval", "kept"], default="eval")
    parser.add_argument("runs", nargs="+")
    args = parser.parse_args()
    score = args.score
    print("| run | " + " | ".join(f"step {b}: precision, modes, TV, RMSE (trained G's RMSE)" for b in args.budgets)
          + " | best precision (step) | clean at |")
    print("| --- |" + " --- |" * (len(args.budgets) + 2))
    for path in args.runs:
        reports = []
        for line in open(path):
            if line.startswith('{"quality"'):
                report = json.loads(line)["quality"]
                if score in report:
                    reports.append(report)
        cells = []
        for budget in args.budgets:
            at = [r for r in reports if r["iteration"] <= budget]
            if not at or at[-1]["iteration"] != budget:
                cells.append("–")
                continue
            e = at[-1][score]
            live = at[-1].get("live")
            cells.append(f"{e['precision']:.2f}, {e['modes']}/16, {e['tv']:.2f}, {e['rmse']:.3f}"
                         + (f" ({live['rmse']:.3f})" if live else ""))
        best = max(reports, key=lambda r: (r[score]["precision"], r[score]["modes"]), default=None)
        clean = next((r["iteration"] for r in reports if r[score]["precision"] >= 0.9 and r[score]["modes"] == 16), None)
        print(f"| {path} | " + " | ".join(cells)
              + f" | {best[score]['precision']:.2f} ({best['iteration']}) | {clean or 'not reached'} |")


if __name__ == "__main__":
    main()
