"""Finding copies that one whole-picture hash misses, and confirming them (issue 8).

windows.py      hashes of crop windows of the small grey image (part of each fingerprint)
candidates.py   candidate pairs: plain, mirrored/turned and crop-window hash matches
confirm.py      the second measure: local features, geometry and a photometric check on ~512 px decodes
stash.py        the views fingerprinting kept, so that the measure need not decode those pictures again
differences.py  how a copy differs from its reference, from what was measured
pipeline.py     candidates -> confirmation -> Pairs that grouping regroups at any threshold
"""
