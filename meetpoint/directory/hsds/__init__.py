"""HSDS 3.1 interchange for the directory: serialization of the directory models to HSDS objects (used by the
HSDS API and the export), schema validation against the vendored official schemas, the exporter and importers."""
