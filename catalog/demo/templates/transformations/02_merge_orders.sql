-- Hourly upsert of recent orders into the warehouse.
--
-- Orders change status for days after they are placed (processing -> shipped ->
-- delivered, or cancelled/returned), so the last 7 days are re-read from the lake and
-- merged on order_id. The month partition filter lets Spectrum skip old files.

DROP TABLE IF EXISTS staging.orders_delta;

CREATE TABLE staging.orders_delta
DISTKEY (order_id)
AS
SELECT
    o.order_id,
    o.customer_id,
    o.order_date,
    o.status,
    o.total_amount,
    o.currency
FROM silver.orders AS o
WHERE o.order_month >= TO_CHAR(DATEADD(month, -1, CURRENT_DATE), 'YYYY-MM')
  AND o.order_date >= DATEADD(day, -7, CURRENT_DATE);

MERGE INTO analytics.orders
USING staging.orders_delta AS d
    ON analytics.orders.order_id = d.order_id
WHEN MATCHED THEN UPDATE SET
    status = d.status,
    total_amount = d.total_amount,
    updated_at = GETDATE()
WHEN NOT MATCHED THEN INSERT (order_id, customer_id, order_date, status, total_amount, currency, updated_at)
    VALUES (d.order_id, d.customer_id, d.order_date, d.status, d.total_amount, d.currency, GETDATE());

DROP TABLE staging.orders_delta;
