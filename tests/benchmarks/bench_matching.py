"""Score the default scan (candidates -> second measure) against the hash-only scan, per preset, in one run.

    python tests/benchmarks/bench_matching.py CORPUS_DIR [--scorer ../shared/bench/score.py] [--write-results OUTDIR]

Scans CORPUS_DIR twice without the fingerprint cache (it does not store the window hashes yet): once hash-only
(`confirm=False`, the scan before issue 8) and once with matching (the default). For each preset it regroups from the
stored pairs and scores the grouping with the project's scorer (CORPUS_DIR/truth.json): precision / recall / F1,
hard-negative pairs, and the recall per edit category at "normal". With --write-results, each grouping is written as
OUTDIR/{hash-only,matching}-{preset}.json, which `score.py TRUTH FILE` scores the same way.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from pathlib import Path

from bench_accuracy import grouping_json, load_scorer

from dupfinder.core.grouping import regroup
from dupfinder.core.models import Route, Verdict
from dupfinder.core.options import DEFAULT_HASH, Preset, ScanOptions, preset_distance
from dupfinder.core.scanner import run_scan


def main() -> int:
    here = Path(__file__).resolve()
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpus", type=Path)
    ap.add_argument("--scorer", type=Path, default=here.parents[3] / "shared" / "bench" / "score.py")
    ap.add_argument("--write-results", type=Path, metavar="OUTDIR")
    args = ap.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    logging.getLogger("dupfinder.core.discovery").setLevel(logging.WARNING)
    scorer = load_scorer(args.scorer)
    truth = json.loads((args.corpus / "truth.json").read_text(encoding="utf-8"))
    rows = []
    for name, confirm in (("hash-only", False), ("matching", True)):
        started = time.perf_counter()
        result = run_scan(ScanOptions((str(args.corpus),), use_cache=False, confirm=confirm))
        elapsed = time.perf_counter() - started
        print(f"{name}: {len(result.images)} images, {len(result.pairs)} stored pairs, {elapsed:.1f} s")
        if result.pairs.measured:
            p = result.pairs
            for route in Route:
                counts = {v.name: int(((p.route == route) & (p.verdict == v)).sum()) for v in Verdict}
                print(f"  {route.name:<8}", {k: n for k, n in counts.items() if n})
        for preset in Preset:
            groups = regroup(result, preset_distance(preset, DEFAULT_HASH))
            out = grouping_json(result, groups, args.corpus)
            score = scorer.score(truth, out)
            rows.append((name, preset.value, score))
            if args.write_results:
                args.write_results.mkdir(parents=True, exist_ok=True)
                path = args.write_results / f"{name}-{preset.value}.json"
                path.write_text(json.dumps(out, ensure_ascii=False), encoding="utf-8")
    print(f"\n{'scan':<10} {'preset':<7} {'prec':>6} {'recall':>6} {'F1':>6} {'hard-neg':>9}")
    for name, preset, s in rows:
        hard = f"{s['hard_negative_pairs_grouped']}/{s['hard_negative_pairs']}"
        print(f"{name:<10} {preset:<7} {s['precision']:6.3f} {s['recall']:6.3f} {s['f1']:6.3f} {hard:>9}")
    normal = {name: s for name, preset, s in rows if preset == Preset.NORMAL.value}
    print(f"\nrecall per category at normal: {'hash-only':>9} {'matching':>9}")
    for category, before in normal["hash-only"]["per_category"].items():
        after = normal["matching"]["per_category"][category]
        print(f"  {category:<28} {before['recall']:9.3f} {after['recall']:9.3f}  (n={after['n']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
