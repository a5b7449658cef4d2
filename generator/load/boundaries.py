"""The agenda's boundaries: `geographies.geojson` beside geographies.csv, one GeoJSON feature per geography, from
which the maps are drawn.

The file may be TopoJSON instead (`geographies.topojson`): its objects' geometries are read as the features of one
collection, in order. A feature names its geography by its `id` (or `properties.id`): a geography id of geographies.csv, or the
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
TOPOJSON_FILE = "geographies.topojson"
# Every map carries the boundaries of its geographies inline (a map makes no request), so its page's spec file
# grows with them: a county's districts drawn from a simplified file are tens of kilobytes.
MAX_BYTES = 5 * 1024 * 1024
GEOMETRY_TYPES = ("Polygon", "MultiPolygon")
# Where a feature may name its geography, in the order they are looked at.
ID_PROPERTIES = ("id", "geocode", "code")


def boundary_files(folder: Path) -> list[Path]:
    """The agenda's boundary files: none, one, or (a problem) both."""
    return [path for path in (folder / BOUNDARIES_FILE, folder / TOPOJSON_FILE) if path.is_file()]


def read_boundaries(folder: Path, geographies: Mapping) -> dict[str, dict]:
    """Geography id → its geometry, from a boundary file that validation has passed; {} without one."""
    files = boundary_files(folder)
    if not files:
        return {}
    collection = json.loads(files[0].read_text(encoding="utf-8-sig"))
    if files[0].name == TOPOJSON_FILE:
        collection = topology_features(collection)
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


class TopologyError(ValueError):
    """A TopoJSON file whose geometries cannot be rebuilt from its arcs."""


def topology_features(topology: object) -> dict:
    """A TopoJSON Topology as a GeoJSON FeatureCollection: every geometry of every object (a GeometryCollection's
    members in order), each ring rebuilt from its arcs (quantized and delta-encoded when there is a transform)."""
    if not isinstance(topology, dict) or topology.get("type") != "Topology":
        found = topology.get("type") if isinstance(topology, dict) else type(topology).__name__
        raise TopologyError(f'its "type" is "{found}", not "Topology"')
    arcs = topology.get("arcs")
    objects = topology.get("objects")
    if not isinstance(arcs, list) or not isinstance(objects, dict):
        raise TopologyError('it lacks its "arcs" list or its "objects"')
    transform = topology.get("transform")
    try:
        scale, translate = (transform["scale"], transform["translate"]) if transform else ((1, 1), (0, 0))
        decoded = []
        for arc in arcs:
            x = y = 0
            points = []
            for position in arc:
                if transform:
                    x, y = x + position[0], y + position[1]
                else:
                    x, y = position[0], position[1]
                points.append([x * scale[0] + translate[0], y * scale[1] + translate[1]])
            decoded.append(points)
    except (TypeError, KeyError, IndexError) as error:
        raise TopologyError(f"its arcs or transform cannot be read ({error})") from None

    def ring(indexes) -> list:
        points: list = []
        for index in indexes:
            if not isinstance(index, int) or not -len(decoded) <= index < len(decoded):
                raise TopologyError(f"a ring names arc {index}, which the file does not have")
            arc = decoded[index] if index >= 0 else decoded[~index][::-1]
            points.extend(arc if not points else arc[1:])
        return points

    def geometry(item: dict) -> dict | None:
        kind = item.get("type")
        if kind == "Polygon":
            return {"type": kind, "coordinates": [ring(indexes) for indexes in item.get("arcs") or ()]}
        if kind == "MultiPolygon":
            return {"type": kind, "coordinates": [[ring(indexes) for indexes in polygon]
                                                  for polygon in item.get("arcs") or ()]}
        return {"type": kind, "coordinates": item.get("coordinates")} if kind else None

    features = []
    try:
        for item in objects.values():
            members = item.get("geometries", []) if isinstance(item, dict) and item.get("type") == \
                "GeometryCollection" else [item]
            for member in members:
                if not isinstance(member, dict):
                    features.append(member)  # reported as not a feature, at its index
                    continue
                feature = {"type": "Feature", "properties": member.get("properties") or {},
                           "geometry": geometry(member)}
                if "id" in member:
                    feature["id"] = member["id"]
                features.append(feature)
    except (TypeError, AttributeError) as error:
        raise TopologyError(f"an object's arcs cannot be read ({error})") from None
    return {"type": "FeatureCollection", "features": features}
