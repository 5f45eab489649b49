"""Accuracy of every fingerprint kind at every threshold on a labelled corpus (../shared/bench), to tune presets.

    python tests/benchmarks/bench_accuracy.py CORPUS_DIR [--scorer ../shared/bench/score.py] [--hash phash ...]
        [--write-results OUTDIR]

Scans CORPUS_DIR once (through the fingerprint cache), then for each fingerprint kind and each distance up to the
loose preset (plus a margin) regroups from the stored pairs and scores the grouping against CORPUS_DIR/truth.json with
the project's scorer.
Prints precision / recall / F1 / hard-negative pairs grouped per distance, marking the current presets.
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib.util
import json
import os
import sys
from pathlib import Path

from dupfinder.core.grouping import pairs_for_images, regroup
from dupfinder.core.options import PRESET_DISTANCES, HashKind, Preset, ScanOptions
from dupfinder.core.scanner import run_scan


def load_scorer(path: Path):
    spec = importlib.util.spec_from_file_location("bench_score", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def grouping_json(result, groups, corpus: Path) -> dict:
    return {
        "tool": "dupfinder",
        "groups": [[os.path.relpath(result.images[i].path, corpus) for i in g.images] for g in groups],
    }


def main() -> int:
    here = Path(__file__).resolve()
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpus", type=Path)
    ap.add_argument("--scorer", type=Path, default=here.parents[3] / "shared" / "bench" / "score.py")
    ap.add_argument("--hash", action="append", choices=[h.value for h in HashKind], help="default: all kinds")
    ap.add_argument("--margin", type=int, default=4, help="distances past the loose preset to try")
    ap.add_argument("--turned", action="store_true", help="also match mirrored and turned copies (phash/dhash)")
    ap.add_argument("--write-results", type=Path, metavar="OUTDIR", help="write each preset's grouping JSON here")
    args = ap.parse_args()
    scorer = load_scorer(args.scorer)
    truth = json.loads((args.corpus / "truth.json").read_text(encoding="utf-8"))
    kinds = [HashKind(h) for h in args.hash] if args.hash else list(HashKind)
    base = run_scan(ScanOptions((str(args.corpus),), confirm=False))  # hashes only: bench_matching.py scores the rest
    print(f"{len(base.images)} images, {len(base.problems)} skipped, scan {base.stats.elapsed_s:.1f} s\n")
    for kind in kinds:
        presets = {d: p.value for p, d in PRESET_DISTANCES[kind].items()}
        top = PRESET_DISTANCES[kind][Preset.LOOSE] + args.margin
        pairs = pairs_for_images(base.images, kind, top, match_turned=args.turned)
        result = dataclasses.replace(
            base, pairs=pairs, hash_name=kind.value, hash_bits=kind.bits, max_distance_bits=top
        )
        print(f"== {kind.value} ({kind.bits} bits)")
        print(f"{'dist':>4} {'prec':>6} {'recall':>6} {'F1':>6} {'hardneg':>8} {'groups':>6}")
        for distance in range(top + 1):
            groups = regroup(result, distance)
            score = scorer.score(truth, grouping_json(result, groups, args.corpus))
            mark = f"  <- {presets[distance]}" if distance in presets else ""
            print(
                f"{distance:>4} {score['precision']:6.3f} {score['recall']:6.3f} {score['f1']:6.3f} "
                f"{score['hard_negative_pairs_grouped']:>4}/{score['hard_negative_pairs']:<3} "
                f"{score['predicted_groups']:>6}{mark}"
            )
            if distance in presets and args.write_results:
                args.write_results.mkdir(parents=True, exist_ok=True)
                out = args.write_results / f"{kind.value}-{presets[distance]}.json"
                out.write_text(json.dumps(grouping_json(result, groups, args.corpus), ensure_ascii=False))
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
