"""Compare: several framings x seeds, bounded, summarised against the tutorial."""

from apptest_support import assert_clean, button, open_page


def test_compare_trains_framings_over_seeds_and_summarises():
    at = open_page("pages/compare.py")
    at.multiselect[0].set_value(["naive", "feature-window"])
    at.number_input[0].set_value(2)
    at.select_slider[0].set_value(0.1)
    button(at, "Compare").click().run()
    assert_clean(at)
    table = at.dataframe[0].value
    assert list(table["framing"]) == ["naive", "feature-window"]
    assert list(table["runs"]) == [2, 2]
    assert (table["min"] <= table["median"]).all() and (table["median"] <= table["max"]).all()
    assert list(table["tutorial"]) == [84.0, 86.96]
    assert any("seeds" in i.value for i in at.info)  # the verdict on 84% vs 86.96%


def test_compare_refuses_more_work_than_a_shared_server_allows():
    at = open_page("pages/compare.py")
    at.multiselect[0].set_value(["variable-length"])
    at.number_input[0].set_value(10)
    button(at, "Compare").click().run()
    assert_clean(at)
    assert any("limit" in e.value for e in at.error)
    assert len(at.dataframe) == 0
