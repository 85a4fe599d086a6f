-- Catalog: categories (a tree), collections, products, variants with stock, and images.
-- Money is integer minor units plus an ISO 4217 currency code; never floating point.

create table category
(
    category_id bigint generated always as identity primary key,
    parent_id   bigint references category (category_id) on delete restrict,
    slug        text        not null unique check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' and length(slug) <= 120),
    name        text        not null check (length(name) between 1 and 200),
    description text        not null default '',
    position    int         not null default 0,
    created_at  timestamptz not null default now(),
    updated_at  timestamptz not null default now(),
    check (parent_id is distinct from category_id)
);
select trigger_updated_at('category');
create index category_parent_idx on category (parent_id, position);

create table product
(
    product_id       bigint generated always as identity primary key,
    category_id      bigint      not null references category (category_id) on delete restrict,
    slug             text        not null unique check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' and length(slug) <= 120),
    name             text        not null check (length(name) between 1 and 200),
    description      text        not null default '',
    -- Denormalised from variant by the triggers below, so listings sort and page by price with an index.
    price_min_minor  bigint      not null default 0 check (price_min_minor >= 0),
    currency         char(3)     not null check (currency ~ '^[A-Z]{3}$'),
    published        boolean     not null default true,
    created_at       timestamptz not null default now(),
    updated_at       timestamptz not null default now()
);
select trigger_updated_at('product');
-- Keyset pagination indexes, one per sort order of the category listing.
create index product_category_price_idx on product (category_id, price_min_minor, product_id) where published;
create index product_category_newest_idx on product (category_id, created_at desc, product_id desc) where published;
create index product_category_name_idx on product (category_id, name collate "C", product_id) where published;

create table variant
(
    variant_id        bigint generated always as identity primary key,
    product_id        bigint      not null references product (product_id) on delete cascade,
    sku               text        not null unique check (sku ~ '^[A-Z0-9][A-Z0-9-]{0,63}$'),
    -- Option values such as {"Size": "M", "Colour": "Blue"}, in the order of product_option.position.
    options           jsonb       not null default '{}'::jsonb check (jsonb_typeof(options) = 'object'),
    price_minor       bigint      not null check (price_minor >= 0),
    compare_at_minor  bigint check (compare_at_minor >= 0),
    currency          char(3)     not null check (currency ~ '^[A-Z]{3}$'),
    stock_on_hand     int         not null default 0 check (stock_on_hand >= 0),
    position          int         not null default 0,
    created_at        timestamptz not null default now(),
    updated_at        timestamptz not null default now()
);
select trigger_updated_at('variant');
create index variant_product_idx on variant (product_id, position);

-- The option names of a product, in display order ("Size", "Colour").
create table product_option
(
    product_id bigint not null references product (product_id) on delete cascade,
    name       text   not null check (length(name) between 1 and 60),
    position   int    not null default 0,
    primary key (product_id, name)
);

create table product_image
(
    product_image_id bigint generated always as identity primary key,
    product_id       bigint not null references product (product_id) on delete cascade,
    url              text   not null,
    alt              text   not null check (length(alt) between 1 and 300),
    width            int    not null check (width > 0),
    height           int    not null check (height > 0),
    position         int    not null default 0
);
create index product_image_product_idx on product_image (product_id, position);

create table collection
(
    collection_id bigint generated always as identity primary key,
    slug          text        not null unique check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
    name          text        not null,
    description   text        not null default '',
    featured      boolean     not null default false,
    position      int         not null default 0,
    created_at    timestamptz not null default now(),
    updated_at    timestamptz not null default now()
);
select trigger_updated_at('collection');

create table collection_product
(
    collection_id bigint not null references collection (collection_id) on delete cascade,
    product_id    bigint not null references product (product_id) on delete cascade,
    position      int    not null default 0,
    primary key (collection_id, product_id)
);
create index collection_product_position_idx on collection_product (collection_id, position);

-- product.price_min_minor follows the cheapest variant. Statement-level triggers with transition tables, so a bulk
-- insert of a million variants updates each product once instead of once per row.
create or replace function product_refresh_price_min(ids bigint[])
    returns void as
$$
update product p
set price_min_minor = coalesce((select min(v.price_minor) from variant v where v.product_id = p.product_id), 0)
where p.product_id = any (ids);
$$ language sql;

create or replace function variant_price_after_insert()
    returns trigger as
$$
begin
    perform product_refresh_price_min(array(select distinct product_id from new_rows));
    return null;
end;
$$ language plpgsql;

create or replace function variant_price_after_update()
    returns trigger as
$$
begin
    perform product_refresh_price_min(array(
        select distinct product_id from new_rows
        union
        select distinct product_id from old_rows));
    return null;
end;
$$ language plpgsql;

create or replace function variant_price_after_delete()
    returns trigger as
$$
begin
    perform product_refresh_price_min(array(select distinct product_id from old_rows));
    return null;
end;
$$ language plpgsql;

create trigger variant_price_insert
    after insert on variant referencing new table as new_rows
    for each statement execute function variant_price_after_insert();
create trigger variant_price_update
    after update on variant referencing new table as new_rows old table as old_rows
    for each statement execute function variant_price_after_update();
create trigger variant_price_delete
    after delete on variant referencing old table as old_rows
    for each statement execute function variant_price_after_delete();
