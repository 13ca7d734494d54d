-- Nightly refresh of the warehouse dimensions from the lake's silver layer.
--
-- Schedule: 02:00 UTC (Airflow DAG shop_warehouse_nightly, task load_dimensions).
-- The lake is attached to Redshift as Spectrum external schemas named after its layers:
--   bronze.* -> s3://shop-lake/bronze/, silver.* -> s3://shop-lake/silver/,
--   gold.*   -> s3://shop-lake/gold/,   exports.* -> s3://shop-partner-exports/
-- DELETE + INSERT inside one transaction (TRUNCATE would commit on its own), so
-- dashboards never see an empty table.

BEGIN TRANSACTION;

DELETE FROM analytics.customers;

INSERT INTO analytics.customers (customer_id, email_sha256, crm_segment, signup_date, country, loaded_at)
SELECT
    c.customer_id,
    SHA2(LOWER(TRIM(c.email)), 256) AS email_sha256,
    c.segment                       AS crm_segment,
    c.signup_date,
    c.country,
    GETDATE()                       AS loaded_at
FROM silver.customers AS c;

DELETE FROM analytics.products;

INSERT INTO analytics.products (product_id, product_name, category, brand_id, brand_name, list_price, created_at, loaded_at)
SELECT
    p.product_id,
    p.name       AS product_name,
    p.category,
    p.brand_id,
    b.name       AS brand_name,
    p.price      AS list_price,
    p.created_at,
    GETDATE()    AS loaded_at
FROM silver.products AS p
JOIN silver.brands AS b
    ON b.brand_id = p.brand_id;

COMMIT;
