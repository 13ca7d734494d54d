-- Copy the gold customer analytics into the warehouse for the BI dashboards.
--
-- Schedule: 03:30 UTC, after 03_customer_analytics.sql. An UPDATE ... FROM for customers
-- already known, then an INSERT for new ones (a hand-written upsert that predates
-- Redshift's MERGE and still runs fine).

BEGIN TRANSACTION;

UPDATE analytics.customer_ltv
SET
    ltv = g.ltv,
    order_count = g.order_count,
    lifecycle_segment = g.segment,
    churn_score = g.churn_score,
    last_order_date = g.last_order_date,
    refreshed_at = GETDATE()
FROM gold.customer_analytics AS g
WHERE analytics.customer_ltv.customer_id = g.customer_id;

INSERT INTO analytics.customer_ltv (customer_id, ltv, order_count, lifecycle_segment, churn_score, last_order_date, refreshed_at)
SELECT
    g.customer_id,
    g.ltv,
    g.order_count,
    g.segment AS lifecycle_segment,
    g.churn_score,
    g.last_order_date,
    GETDATE() AS refreshed_at
FROM gold.customer_analytics AS g
LEFT JOIN analytics.customer_ltv AS l
    ON l.customer_id = g.customer_id
WHERE l.customer_id IS NULL;

COMMIT;

-- Retention team's call list: at-risk customers worth a win-back offer, most valuable first.
CREATE OR REPLACE VIEW analytics.at_risk_customers AS
SELECT
    l.customer_id,
    c.country,
    c.crm_segment,
    l.ltv,
    l.order_count,
    l.churn_score,
    l.last_order_date
FROM analytics.customer_ltv AS l
JOIN analytics.customers AS c
    ON c.customer_id = l.customer_id
WHERE l.lifecycle_segment = 'at_risk'
  AND l.ltv >= 250;
