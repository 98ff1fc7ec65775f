"""The pictures' geometry: places land where England is, and each status has its own shape."""

from councils import charts
from councils.choices import PilotStatus


def test_every_status_has_its_own_shape():
    shapes = [charts.STATUS_SHAPES[status] for status in PilotStatus]
    assert len(set(shapes)) == len(PilotStatus)


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


def test_bar_lengths_are_proportional_and_zero_is_empty():
    chart = charts.bar_chart([("A", 10, "a", None), ("B", 5, "b", None), ("C", 0, "c", None)], marker=False)
    a, b, c = chart["bars"]
    assert a.width == 2 * b.width
    assert c.width == 0
