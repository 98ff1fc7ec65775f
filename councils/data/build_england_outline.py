"""Build england-outline.json, the outline of England drawn behind the tracker's dot map.

The source is Natural Earth's 1:50m "admin 0 map units" layer (public domain), as Debian
ships it in the R data package r-cran-rnaturalearthdata (0.1.0-2, CC0). Natural Earth's
map units split the United Kingdom into England, Scotland, Wales and Northern Ireland, so
England can be taken alone. To rebuild the file from the package (no R needed):

    apt-get download r-cran-rnaturalearthdata
    dpkg-deb -x r-cran-rnaturalearthdata_0.1.0-2_all.deb /tmp/ne
    python councils/data/build_england_outline.py \\
        /tmp/ne/usr/lib/R/site-library/rnaturalearthdata/data

The package keeps its data in R's lazy-load database (Rdata.rdx, an index, and Rdata.rdb,
the compressed objects); the reader below understands just enough of R's serialization
format to pull the ``map_units50`` object out of it. England's rings are kept if they are
at least ``MIN_AREA_KM2`` (the main island and the Isle of Wight; smaller islands are
dropped), simplified with Douglas–Peucker to ``TOLERANCE_KM``, and written as longitude,
latitude rings: councils/charts.py projects them with the same projection as the councils.
"""

import gzip
import json
import lzma
import math
import struct
import sys
import zlib
from pathlib import Path

OUTPUT = Path(__file__).with_name("england-outline.json")
LAYER = "map_units50"
UNIT = "England"
MIN_AREA_KM2 = 150  # the Isle of Wight is about 380 km²; Lindisfarne, Scilly and the rest are smaller
TOLERANCE_KM = 1.5  # about two pixels on the 440-pixel-wide map
DECIMALS = 3  # about 100 m
KM_PER_DEGREE = 111.32
MID_LATITUDE = 52.9  # the middle of the map's bounds: longitudes are scaled by its cosine

SOURCE = {
    "source": "Natural Earth 1:50m cultural vectors, admin 0 map units, the unit England",
    "package": "Debian r-cran-rnaturalearthdata 0.1.0-2 (rnaturalearthdata 0.1.0, February 2017), object map_units50",
    "licence": "Public domain (Natural Earth); the R package is CC0",
    "attribution": "Made with Natural Earth. Free vector and raster map data @ naturalearthdata.com.",
    "min_area_km2": MIN_AREA_KM2,
    "tolerance_km": TOLERANCE_KM,
}


# R's serialization format (XDR), as much of it as this data needs.
NILVALUE, REF, PERSIST, NAMESPACE, PACKAGE = 254, 255, 247, 249, 248
SPECIAL_ENVS = {253, 252, 251, 250, 242, 241}  # global, unbound, missing, base namespace, empty, base
SYM, LIST, ENV, LANG, CHAR, LGL, INT, REAL, CPLX, STR, VEC, EXPR, RAW, S4 = (
    1, 2, 4, 6, 9, 10, 13, 14, 15, 16, 19, 20, 24, 25,
)  # fmt: skip
ALTREP, ATTRLIST = 238, 239  # ATTRLISTSXP: a pairlist carrying attributes


class RObject:
    """An R value: ``value`` (a list, a string or None) with its ``attrs`` (slots, names, class)."""

    def __init__(self, kind, value=None, attrs=None):
        self.kind, self.value, self.attrs = kind, value, attrs or {}

    def slot(self, name):
        return self.attrs[name]


class Unserializer:
    def __init__(self, data):
        self.data, self.at, self.refs = data, 0, []
        if data[:2] != b"X\n":
            raise ValueError("not an XDR-serialized R object")
        self.at = 2
        version = self.int()
        self.int(), self.int()  # the writer's R version, the oldest reader's
        if version == 3:
            encoding_length = self.int()  # then the native encoding's name, skipped
            self.at += encoding_length

    def int(self):
        (value,) = struct.unpack_from(">i", self.data, self.at)
        self.at += 4
        return value

    def length(self):
        length = self.int()
        if length == -1:
            high, low = self.int(), self.int()
            length = (high << 32) + low
        return length

    def doubles(self, count):
        values = struct.unpack_from(f">{count}d", self.data, self.at)
        self.at += 8 * count
        return list(values)

    def attributes(self, flags):
        return self.pairlist_dict(self.item()) if flags & (1 << 9) else {}

    @staticmethod
    def pairlist_dict(pairlist):
        return dict(pairlist.value) if pairlist is not None else {}

    def item(self):
        flags = self.int()
        kind = flags & 0xFF
        if kind == NILVALUE:
            return None
        if kind in SPECIAL_ENVS:
            return RObject(kind)
        if kind == REF:
            index = flags >> 8 or self.int()
            return self.refs[index - 1]
        if kind in (PERSIST, NAMESPACE, PACKAGE):
            if self.int() != 0:
                raise ValueError("unexpected string vector header")
            names = [self.item().value for _ in range(self.int())]
            value = RObject(kind, names)
            self.refs.append(value)
            return value
        if kind == SYM:
            value = RObject(SYM, self.item().value)
            self.refs.append(value)
            return value
        if kind == ENV:
            env = RObject(ENV)
            self.refs.append(env)
            self.int()  # locked
            env.value = [self.item(), self.item(), self.item()]  # enclosure, frame, hash table
            env.attrs = self.pairlist_dict(self.item())
            return env
        if kind in (LIST, LANG, ATTRLIST):
            return self.pairlist(flags)
        if kind == CHAR:
            length = self.int()
            if length == -1:
                return RObject(CHAR, None)
            text = self.data[self.at : self.at + length].decode("utf-8", "replace")
            self.at += length
            return RObject(CHAR, text)
        if kind == ALTREP:
            return self.altrep()
        if kind in (LGL, INT):
            count = self.length()
            values = list(struct.unpack_from(f">{count}i", self.data, self.at))
            self.at += 4 * count
            return RObject(kind, values, self.attributes(flags))
        if kind == REAL:
            values = self.doubles(self.length())
            return RObject(kind, values, self.attributes(flags))
        if kind == CPLX:
            values = self.doubles(2 * self.length())
            return RObject(kind, values, self.attributes(flags))
        if kind == RAW:
            count = self.length()
            value = self.data[self.at : self.at + count]
            self.at += count
            return RObject(kind, value, self.attributes(flags))
        if kind == STR:
            values = [self.item().value for _ in range(self.length())]
            return RObject(kind, values, self.attributes(flags))
        if kind in (VEC, EXPR):
            values = [self.item() for _ in range(self.length())]
            return RObject(kind, values, self.attributes(flags))
        if kind == S4:
            return RObject(kind, None, self.attributes(flags))
        raise ValueError(f"R type {kind} is not needed for this data and not read")

    def pairlist(self, flags):
        """A pairlist as [(tag, value)], read iteratively so long lists don't recurse deeply."""
        items, attrs = [], {}
        while True:
            if flags & (1 << 9):
                attrs = attrs or self.pairlist_dict(self.item())
            tag = self.item() if flags & (1 << 10) else None
            items.append((tag.value if tag is not None else None, self.item()))
            flags = self.int()
            if flags & 0xFF == NILVALUE:
                return RObject(LIST, items, attrs)
            if flags & 0xFF not in (LIST, LANG, ATTRLIST):
                self.at -= 4
                items.append((None, self.item()))
                return RObject(LIST, items, attrs)

    def altrep(self):
        info, state, attrs = self.item(), self.item(), self.item()
        class_name = info.value[0][1].value
        if class_name == "compact_intseq":
            count, start, step = (int(number) for number in state.value)
            value = RObject(INT, [start + step * index for index in range(count)])
        elif class_name == "compact_realseq":
            count, start, step = state.value
            value = RObject(REAL, [start + step * index for index in range(int(count))])
        elif class_name.startswith("wrap_"):
            value = state.value[0][1] if state.kind == LIST else state.value[0]
        elif class_name == "deferred_string":
            source = state.value[0][1]
            value = RObject(STR, [str(number) for number in source.value])
        else:
            raise ValueError(f"ALTREP class {class_name} is not read")
        value.attrs = {**value.attrs, **self.pairlist_dict(attrs)}
        return value


def lazy_load(directory, name):
    """The R object ``name`` from the lazy-load database Rdata.rdx/Rdata.rdb in ``directory``."""
    directory = Path(directory)
    index = Unserializer(gzip.decompress((directory / "Rdata.rdx").read_bytes())).item()
    parts = dict(zip(index.attrs["names"].value, index.value, strict=True))
    variables = dict(zip(parts["variables"].attrs["names"].value, parts["variables"].value, strict=True))
    offset, size = (int(number) for number in variables[name].value)
    with open(directory / "Rdata.rdb", "rb") as database:
        database.seek(offset)
        chunk = database.read(size)
    (expected,) = struct.unpack(">i", chunk[:4])
    method, body = chunk[4:5], chunk[5:]
    if method == b"Z":
        data = lzma.decompress(body, format=lzma.FORMAT_RAW, filters=[{"id": lzma.FILTER_LZMA2, "preset": 6}])
    elif method == b"0":
        data = body
    else:
        data = zlib.decompress(chunk[4:])
    if len(data) != expected:
        raise ValueError(f"{name}: expected {expected} bytes, got {len(data)}")
    return Unserializer(data).item()


# Geometry on a plane in kilometres: longitude scaled by the cosine of England's middle latitude.
def to_km(lon, lat):
    return lon * KM_PER_DEGREE * math.cos(math.radians(MID_LATITUDE)), lat * KM_PER_DEGREE


def ring_area_km2(ring):
    points = [to_km(lon, lat) for lon, lat in ring]
    twice = sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(points, points[1:] + points[:1], strict=True))
    return abs(twice) / 2


def distance_to_segment(point, start, end):
    (px, py), (ax, ay), (bx, by) = point, start, end
    dx, dy = bx - ax, by - ay
    if dx == dy == 0:
        return math.hypot(px - ax, py - ay)
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
    return math.hypot(px - ax - t * dx, py - ay - t * dy)


def douglas_peucker(points, tolerance):
    """Indices of ``points`` (an open polyline) to keep so none strays more than ``tolerance`` away."""
    keep = {0, len(points) - 1}
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        farthest, distance = None, tolerance
        for index in range(first + 1, last):
            away = distance_to_segment(points[index], points[first], points[last])
            if away > distance:
                farthest, distance = index, away
        if farthest is not None:
            keep.add(farthest)
            stack += [(first, farthest), (farthest, last)]
    return sorted(keep)


def simplify_ring(ring, tolerance_km):
    """A closed ring simplified: split at its farthest point from the start so both halves have ends."""
    if ring[0] == ring[-1]:
        ring = ring[:-1]
    planar = [to_km(lon, lat) for lon, lat in ring]
    split = max(range(len(planar)), key=lambda index: math.dist(planar[0], planar[index]))
    halves = (list(range(split + 1)), list(range(split, len(planar))) + [0])
    kept = []
    for half in halves:
        chosen = douglas_peucker([planar[index] for index in half], tolerance_km)
        kept += [half[index] for index in chosen[:-1]]
    return [ring[index] for index in kept]


def england_rings(map_units):
    """England's outer rings (holes dropped) as [(lon, lat)] from the sp SpatialPolygonsDataFrame."""
    data = map_units.slot("data")
    columns = dict(zip(data.attrs["names"].value, data.value, strict=True))
    geounit = columns.get("geounit") or columns["GEOUNIT"]
    row = geounit.value.index(UNIT)
    polygons = map_units.slot("polygons").value[row]
    rings = []
    for polygon in polygons.slot("Polygons").value:
        if polygon.slot("hole").value[0]:
            continue
        coords = polygon.slot("coords").value  # an n×2 matrix, column by column
        count = len(coords) // 2
        rings.append(list(zip(coords[:count], coords[count:], strict=True)))
    return rings


def build(directory):
    rings = england_rings(lazy_load(directory, LAYER))
    kept = sorted((ring for ring in rings if ring_area_km2(ring) >= MIN_AREA_KM2), key=ring_area_km2, reverse=True)
    simplified = [simplify_ring(ring, TOLERANCE_KM) for ring in kept]
    document = {
        **SOURCE,
        "rings": [[[round(lon, DECIMALS), round(lat, DECIMALS)] for lon, lat in ring] for ring in simplified],
    }
    OUTPUT.write_text(json.dumps(document, separators=(",", ":")) + "\n")
    print(
        f"{len(rings)} rings in England, {len(kept)} of at least {MIN_AREA_KM2} km², "
        f"{sum(len(ring) for ring in kept)} points simplified to {sum(len(ring) for ring in simplified)}; "
        f"wrote {OUTPUT.name} ({OUTPUT.stat().st_size} bytes)"
    )


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    build(sys.argv[1])
