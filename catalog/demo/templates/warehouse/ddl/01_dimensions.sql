-- Redshift DDL: conformed dimensions of the analytics warehouse.
--
-- Loaded nightly from the silver layer of the lake by transformations/01_load_dimensions.sql.
-- The warehouse never stores raw e-mail addresses or phone numbers: customers are joined
-- to marketing tools by the SHA-256 of the lower-cased e-mail instead.

CREATE SCHEMA IF NOT EXISTS analytics;

CREATE TABLE IF NOT EXISTS analytics.customers (
    customer_id     VARCHAR(16)  NOT NULL ENCODE zstd,
    email_sha256    CHAR(64)     NOT NULL ENCODE zstd,
    crm_segment     VARCHAR(16)  NOT NULL ENCODE bytedict,
    signup_date     DATE         NOT NULL ENCODE az64,
    country         CHAR(2)      NOT NULL ENCODE bytedict,
    loaded_at       TIMESTAMP    NOT NULL DEFAULT GETDATE() ENCODE az64,
    PRIMARY KEY (customer_id)
)
DISTSTYLE KEY
DISTKEY (customer_id)
SORTKEY (customer_id);

COMMENT ON TABLE analytics.customers IS 'One row per registered customer, refreshed nightly from the lake (silver.customers).';
COMMENT ON COLUMN analytics.customers.customer_id IS 'Customer identifier issued by the shop backend, e.g. cus_000042.';
COMMENT ON COLUMN analytics.customers.email_sha256 IS 'SHA-256 of the trimmed, lower-cased e-mail address; the join key for ad platforms.';
COMMENT ON COLUMN analytics.customers.crm_segment IS 'Tier assigned in the CRM at signup: standard, premium or business.';
COMMENT ON COLUMN analytics.customers.country IS 'ISO 3166-1 alpha-2 country of the billing address.';

CREATE TABLE IF NOT EXISTS analytics.products (
    product_id      VARCHAR(16)    NOT NULL,
    product_name    VARCHAR(256)   NOT NULL,
    category        VARCHAR(64)    NOT NULL,
    brand_id        VARCHAR(16)    NOT NULL,
    brand_name      VARCHAR(128)   NOT NULL,
    list_price      DECIMAL(10,2)  NOT NULL,
    created_at      TIMESTAMPTZ    NOT NULL,
    loaded_at       TIMESTAMP      NOT NULL DEFAULT GETDATE(),
    PRIMARY KEY (product_id)
)
DISTSTYLE ALL
COMPOUND SORTKEY (category, product_id);

COMMENT ON TABLE analytics.products IS 'Product catalogue with the brand name denormalised; small, so copied to every node (DISTSTYLE ALL).';
COMMENT ON COLUMN analytics.products.list_price IS 'Current list price in the shop''s base currency, before promotions.';
COMMENT ON COLUMN analytics.products.brand_name IS 'Display name of the brand (silver.brands.name).';
