"""The class experiment's pure logic: codes, assignment, the board's verdict, the limiter, the CSV."""

from __future__ import annotations

import csv
import io
import random

import pytest

from lstm_core.experiments.class_experiment import (
    CLAIMS,
    NEITHER,
    NICKNAME_CHARS,
    JoinLimiter,
    board,
    clean_nickname,
    scaled,
    slot_config,
    to_csv,
)
from lstm_core.store.class_records import ALPHABET, ClassInfo, Slot, assign, new_code, normalize_code

INFO = ClassInfo("ACK3PQ", "naive-vs-feature-window", "t", "q", CLAIMS["naive-vs-feature-window"].arms,
                 0.0, 100.0, 100, False)


def test_codes_use_only_the_unambiguous_alphabet():
    assert not set(ALPHABET) & set("0O1IL2Z5S6G8B")
    codes = {new_code(random.Random(k).choice) for k in range(200)}
    assert len(codes) == 200 and all(len(c) == 6 and set(c) <= set(ALPHABET) for c in codes)


@pytest.mark.parametrize("typed, code", [("ack3pq", "ACK3PQ"), (" ACK 3PQ", "ACK3PQ"), ("ACK-3PQ", "ACK3PQ"),
                                         ("ACK3P", None), ("ACK3PQQ", None), ("ACK3P0", None), (None, None),
                                         ("<script>", None)])
def test_a_typed_code_is_forgiven_case_spaces_and_dashes(typed, code):
    assert normalize_code(typed) == code


def test_arms_alternate_and_seeds_never_repeat():
    pairs = [assign(k) for k in range(100)]
    assert [a for a, _ in pairs[:4]] == [0, 1, 0, 1]
    assert len({s for _, s in pairs}) == 100
    assert sum(a for a, _ in pairs) == 50
    with pytest.raises(ValueError):
        assign(-1)


def test_a_slot_trains_its_arm_with_its_seed():
    cfg = slot_config(INFO, Slot(3, 1, 10, 0.0))
    assert (cfg.framing, cfg.seed, cfg.epochs) == ("feature-window", 10, 500)
    assert [a.config.epochs for a in scaled(INFO.arms, 0.01)] == [5, 5]


def test_every_claim_has_two_different_arms():
    for claim in CLAIMS.values():
        a, b = claim.arms
        assert a.config != b.config and a.label != b.label
    assert CLAIMS["carried-state"].arms[1].config.stateful is False


def slots(accs_a, accs_b, predictions=()):
    out, preds = [], list(predictions)
    for k in range(max(len(accs_a), len(accs_b)) * 2):
        arm, seed = assign(k)
        accs = (accs_a, accs_b)[arm]
        if k // 2 < len(accs):
            out.append(Slot(k, arm, seed, 0.0, "", preds.pop(0) if preds else "", f"r{k}", accs[k // 2],
                            (25, 23)[arm], 1.0))
    return out


def test_no_verdict_until_both_arms_have_runs():
    data = board(INFO, slots([84.0, 80.0], []) + [Slot(9, 1, 16, 0.0)])
    assert (data.done, data.joined, data.verdict, data.outcome) == (2, 3, None, None)
    assert data.means == {"naive": 82.0}


def test_few_runs_say_they_cannot_answer():
    data = board(INFO, slots([84.0], [86.96]))
    assert "cannot answer" in data.verdict and data.outcome == NEITHER


def test_the_verdict_counts_predictions_against_the_outcome():
    data = board(INFO, slots([80.0] * 5, [100.0] * 5, predictions=["1", "1", "0", NEITHER, "1"]))
    assert data.outcome == "1" and data.p_value == pytest.approx(2 / 252)
    assert data.right == 3 and data.predictions == {"1": 3, "0": 1, NEITHER: 1}
    assert "exact permutation test" in data.verdict and "one letter = 4.00 points" in data.verdict


def test_the_limiter_counts_wrong_codes_per_key_per_minute():
    lim = JoinLimiter(max_wrong=3, window=60.0)
    for t in range(3):
        assert lim.allowed("ip1", now=t)
        lim.wrong("ip1", now=t)
    assert not lim.allowed("ip1", now=10) and lim.allowed("ip2", now=10)
    assert lim.allowed("ip1", now=60.5)


def test_the_limiter_forgets_the_oldest_keys_past_its_bound():
    lim = JoinLimiter(max_wrong=1, window=60.0, max_keys=2)
    for key in ("a", "b", "c"):
        lim.wrong(key, now=0)
    assert lim.allowed("a", now=1) and not lim.allowed("c", now=1)


def test_nicknames_are_bounded_and_plain():
    assert clean_nickname("x" * 100) == "x" * NICKNAME_CHARS == "x" * 20
    assert clean_nickname("a\u202eb\u200bc\nd") == "a b c d"


def test_the_csv_has_one_row_per_slot_and_no_formulas():
    rows = slots([84.0], [86.96]) + [Slot(2, 0, 9, 0.0, "=HYPERLINK(1)")]
    table = list(csv.reader(io.StringIO(to_csv(INFO, rows))))
    assert table[0][:4] == ["code", "slot", "arm", "seed"]
    assert [r[6] for r in table[1:]] == ["84.00", "86.96", ""]
    assert table[3][4] == "'=HYPERLINK(1)"
