"""Boundaries as a map chart carries them: GeoJSON, rounded to what a reader can see and wound as Vega draws."""

from __future__ import annotations

COORDINATE_DECIMALS = 5  # of the boundaries a map carries


def map_feature(key: str, name: str, geometry: dict) -> dict:
    """A place's boundary as the GeoJSON Feature a map draws: its id, its name, its rounded and rewound shape."""
    return {"type": "Feature", "id": key, "properties": {"name": name},
            "geometry": wound_for_d3(_rounded(geometry))}


def _rounded(geometry: dict) -> dict:
    """Positions to 5 decimals (about a metre): each map carries its boundaries, and a file's 15-digit
    coordinates tripled their size for nothing a reader can see."""
    def ring(positions: list) -> list:
        return [[round(number, COORDINATE_DECIMALS) for number in position[:2]] for position in positions]

    if geometry["type"] == "Polygon":
        return {"type": "Polygon", "coordinates": [ring(rings) for rings in geometry["coordinates"]]}
    return {"type": "MultiPolygon", "coordinates": [[ring(rings) for rings in polygon]
                                                    for polygon in geometry["coordinates"]]}


def wound_for_d3(geometry: dict) -> dict:
    """A Polygon or MultiPolygon with its outer rings clockwise and its holes anticlockwise, as Vega's projections
    (d3-geo) read them. GeoJSON (RFC 7946) winds them the other way, and d3-geo takes a ring wound that way for
    the whole globe but that shape, which fills the map."""
    def polygon(rings: list) -> list:
        return [ring if (_signed_area(ring) < 0) == (position == 0) else ring[::-1]
                for position, ring in enumerate(rings)]

    if geometry["type"] == "Polygon":
        return {"type": "Polygon", "coordinates": polygon(geometry["coordinates"])}
    return {"type": "MultiPolygon", "coordinates": [polygon(rings) for rings in geometry["coordinates"]]}


def _signed_area(ring: list) -> float:
    """Twice the ring's area in longitude and latitude: positive when it runs anticlockwise on a map, north up."""
    return sum(x1 * y2 - x2 * y1 for (x1, y1, *_), (x2, y2, *_) in zip(ring, ring[1:]))
