"""IIIF for published scans: Presentation 3 manifests and collections, and a level-0 Image
API 3 service made of static tiles, so deep zoom works without an image server."""
