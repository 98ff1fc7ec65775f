"""The pictures' geometry: places land where England is, and each status has its own shape."""

import json
import math

from councils import charts
from councils.choices import PilotStatus
from councils.importers import DEFAULT_CSV, read_councils


def test_every_status_has_its_own_shape():
    shapes = [charts.STATUS_SHAPES[status] for status in PilotStatus]
    assert len(set(shapes)) == len(PilotStatus)


def test_every_status_is_drawn_differently():
    """Not shortlisted was a "dot" drawn as the same circle as Shortlisted: shape alone must tell them apart."""
    drawn = {charts.marker_path(shape, 10, 10, 6) for shape in charts.STATUS_SHAPES.values()}
    assert len(drawn) == len(PilotStatus)


def test_map_places_councils_by_latitude_and_longitude():
    hereford = charts.map_projection(52.06, -2.72)
    brighton = charts.map_projection(50.83, -0.14)
    northumberland = charts.map_projection(55.24, -2.0)
    scilly = charts.map_projection(49.94, -6.32)

    assert brighton[0] > hereford[0]  # east is right
    assert brighton[1] > hereford[1]  # south is down
    assert northumberland[1] < hereford[1]
    for x, y in (hereford, brighton, northumberland, scilly):
        assert 0 <= x <= charts.MAP_WIDTH
        assert 0 <= y <= charts.map_height()


def test_dot_map_highlights_only_the_shown_councils_and_builds_the_key():
    points = [
        {"pk": 1, "name": "Herefordshire", "latitude": 52.06, "longitude": -2.72, "status": PilotStatus.DECLINED},
        {"pk": 2, "name": "Barnet", "latitude": 51.6, "longitude": -0.2, "status": PilotStatus.NOT_SHORTLISTED},
        {"pk": 3, "name": "Nowhere", "latitude": None, "longitude": None, "status": PilotStatus.SHORTLISTED},
    ]

    drawn = charts.dot_map(points, {1})

    assert [marker["name"] for marker in drawn["markers"]] == ["Herefordshire"]
    assert drawn["background"].count("M") == 1
    assert [(entry["label"], entry["shape"]) for entry in drawn["statuses"]] == [("Declined", "cross")]
    assert (drawn["others"]["label"], drawn["others"]["shape"]) == ("Other councils", "small grey dot")


def test_map_key_names_each_symbol_once():
    """A listed council that is not shortlisted and the unlisted ones were both called "small grey dot"."""
    points = [
        {"pk": 1, "name": "Shortlisted", "latitude": 52.0, "longitude": -1.0, "status": PilotStatus.SHORTLISTED},
        {"pk": 2, "name": "Listed", "latitude": 52.5, "longitude": -1.5, "status": PilotStatus.NOT_SHORTLISTED},
        {"pk": 3, "name": "Unlisted", "latitude": 53.0, "longitude": -2.0, "status": PilotStatus.NOT_SHORTLISTED},
    ]

    drawn = charts.dot_map(points, {1, 2})
    key = [*drawn["statuses"], drawn["others"]]

    assert [(entry["label"], entry["shape"]) for entry in key] == [
        ("Not shortlisted", "ring"),
        ("Shortlisted", "circle"),
        ("Other councils", "small grey dot"),
    ]
    shapes = [entry["shape"] for entry in key]
    assert len(set(shapes)) == len(shapes)
    assert len({entry["path"] for entry in key}) == len(key)
    listed = next(marker for marker in drawn["markers"] if marker["name"] == "Listed")
    assert listed["path"] == charts.marker_path("ring", listed["x"], listed["y"], 6)  # not a grey circle


def test_map_key_has_no_other_councils_when_every_council_is_listed():
    points = [{"pk": 1, "name": "A", "latitude": 52.0, "longitude": -1.0, "status": PilotStatus.NOT_SHORTLISTED}]
    drawn = charts.dot_map(points, {1})
    assert drawn["background"] == ""
    assert drawn["others"] is None


def test_outline_of_england_is_a_few_kilobytes_on_the_map():
    path = charts.dot_map([], set())["outline"]

    assert path.startswith("M") and path.count("Z") == 2  # the mainland and the Isle of Wight
    assert len(path) < 4000
    assert charts.OUTLINE_FILE.stat().st_size < 5000
    for ring in charts.outline_rings():
        assert len(ring) >= 10
        for x, y in ring:
            assert 0 <= x <= charts.MAP_WIDTH
            assert 0 <= y <= charts.map_height()


def test_outline_is_england_alone():
    """Inland England is on the land; Wales, Scotland, France and the North Sea are not."""
    inside = {"London": (51.51, -0.13), "Birmingham": (52.48, -1.9), "Carlisle": (54.89, -2.93), "Ely": (52.4, 0.26)}
    outside = {
        "Cardiff": (51.48, -3.18),
        "Aberystwyth": (52.41, -4.08),
        "Edinburgh": (55.95, -3.19),
        "Calais": (50.95, 1.86),
        "North Sea": (54.0, 1.5),
    }
    for place, (lat, lon) in inside.items():
        assert inside_outline(*charts.map_projection(lat, lon)), place
    for place, (lat, lon) in outside.items():
        assert not inside_outline(*charts.map_projection(lat, lon)), place


def inside_outline(x, y):
    """Whether the projected point (x, y) is on the outline's land: even–odd ray casting over every ring."""
    inside = False
    for ring in charts.outline_rings():
        for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
            if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
                inside = not inside
    return inside


def distance_to_outline(x, y):
    """How far the projected point (x, y) is from the nearest edge of the outline, in the map's pixels."""
    best = math.inf
    for ring in charts.outline_rings():
        for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
            dx, dy = x2 - x1, y2 - y1
            t = max(0.0, min(1.0, ((x - x1) * dx + (y - y1) * dy) / (dx * dx + dy * dy)))
            best = min(best, math.hypot(x - x1 - t * dx, y - y1 - t * dy))
    return best


def test_every_council_dot_falls_on_the_outline():
    """149 of the 153 councils' points (97%) are inside; Blackpool, Portsmouth and Torbay sit on the coast.

    The Isles of Scilly are too small for Natural Earth's 1:50m layer: their dot stands in the
    sea where the islands are, west of Land's End.
    """
    councils = {
        row["short_name"]: charts.map_projection(row["latitude"], row["longitude"])
        for row in read_councils(DEFAULT_CSV)
    }
    assert len(councils) == 153
    xs = [x for ring in charts.outline_rings() for x, _ in ring]
    ys = [y for ring in charts.outline_rings() for _, y in ring]
    scilly = councils.pop("Isles of Scilly")

    for name, (x, y) in councils.items():
        assert min(xs) <= x <= max(xs) and min(ys) <= y <= max(ys), name
    off = {name for name, point in councils.items() if not inside_outline(*point)}
    inside = len(councils) - len(off)
    assert inside == 149 and inside / 153 >= 0.95
    assert off == {"Blackpool", "Portsmouth", "Torbay"}
    for name in off:
        assert distance_to_outline(*councils[name]) < 1, name  # under a pixel off the coast
    assert scilly[0] < min(xs) and 30 < distance_to_outline(*scilly) < 45


def test_outline_file_records_its_source():
    document = json.loads(charts.OUTLINE_FILE.read_text())
    assert "Natural Earth" in document["source"]
    assert "public domain" in document["licence"].lower()
    assert document["package"].startswith("Debian r-cran-rnaturalearthdata")


def test_bar_lengths_are_proportional_and_zero_is_empty():
    chart = charts.bar_chart([("A", 10, "a", None), ("B", 5, "b", None), ("C", 0, "c", None)], marker=False)
    a, b, c = chart["bars"]
    assert a.width == 2 * b.width
    assert c.width == 0
