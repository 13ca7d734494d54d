"""The commented catalog.yaml that ``lakemap init`` writes: a working example, not a form."""

STARTER_CONFIG = """\
# lakemap catalog configuration. Docs: README.md ("catalog.yaml").
# Relative paths are relative to this file's folder. ${VAR} and ${VAR:-default}
# are read from the environment: keep secrets there, never in this file.

title: Data Catalog
output: DATA_CATALOG.md          # the generated file; text outside its lakemap markers is yours
# cache: .lakemap/cache          # scan cache (set to false to disable)

# What the data lake layers mean (shown under "Data Lake Architecture").
layers:
  bronze: Raw data as it arrives, append-only.
  silver: Cleaned, deduplicated and typed tables.
  gold: Business-level aggregates for analytics and ML.

# What to scan. Common keys: kind, name, section (incoming|exported|internal|graph), layer.
sources:
  - name: customer_events
    kind: parquet                # a Parquet file, folder (Hive partitions detected) or glob
    path: lake/bronze/customer_events
    section: incoming
    layer: bronze
  # - kind: sql                  # SQL DDL files: CREATE TABLE/VIEW, COMMENT ON, ALTER TABLE ADD COLUMN
  #   paths: ["warehouse/ddl/*.sql"]
  #   dialect: redshift

# Lineage from SQL transformations, plus hops SQL cannot show.
# lineage:
#   paths: ["transformations/**/*.sql"]
#   dialect: redshift
#   edges:
#     - {from: app.orders_api, to: customer_events, via: Kinesis Firehose}

# Curated metadata, merged onto what the scanners find (by dataset name).
datasets:
  customer_events:
    title: Customer Events
    description: Clickstream events from the web and mobile apps.
    owners: [Analytics team]
    update_frequency: Real-time (every 5 minutes)
    retention: 2 years
    quality_checks:
      - No null event_id
    columns:
      event_id: {description: Unique event identifier, example: evt_abc123}
"""
