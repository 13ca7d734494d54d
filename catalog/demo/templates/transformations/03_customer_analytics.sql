-- Daily customer analytics for the gold layer, and the segment file for the marketing partner.
--
-- Schedule: 03:00 UTC, after 01_load_dimensions.sql and 02_merge_orders.sql.
-- Writes Parquet to the lake with CREATE EXTERNAL TABLE AS (the Airflow task empties
-- the S3 prefix first: Redshift will not write into a non-empty location).
--
-- Rules (keep in sync with the column descriptions in catalog.yaml):
--   * only shipped and delivered orders count towards ltv and order_count;
--   * churn_score = logistic(days since the last order, or since signup for customers
--     who never ordered), 0.5 at 90 days, rounded to 4 decimals;
--   * segment, first rule that matches: prospect (no counted order), at_risk
--     (churn_score >= 0.7), vip (ltv >= 2500), loyal (5+ orders), new (signed up in the
--     last 90 days), else regular.

DROP TABLE IF EXISTS gold.customer_analytics;

CREATE EXTERNAL TABLE gold.customer_analytics
STORED AS PARQUET
LOCATION 's3://shop-lake/gold/customer_analytics/'
AS
WITH order_stats AS (
    SELECT
        o.customer_id,
        COUNT(o.order_id)   AS order_count,
        SUM(o.total_amount) AS ltv,
        MAX(o.order_date)   AS last_order_date
    FROM analytics.orders AS o
    WHERE o.status IN ('shipped', 'delivered')
    GROUP BY o.customer_id
),
scored AS (
    SELECT
        c.customer_id,
        c.signup_date,
        CAST(COALESCE(s.ltv, 0) AS DECIMAL(12,2)) AS ltv,
        CAST(COALESCE(s.order_count, 0) AS INTEGER) AS order_count,
        s.last_order_date,
        ROUND(1.0 / (1.0 + EXP(-(DATEDIFF(day, COALESCE(s.last_order_date, c.signup_date), CURRENT_DATE) - 90) / 30.0)), 4)
            AS churn_score
    FROM silver.customers AS c
    LEFT JOIN order_stats AS s
        ON s.customer_id = c.customer_id
)
SELECT
    customer_id,
    ltv,
    order_count,
    CASE
        WHEN order_count = 0 THEN 'prospect'
        WHEN churn_score >= 0.7 THEN 'at_risk'
        WHEN ltv >= 2500 THEN 'vip'
        WHEN order_count >= 5 THEN 'loyal'
        WHEN DATEDIFF(day, signup_date, CURRENT_DATE) <= 90 THEN 'new'
        ELSE 'regular'
    END AS segment,
    churn_score,
    last_order_date
FROM scored;

-- Marketing partner export: everyone who has bought at least once, without contact data.
DROP TABLE IF EXISTS exports.customer_segments;

CREATE EXTERNAL TABLE exports.customer_segments
STORED AS PARQUET
LOCATION 's3://shop-partner-exports/customer_segments/'
AS
SELECT
    a.customer_id,
    a.segment,
    a.churn_score
FROM gold.customer_analytics AS a
WHERE a.segment <> 'prospect';
