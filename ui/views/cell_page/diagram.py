"""The classic cell diagram as inline SVG, drawn with one step's numbers (issue 26).

``lstm_core.analysis.cell_diagram`` says which number sits on which node; this module places
the nodes where ``PICTURES`` says (one picture per cell), colours them and writes the SVG. The
SVG scales with its viewBox (width 100%), so one drawing fits a projector and a phone; every
text in it is escaped; ``<title>`` and ``<desc>`` say the picture in words for screen readers.

Fill encodes value on ColorBrewer's RdBu (colour-blind safe, diverging): −1 blue, 0 white, +1
red, the colours of the step heatmaps beside it: σ gates run 0…1 (white to red), tanh values
−1…1, and c (which can leave −1…1) ±the largest |c| of the trace, like the "c after" heatmap.

    >>> from lstm_core.analysis.cell_diagram import Diagram, Node
    >>> d = Diagram("simple", 0, 2, "<", (Node("h_prev", 0.0, "tanh"), Node("pre", 0.5, "state"),
    ...             Node("h", 0.4621, "tanh")), ("B", 0.5), True, None)
    >>> svg = diagram_html(d, 1.0)
    >>> '<title id="cell-diagram-title">' in svg, 'data-node="h" data-value="0.462"' in svg, "&lt;" in svg
    (True, True, True)
    >>> fill(1.0), fill(0.0), fill(-1.0)
    ('#b2182b', '#f7f7f7', '#2166ac')
"""

from __future__ import annotations

from html import escape

from lstm_core.analysis.cell_diagram import PICTURES, SIGMA, STATE, Diagram
from ui.text.cell import (
    DIAGRAM_COMMON_LABELS,
    DIAGRAM_DESC,
    DIAGRAM_LEGEND,
    DIAGRAM_MOVED,
    DIAGRAM_NOTHING_BEFORE,
    DIAGRAM_PREDICTS,
    DIAGRAM_TABLE,
    DIAGRAM_TITLE,
)
from ui.text.cells import CELL_NAMES, DIAGRAM_LABELS, DIAGRAM_NAMES, GATE_WORDS

# ColorBrewer RdBu, 9 classes, from −1 (blue) through 0 (white) to +1 (red), as Vega's reversed
# "redblue" in the step heatmaps.
RDBU = ("#2166ac", "#4393c3", "#92c5de", "#d1e5f0", "#f7f7f7", "#fddbc7", "#f4a582", "#d6604d", "#b2182b")
DIGITS = 3  # numbers on the picture
EXACT = 8  # numbers on hover and in the table under it
BOX_W, BOX_H, RADIUS = 84, 50, 27


def fill(t: float) -> str:
    """The RdBu colour of ``t`` in −1…1 (clipped), interpolated between the palette's classes."""
    t = max(-1.0, min(1.0, float(t)))
    pos = (t + 1.0) / 2.0 * (len(RDBU) - 1)
    lo = min(int(pos), len(RDBU) - 2)
    frac = pos - lo
    a, b = RDBU[lo], RDBU[lo + 1]
    mix = [round(int(a[j : j + 2], 16) * (1 - frac) + int(b[j : j + 2], 16) * frac) for j in (1, 3, 5)]
    return "#" + "".join(f"{v:02x}" for v in mix)


def shown(value: float) -> str:
    """A number as the diagram writes it: 3 decimals and a true minus sign."""
    text = f"{value:.{DIGITS}f}"
    return "−" + text[1:] if text.startswith("-") else text


def _position(value: float, scale: str, limit: float) -> float:
    """Where ``value`` sits on −1…1 for its fill."""
    if scale == STATE:
        return value / max(limit, 1e-6)
    return value  # σ gates are 0…1 (white to red), tanh values −1…1


def _label(key: str, x: float, y: float, cell: str) -> str:
    """The node's symbol, e.g. "f σ" or "c t−1" (subscript as a tspan)."""
    main, sub = DIAGRAM_LABELS[cell].get(key, DIAGRAM_COMMON_LABELS.get(key, (key, "")))
    tail = f'<tspan dy="4" font-size="12">{escape(sub)}</tspan>' if sub else ""
    return f'<text x="{x}" y="{y}" text-anchor="middle" font-size="16">{escape(main)}{tail}</text>'


def _node(d: Diagram, key: str, x: float, y: float, shape: str, limit: float, layout: dict) -> str:
    node = next(n for n in d.nodes if n.key == key)
    t = _position(node.value, node.scale, limit)
    colour = fill(t if node.scale != SIGMA else max(0.0, t))
    ink = "#ffffff" if abs(t) > 0.6 else "#111111"  # dark fills get white numbers
    box_w = layout.get("box_w", BOX_W)
    outlined = layout.get("gate_nodes", {}).get(d.moved, d.moved)  # the node of the gate that moved most
    moved = ' stroke-width="4"' if key == outlined else ' stroke-width="1.5"'
    attrs = f'data-node="{key}" data-value="{shown(node.value).replace("−", "-")}"'
    hover = f"<title>{escape(DIAGRAM_NAMES[d.cell][key])} = {node.value:.{EXACT}f}</title>"  # exact, on hover
    if shape == "circle":
        body = (f'<circle cx="{x}" cy="{y}" r="{RADIUS}" fill="{colour}" stroke="currentColor"{moved}/>'
                f'<text x="{x}" y="{y + 6}" text-anchor="middle" font-size="17" fill="{ink}">'
                f'{escape(layout["ops"][key])}</text>'
                f'<text x="{x + RADIUS + 4}" y="{y - RADIUS + 2}" font-size="17" font-weight="bold">'
                f"{shown(node.value)}</text>")
    else:
        body = (f'<rect x="{x - box_w / 2}" y="{y - BOX_H / 2}" width="{box_w}" height="{BOX_H}" rx="8" '
                f'fill="{colour}" stroke="currentColor"{moved}/>'
                f'<g fill="{ink}">{_label(key, x, y - 5, d.cell)}'
                f'<text x="{x}" y="{y + 18}" text-anchor="middle" font-size="18" font-weight="bold">'
                f"{shown(node.value)}</text></g>")
    return f"<g {attrs}>{hover}{body}</g>"


def moved_sentence(d: Diagram) -> str:
    """The "what changed" line: the gate that moved most since the previous step."""
    if d.moved is None:
        return DIAGRAM_NOTHING_BEFORE
    words = GATE_WORDS[d.cell][d.moved]
    return DIAGRAM_MOVED.format(
        step=d.step, gate=words, before=shown(d.moved_from), after=shown(d.moved_to),
        change=("+" if d.moved_to >= d.moved_from else "−") + f"{abs(d.moved_to - d.moved_from):.{DIGITS}f}",
    )


def diagram_html(d: Diagram, limit: float, layer_words: str = "") -> str:
    """The figure: the SVG (scaled by its viewBox to the column's width) and the "what changed"
    line under it. ``limit`` is the largest |c| of the trace (c's colour range)."""
    layout = PICTURES[d.cell]
    width, height = layout["size"]
    letter, p = d.prediction
    title = DIAGRAM_TITLE.format(name=CELL_NAMES[d.cell], unit=d.unit + 1, step=d.step + 1, layer=layer_words)
    desc = DIAGRAM_DESC.format(
        fed=d.fed, values="; ".join(f"{DIAGRAM_NAMES[d.cell][n.key]} {shown(n.value)}" for n in d.nodes),
        letter=letter, p=p,
    )
    wires = "".join(
        f'<polyline points="{" ".join(f"{a},{b}" for a, b in w)}" fill="none" stroke="currentColor" '
        'stroke-opacity="0.55" stroke-width="2"/>'
        for w in layout["wires"]
    )
    nodes = "".join(
        _node(d, key, x, y, shape, limit, layout)
        for key, (x, y, shape) in layout["nodes"].items()
        if any(n.key == key for n in d.nodes)
    )
    exits = "".join(
        f'<text x="{x + 4}" y="{y - 8}" text-anchor="end" font-size="17">'
        f'{escape(DIAGRAM_COMMON_LABELS[k][0])}<tspan dy="4" font-size="12">t</tspan></text>'
        for k, (x, y) in layout["exits"].items()
    )
    fed = "" if any(n.key == "x" for n in d.nodes) else (
        f'<text x="{layout["nodes"]["x"][0]}" y="{layout["nodes"]["x"][1] + 6}" text-anchor="middle" '
        f'font-size="16">x<tspan dy="4" font-size="12">t</tspan>'
        f'<tspan dy="-4"> = {escape(d.fed)}</tspan></text>'
    )
    verb = DIAGRAM_PREDICTS[d.is_output]
    prediction = (f'<text x="{width - 10}" y="{height - 12}" text-anchor="end" font-size="17">'
                  f"{escape(verb)} <tspan font-weight=\"bold\">{escape(letter)}</tspan> ({p:.0%})</text>")
    svg = (
        f'<svg viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-labelledby="cell-diagram-title cell-diagram-desc" '
        f'style="max-width:{width}px;height:auto;display:block;font-family:sans-serif">'
        f'<title id="cell-diagram-title">{escape(title)}</title>'
        f'<desc id="cell-diagram-desc">{escape(desc)}</desc>'
        f"{wires}{exits}{nodes}{fed}{prediction}</svg>"
    )
    return (
        f'<figure class="cell-diagram" data-step="{d.step + 1}" data-unit="{d.unit + 1}" '
        f'style="margin:0;max-width:100%">{svg}'
        f'<figcaption style="font-size:0.95rem;margin-top:0.3rem">{escape(moved_sentence(d))}<br>'
        f'<span style="opacity:0.75;font-size:0.85rem">{escape(DIAGRAM_LEGEND)}</span></figcaption>'
        f"{exact_table(d)}</figure>"
    )


def exact_table(d: Diagram) -> str:
    """Every number on the diagram, named, with 8 decimals, in a details element (closed): part
    of the figure, so it changes with the picture (a ``st.dataframe`` in a closed expander also
    kept its old width after a resize and stuck out of the page)."""
    names = DIAGRAM_NAMES[d.cell]
    rows = "".join(
        f'<tr data-node="{n.key}"><td>{escape(names[n.key])}</td>'
        f'<td style="text-align:right;font-variant-numeric:tabular-nums">{n.value:.{EXACT}f}</td></tr>'
        for n in d.nodes
    )
    return (
        f'<details style="margin-top:0.4rem"><summary>{escape(DIAGRAM_TABLE)}</summary>'
        f'<table class="cell-diagram-values"><thead><tr><th>on the diagram</th><th>value</th></tr></thead>'
        f"<tbody>{rows}</tbody></table></details>"
    )
