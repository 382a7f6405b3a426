"""How many speakers, and which window is whose: a penalised criterion over a hierarchy of groups, with a
minimum talk time.

1. **Context.** Each window's embedding is averaged with its neighbours in the same speech region
   (single 1.5 s windows are too noisy to tell similar voices apart).
2. **Candidates.** Average-linkage agglomerative clustering on cosine distance, cut at
   :data:`OVERCLUSTER_DISTANCE` or lower, into at least :data:`MIN_CANDIDATES` groups: tight groups of
   windows of one voice, more groups than speakers.
3. **Minimum talk time.** A group with less than :data:`MIN_SPEAKER_SECONDS` of speech is not a speaker
   (a laugh, a cough, a clipped word): its windows join the nearest group.
4. **Counting.** The two groups whose mean embeddings are most alike are merged, again and again down to
   one group; each step is a candidate number of speakers ``k``. The count is the ``k`` that minimises
   ``spread(k) + PENALTY * k * log(n)`` — ``spread`` is the sum over the ``n`` windows of the cosine
   distance to their group's mean (it only falls as groups are kept apart), the second term the price
   of one more speaker (``k`` at most ``shared.speakers.MAX_SPEAKERS``). Unlike a fixed "same voice"
   similarity, it keeps two alike voices apart when each is tighter than they are alike (a voice and
   the same voice pitched down, a poor phone line), and it needs no second speaker to decide on one.
   With a known number of speakers, the step with that many groups is taken.
5. **Refinement.** Every window, the short ones too, goes to the speaker whose mean embedding is
   nearest (two rounds).

Recordings are clustered :data:`CLUSTER_CHUNK_WINDOWS` windows (about 33 minutes of speech) at a time in
step 2, so memory stays bounded on long files.
"""

from __future__ import annotations

import numpy as np

from pipeline.asr.inference.diarization.embeddings import Windows
from shared.speakers import MAX_SPEAKERS

CONTEXT_WINDOWS = 1
#: Windows shorter than this are too noisy to shape the groups; they are only assigned.
MIN_CLUSTERING_SECONDS = 1.0
OVERCLUSTER_DISTANCE = 0.2
#: At least this many candidate groups (the cut is lowered where it finds fewer): voices more alike
#: than the cut still start apart.
MIN_CANDIDATES = 8
MIN_SPEAKER_SECONDS = 5.0
#: The price of one more speaker, in cosine distance per log window (chosen on the development range).
PENALTY = 0.2
CLUSTER_CHUNK_WINDOWS = 2000
REFINE_ROUNDS = 2


def unit(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=-1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)


def centroids(embeddings: np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(labels present, unit mean embedding of each)``."""
    keys = np.unique(labels)
    sums = np.zeros((len(keys), embeddings.shape[1]))
    np.add.at(sums, np.searchsorted(keys, labels), embeddings)
    return keys, unit(sums)


def with_context(windows: Windows) -> np.ndarray:
    """Each embedding averaged with its ``CONTEXT_WINDOWS`` neighbours on each side in its region."""
    total = windows.embeddings.astype(np.float64).copy()
    for shift in range(1, CONTEXT_WINDOWS + 1):
        same = windows.region[shift:] == windows.region[:-shift]
        total[shift:][same] += windows.embeddings[:-shift][same]
        total[:-shift][same] += windows.embeddings[shift:][same]
    return unit(total)


def overcluster(embeddings: np.ndarray, *, at_least: int = 1) -> np.ndarray:
    """Tight groups of one voice: average linkage on cosine distance, cut at OVERCLUSTER_DISTANCE
    (or into ``at_least`` groups where that cut finds fewer), a chunk of consecutive windows at a
    time so that memory stays bounded."""
    from scipy.cluster.hierarchy import fcluster, linkage

    labels = np.zeros(len(embeddings), dtype=np.int64)
    next_label = 0
    for first in range(0, len(embeddings), CLUSTER_CHUNK_WINDOWS):
        chunk = embeddings[first : first + CLUSTER_CHUNK_WINDOWS]
        if len(chunk) == 1:
            found = np.zeros(1, dtype=np.int64)
        else:
            tree = linkage(chunk.astype(np.float64), method="average", metric="cosine")
            found = fcluster(tree, OVERCLUSTER_DISTANCE, criterion="distance").astype(np.int64) - 1
            if found.max() + 1 < at_least:
                found = fcluster(tree, at_least, criterion="maxclust").astype(np.int64) - 1
        labels[first : first + len(chunk)] = found + next_label
        next_label += int(found.max()) + 1
    return labels


def drop_small(embeddings: np.ndarray, labels: np.ndarray, seconds: np.ndarray, *, keep_at_least: int) -> np.ndarray:
    """Groups with less than MIN_SPEAKER_SECONDS of speech join the nearest group that has enough."""
    keys = np.unique(labels)
    speech = np.array([seconds[labels == k].sum() for k in keys])
    small = speech < MIN_SPEAKER_SECONDS
    for index in np.argsort(-speech):  # never below the requested count, nor below one speaker
        if (~small).sum() >= max(keep_at_least, 1):
            break
        small[index] = False
    if not small.any():
        return labels
    kept = keys[~small]
    inside = np.isin(labels, kept)
    _, means = centroids(embeddings[inside], labels[inside])
    labels = labels.copy()
    labels[~inside] = kept[np.argmax(embeddings[~inside] @ means.T, axis=1)]
    return labels


def spread(embeddings: np.ndarray, labels: np.ndarray) -> float:
    """Sum of the cosine distances of the windows to their group's mean."""
    keys, means = centroids(embeddings, labels)
    return float((1.0 - np.sum(embeddings * means[np.searchsorted(keys, labels)], axis=1)).sum())


def merge_to_count(embeddings: np.ndarray, labels: np.ndarray, speakers: int | None) -> np.ndarray:
    """Merge the two most alike groups, step by step; the step with ``speakers`` groups, or (``None``)
    the one with the least spread plus penalty."""
    labels = labels.copy()
    penalty = PENALTY * np.log(max(len(embeddings), 2))
    best: tuple[float, np.ndarray] | None = None
    while True:
        keys, means = centroids(embeddings, labels)
        if speakers is None:
            score = spread(embeddings, labels) + penalty * len(keys)
            if len(keys) <= MAX_SPEAKERS and (best is None or score < best[0]):
                best = (score, labels.copy())
        elif len(keys) <= speakers:
            return labels
        if len(keys) == 1:
            break
        similarity = means @ means.T
        np.fill_diagonal(similarity, -np.inf)
        i, j = np.unravel_index(int(np.argmax(similarity)), similarity.shape)
        labels[labels == keys[j]] = keys[i]
    assert best is not None
    return best[1]


def cluster(windows: Windows, speakers: int | None = None) -> np.ndarray:
    """A speaker label per window (``speakers``: how many there are, when known)."""
    context = with_context(windows)
    reliable = windows.lengths >= MIN_CLUSTERING_SECONDS
    if not reliable.any():
        reliable[:] = True
    embeddings = context[reliable]
    seconds = np.minimum(windows.lengths, 1.0)[reliable]
    labels = overcluster(embeddings, at_least=max(speakers or 1, MIN_CANDIDATES))
    if speakers is None:
        labels = drop_small(embeddings, labels, seconds, keep_at_least=1)
    labels = merge_to_count(embeddings, labels, speakers)
    keys, means = centroids(embeddings, labels)
    # Refine: every window (the short ones too) to the nearest speaker, centroids from the windows.
    assigned = keys[np.argmax(windows.embeddings @ means.T, axis=1)]
    for _ in range(REFINE_ROUNDS):
        keys, means = centroids(windows.embeddings, assigned)
        moved = keys[np.argmax(windows.embeddings @ means.T, axis=1)]
        if (moved == assigned).all():
            break
        assigned = moved
    return assigned
