"""The class is the experiment: one claim, two arms, every student one seed of one arm (issue 24).

The tutorial asks whether naive's 84% against feature-window's 87% is real, and cannot say: it
ran one seed each. A class of 25 is 25 seeds. A teacher picks a :class:`Claim`; each student who
joins gets the next *slot*, and the slot fixes the arm (alternating, so both arms fill) and the
seed (7, 8, 9, ...: no two students repeat one): :func:`~lstm_core.store.class_records.assign`.

Join codes, slots and the class's records are in :mod:`lstm_core.store.class_records`.

The board (:func:`board`) counts "n of N done", puts one point per run on each arm, and once
both arms have runs words the exact permutation test (:mod:`lstm_core.analysis.stats`) with
the arms' denominators; the class's predictions are set against what happened. Nothing here
touches a database (:mod:`lstm_core.store.classes` keeps classes) or a page.
"""

from __future__ import annotations

import csv
import io
import statistics
import threading
import time
import unicodedata
from collections import Counter, deque
from collections.abc import Sequence
from dataclasses import dataclass

from lstm_core.analysis import inference
from lstm_core.analysis.stats import permutation_test
from lstm_core.config import LSTMConfig
from lstm_core.experiments.compare import SEEDS_TO_ANSWER, SURE, how_sure
from lstm_core.experiments.why_lstm import DELAY, TASK_NAMES, recall_mask, why_lstm_configs
from lstm_core.limits.shape import CELL_KINDS
from lstm_core.model.variant import applies
from lstm_core.presets import PRESETS, preset
from lstm_core.store.class_records import Arm, ClassInfo, Slot

NICKNAME_CHARS = 20
NEITHER = "neither"  # the prediction "no real difference: seed luck"
RECALL = "recall-gated-vs-ungated"  # the claim whose runs are scored on the recalled letters only
CHANGED = "changed-field"  # the Lab's settings against one changed field (see changed_field)
FIXED = ("framing", "sequence", "seed")  # what a changed-field class cannot change (seed: each student's)


# ---------------------------------------------------------------------------------------
# Claims: what a class can test
# ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Claim:
    """A question the Lessons raise, as two arms the class trains."""

    name: str
    title: str
    question: str
    arms: tuple[Arm, Arm]


def _tutorial(name: str) -> Arm:
    return Arm(name, preset(name), PRESETS[name].tutorial_accuracy)


def _recall_arms() -> tuple[Arm, Arm]:
    """The Memory lesson's delayed-recall task (``why_lstm``), on the LSTM and on the ungated cell:
    the cells come from the variant spec (``CELL_KINDS``), never named here."""
    configs = {c.cell: c for task, c in why_lstm_configs(seeds=1) if task == TASK_NAMES[1]}
    gated = CELL_KINDS["lstm"]
    ungated = next(kind for kind in CELL_KINDS.values() if not kind.gated)
    return Arm(gated.label, configs[gated.name], None), Arm(ungated.label, configs[ungated.name], None)


_RECALL_ARMS = _recall_arms()


CLAIMS: dict[str, Claim] = {
    c.name: c
    for c in (
        Claim(
            "naive-vs-feature-window",
            "Naive vs feature-window: is the tutorial's 84% against 87% real?",
            "Which will score higher over the whole class?",
            (_tutorial("naive"), _tutorial("feature-window")),
        ),
        Claim(
            "timestep-vs-feature-window",
            "The same three letters as time steps or as features",
            "Which will score higher over the whole class?",
            (_tutorial("timestep-window"), _tutorial("feature-window")),
        ),
        Claim(
            "carried-state",
            "Stateful: with and without carried state",
            "Which will score higher over the whole class?",
            (
                Arm("carried state", preset("stateful"), PRESETS["stateful"].tutorial_accuracy),
                Arm("no carried state", preset("stateful").replace(stateful=False), None),
            ),
        ),
        Claim(
            RECALL,
            f"{_RECALL_ARMS[0].label} vs {_RECALL_ARMS[1].label} on delayed recall: does the gated "
            f"cell carry the cue {DELAY} letters?",
            "Which will recall more letters over the whole class?",
            _RECALL_ARMS,
        ),
    )
}


def shown_value(name: str, value: object) -> str:
    """A field's value as the class reads it: on/off, a cell's name, numbers without ".0".

    >>> shown_value("stateful", False), shown_value("cell", "lstm"), shown_value("learning_rate", 0.001)
    ('off', 'LSTM', '0.001')
    """
    if isinstance(value, bool):
        return "on" if value else "off"
    if name == "cell" and value in CELL_KINDS:
        return CELL_KINDS[value].label
    return f"{value:g}" if isinstance(value, float) else str(value)


def changeable(config: LSTMConfig, names: Sequence[str]) -> list[str]:
    """Of the form's fields ``names``, those a changed-field class may change: read by the framing,
    and neither the framing, the text nor the seed (each student's own)."""
    return [n for n in names if n not in FIXED and applies(n, config.framing)]


def changed_field(base: LSTMConfig, name: str, value: object, label: str) -> Claim:
    """The Lab's settings ``base`` against the same with ``name`` set to ``value``; ``label`` is
    what the form calls the field. Raises ``ValueError`` (one sentence) if the new settings are
    refused (LSTMConfig's own sentence) or change nothing.

    >>> claim = changed_field(preset("naive"), "units", "64", "Units")
    >>> [a.label for a in claim.arms], claim.question
    (['Units 32', 'Units 64'], 'Will changing Units from 32 to 64 change accuracy?')
    """
    if name in FIXED or not applies(name, base.framing):
        raise ValueError(f"{label} cannot be the changed field of a class on {base.framing}.")
    changed = LSTMConfig.from_dict({**base.to_dict(), name: value})  # the one validation
    a, b = (shown_value(name, getattr(c, name)) for c in (base, changed))
    if a == b:
        raise ValueError(f"{label} is {a} already: give it another value.")
    return Claim(CHANGED, f"The Lab's settings with {label} {a} against {label} {b}",
                 f"Will changing {label} from {a} to {b} change accuracy?",
                 (Arm(f"{label} {a}", base, None), Arm(f"{label} {b}", changed, None)))


def differing(arms: Sequence[Arm]) -> list[str]:
    """The fields (seed aside) in which the two arms' settings differ.

    >>> differing(CLAIMS[RECALL].arms)
    ['cell']
    """
    one, two = (a.config.to_dict() for a in arms)
    return [n for n in one if n != "seed" and one[n] != two.get(n)]


def score(claim: str, run) -> tuple[float, int]:
    """A run's accuracy (percent) and what it is out of: the delayed-recall claim scores the
    recalled letters only (the others follow from the letter before), every other the samples."""
    if claim != RECALL:
        return 100 * inference.accuracy(run), run.config.num_examples
    correct = inference.prediction_table(run)["correct"].to_numpy()[recall_mask(run.config)]
    return 100.0 * float(correct.mean()), int(correct.size)


def scaled(arms: Sequence[Arm], epochs_scale: float) -> tuple[Arm, Arm]:
    """The arms with their epochs scaled (at least 1): a quicker class at a fraction of the epochs.

    >>> [a.config.epochs for a in scaled(CLAIMS["naive-vs-feature-window"].arms, 0.1)]
    [50, 50]
    """
    a, b = (Arm(x.label, x.config.replace(epochs=max(1, round(x.config.epochs * epochs_scale))),
                x.tutorial) for x in arms)
    return a, b


def choices(arms: Sequence[Arm], claim: str = "") -> dict[str, str]:
    """The answers to a claim's question: each arm by label, or neither (seed luck); a changed
    field's yes/no question gets yes/no answers.

    >>> list(choices(CLAIMS["carried-state"].arms).values())
    ['carried state', 'no carried state', 'neither: the gap will be seed luck']
    >>> list(choices(changed_field(preset("naive"), "units", 64, "Units").arms, CHANGED).values())
    ['yes: higher with Units 32', 'yes: higher with Units 64', 'no: the gap will be seed luck']
    """
    if claim == CHANGED:
        return {"0": f"yes: higher with {arms[0].label}", "1": f"yes: higher with {arms[1].label}",
                NEITHER: "no: the gap will be seed luck"}
    return {"0": arms[0].label, "1": arms[1].label, NEITHER: "neither: the gap will be seed luck"}


# ---------------------------------------------------------------------------------------
# Codes, slots, nicknames
# ---------------------------------------------------------------------------------------
def clean_nickname(text: object) -> str:
    """A nickname as kept: printable characters only, single spaces, at most 24 characters.

    >>> clean_nickname("  <b>Ada</b>\\n\\x00 Lovelace  " + "x" * 40)[:20]
    '<b>Ada</b> Lovelace '
    >>> clean_nickname(None)
    ''

    It is kept as typed (no HTML is ever made of it: pages show it as plain text).
    """
    if not isinstance(text, str):
        return ""
    kept = "".join(ch if unicodedata.category(ch)[0] not in "CZ" else " " for ch in text)
    return " ".join(kept.split())[:NICKNAME_CHARS]


def shown_name(nickname: str, slot: int) -> str:
    """The name the board shows: the nickname, else an anonymous one.

    >>> shown_name("", 4), shown_name("Ada", 4)
    ('Student 5', 'Ada')
    """
    return nickname or f"Student {slot + 1}"


# ---------------------------------------------------------------------------------------
# A class and its slots, as stored
# ---------------------------------------------------------------------------------------
def slot_config(info: ClassInfo, slot: Slot) -> LSTMConfig:
    """The settings this slot trains: its arm's, with its seed."""
    return info.arms[slot.arm].config.replace(seed=slot.seed)


# ---------------------------------------------------------------------------------------
# The board
# ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Board:
    """What the board shows, computed from the slots."""

    done: int
    joined: int
    points: list[dict]  # one per submitted run: arm label, accuracy, seed, name
    means: dict[str, float]
    verdict: str | None  # None until both arms have runs
    p_value: float | None
    outcome: str | None  # "0", "1" or NEITHER once there is a verdict
    predictions: dict[str, int]  # choice key -> how many predicted it
    right: int  # predictions that match the outcome


def outcome_of(a: Sequence[float], b: Sequence[float]) -> tuple[str, float]:
    """Which arm won ("0", "1") or :data:`NEITHER` (p above 0.05), with the p-value."""
    test = permutation_test(a, b)
    if test.p_value > SURE or test.difference == 0:
        return NEITHER, test.p_value
    return ("0" if test.difference > 0 else "1"), test.p_value


def verdict_words(arms: Sequence[Arm], a: Sequence[float], b: Sequence[float],
                  samples: Sequence[int]) -> str:
    """The permutation test in words, with each arm's denominator.

    >>> arms = CLAIMS["naive-vs-feature-window"].arms
    >>> print(verdict_words(arms, [80, 84, 80, 84], [86.96] * 4, [25, 23]))  # doctest: +NORMALIZE_WHITESPACE
    Over 4 and 4 runs, naive averages 82.00% and feature-window 86.96%: a gap of 4.96 points. If
    the arm made no difference, a gap this large would come up in 2.9% of the 70 ways to split
    these 8 runs into two groups (exact permutation test, p = 0.029). Unlikely to be seed luck,
    though not beyond doubt: more seeds would make it firmer. Denominators: naive is scored on 25
    samples (one letter = 4.00 points), feature-window on 23 (4.35 points).
    """
    test = permutation_test(a, b)
    words = (
        f"Over {len(a)} and {len(b)} runs, {arms[0].label} averages {statistics.fmean(a):.2f}% and "
        f"{arms[1].label} {statistics.fmean(b):.2f}%: a gap of {abs(test.difference):.2f} points. "
    )
    if test.smallest_p > SURE:
        words += (
            f"So few runs cannot answer whether that is real: even runs that never overlap would give "
            f"p = {test.smallest_p:.2f} at best. It takes at least {SEEDS_TO_ANSWER} runs a side."
        )
    else:
        how = f"{test.splits:,} ways" if test.exact else "random ways"
        words += (
            f"If the arm made no difference, a gap this large would come up in "
            f"{100 * test.p_value:.1f}% of the {how} to split these {len(a) + len(b)} runs into two "
            f"groups (exact permutation test, p = {test.p_value:.3f}). " + how_sure(test)
        )
    words += (
        f" Denominators: {arms[0].label} is scored on {samples[0]} samples (one letter = "
        f"{100 / samples[0]:.2f} points), {arms[1].label} on {samples[1]} ({100 / samples[1]:.2f} points)."
    )
    return words


def board(info: ClassInfo, slots: Sequence[Slot]) -> Board:
    """The board's data from a class's slots (submitted or not)."""
    runs = [s for s in slots if s.submitted]
    points = [
        {"arm": info.arms[s.arm].label, "accuracy": s.accuracy, "seed": s.seed,
         "name": shown_name(s.nickname, s.slot)}
        for s in runs
    ]
    by_arm = [[s.accuracy for s in runs if s.arm == k] for k in (0, 1)]
    means = {info.arms[k].label: statistics.fmean(v) for k, v in enumerate(by_arm) if v}
    predictions = Counter(s.prediction for s in runs if s.prediction)
    words = outcome = p_value = None
    right = 0
    if all(by_arm):
        samples = [next(s.samples for s in runs if s.arm == k) for k in (0, 1)]
        words = verdict_words(info.arms, by_arm[0], by_arm[1], samples)
        outcome, p_value = outcome_of(by_arm[0], by_arm[1])
        right = predictions.get(outcome, 0)
    return Board(len(runs), len(slots), points, means, words, p_value, outcome, dict(predictions), right)


# ---------------------------------------------------------------------------------------
# The teacher's records, and guessing
# ---------------------------------------------------------------------------------------
CSV_COLUMNS = ("code", "slot", "arm", "seed", "nickname", "prediction", "accuracy", "samples",
               "run_id", "joined", "done")


def to_csv(info: ClassInfo, slots: Sequence[Slot]) -> str:
    """Every slot of a class as CSV (one row per student; accuracy empty until trained).

    >>> arms = CLAIMS["carried-state"].arms
    >>> info = ClassInfo("ACK3PQ", "carried-state", "t", "q", arms, 0, 1, 100, False)
    >>> print(to_csv(info, [Slot(0, 0, 7, 0.0, "=cmd", "0", "r" * 22, 100.0, 25, 1.0)]).splitlines()[1][:58])
    ACK3PQ,1,carried state,7,'=cmd,carried state,100.00,25,rrr
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    names = choices(info.arms, info.claim)
    for s in slots:
        writer.writerow((
            info.code, s.slot + 1, info.arms[s.arm].label, s.seed, _cell(s.nickname),
            names.get(s.prediction, ""), "" if s.accuracy is None else f"{s.accuracy:.2f}",
            s.samples or "", s.run_id, _iso(s.joined), _iso(s.done) if s.done else "",
        ))
    return out.getvalue()


def _cell(text: str) -> str:
    # A spreadsheet runs a cell that starts with = + - @ as a formula: a nickname must stay text.
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def _iso(t: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


class JoinLimiter:
    """At most ``max_wrong`` wrong codes per ``window`` seconds per key (a session, an address).

    >>> lim = JoinLimiter(max_wrong=2, window=60)
    >>> lim.wrong("s", now=0); lim.wrong("s", now=1); lim.allowed("s", now=2)
    False
    >>> lim.allowed("s", now=61), lim.allowed("other", now=2)
    (True, True)

    23**6 codes at 5 a minute is 56 years per session to find one class by guessing.
    """

    def __init__(self, max_wrong: int = 5, window: float = 60.0, max_keys: int = 10_000) -> None:
        self.max_wrong = max_wrong
        self.window = window
        self.max_keys = max_keys  # bounded memory: the oldest keys are forgotten first
        self._wrong: dict[str, deque[float]] = {}
        self._lock = threading.Lock()  # one per process, shared by every session's thread

    def allowed(self, key: str, now: float | None = None) -> bool:
        now = time.monotonic() if now is None else now
        with self._lock:
            times = self._wrong.get(key)
            while times and now - times[0] >= self.window:
                times.popleft()
            return not times or len(times) < self.max_wrong

    def wrong(self, key: str, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        with self._lock:
            if key not in self._wrong and len(self._wrong) >= self.max_keys:
                self._wrong.pop(next(iter(self._wrong)))
            self._wrong.setdefault(key, deque()).append(now)
