-- "Customers who viewed this also viewed": product similarity from the clickstream.
--
-- Schedule: 04:00 UTC. Two products are similar when the same sessions view both:
-- cosine similarity = sessions viewing both / sqrt(sessions viewing a * sessions viewing b),
-- ignoring pairs seen together fewer than 2 times, keeping the 5 best per product.
-- The recommendations service reads the result from the lake; the graph database
-- (SIMILAR_TO edges) is loaded from the same files.

DROP TABLE IF EXISTS gold.product_similarity;

CREATE EXTERNAL TABLE gold.product_similarity
STORED AS PARQUET
LOCATION 's3://shop-lake/gold/product_similarity/'
AS
WITH session_views AS (
    SELECT DISTINCT
        e.session_id,
        e.product_id
    FROM bronze.customer_events AS e
    WHERE e.event_type = 'view'
      AND e.product_id IS NOT NULL
),
product_views AS (
    SELECT
        product_id,
        COUNT(session_id) AS sessions
    FROM session_views
    GROUP BY product_id
),
co_views AS (
    SELECT
        a.product_id,
        b.product_id AS similar_product_id,
        COUNT(a.session_id) AS sessions_together
    FROM session_views AS a
    JOIN session_views AS b
        ON b.session_id = a.session_id
       AND b.product_id <> a.product_id
    GROUP BY a.product_id, b.product_id
    HAVING COUNT(*) >= 2
),
scored AS (
    SELECT
        cv.product_id,
        cv.similar_product_id,
        ROUND(cv.sessions_together / SQRT(CAST(pa.sessions AS DOUBLE PRECISION) * pb.sessions), 4) AS similarity_score
    FROM co_views AS cv
    JOIN product_views AS pa
        ON pa.product_id = cv.product_id
    JOIN product_views AS pb
        ON pb.product_id = cv.similar_product_id
)
SELECT
    product_id,
    similar_product_id,
    similarity_score
FROM scored
QUALIFY ROW_NUMBER() OVER (PARTITION BY product_id ORDER BY similarity_score DESC, similar_product_id) <= 5;
