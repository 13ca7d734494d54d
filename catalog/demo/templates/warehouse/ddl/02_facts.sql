-- Redshift DDL: facts and customer-level marts.
--
-- analytics.orders is kept current by the MERGE in transformations/02_merge_orders.sql;
-- analytics.customer_ltv is upserted from the lake's gold layer by
-- transformations/04_customer_ltv.sql.

CREATE TABLE IF NOT EXISTS analytics.orders (
    order_id        VARCHAR(16)    NOT NULL ENCODE zstd,
    customer_id     VARCHAR(16)    NOT NULL ENCODE zstd,
    order_date      DATE           NOT NULL ENCODE az64,
    status          VARCHAR(16)    NOT NULL ENCODE bytedict,
    total_amount    DECIMAL(10,2)  NOT NULL ENCODE az64,
    currency        CHAR(3)        NOT NULL ENCODE bytedict,
    updated_at      TIMESTAMP      NOT NULL DEFAULT GETDATE() ENCODE az64,
    PRIMARY KEY (order_id),
    FOREIGN KEY (customer_id) REFERENCES analytics.customers (customer_id)
)
DISTSTYLE KEY
DISTKEY (customer_id)
COMPOUND SORTKEY (order_date, customer_id);

COMMENT ON TABLE analytics.orders IS 'One row per order placed in the shop, order lines excluded; the last 7 days are re-merged every hour.';
COMMENT ON COLUMN analytics.orders.status IS 'pending, processing, shipped, delivered, cancelled or returned.';
COMMENT ON COLUMN analytics.orders.total_amount IS 'Sum of quantity x price over the order lines, in the order currency.';
COMMENT ON COLUMN analytics.orders.currency IS 'ISO 4217 currency the customer paid in (USD, CAD, GBP, EUR).';

CREATE TABLE IF NOT EXISTS analytics.customer_ltv (
    customer_id        VARCHAR(16)       NOT NULL,
    ltv                DECIMAL(12,2)     NOT NULL,
    order_count        INTEGER           NOT NULL,
    lifecycle_segment  VARCHAR(16)       NOT NULL,
    churn_score        DOUBLE PRECISION  NOT NULL,
    last_order_date    DATE,
    refreshed_at       TIMESTAMP         NOT NULL DEFAULT GETDATE(),
    PRIMARY KEY (customer_id),
    FOREIGN KEY (customer_id) REFERENCES analytics.customers (customer_id)
)
DISTSTYLE KEY
DISTKEY (customer_id)
COMPOUND SORTKEY (lifecycle_segment, churn_score);

COMMENT ON TABLE analytics.customer_ltv IS 'Lifetime value and churn risk per customer, copied from the lake (gold.customer_analytics) for BI dashboards.';
COMMENT ON COLUMN analytics.customer_ltv.ltv IS 'Sum of shipped and delivered order totals, in the customer''s currency.';
COMMENT ON COLUMN analytics.customer_ltv.lifecycle_segment IS 'prospect, new, regular, loyal, vip or at_risk (rules in transformations/03_customer_analytics.sql).';
COMMENT ON COLUMN analytics.customer_ltv.churn_score IS 'Probability-like score in [0, 1]: 0.5 at 90 days without an order.';
