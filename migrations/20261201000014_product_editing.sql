-- Products as staff edit them: a status (drafts and archived products are invisible to shoppers) and a version
-- number for optimistic concurrency (a save that started from an older version is refused, never lost).

create type product_status as enum ('draft', 'active', 'archived');

alter table product
    add column status product_status not null default 'active',
    add column version int not null default 1 check (version > 0);

-- `published` now follows the status, so every storefront query and its partial indexes keep working unchanged.
-- Dropping the column drops the three listing indexes; they are made again below.
alter table product drop column published;
alter table product
    add column published boolean not null generated always as (status = 'active') stored;
create index product_category_price_idx on product (category_id, price_min_minor, product_id) where published;
create index product_category_newest_idx on product (category_id, created_at desc, product_id desc) where published;
create index product_category_name_idx on product (category_id, name collate "C", product_id) where published;

-- The admin product list: search by part of the name (trigram index) or the start of a SKU, newest first.
create extension if not exists pg_trgm;
create index product_name_trgm_idx on product using gin (lower(name) gin_trgm_ops);
create index variant_sku_prefix_idx on variant (sku text_pattern_ops);
create index product_status_idx on product (status, product_id desc);
create index product_category_admin_idx on product (category_id, product_id desc);
