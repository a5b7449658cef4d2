"""The agenda's boundaries: `geographies.geojson` beside geographies.csv, one GeoJSON feature per geography, from
which the maps are drawn.

A feature names its geography by its `id` (or `properties.id`): a geography id of geographies.csv, or the
geography's `code` there (an Open SDG platform's GeoCode, in `properties.geocode` too), so that a platform's own
boundary file can be used as it is. Each geometry is a Polygon or a MultiPolygon in longitude and latitude.

Read here, judged in `validate.agenda_rules`: the build only ever reads a file that validation passed.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator, Mapping
from pathlib import Path

BOUNDARIES_FILE = "geographies.geojson"
# Every map carries the boundaries of its geographies inline (a map makes no request), so its page's spec file
# grows with them: a county's districts drawn from a simplified file are tens of kilobytes.
MAX_BYTES = 5 * 1024 * 1024
GEOMETRY_TYPES = ("Polygon", "MultiPolygon")
# Where a feature may name its geography, in the order they are looked at.
ID_PROPERTIES = ("id", "geocode", "code")


def read_boundaries(folder: Path, geographies: Mapping) -> dict[str, dict]:
    """Geography id → its geometry, from a boundary file that validation has passed; {} without one."""
    path = folder / BOUNDARIES_FILE
    if not path.is_file():
        return {}
    collection = json.loads(path.read_text(encoding="utf-8-sig"))
    ids = geography_ids(geographies)
    return {ids[key]: feature["geometry"] for _, feature, key in features_of(collection) if key in ids}


def geography_ids(geographies: Mapping) -> dict[str, str]:
    """What a feature may name a geography by (its id, or its code) → the geography's id."""
    by_code = {geography.code: key for key, geography in geographies.items() if getattr(geography, "code", "")}
    return {**by_code, **{key: key for key in geographies}}


def features_of(collection: dict) -> Iterator[tuple[int, object, str | None]]:
    """Each feature of a FeatureCollection, with its index in `features` and the id it gives (None: none)."""
    for index, feature in enumerate(collection.get("features") or ()):
        yield index, feature, feature_key(feature)


def feature_key(feature: object) -> str | None:
    if not isinstance(feature, dict):
        return None
    properties = feature.get("properties") if isinstance(feature.get("properties"), dict) else {}
    for value in (feature.get("id"), *(properties.get(name) for name in ID_PROPERTIES)):
        if isinstance(value, str) and value.strip():
            return value.strip()
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
    return None


def geometry_problem(geometry: object) -> str | None:
    """Why a feature's geometry cannot be drawn as an area, in words; None when it can."""
    if not isinstance(geometry, dict):
        return "has no geometry"
    kind = geometry.get("type")
    if kind not in GEOMETRY_TYPES:
        return f'has a geometry of type "{kind}", not a Polygon or MultiPolygon'
    coordinates = geometry.get("coordinates")
    polygons = [coordinates] if kind == "Polygon" else coordinates
    if not isinstance(polygons, list) or not polygons:
        return "has a geometry without coordinates"
    for polygon_number, polygon in enumerate(polygons, start=1):
        where = f" of polygon {polygon_number}" if kind == "MultiPolygon" else ""
        if not isinstance(polygon, list) or not polygon:
            return "has a polygon without rings" + (f" (polygon {polygon_number})" if where else "")
        for ring_number, ring in enumerate(polygon, start=1):
            problem = _ring_problem(ring)
            if problem:
                return f"has a ring (ring {ring_number}{where}) that {problem}"
    return None


def _ring_problem(ring: object) -> str | None:
    if not isinstance(ring, list) or len(ring) < 4:
        return "has fewer than 4 positions (a closed ring repeats its first position last)"
    for position in ring:
        if not (isinstance(position, list) and len(position) in (2, 3)
                and all(isinstance(number, (int, float)) and not isinstance(number, bool) and math.isfinite(number)
                        for number in position)):
            return f"holds {json.dumps(position)[:40]}, not a position [longitude, latitude]"
        longitude, latitude = position[:2]
        if not (-180 <= longitude <= 180 and -90 <= latitude <= 90):
            return (f"holds {json.dumps(position)[:40]}, outside longitude -180 to 180 and latitude -90 to 90 "
                    "(the file must be in longitude and latitude, WGS 84)")
    if ring[0][:2] != ring[-1][:2]:
        return "is not closed: its last position is not its first"
    return None
