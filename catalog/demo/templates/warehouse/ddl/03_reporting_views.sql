-- Redshift DDL: reporting views read by the finance dashboard.
--
-- Views over warehouse tables only, so they keep schema binding (a DROP of a base table
-- fails loudly instead of breaking the dashboard silently).

CREATE OR REPLACE VIEW analytics.daily_revenue AS
SELECT
    o.order_date,
    o.currency,
    COUNT(*)                                AS order_count,
    COUNT(DISTINCT o.customer_id)           AS customer_count,
    SUM(o.total_amount)                     AS revenue,
    ROUND(SUM(o.total_amount) / COUNT(*), 2) AS average_order_value
FROM analytics.orders AS o
WHERE o.status IN ('shipped', 'delivered')
GROUP BY o.order_date, o.currency;

COMMENT ON VIEW analytics.daily_revenue IS 'Recognised revenue per day and currency: shipped and delivered orders only.';
