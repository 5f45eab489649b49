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
import itertools
import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from dupfinder.core import selection
from dupfinder.core.hamming import pairs_between, pairs_within, to_words, work_units
from dupfinder.core.image_table import ImageTable
from dupfinder.core.models import Group, Hashes, ImageRecord, Member, Pairs, Route, ScanResult, Verdict
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
    left, right, distances, identical = with_identical(count, left, right, distance, same_left, same_right,
                                                       same_distance)  # fmt: skip
    meter.finish()
    return Pairs(left.astype(np.int32), right.astype(np.int32), distances.astype(np.uint8), identical)


def with_identical(count: int, left, right, distance, same_left, same_right, same_distance):
    """Hash pairs plus the byte-identical pairs (identical_pairs' stars), each pair once, sorted by (left, right):
    (left, right, distance, identical: any pair of two images with one digest)."""
    keys = np.concatenate([left * count + right, same_left * count + same_right])
    keys, first = np.unique(keys, return_index=True)
    distances = np.concatenate([distance, same_distance])[first]
    left, right = keys // count, keys % count
    root = np.arange(count)  # each image's digest's first image (identical_pairs' star centre), or itself
    root[same_right] = same_left
    return left, right, distances, root[left] == root[right]


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
    images = ImageTable.of(images)
    part_hashes = [images.column(part).tolist() for part in hash_kind.parts]
    digests = images.digests
    if not match_turned:
        return pairs_for_parts(part_hashes, digests, max_distance_bits, progress=progress, cancel=cancel)
    tables = [Hashes.table(images.hashes(f"turned_{part}")) for part in hash_kind.parts]
    if any(table is None for table in tables):  # no image has them
        return pairs_for_parts(part_hashes, digests, max_distance_bits, progress=progress, cancel=cancel)
    # an image without them (cached before they existed) gets all ones, which no upright hash comes near
    turned = [np.ma.filled(table, np.uint64(2**64 - 1)) for table in tables]
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
TWIN_BLOCK_ROWS = 2_000_000  # (asked pair, twin) rows _near_a_twin checks at once


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
    twin = pairs.identical | (confirmed & same_frame)
    wider = plain & ((verdict == Verdict.NO_EVIDENCE) | (verdict == Verdict.HASH_ONLY)) & near & ~unjudged & ~far
    unjudged |= _near_a_twin(pairs, wider, unjudged, twin)
    return pairs.identical | accepted | ((framed | unjudged) & ~far)


def _near_a_twin(pairs: Pairs, asked: np.ndarray, near: np.ndarray, twin: np.ndarray) -> np.ndarray:
    """Which `asked` pairs (a, b) have a `near` pair between one of them and a `twin` of the other.

    A pair nobody could judge (too few keypoints, e.g. a periodic texture) is taken by its hash only when close;
    a twin (identical bytes, or confirmed with the same framing) shows the same pixels, so the closeness of b to
    a's twin says what it would of b to a. Without this, star grouping around a twin leaves b out: measured on a
    wood-grain crop whose original's twin became the reference."""
    found = np.zeros(len(pairs.left), bool)
    if not asked.any() or not near.any() or not twin.any():
        return found
    count = int(max(pairs.left.max(), pairs.right.max())) + 1
    near_keys = _pair_keys(pairs.left[near], pairs.right[near], count)
    if np.any(near_keys[1:] <= near_keys[:-1]):  # stored pairs are sorted by (left, right): no sort needed then
        near_keys = np.unique(near_keys)
    has_near = np.zeros(count, bool)  # only pairs between images that have a near pair can be near ones
    has_near[pairs.left[near]] = has_near[pairs.right[near]] = True
    twin_of = np.concatenate([pairs.left[twin], pairs.right[twin]])
    twin_other = np.concatenate([pairs.right[twin], pairs.left[twin]])
    useful = has_near[twin_other]
    twin_of, twin_other = twin_of[useful], twin_other[useful].astype(np.int64)
    twin_other = twin_other[np.argsort(twin_of)]  # grouped by image, in any order within
    starts = np.concatenate([[0], np.cumsum(np.bincount(twin_of, minlength=count))])
    twin_count = np.diff(starts)
    has_twin = twin_count > 0
    for mine, other in ((pairs.left, pairs.right), (pairs.right, pairs.left)):
        every_ask = np.flatnonzero(asked & has_near[other] & has_twin[mine])  # the rest have no twin to look at
        every_twins = twin_count[mine[every_ask]]
        # (asked pair, twin) rows at most TWIN_BLOCK_ROWS at a time: an image with thousands of byte copies
        # would otherwise make a few hundred million of them at once
        block = np.cumsum(every_twins) // TWIN_BLOCK_ROWS
        for first, last in _runs(block):
            ask, twins = every_ask[first:last], every_twins[first:last]
            a, b = mine[ask].astype(np.int64), other[ask]
            which = np.repeat(np.arange(len(ask)), twins)
            offset = np.arange(int(twins.sum())) - np.repeat(np.cumsum(twins) - twins, twins)
            keys = _pair_keys(twin_other[starts[a][which] + offset], b[which], count)
            at = np.minimum(np.searchsorted(near_keys, keys), len(near_keys) - 1)
            hit = near_keys[at] == keys
            found[ask[which[hit]]] = True
    return found


def _runs(block: np.ndarray) -> Iterator[tuple[int, int]]:
    """(first, last) bounds of the runs of equal values of a sorted array."""
    edges = np.flatnonzero(np.diff(block)) + 1
    bounds = [0, *edges.tolist(), len(block)]
    return itertools.pairwise(bounds) if len(block) else iter(())


def _pair_keys(a: np.ndarray, b: np.ndarray, count: int) -> np.ndarray:
    """One int64 per unordered pair, built in place (at ten million pairs each temporary is 80 MB)."""
    keys = np.minimum(a, b).astype(np.int64)
    keys *= count
    keys += np.maximum(a, b)
    return keys


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
    stars = _stars(pairs, np.asarray(rank, dtype=np.int64), max_distance_bits)
    return _member_tuples(stars, hash_bits)


def regroup(result: ScanResult, max_distance_bits: int) -> tuple[Group, ...]:
    """cluster() + selection.choose_keeper(), sorted by reclaimable bytes (sizes of non-keepers) descending, then by
    the reference's path. Raises ValueError beyond the distance the scan's pairs are complete for.

    The per-image facts this needs (ranks, sizes, shapes, path order) are computed once per result and kept in
    result.memo, so a slider move costs only the clustering of the pairs."""
    if max_distance_bits > result.max_distance_bits:
        raise ValueError(
            f"pairs were collected up to {result.max_distance_bits} bits; rescan to group at {max_distance_bits}"
        )
    facts = selection.image_facts(result)
    stars = _stars(result.pairs, facts.rank, max_distance_bits)
    starts = stars.bounds[:-1]
    if not len(starts):
        return ()
    keeper = selection.keepers(stars.bounds, stars.image, facts)
    reclaimable = np.add.reduceat(facts.size[stars.image], starts) - facts.size[keeper]
    order = np.lexsort((facts.path_order[stars.image[starts]], -reclaimable)).tolist()
    with _collector_paused():
        members, keepers = _member_tuples(stars, result.hash_bits), keeper.tolist()
        return tuple(map(Group, map(members.__getitem__, order), map(keepers.__getitem__, order)))


@dataclass(frozen=True, slots=True)
class _Stars:
    """Groups as flat rows, in the walk's order: group g is rows bounds[g]:bounds[g + 1], its reference first, then
    its other members by (distance, rank)."""

    bounds: np.ndarray
    image: np.ndarray
    distance: np.ndarray
    identical: np.ndarray


def _stars(pairs: Pairs, rank_of: np.ndarray, max_distance_bits: int) -> _Stars:
    """The star clustering of the module docstring, as array work (the walk: _walk), so that a slider move at a
    million images takes seconds, not minutes."""
    count = len(rank_of)
    keep = usable_pairs(pairs, max_distance_bits)
    # the pairs' own int32/uint8 (at ten million pairs every int64 copy of a column is 80 MB)
    columns = (pairs.left, pairs.right, pairs.distance_bits, pairs.identical)
    left, right, distance, identical = (column[keep] for column in columns)
    del keep

    node_of, node_count = _identical_nodes(count, left[identical], right[identical])
    node_size = np.bincount(node_of, minlength=node_count)
    by_node = np.argsort(node_of * count + rank_of)  # each node's images, best rank first (ranks distinct)
    leaders = by_node[np.cumsum(node_size) - node_size]  # the image that stands for its node
    leader = np.zeros(count, bool)
    leader[leaders] = True

    edge = leader[left] & leader[right]  # one edge per pair of nodes, between their leaders
    node32 = node_of.astype(np.int32)
    a, b, d = node32[left[edge]], node32[right[edge]], distance[edge]
    del left, right, distance, identical, edge, node32
    degree = np.bincount(a, weights=node_size[b], minlength=node_count)
    degree += np.bincount(b, weights=node_size[a], minlength=node_count) + node_size - 1
    linked = np.flatnonzero(degree)
    visit = linked[np.argsort((count - degree[linked].astype(np.int64)) * count + rank_of[leaders[linked]])]

    references, took, taken_by = _walk(visit, a, b, node_count)  # visit: degree down, then rank up
    owner = np.full(node_count, -1, np.int64)  # the reference node that took each other node
    owner[took] = taken_by

    # every image's group (the position of its node's reference in the walk) and distance to that reference
    group_of_node = np.full(node_count, -1, np.int64)
    group_of_node[references] = np.arange(len(references))
    is_reference = group_of_node >= 0
    group_of_node[took] = group_of_node[owner[took]]
    image_distance = np.zeros(count, np.int64)
    for taken, by in ((a, b), (b, a)):  # the edge from each taken node to the reference that took it
        edge = owner[taken] == by
        image_distance[leaders[taken[edge]]] = d[edge]
    image_distance = image_distance[leaders[node_of]]  # a taken node's images all share its leader's distance
    twin = is_reference[node_of] & ~leader  # byte-identical to its group's reference
    image_distance[twin] = 0  # the same bytes: the same picture, whatever pair (identical_pairs' star) joins them
    group = group_of_node[node_of]
    grouped = np.flatnonzero(group >= 0)
    size = np.bincount(group[grouped], minlength=len(references))
    grouped = grouped[size[group[grouped]] >= 2]  # a reference whose neighbours were all taken stays alone
    is_ref_image = leader[grouped] & is_reference[node_of[grouped]]
    # by group, the reference first, then by distance (< 256), then rank (< count)
    key = ((group[grouped] * 2 + ~is_ref_image) * 256 + image_distance[grouped]) * count + rank_of[grouped]
    rows = grouped[np.argsort(key)]
    groups = np.bincount(group[rows])
    return _Stars(np.concatenate([[0], np.cumsum(groups[groups > 0])]), rows, image_distance[rows], twin[rows])


def _walk(visit: np.ndarray, a: np.ndarray, b: np.ndarray, node_count: int):
    """Step 3 of the module docstring: (reference nodes in visit order, nodes taken, the reference that took each).
    a/b: every edge, once.

    Walking the order, a node becomes a reference exactly when none of its neighbours earlier in the walk is one, and
    a taken node goes to the earliest reference among its neighbours. So the walk is settled in rounds of array
    work, each settling every node whose earlier neighbours are all settled; a long chain of nodes each waiting for
    the one before (a burst of frames, each like the next) is finished by walking what is left one node at a time.
    The rounds scatter each edge's news onto per-node flags: sorting the edges by node would cost more than them."""
    position = np.full(node_count, len(visit), np.int64)
    position[visit] = np.arange(len(visit))
    forward = position[a] < position[b]
    earlier, later = np.where(forward, a, b), np.where(forward, b, a)  # from the node walked first
    state = np.zeros(node_count, np.int8)  # 0 open, 1 reference, 2 taken
    state[visit] = _REFERENCE
    state[later] = _OPEN  # a visited node with no earlier neighbour is a reference from the start
    u, v = earlier, later
    for _ in range(_WALK_ROUNDS):
        if not len(v):
            break
        seen = state[u]
        near_reference, near_open, waiting = (np.zeros(node_count, bool) for _ in range(3))
        near_reference[v[seen == _REFERENCE]] = True
        near_open[v[seen == _OPEN]] = True
        waiting[v] = True
        state[near_reference] = _TAKEN
        state[waiting & ~near_reference & ~near_open] = _REFERENCE
        live = (state[v] == _OPEN) & (seen != _TAKEN)
        u, v = u[live], v[live]
    if len(v):  # what the rounds left: the plain walk over those nodes, in visit order
        by_node = np.argsort(v)
        u, v = u[by_node], v[by_node]
        waiting, first = np.unique(v, return_index=True)
        bounds = np.append(first, len(v)).tolist()
        sources, states = u.tolist(), state.tolist()
        for k in np.argsort(position[waiting]).tolist():
            node = int(waiting[k])
            near = sources[bounds[k] : bounds[k + 1]]
            states[node] = _TAKEN if any(states[n] == _REFERENCE for n in near) else _REFERENCE
        state = np.array(states, np.int8)
    taken = (state[later] == _TAKEN) & (state[earlier] == _REFERENCE)  # a taken node's earlier references
    first_reference = np.full(node_count, len(visit), np.int64)
    np.minimum.at(first_reference, later[taken], position[earlier[taken]])
    took = np.flatnonzero(state == _TAKEN)
    return visit[state[visit] == _REFERENCE], took, visit[first_reference[took]]


_OPEN, _REFERENCE, _TAKEN = 0, 1, 2
_WALK_ROUNDS = 32  # bench_regroup.py needs at most 13 (1M clustered images, thresholds 6-18); a chain needs more


def _member_tuples(stars: _Stars, hash_bits: int) -> list[tuple[Member, ...]]:
    """Each group's Members; a group's reference is 100 % alike and identical to nothing."""
    similarity = np.array([similarity_percent(d, hash_bits) for d in range(hash_bits + 1)])
    percent = similarity[stars.distance]
    percent[stars.bounds[:-1]] = 100.0
    rows = zip(stars.image.tolist(), stars.distance.tolist(), percent.tolist(), stars.identical.tolist(), strict=True)
    members = list(map(tuple.__new__, itertools.repeat(Member), rows))
    bounds = stars.bounds.tolist()
    return list(map(tuple, map(members.__getitem__, map(slice, bounds[:-1], bounds[1:]))))


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
    """Pairs (i, j), i < j, joining the images of each content digest: the first of them with each other one. A star,
    not every pair: grouping needs only that they are one (_identical_nodes), and 3,000 copies of one placeholder
    picture in a data set would be 4.5 million pairs."""
    first: dict[bytes, int] = {}
    left, right = [], []
    for i, digest in enumerate(digests):
        if digest is None:
            continue
        j = first.setdefault(digest, i)
        if j != i:
            left.append(j)
            right.append(i)
    return np.array(left, np.int64), np.array(right, np.int64)


def _identical_nodes(count: int, left: np.ndarray, right: np.ndarray) -> tuple[np.ndarray, int]:
    """Node id per image: byte-identical images share one (connected components of the identical pairs)."""
    label = np.arange(count)
    while True:  # min-label propagation; identical pairs form stars, so this settles in one or two rounds
        before = label.copy()
        np.minimum.at(label, right, label[left])
        np.minimum.at(label, left, label[right])
        label = label[label]
        if np.array_equal(label, before):
            break
    root = label == np.arange(count)  # each component's lowest image, which labels it
    return (np.cumsum(root) - 1)[label], int(np.count_nonzero(root))
