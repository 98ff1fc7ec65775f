"""Geometry for the server-rendered SVG pictures: the status bar, the dot map, the Ofsted profile.

Only numbers and shapes are worked out here; the templates draw them. Every status has
a colour *and* a shape (and the bars carry their labels and values as text), so colour
is never the only cue.
"""

import json
import math
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from .choices import PilotStatus

# Shapes by status: the map's markers, repeated in the legend and the status bars.
STATUS_SHAPES = {
    PilotStatus.NOT_SHORTLISTED: "ring",
    PilotStatus.SHORTLISTED: "circle",
    PilotStatus.CONSIDERING: "diamond",
    PilotStatus.EOI_SUBMITTED: "square",
    PilotStatus.DECLINED: "cross",
    PilotStatus.CONFIRMED_LEAD: "triangle",
    PilotStatus.PARTNER: "triangle-down",
    PilotStatus.WITHDRAWN: "bar",
}

SHAPE_NAMES = {
    "dot": "small grey dot",
    "ring": "ring",
    "circle": "circle",
    "diamond": "diamond",
    "square": "square",
    "cross": "cross",
    "triangle": "triangle",
    "triangle-down": "downward triangle",
    "bar": "bar",
}


@lru_cache(maxsize=4096)
def marker_path(shape, x, y, r):
    """An SVG path for ``shape`` centred on (x, y), about 2r across (worked out once per process for each:
    the map draws a marker or dot for every council on every render, at the same few places)."""
    if shape in ("circle", "dot"):
        return f"M{x - r:.1f},{y:.1f}a{r:.1f},{r:.1f} 0 1,0 {2 * r:.1f},0a{r:.1f},{r:.1f} 0 1,0 {-2 * r:.1f},0Z"
    if shape == "ring":
        # The inner circle runs the other way round, so the fill leaves it empty.
        inner = r * 0.55
        return marker_path("circle", x, y, r) + (
            f"M{x - inner:.1f},{y:.1f}a{inner:.1f},{inner:.1f} 0 1,1 {2 * inner:.1f},0"
            f"a{inner:.1f},{inner:.1f} 0 1,1 {-2 * inner:.1f},0Z"
        )
    if shape == "square":
        s = r * 0.9
        return f"M{x - s:.1f},{y - s:.1f}h{2 * s:.1f}v{2 * s:.1f}h{-2 * s:.1f}Z"
    if shape == "diamond":
        s = r * 1.25
        return f"M{x:.1f},{y - s:.1f}L{x + s:.1f},{y:.1f}L{x:.1f},{y + s:.1f}L{x - s:.1f},{y:.1f}Z"
    if shape == "triangle":
        s = r * 1.25
        return f"M{x:.1f},{y - s:.1f}L{x + s:.1f},{y + s * 0.8:.1f}L{x - s:.1f},{y + s * 0.8:.1f}Z"
    if shape == "triangle-down":
        s = r * 1.25
        return f"M{x:.1f},{y + s:.1f}L{x + s:.1f},{y - s * 0.8:.1f}L{x - s:.1f},{y - s * 0.8:.1f}Z"
    if shape == "cross":
        a, b = r * 1.1, r * 0.4
        points = [
            (-a, -a + b), (-a + b, -a), (0, -b), (a - b, -a), (a, -a + b), (b, 0),
            (a, a - b), (a - b, a), (0, b), (-a + b, a), (-a, a - b), (-b, 0),
        ]  # fmt: skip
        return "M" + "L".join(f"{x + px:.1f},{y + py:.1f}" for px, py in points) + "Z"
    if shape == "bar":
        return f"M{x - r * 1.2:.1f},{y - r * 0.45:.1f}h{r * 2.4:.1f}v{r * 0.9:.1f}h{-r * 2.4:.1f}Z"
    raise ValueError(f"Unknown shape {shape!r}")


def status_shape(status):
    return STATUS_SHAPES[PilotStatus(status)]


def legend(statuses, r=7):
    """One entry per status: its label, CSS class, shape name and a marker path at (r+1, r+1)."""
    entries = []
    for status in statuses:
        status = PilotStatus(status)
        shape = STATUS_SHAPES[status]
        entries.append(
            {
                "status": status.value,
                "label": status.label,
                "shape": SHAPE_NAMES[shape],
                "path": marker_path(shape, r + 2, r + 2, r),
                "size": 2 * r + 4,
            }
        )
    return entries


@dataclass
class Bar:
    label: str
    value: int
    css_class: str
    y: float
    width: float
    text_y: float
    bar_y: float
    value_x: float
    marker: str = ""


def bar_chart(rows, *, width=520, row_height=34, label_width=200, value_width=50, marker=True):
    """Horizontal bars. ``rows`` is [(label, value, css_class, shape_or_None)]."""
    biggest = max((value for _, value, _, _ in rows), default=0) or 1
    track = width - label_width - value_width
    bars = []
    for index, (label, value, css_class, shape) in enumerate(rows):
        y = index * row_height
        bar_width = round(max(track * value / biggest, 2 if value else 0), 1)
        bars.append(
            Bar(
                label=label,
                value=value,
                css_class=css_class,
                y=y,
                width=bar_width,
                text_y=y + row_height / 2 + 5,
                bar_y=y + 6,
                value_x=label_width + bar_width + 8,
                marker=marker_path(shape, 10, y + row_height / 2, 7) if (marker and shape) else "",
            )
        )
    return {
        "width": width,
        "height": max(len(rows), 1) * row_height,
        "row_height": row_height,
        "bar_height": row_height - 12,
        "label_x": 26 if marker else 0,
        "bar_x": label_width,
        "bars": bars,
    }


def status_bar_chart(counts):
    """The status breakdown: one bar per status with its count, from selectors.status_counts."""
    return bar_chart(
        [(count.label, count.count, f"status-{count.status.value}", STATUS_SHAPES[count.status]) for count in counts]
    )


# England (with the Isles of Scilly and Northumberland), with a little room at the edges.
MAP_BOUNDS = {"west": -6.5, "east": 2.0, "south": 49.8, "north": 55.95}
MAP_WIDTH = 440


def map_projection(latitude, longitude, *, width=MAP_WIDTH, bounds=MAP_BOUNDS):
    """Equirectangular projection scaled for England's middle latitude: (x, y) in the SVG's units."""
    mid = math.radians((bounds["north"] + bounds["south"]) / 2)
    span_x = (bounds["east"] - bounds["west"]) * math.cos(mid)
    scale = width / span_x
    x = (longitude - bounds["west"]) * math.cos(mid) * scale
    y = (bounds["north"] - latitude) * scale
    return round(x, 1), round(y, 1)


def map_height(*, width=MAP_WIDTH, bounds=MAP_BOUNDS):
    return round(map_projection(bounds["south"], bounds["east"], width=width, bounds=bounds)[1], 1)


# England's coast, simplified from Natural Earth: councils/data/README.md says how it was built.
OUTLINE_FILE = Path(__file__).resolve().parent / "data" / "england-outline.json"
OTHER_DOT_RADIUS = 2.6
# The key's one entry for the small grey dot: every council the map does not mark by status.
OTHERS_KEY = {"label": "Other councils", "shape": SHAPE_NAMES["dot"], "path": marker_path("dot", 9, 9, 3), "size": 18}


@cache
def outline_rings():
    """England's rings (the mainland, then the Isle of Wight) projected as the councils are: [[(x, y)]]."""
    rings = json.loads(OUTLINE_FILE.read_text())["rings"]
    return [[map_projection(lat, lon) for lon, lat in ring] for ring in rings]


@cache
def outline_path():
    """The outline of England as one SVG path, drawn behind the dots."""
    return "".join("M" + "L".join(f"{x:g},{y:g}" for x, y in ring) + "Z" for ring in outline_rings())


def dot_map(points, highlighted_pks, *, label_limit=12, groups=None):
    """The dot map: every council as a small grey dot, the ``highlighted_pks`` as status markers.

    ``points`` comes from selectors.council_points. Highlighted councils are labelled by
    name when there are few enough to read. The key names each symbol drawn once:
    ``statuses`` for the markers, then ``others`` for the small grey dot (None if none is drawn).

    ``groups`` (optional) maps a council's pk to ``(number, name)`` of the group it is in (its
    partnership): each marker then carries ``group`` and is labelled with that number, so groups
    are told apart by text, not colour; ``groups`` in the result lists each number and name once.
    """
    groups = groups or {}
    background, markers = [], []
    for point in points:
        if point["latitude"] is None or point["longitude"] is None:
            continue
        x, y = map_projection(point["latitude"], point["longitude"])
        if point["pk"] in highlighted_pks:
            markers.append(
                {
                    "name": point["name"],
                    "status": point["status"].value,
                    "status_label": point["status"].label,
                    "x": x,
                    "y": y,
                    "path": marker_path(STATUS_SHAPES[point["status"]], x, y, 6),
                    "label_x": x + 9 if x < MAP_WIDTH * 0.6 else x - 9,
                    "label_anchor": "start" if x < MAP_WIDTH * 0.6 else "end",
                    "group": groups.get(point["pk"], (None, ""))[0],
                }
            )
        else:
            background.append(marker_path("dot", x, y, OTHER_DOT_RADIUS))
    return {
        "width": MAP_WIDTH,
        "height": map_height(),
        "outline": outline_path(),
        "background": "".join(background),
        "markers": markers,
        "labelled": len(markers) <= label_limit,
        "statuses": legend(sorted({m["status"] for m in markers}, key=list(PilotStatus.values).index)),
        "others": OTHERS_KEY if background else None,
        "groups": [{"number": number, "name": name} for number, name in sorted(set(groups.values()))],
    }


OFSTED_PROFILE_KEYS = (
    ("good-or-outstanding", "Good or outstanding", "ofsted-good"),
    ("requires-improvement", "Requires improvement", "ofsted-ri"),
    ("inadequate", "Inadequate", "ofsted-inadequate"),
)


def ofsted_profile(figures):
    """The shortlist's children's services judgements, from the key figures (None if not reported)."""
    rows = [(label, int(figures[key].value), css, None) for key, label, css in OFSTED_PROFILE_KEYS if key in figures]
    if not rows:
        return None
    chart = bar_chart(rows, marker=False, label_width=190)
    chart["rows"] = [
        {"label": label, "figure": figures[key]} for key, label, _ in OFSTED_PROFILE_KEYS if key in figures
    ]
    chart["total"] = sum(value for _, value, _, _ in rows)
    return chart
