"""The best accuracy any model can reach on a text, given what it is allowed to see.

A model that reads the last ``window`` characters can do no better than always answering,
for each distinct input it sees, that input's most frequent next character. So the
*ceiling* is computed exactly from the data, before any training::

    >>> ceiling("ABAB" * 6, window=1)          # each letter determines the next
    1.0
    >>> c = ceiling("aaaabbbccd" * 6, window=1) # after "a": "a" 18 times, "b" 6 times
    >>> round(c * 59), round(c, 4)              # 41 of 59 samples at best
    (41, 0.6949)
    >>> ceiling("aaaabbbccd" * 6, window=4)     # four letters back tell where in the run we are
    1.0

The same rule applies to any framing's dataset: group the samples by exactly what the
network reads (the X rows, and the mask), and count the best answer per group
(:func:`dataset_ceiling`). Two samples that read the same but expect different answers cap
it below 100%; on the alphabet no framing has such a pair, so every framing's ceiling there
is 100%: the alphabet can be learned without memory.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # framings imports numpy only; kept lazy so this module stays tiny
    from lstm_core.data.dataset import Dataset


def best_share(pairs: Iterable[tuple[Hashable, Hashable]]) -> float:
    """Share of (input, target) pairs a perfect lookup table answers right.

    >>> best_share([("a", "b"), ("a", "b"), ("a", "c"), ("b", "a")])
    0.75
    """
    counts: dict[Hashable, Counter] = defaultdict(Counter)
    n = 0
    for key, target in pairs:
        counts[key][target] += 1
        n += 1
    if n == 0:
        raise ValueError("no samples: the text must be longer than the window")
    return sum(c.most_common(1)[0][1] for c in counts.values()) / n


def ceiling(sequence: str, window: int) -> float:
    """Best accuracy of any model that sees the last ``window`` characters of ``sequence``.

    The samples are the text's sliding windows, as the window framings build them.

    >>> ceiling("ABCABD", window=1)   # after "B": "C" once, "D" once
    0.8
    """
    if window < 1:
        raise ValueError(f"window={window} is not allowed: it must be 1 or more")
    pairs = ((sequence[i : i + window], sequence[i + window]) for i in range(len(sequence) - window))
    return best_share(pairs)


def dataset_ceiling(ds: Dataset) -> float:
    """Best accuracy of a stateless model on this framing's samples, from what it reads.

    >>> from lstm_core.presets import preset
    >>> from lstm_core.data.framings import make_dataset
    >>> dataset_ceiling(make_dataset(preset("naive")))
    1.0

    n-char-output counts each output position of each window (its next letters)::

        >>> cfg = preset("n-char-output").replace(sequence="aaaabbbccd" * 6, window=2, horizon=2)
        >>> round(dataset_ceiling(make_dataset(cfg)) * 57 * 2)  # 57 windows x 2 positions
        96
    """
    if ds.target_ids.ndim == 2:  # n-char-output: every output position counts, each its own question
        return best_share(
            ((ds.X[i].tobytes() + ds.mask[i].tobytes(), k), int(target))
            for i in range(len(ds.target_ids)) for k, target in enumerate(ds.target_ids[i])
        )
    pairs = (
        (ds.X[i].tobytes() + ds.mask[i].tobytes(), int(ds.target_ids[i])) for i in range(len(ds.target_ids))
    )
    return best_share(pairs)


def stateful_ceiling(ds: Dataset) -> float:
    """Best accuracy of a *stateful* model on this framing's samples, from all it has read.

    A stateful model reads the samples in order from one reset, and row ``i`` of each batch
    continues row ``i`` of the batch before (see ``inference``). Its answer may depend on
    everything its row has read so far, so two samples are only indistinguishable when
    their whole row histories are equal. On a text where one letter is not enough, memory
    beats the stateless ceiling::

        >>> from lstm_core.presets import preset
        >>> from lstm_core.data.framings import make_dataset
        >>> ds = make_dataset(preset("stateful").replace(sequence="aaaabbbccd" * 6))
        >>> round(dataset_ceiling(ds), 4), stateful_ceiling(ds)
        (0.6949, 1.0)

    Per-step datasets (``steps_per_update`` above 1) count every predicted step the same way.
    """
    b = ds.config.batch_size
    ids: dict[tuple[int, bytes], int] = {}  # (history id so far, what is read next) -> history id
    row_end: list[int] = []  # history id after each sample
    pairs = []
    for i in range(len(ds.target_ids)):
        history = row_end[i - b] if i >= b else -1
        if ds.per_step:  # a target after every step (steps_per_update > 1): the chunk so far counts
            for j, target in enumerate(ds.target_ids[i]):
                history = ids.setdefault((history, ds.X[i, j].tobytes()), len(ids))
                pairs.append((history, int(target)))
        else:
            history = ids.setdefault((history, ds.X[i].tobytes() + ds.mask[i].tobytes()), len(ids))
            pairs.append((history, int(ds.target_ids[i])))
        row_end.append(history)
    return best_share(pairs)
