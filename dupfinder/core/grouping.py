"""Pairs of similar images, and groups at any threshold from those pairs, without chaining.

find_pairs() runs once per scan at the loosest distance; cluster()/regroup() then group at any tighter threshold
from the stored pairs alone (no image I/O), so moving the similarity slider is instant.

Grouping rule (star clustering, deterministic):

1. Keep the pairs within the threshold, plus every byte-identical pair. Byte-identical images form one node, led
   by its best-ranked image; nodes are linked by the pairs between their leaders (identical bytes have identical
   hashes, so the leader is alike to everyone else exactly as its twins are).
2. Order nodes by their number of neighbouring images within the threshold, descending, then by rank (the best
   image of the node by selection.quality_rank), ascending.
3. Walk that order: a node not yet in a group becomes a reference and takes every neighbour not yet in a group.
   The reference image is the best-ranked image of the reference node. Groups of one image are dropped.

Every member is therefore within the threshold of the reference (members[0]) and similarity is to the reference:
a chain A~B~C~D~E, which union-find would make one group, gives {B: A, C} and {D: E}; A and C share a group only
because both are close to B. Starting from the best-connected nodes keeps the clusters of edited copies together
around their most central picture: on the acc-dev corpus (phash+dhash at 24/28 bits) it scored F1 0.804/0.836
against 0.787/0.829 when walking in rank order alone; weighting neighbours by closeness did no better.
"""

from __future__ import annotations

import contextlib
import gc
import logging
from collections import defaultdict
from collections.abc import Iterator, Sequence

import numpy as np

from dupfinder.core import selection
from dupfinder.core.hamming import pairs_between, pairs_within, to_words, work_units
from dupfinder.core.models import Group, ImageRecord, Member, Pairs, Route, ScanResult, Verdict
from dupfinder.core.options import HashKind, similarity_percent
from dupfinder.core.progress import CancelToken, ProgressCallback, ProgressMeter, ScanStage

log = logging.getLogger(__name__)


def find_pairs(
    hashes: Sequence[int],
    digests: Sequence[bytes | None],
    max_distance_bits: int,
    *,
    progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
) -> Pairs:
    """All pairs i<j with Hamming distance <= max_distance_bits, plus all pairs with equal non-None digests
    (identical=True, distance = their hash distance, normally 0). Sorted by (left, right).

    Each distinct hash value is compared once (see hamming.py); images sharing a value are expanded afterwards."""
    count = len(hashes)
    values = to_words(list(hashes))
    if values.shape[1] == 1:
        unique, inverse = np.unique(values[:, 0], return_inverse=True)
        unique = unique.reshape(-1, 1)
    else:
        unique, inverse = np.unique(values, axis=0, return_inverse=True)
    inverse = inverse.reshape(-1)
    meter = ProgressMeter(ScanStage.COMPARING, work_units(len(unique), unique.shape[1], max_distance_bits), progress)

    def tick(rows: int) -> None:
        if cancel is not None:
            cancel.raise_if_cancelled()
        meter.advance(rows)

    value_left, value_right, value_distance = pairs_within(unique, max_distance_bits, tick)
    left, right, distance = _expand_to_images(inverse, len(unique), value_left, value_right, value_distance)
    log.debug("%d pairs of %d distinct hashes within %d bits", len(value_left), len(unique), max_distance_bits)
    same_left, same_right = identical_pairs(digests)
    same_distance = np.array(
        [(hashes[i] ^ hashes[j]).bit_count() for i, j in zip(same_left.tolist(), same_right.tolist(), strict=True)],
        dtype=np.uint8,
    )
    keys = np.concatenate([left * count + right, same_left * count + same_right])
    keys, first = np.unique(keys, return_index=True)
    distances = np.concatenate([distance, same_distance])[first]
    identical = np.isin(keys, same_left * count + same_right)
    meter.finish()
    return Pairs(
        (keys // count).astype(np.int32), (keys % count).astype(np.int32), distances.astype(np.uint8), identical
    )


def pairs_for_images(
    images: Sequence[ImageRecord],
    hash_kind: HashKind,
    max_distance_bits: int,
    *,
    match_turned: bool = False,
    progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
) -> Pairs:
    """The pairs a scan stores: by `hash_kind`'s parts, and with mirrored/turned matches when asked."""
    part_hashes = [[getattr(im.fingerprint, part) for im in images] for part in hash_kind.parts]
    digests = [image.digest for image in images]
    if not match_turned:
        return pairs_for_parts(part_hashes, digests, max_distance_bits, progress=progress, cancel=cancel)
    turned = [[getattr(im.fingerprint, f"turned_{part}") for im in images] for part in hash_kind.parts]
    return pairs_with_turns(part_hashes, turned, digests, max_distance_bits, progress=progress, cancel=cancel)


def pairs_for_parts(
    part_hashes: Sequence[Sequence[int]],
    digests: Sequence[bytes | None],
    max_distance_bits: int,
    *,
    progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
) -> Pairs:
    """Pairs for a fingerprint of one or more parts (options.HashKind): alike only when alike in every part, at the
    largest of the parts' distances. The first part's pairs are searched; the other parts can only veto them."""
    pairs = find_pairs(part_hashes[0], digests, max_distance_bits, progress=progress, cancel=cancel)
    if len(part_hashes) == 1 or not len(pairs):
        return pairs
    distance = pairs.distance_bits.astype(np.int64)
    for hashes in part_hashes[1:]:
        values = np.array(hashes, dtype=np.uint64)
        distance = np.maximum(distance, np.bitwise_count(values[pairs.left] ^ values[pairs.right]))
    keep = (distance <= max_distance_bits) | pairs.identical
    return Pairs(pairs.left[keep], pairs.right[keep], distance[keep].astype(np.uint8), pairs.identical[keep])


def pairs_with_turns(
    part_hashes: Sequence[Sequence[int]],
    turned_part_hashes: Sequence[Sequence[Sequence[int]]],
    digests: Sequence[bytes | None],
    max_distance_bits: int,
    *,
    progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
) -> Pairs:
    """pairs_for_parts(), plus pairs where one image matches the other mirrored or turned.

    turned_part_hashes[p][i] holds image i's hashes of part p in each other orientation (Fingerprint.turned_*).
    An image's turned hashes are compared with every upright hash (7n x n comparisons), and a turned match must hold
    in every part for the same orientation. A pair found both ways keeps its smaller distance."""
    pairs = pairs_for_parts(part_hashes, digests, max_distance_bits, progress=progress, cancel=cancel)
    turned = [np.array(t, dtype=np.uint64).reshape(len(t), -1) for t in turned_part_hashes]
    turns = turned[0].shape[1] if turned and turned[0].size else 0
    if not turns:
        return pairs
    meter = ProgressMeter(ScanStage.COMPARING, turned[0].size, progress)

    def tick(rows: int) -> None:
        if cancel is not None:
            cancel.raise_if_cancelled()
        meter.advance(rows)

    upright = [np.array(h, dtype=np.uint64) for h in part_hashes]
    flat = [t.reshape(-1) for t in turned]
    query, key, distance = pairs_between(flat[0], upright[0], max_distance_bits, tick)
    distance = distance.astype(np.int64)
    for up, tu in zip(upright[1:], flat[1:], strict=True):
        distance = np.maximum(distance, np.bitwise_count(tu[query] ^ up[key]))
    owner = query // turns
    keep = (distance <= max_distance_bits) & (owner != key)
    owner, key, distance = owner[keep], key[keep], distance[keep]
    count = len(part_hashes[0])
    keys = np.concatenate([pairs.left.astype(np.int64) * count + pairs.right, np.minimum(owner, key) * count +
                           np.maximum(owner, key)])  # fmt: skip
    distances = np.concatenate([pairs.distance_bits.astype(np.int64), distance])
    identical = np.concatenate([pairs.identical, np.zeros(len(distance), bool)])
    order = np.lexsort((distances, keys))
    keys, distances, identical = keys[order], distances[order], identical[order]
    first = np.ones(len(keys), bool)
    first[1:] = keys[1:] != keys[:-1]
    meter.finish()
    return Pairs(
        (keys[first] // count).astype(np.int32),
        (keys[first] % count).astype(np.int32),
        distances[first].astype(np.uint8),
        identical[first],
    )


# Plain-hash pairs the second measure could not judge (too few keypoints, or a view that could not be read) are
# grouped by their hash alone up to this distance (the strict preset's); past it only from LOOSE_FROM_BITS on.
UNCONFIRMED_MAX_BITS = 6
CONFIRMED_FROM_BITS = 12  # from this threshold (normal) on, every confirmed copy groups, however edited
LOOSE_FROM_BITS = 14  # from this threshold (loose) on, plain-hash pairs nobody could judge group by their hash
SAME_FRAME_SHARE = 0.97  # tighter thresholds take confirmed pairs only when each keeps this share of the other
# Plain-hash pairs further apart than this (measured only between pictures with detail, matching.pipeline) group
# only when CONFIRMED: matched points in one geometry. Pixels that agree as framed, or no evidence, are not enough
# that far (measured: distinct smooth phone photos 13-16 bits apart agree as framed).
FAR_PLAIN_BITS = 12


def usable_pairs(pairs: Pairs, max_distance_bits: int) -> np.ndarray:
    """Which stored pairs group at this threshold (bool per pair).

    Byte-identical pairs always do. Without the second measure (pairs.measured false) every pair within the
    threshold does. With it: a CONFIRMED pair within the threshold that shows the same framing, upright; any
    CONFIRMED pair from CONFIRMED_FROM_BITS on; a PIXELS pair likewise (plain within the threshold, any from
    CONFIRMED_FROM_BITS on); an unjudged plain pair
    (HASH_ONLY, NO_EVIDENCE) within the threshold and within UNCONFIRMED_MAX_BITS, or from LOOSE_FROM_BITS on.
    A plain pair past FAR_PLAIN_BITS only when CONFIRMED. REFUTED and FLAT pairs never do."""
    t = max_distance_bits
    near = pairs.distance_bits <= t
    if not pairs.measured:
        return near | pairs.identical
    verdict, plain = pairs.verdict, pairs.route == Route.PLAIN
    confirmed = verdict == Verdict.CONFIRMED
    same_frame = plain & (np.minimum(pairs.kept_left, pairs.kept_right) >= SAME_FRAME_SHARE)
    same_frame &= np.abs(pairs.angle) < 1.0
    unjudged = plain & ((verdict == Verdict.NO_EVIDENCE) | (verdict == Verdict.HASH_ONLY)) & near
    if t < LOOSE_FROM_BITS:
        unjudged &= pairs.distance_bits <= UNCONFIRMED_MAX_BITS
    accepted = confirmed if t >= CONFIRMED_FROM_BITS else confirmed & near & same_frame
    framed = (verdict == Verdict.PIXELS) & ((near & plain) | (t >= CONFIRMED_FROM_BITS))
    far = plain & (pairs.distance_bits > FAR_PLAIN_BITS)
    return pairs.identical | accepted | ((framed | unjudged) & ~far)


def pair_row(pairs: Pairs, a: int, b: int) -> int:
    """The row of the pair (a, b) in either order, or -1 (pairs are sorted by (left, right))."""
    i, j = min(a, b), max(a, b)
    lo = int(np.searchsorted(pairs.left, i, side="left"))
    hi = int(np.searchsorted(pairs.left, i, side="right"))
    k = lo + int(np.searchsorted(pairs.right[lo:hi], j))
    return k if k < hi and pairs.right[k] == j else -1


def cluster(pairs: Pairs, rank: Sequence[int], max_distance_bits: int, hash_bits: int) -> list[tuple[Member, ...]]:
    """Groups at a threshold from the stored pairs, without chaining (see the module docstring). rank[i] orders
    image i as a reference (lower = preferred). Only groups with >= 2 members; members after the reference are in
    (distance, rank) order."""
    rank_of = np.asarray(rank, dtype=np.int64)
    keep = usable_pairs(pairs, max_distance_bits)
    left, right = pairs.left[keep].astype(np.int64), pairs.right[keep].astype(np.int64)
    distance, identical = pairs.distance_bits[keep].astype(np.int64), pairs.identical[keep]

    node_of, node_count = _identical_nodes(len(rank_of), left[identical], right[identical])
    node_size = np.bincount(node_of, minlength=node_count)
    by_node = np.argsort(node_of * len(rank_of) + rank_of)  # each node's images, best rank first (ranks distinct)
    bounds = np.concatenate([[0], np.cumsum(node_size)])
    leader = np.zeros(len(rank_of), bool)
    leader[by_node[bounds[:-1]]] = True  # the image that stands for its node (the reference if the node is one)

    edge = leader[left] & leader[right]  # one edge per pair of nodes, between their leaders
    a, b, d = node_of[left[edge]], node_of[right[edge]], distance[edge]
    degree = np.bincount(a, weights=node_size[b], minlength=node_count)
    degree += np.bincount(b, weights=node_size[a], minlength=node_count) + node_size - 1
    visit = np.lexsort((rank_of[by_node[bounds[:-1]]], -degree))
    visit = visit[degree[visit] > 0].tolist()

    src, dst, dist = np.concatenate([a, b]), np.concatenate([b, a]), np.concatenate([d, d])
    by_src = np.argsort(src, kind="stable")
    dst, dist = dst[by_src], dist[by_src]
    starts = np.concatenate([[0], np.cumsum(np.bincount(src, minlength=node_count))]).tolist()

    leaders, by_node, bounds = by_node[bounds[:-1]], by_node.tolist(), bounds.tolist()
    sizes = node_size.tolist()
    identical_rows = zip(left[identical].tolist(), right[identical].tolist(), distance[identical].tolist(), strict=True)
    same_distance = {(i, j): dd for i, j, dd in identical_rows}
    similarity = [similarity_percent(dd, hash_bits) for dd in range(hash_bits + 1)]
    rank = rank_of.tolist()
    taken = np.zeros(node_count, bool)
    groups = []
    for node in visit:
        if taken[node]:
            continue
        taken[node] = True
        neighbours = dst[starts[node] : starts[node + 1]]
        free = ~taken[neighbours]
        neighbours = neighbours[free]
        taken[neighbours] = True
        reference = int(leaders[node])
        members = [
            (same_distance.get((min(reference, t), max(reference, t)), 0), rank[t], t, True)
            for t in by_node[bounds[node] + 1 : bounds[node + 1]]
        ]
        for other, dd, image in zip(
            neighbours.tolist(),
            dist[starts[node] : starts[node + 1]][free].tolist(),
            leaders[neighbours].tolist(),
            strict=True,
        ):
            if sizes[other] == 1:
                members.append((dd, rank[image], image, False))
            else:
                members.extend((dd, rank[i], i, False) for i in by_node[bounds[other] : bounds[other + 1]])
        if not members:
            continue
        members.sort()  # by distance, then rank (distinct)
        groups.append(
            (
                Member(reference, 0, 100.0, False),
                *(Member(image, dd, similarity[dd], same) for dd, _, image, same in members),
            )
        )
    return groups


def regroup(result: ScanResult, max_distance_bits: int) -> tuple[Group, ...]:
    """cluster() + selection.choose_keeper(), sorted by reclaimable bytes (sizes of non-keepers) descending, then by
    the reference's path. Raises ValueError beyond the distance the scan's pairs are complete for."""
    if max_distance_bits > result.max_distance_bits:
        raise ValueError(
            f"pairs were collected up to {result.max_distance_bits} bits; rescan to group at {max_distance_bits}"
        )
    images = result.images
    rank = selection.quality_rank(images)
    size = [image.file.size_bytes for image in images]
    ordered = []
    with _collector_paused():
        for members in cluster(result.pairs, rank, max_distance_bits, result.hash_bits):
            indices = [m.image for m in members]
            keeper = selection.choose_keeper(indices, images, rank)
            reclaimable = sum(size[i] for i in indices) - size[keeper]
            ordered.append((-reclaimable, images[indices[0]].path, Group(members, keeper)))
    ordered.sort(key=lambda row: row[:2])
    return tuple(group for _, _, group in ordered)


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while building ~10^5 small acyclic objects: its repeated passes over
    them cost 40 % of a 100k-image regroup."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _expand_to_images(inverse, value_count, value_left, value_right, value_distance):
    """Image pairs (i < j) from pairs of distinct values, plus the pairs of images sharing one value (distance 0)."""
    order = np.argsort(inverse, kind="stable")  # images grouped by value
    size = np.bincount(inverse, minlength=value_count)
    start = np.cumsum(size) - size

    def combinations(u, v):
        """(which value pair, image of u, image of v) for every image of u times every image of v."""
        combos = size[u] * size[v]
        which = np.repeat(np.arange(len(u)), combos)
        k = np.arange(int(combos.sum())) - np.repeat(np.cumsum(combos) - combos, combos)
        width = size[v][which]
        return which, order[start[u][which] + k // width], order[start[v][which] + k % width]

    which, i, j = combinations(value_left, value_right)
    shared = np.flatnonzero(size > 1)
    _, si, sj = combinations(shared, shared)
    later = si < sj
    left = np.concatenate([np.minimum(i, j), si[later]]).astype(np.int64)
    right = np.concatenate([np.maximum(i, j), sj[later]]).astype(np.int64)
    return left, right, np.concatenate([value_distance[which], np.zeros(np.count_nonzero(later), np.uint8)])


def identical_pairs(digests: Sequence[bytes | None]) -> tuple[np.ndarray, np.ndarray]:
    """Every pair i < j of images with the same non-None digest."""
    by_digest: dict[bytes, list[int]] = defaultdict(list)
    for i, digest in enumerate(digests):
        if digest is not None:
            by_digest[digest].append(i)
    pairs = [(s[a], s[b]) for s in by_digest.values() for a in range(len(s)) for b in range(a + 1, len(s))]
    array = np.array(pairs, dtype=np.int64).reshape(-1, 2)
    return array[:, 0], array[:, 1]


def _identical_nodes(count: int, left: np.ndarray, right: np.ndarray) -> tuple[np.ndarray, int]:
    """Node id per image: byte-identical images share one (connected components of the identical pairs)."""
    label = np.arange(count)
    while True:  # min-label propagation; identical pairs form cliques, so this settles in one or two rounds
        before = label.copy()
        np.minimum.at(label, right, label[left])
        np.minimum.at(label, left, label[right])
        label = label[label]
        if np.array_equal(label, before):
            break
    nodes, node_of = np.unique(label, return_inverse=True)
    return node_of.reshape(-1), len(nodes)
