"""Check ``model.weights.h5`` by its metadata before Keras reads a byte of its data.

An HDF5 dataset declares its shape and type apart from its data, and data never written
takes no room: a 62 KB ``.keras`` may declare a weight of 320,000,000 float32 numbers.
Keras reads each dataset whole into memory *before* it compares the shape with the layer's,
so such a file took the server to 5.8 GB. The preflight therefore opens the weights file
with h5py (the HDF5 library Keras itself saves with), walks it reading only metadata
(names, links, shapes, types; never ``dataset[...]``) and answers why it may not be read:

- every object is a group or a dataset reached by a hard link, at most ``MAX_OBJECTS`` of
  them (no soft or external links: those point elsewhere, perhaps to a file on the server);
- every dataset holds plain numbers (an int or float of at most 8 bytes), in this file
  (no external or virtual storage);
- no dataset declares more numbers than the largest weight the checked ``config.json``
  implies (:func:`budget`), and all of them together no more than the model's weights plus
  ``OPTIMIZER_COPIES`` optimizer slots of each and ``SCALARS`` counters.

For example, the tutorial's model (1 feature, 16 units, 26 letters) and a file declaring
320 million numbers::

    >>> import io, h5py
    >>> allowed = budget({"cell": "lstm", "layers": 1, "batch_shape": (1, 1, 1), "units": 16,
    ...                   "vocab": 26})
    >>> allowed
    Budget(largest=1024, total=8034)
    >>> buffer = io.BytesIO()
    >>> with h5py.File(buffer, "w") as h5:   # shape and type only: nothing is written
    ...     _ = h5.create_dataset("lstm/kernel", shape=(320_000_000,), dtype="float32")
    >>> len(buffer.getvalue()) < 10_000
    True
    >>> print(weights_problem(buffer.getvalue(), allowed))
    its model.weights.h5 declares 320,000,000 numbers in 'lstm/kernel'; its largest weight has 1,024
    >>> weights_problem(b"not HDF5", allowed)
    'its model.weights.h5 is not a readable HDF5 file'

No TensorFlow, no Keras: h5py and numpy only (h5py comes with Keras, which saves with it).
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from typing import Any

import h5py

from lstm_core.model.cells import weight_shapes

MEMBER = "model.weights.h5"
MAX_OBJECTS = 256  # groups and datasets; Keras writes ~60 for 3 stacked layers with Adam's slots
OPTIMIZER_COPIES = 4  # per weight: Adam's 2 moments, amsgrad's maximum, an EMA copy
SCALARS = 64  # the optimizer's iteration counter, learning rate and the like
NUMBER_KINDS = "fiu"  # numpy dtype kinds: float, signed and unsigned int
MAX_ITEM_BYTES = 8


@dataclass(frozen=True)
class Budget:
    """How many numbers the weights file may declare: in one dataset, and in all of them."""

    largest: int
    total: int


def budget(sizes: dict[str, Any]) -> Budget:
    """The numbers a model of these checked ``sizes`` (``Archive.sizes``) may store.

    >>> budget({"cell": "gru", "layers": 2, "batch_shape": (None, 3, 2), "units": 8, "vocab": 5})
    Budget(largest=192, total=3889)
    """
    features = sizes["batch_shape"][2]
    shapes = weight_shapes(sizes["cell"], sizes["layers"], features, sizes["units"], sizes["vocab"])
    counts = [math.prod(shape) for shape in shapes]
    return Budget(max(counts), (1 + OPTIMIZER_COPIES) * sum(counts) + SCALARS)


class _Unfit(Exception):
    """Why the walk stopped: a fragment of the preflight's one sentence."""


def weights_problem(h5: bytes, allowed: Budget) -> str | None:
    """Why ``model.weights.h5`` (its bytes) may not be read, or ``None`` if it fits ``allowed``.

    Reads names, links, shapes and types only: the check costs milliseconds whatever the
    file declares.
    """
    try:
        with h5py.File(io.BytesIO(h5), "r") as root:
            total = 0
            for path, dataset in _datasets(root):
                total += _numbers(path, dataset, allowed)
                if total > allowed.total:
                    return (
                        f"its {MEMBER} declares more than {allowed.total:,} numbers in all; "
                        "its weights and an optimizer's copies of them have fewer"
                    )
    except _Unfit as why:
        return str(why)
    except Exception:  # noqa: BLE001 - h5py and HDF5 raise many kinds on a damaged file
        return f"its {MEMBER} is not a readable HDF5 file"
    return None


def _datasets(root: h5py.Group):
    """Every dataset under ``root`` with its path, walked by hard links, at most MAX_OBJECTS objects."""
    todo = [("", root)]
    seen = 0
    while todo:
        prefix, group = todo.pop()
        for name in group:  # h5py reads the names one at a time: the bound stops a huge group
            seen += 1
            path = prefix + name
            if seen > MAX_OBJECTS:
                raise _Unfit(f"its {MEMBER} holds more than {MAX_OBJECTS} groups and datasets")
            if not isinstance(group.get(name, getlink=True), h5py.HardLink):
                raise _Unfit(f"its {MEMBER} links {_shown(path)} to another place or file")
            item = group[name]
            if isinstance(item, h5py.Group):
                todo.append((path + "/", item))
            elif isinstance(item, h5py.Dataset):
                yield path, item
            else:
                raise _Unfit(f"its {MEMBER} holds {_shown(path)}, neither a group nor a dataset")


def _numbers(path: str, dataset: h5py.Dataset, allowed: Budget) -> int:
    """How many numbers ``dataset`` declares, once its type and storage are plain."""
    dtype = dataset.dtype
    if dtype.kind not in NUMBER_KINDS or dtype.itemsize > MAX_ITEM_BYTES:
        raise _Unfit(f"its {MEMBER} stores {_shown(path)} as {str(dtype)[:30]}, not as plain numbers")
    if dataset.is_virtual or dataset.external:
        raise _Unfit(f"its {MEMBER} keeps the data of {_shown(path)} in another file")
    count = math.prod(dataset.shape) if dataset.shape is not None else 0
    if count > allowed.largest:
        raise _Unfit(
            f"its {MEMBER} declares {count:,} numbers in {_shown(path)}; "
            f"its largest weight has {allowed.largest:,}"
        )
    return count


def _shown(path: str) -> str:
    """A name from the file, quoted and short: the file may hold anything."""
    text = repr(path)
    return text if len(text) <= 60 else text[:56] + "...'"
