"""The Cell page's charts (``ui/views/cell_page/charts.py``) number units from 1, as the State
page's heatmap (``ui/charts.py``) does, while reading the engine's arrays from index 0."""

from __future__ import annotations

import numpy as np

from ui import charts
from ui.views.cell_page import charts as cell_charts


def test_the_step_heatmaps_data_and_axis_number_units_from_1():
    data, spec = cell_charts.gates_chart(*np.zeros((4, 5)))
    assert sorted(set(data["unit"])) == [1, 2, 3, 4, 5]
    assert spec["encoding"]["x"]["axis"]["values"][0] == 1


def test_over_steps_numbers_units_as_the_state_page_does():
    values = np.arange(6.0).reshape(3, 2)  # 3 steps, 2 units
    cell = cell_charts.over_steps_chart(values, list("ABC"), "h", [-1.0, 1.0]).data
    state = charts.state_heatmap(values, list("ABC"), np.zeros(3, bool), "h").data
    assert sorted(set(cell["unit"])) == sorted(set(state["unit"])) == [1, 2]
    # unit 2 is the engine's column 1
    assert list(cell[cell["unit"] == 2]["value"]) == [1.0, 3.0, 5.0]


def test_the_line_chart_names_unit_indices_by_their_number():
    chart = cell_charts.unit_line_chart(np.zeros((2, 3)), list("AB"), [0], [0, 2])
    assert sorted(set(chart.data["unit"])) == ["unit 1", "unit 3"]
