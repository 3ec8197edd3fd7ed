"""Load: decoding and YAML (yamlio, jdate), the data model (models), and the checked catalogs,
profiles and rules (catalog, profile, rules), with the shipped data's location (paths), the
folder expansion (files), the list of local governments (localgov) and the engine cache."""
