"""The claims a class can test beyond the tutorial's: the Lab's settings against one changed field,
and the Memory lesson's delayed recall on the gated cell against the ungated one (issue 24)."""

from __future__ import annotations

import pytest

from lstm_core.config import LSTMConfig
from lstm_core.data.framings import make_dataset
from lstm_core.experiments.class_experiment import (
    CHANGED,
    CLAIMS,
    NEITHER,
    RECALL,
    board,
    changeable,
    changed_field,
    choices,
    differing,
    scaled,
    score,
)
from lstm_core.experiments.why_lstm import recall_mask
from lstm_core.limits.shape import CELL_KINDS
from lstm_core.model.cells import init_weights
from lstm_core.model.results import TrainResult
from lstm_core.presets import preset
from lstm_core.store.class_records import ClassInfo, Slot

LAB = preset("naive").replace(units=8)  # as a Lab link's settings would give them
UNGATED = next(kind for kind in CELL_KINDS.values() if not kind.gated)


def test_a_changed_field_gives_two_arms_that_differ_in_it_only():
    claim = changed_field(LAB, "batch_size", "5", "Batch size")  # naive: batches of 1
    assert claim.name == CHANGED
    assert [a.config for a in claim.arms] == [LAB, LAB.replace(batch_size=5)]
    assert [a.label for a in claim.arms] == ["Batch size 1", "Batch size 5"]
    assert claim.question == "Will changing Batch size from 1 to 5 change accuracy?"
    assert differing(claim.arms) == ["batch_size"]
    assert all(a.tutorial is None for a in claim.arms)


@pytest.mark.parametrize("name, value, label, shown", [
    ("shuffle", False, "Shuffle each epoch", ["Shuffle each epoch on", "Shuffle each epoch off"]),
    ("learning_rate", "0.01", "Learning rate", ["Learning rate 0.001", "Learning rate 0.01"]),
    ("cell", UNGATED.name, "Cell", ["Cell LSTM", f"Cell {UNGATED.label}"]),
])
def test_the_arms_are_named_by_the_forms_label_and_readable_values(name, value, label, shown):
    assert [a.label for a in changed_field(LAB, name, value, label).arms] == shown


@pytest.mark.parametrize("value, said", [
    ("0", "Units: 0 is not allowed"),  # LSTMConfig's own sentence, by the form's label
    ("many", "Units"),
    ("8", "Units is 8 already: give it another value."),
])
def test_a_refused_or_unchanged_value_is_one_sentence(value, said):
    from ui.errors import worded  # the page words the refusal with the form's labels

    with pytest.raises(ValueError) as caught:
        changed_field(LAB, "units", value, "Units")
    sentence = worded(caught.value, {"units": "Units"})
    assert sentence.startswith(said) and "\n" not in sentence, sentence


def test_the_framing_the_text_the_seed_and_fields_the_framing_ignores_cannot_change():
    fields = changeable(LAB, ["framing", "sequence", "seed", "units", "num_samples", "steps_per_update"])
    assert fields == ["units"]
    with pytest.raises(ValueError, match="cannot be the changed field"):
        changed_field(LAB, "seed", "9", "Seed")


def test_a_changed_field_class_asks_yes_or_no_and_its_verdict_names_the_values():
    claim = changed_field(LAB, "units", "16", "Units")
    answers = choices(claim.arms, CHANGED)
    assert answers[NEITHER].startswith("no:") and answers["1"] == "yes: higher with Units 16"
    info = ClassInfo("ACK3PQ", CHANGED, claim.title, claim.question, claim.arms, 0.0, 1e12, 100, False)
    slots = [Slot(k, k % 2, 7 + k, 0.0, "", "1", f"r{k}", (80.0, 92.0)[k % 2] + k % 3, 25) for k in range(10)]
    data = board(info, slots)
    assert data.verdict.startswith("Over 5 and 5 runs, Units 8 averages") and data.outcome == "1"
    assert data.right == 10


def test_delayed_recall_sets_the_gated_cell_against_the_ungated_one():
    claim = CLAIMS[RECALL]
    gated, ungated = (CELL_KINDS[a.config.cell] for a in claim.arms)
    assert gated.has_c and not ungated.gated  # from the variant spec, not a name typed here
    assert claim.title.startswith(f"{gated.label} vs {ungated.label} on delayed recall")
    assert differing(claim.arms) == ["cell"]
    assert [a.config.epochs for a in scaled(claim.arms, 0.1)] == [40, 40]


def test_a_recall_run_is_scored_on_the_recalled_letters_only():
    config = CLAIMS[RECALL].arms[1].config.replace(seed=7)
    run = TrainResult(config, make_dataset(config), init_weights(config))  # untrained: numpy inference only
    accuracy, samples = score(RECALL, run)
    mask = recall_mask(config)
    assert samples == int(mask.sum()) < config.num_examples
    assert round(accuracy * samples / 100, 6).is_integer()  # a share of the recalled letters
    every, all_samples = score("naive-vs-feature-window", run)
    assert all_samples == config.num_examples and 0 <= every <= 100


def test_every_claims_arms_are_valid_settings():
    for claim in CLAIMS.values():
        for arm in claim.arms:
            assert LSTMConfig.from_dict(arm.config.to_dict()) == arm.config
