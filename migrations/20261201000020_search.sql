-- Search and filtered listings, inside PostgreSQL.
--
-- product_search: one row per product a shopper can see, with its weighted full-text document (name A; categories
-- and SKUs B; option values C; description D), a name-only document (matches in the name are always among the
-- candidates), and its facet terms: 'c:<id>' for its category and every ancestor, 'o:<Option>=<Value>' for each
-- option value and 's:<Option>=<Value>' for each one in stock, 'stock' (some variant available) and 'sale' (some
-- variant below its compare-at price).
--
-- product_listing: one row per product and per category it is listed in (its own and every ancestor), so a parent
-- category's listing is an index range scan in the listing's order instead of a sort of its whole subtree.
--
-- Both are kept by triggers in the transaction that changes the product, its variants or its category, so a change
-- is searchable the moment it commits. A bulk load can set `bazaar.search_deferred = on` for its session and call
-- search_rebuild() once at the end.

create table product_search
(
    product_id      bigint primary key references product (product_id) on delete cascade,
    category_id     bigint      not null,
    name            text        not null,
    price_min_minor bigint      not null,
    currency        char(3)     not null,
    created_at      timestamptz not null,
    in_stock        boolean     not null,
    on_sale         boolean     not null,
    facets          text[]      not null,
    document        tsvector    not null,
    name_document   tsvector    not null
);
create index product_search_document_idx on product_search using gin (document);
create index product_search_name_idx on product_search using gin (name_document);
-- No index on facets: a filter is checked on the candidates a text index found. An index there tempted the planner
-- into intersecting the text matches with the bitmap of every in-stock product (most of the catalog), which was
-- the slowest query of the benchmark at 1M products.

create table product_listing
(
    category_id     bigint      not null,
    product_id      bigint      not null references product (product_id) on delete cascade,
    price_min_minor bigint      not null,
    created_at      timestamptz not null,
    name            text        not null,
    facets          text[]      not null,
    primary key (category_id, product_id)
);
create index product_listing_product_idx on product_listing (product_id);
create index product_listing_price_idx on product_listing (category_id, price_min_minor, product_id);
create index product_listing_newest_idx on product_listing (category_id, created_at desc, product_id desc);
create index product_listing_name_idx on product_listing (category_id, name collate "C", product_id);

-- The words of names, categories and option values, for "did you mean" and typo tolerance (trigram similarity).
-- Only ever added to: a word no product uses any more leads to a correction that finds nothing, which is not shown.
create table search_word
(
    word text primary key check (length(word) between 3 and 40)
);
create index search_word_trgm_idx on search_word using gin (word gin_trgm_ops);

-- A mistyped SKU is found by trigram similarity.
create index variant_sku_trgm_idx on variant using gin (sku gin_trgm_ops);

-- Refreshes the search and listing rows of the given products (all products when ids is null).
create function search_refresh(ids bigint[]) returns void
    language plpgsql as
$$
begin
    delete from product_search s
    where (ids is null or s.product_id = any (ids))
      and not exists (select 1 from product p where p.product_id = s.product_id and p.published);
    delete from product_listing l where ids is null or l.product_id = any (ids);

    with recursive tree(category_id, path, names, depth) as (
        select category_id, array [category_id], name, 0 from category where parent_id is null
        union all
        select c.category_id, t.path || c.category_id, t.names || ' ' || c.name, t.depth + 1
        from category c join tree t on c.parent_id = t.category_id
        where t.depth < 32),
    src as (
        select p.product_id, p.category_id, p.name, p.price_min_minor, p.currency, p.created_at,
               coalesce(v.in_stock, false) as in_stock, coalesce(v.on_sale, false) as on_sale,
               array(select 'c:' || unnest(t.path))
                   || coalesce(o.terms, '{}')
                   || case when v.in_stock then array ['stock'] else '{}' end
                   || case when v.on_sale then array ['sale'] else '{}' end as facets,
               setweight(to_tsvector('english', p.name), 'A')
                   || setweight(to_tsvector('english', t.names), 'B')
                   || setweight(to_tsvector('simple', coalesce(v.skus, '')), 'B')
                   || setweight(to_tsvector('english', coalesce(o.text, '')), 'C')
                   || setweight(to_tsvector('english', left(p.description, 2000)), 'D') as document,
               to_tsvector('english', p.name) as name_document,
               t.path,
               lower(p.name || ' ' || t.names || ' ' || coalesce(o.text, '')) as words
        from product p
        join tree t on t.category_id = p.category_id
        left join lateral (
            select string_agg(lower(vv.sku) || ' ' || replace(lower(vv.sku), '-', ' '), ' ') as skus,
                   bool_or(vv.available > 0) as in_stock,
                   bool_or(vv.compare_at_minor > vv.price_minor) as on_sale
            from variant vv where vv.product_id = p.product_id) v on true
        left join lateral (
            select array_agg(distinct 'o:' || kv.key || '=' || kv.value)
                       || coalesce(array_agg(distinct 's:' || kv.key || '=' || kv.value)
                                   filter (where vv.available > 0), '{}') as terms,
                   string_agg(distinct kv.value, ' ') as text
            from variant vv, jsonb_each_text(vv.options) kv where vv.product_id = p.product_id) o on true
        where p.published and (ids is null or p.product_id = any (ids))),
    searched as (
        insert into product_search (product_id, category_id, name, price_min_minor, currency, created_at, in_stock,
                                    on_sale, facets, document, name_document)
        select product_id, category_id, name, price_min_minor, currency, created_at, in_stock, on_sale, facets,
               document, name_document
        from src
        order by product_id
        on conflict (product_id) do update
            set category_id     = excluded.category_id,
                name            = excluded.name,
                price_min_minor = excluded.price_min_minor,
                currency        = excluded.currency,
                created_at      = excluded.created_at,
                in_stock        = excluded.in_stock,
                on_sale         = excluded.on_sale,
                facets          = excluded.facets,
                document        = excluded.document,
                name_document   = excluded.name_document),
    listed as (
        insert into product_listing (category_id, product_id, price_min_minor, created_at, name, facets)
        select unnest(path), product_id, price_min_minor, created_at, name, facets
        from src)
    insert into search_word (word)
    select distinct w
    from src, regexp_split_to_table(src.words, '[^[:alpha:]]+') w
    where length(w) between 3 and 40
    order by w
    on conflict do nothing;
end
$$;

-- Rebuilds everything from scratch, for a bulk load that deferred the triggers.
create function search_rebuild() returns void
    language plpgsql as
$$
begin
    truncate product_search, product_listing;
    perform search_refresh(null);
    analyze product_search;
    analyze product_listing;
    analyze search_word;
end
$$;

create function search_deferred() returns boolean
    language sql stable as
$$
select coalesce(current_setting('bazaar.search_deferred', true), '') = 'on'
$$;

create function product_search_after_insert() returns trigger
    language plpgsql as
$$
begin
    if not search_deferred() then
        perform search_refresh(array(select product_id from new_rows));
    end if;
    return null;
end
$$;

create function product_search_after_update() returns trigger
    language plpgsql as
$$
begin
    if not search_deferred() then
        perform search_refresh(array(
            select n.product_id
            from new_rows n join old_rows o on o.product_id = n.product_id
            where (n.name, n.description, n.published, n.category_id, n.price_min_minor, n.currency, n.created_at)
                      is distinct from
                  (o.name, o.description, o.published, o.category_id, o.price_min_minor, o.currency, o.created_at)));
    end if;
    return null;
end
$$;

create trigger product_search_insert
    after insert on product referencing new table as new_rows
    for each statement execute function product_search_after_insert();
create trigger product_search_update
    after update on product referencing new table as new_rows old table as old_rows
    for each statement execute function product_search_after_update();

create function variant_search_after_insert() returns trigger
    language plpgsql as
$$
begin
    if not search_deferred() then
        perform search_refresh(array(select distinct product_id from new_rows));
    end if;
    return null;
end
$$;

-- Stock moves on every reservation; only a change of what search shows (in stock or not, on sale or not, SKU,
-- options, price) refreshes the product.
create function variant_search_after_update() returns trigger
    language plpgsql as
$$
begin
    if not search_deferred() then
        perform search_refresh(array(
            select distinct n.product_id
            from new_rows n join old_rows o on o.variant_id = n.variant_id
            where n.product_id <> o.product_id
               or n.sku <> o.sku
               or n.options <> o.options
               or n.price_minor <> o.price_minor
               or n.compare_at_minor is distinct from o.compare_at_minor
               or (n.available > 0) <> (o.available > 0)
            union
            select o.product_id
            from new_rows n join old_rows o on o.variant_id = n.variant_id
            where n.product_id <> o.product_id));
    end if;
    return null;
end
$$;

create function variant_search_after_delete() returns trigger
    language plpgsql as
$$
begin
    if not search_deferred() then
        perform search_refresh(array(select distinct product_id from old_rows));
    end if;
    return null;
end
$$;

create trigger variant_search_insert
    after insert on variant referencing new table as new_rows
    for each statement execute function variant_search_after_insert();
create trigger variant_search_update
    after update on variant referencing new table as new_rows old table as old_rows
    for each statement execute function variant_search_after_update();
create trigger variant_search_delete
    after delete on variant referencing old table as old_rows
    for each statement execute function variant_search_after_delete();

-- A category renamed or moved changes the documents and listings of every product below it: a job does that in
-- batches, so the admin's save does not rewrite a large subtree in one transaction.
create function category_search_after_update() returns trigger
    language plpgsql as
$$
begin
    if (new.name, new.parent_id) is distinct from (old.name, old.parent_id) then
        insert into job (kind, payload, max_attempts)
        values ('search.category', jsonb_build_object('category_id', new.category_id), 10);
    end if;
    return null;
end
$$;
create trigger category_search_update
    after update of name, parent_id on category
    for each row execute function category_search_after_update();

-- Reservations update variants all day: move product.price_min_minor only when it changes, so they do not rewrite
-- (and lock) the product row each time.
create or replace function product_refresh_price_min(ids bigint[])
    returns void as
$$
update product p
set price_min_minor = m.price
from (select pp.product_id,
             coalesce((select min(v.price_minor) from variant v where v.product_id = pp.product_id), 0) as price
      from product pp where pp.product_id = any (ids)) m
where p.product_id = m.product_id and p.price_min_minor <> m.price;
$$ language sql;

select search_rebuild();
