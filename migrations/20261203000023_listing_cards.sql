-- A product card shows the price range ("from"), the compare-at price of the cheapest offer and whether anything is
-- in stock: aggregates over the product's variants that every card computed again (a lateral aggregate per card,
-- most of a listing query's time). product_listing, which the listings read their page from, now carries them,
-- kept by search_refresh as the rest of the row is: a price, compare-at price or in-stock change of a variant
-- already refreshes its product's rows (variant_search_after_update), and so does a change of the product's
-- cheapest price (product_search_after_update).
alter table product_listing
    add column compare_at_minor bigint,
    add column has_price_range  boolean not null default false,
    add column in_stock         boolean not null default false;

update product_listing l
set compare_at_minor = a.compare_at_minor,
    has_price_range  = a.has_price_range,
    in_stock         = a.in_stock
from (select p.product_id,
             max(v.compare_at_minor) filter (where v.price_minor = p.price_min_minor) as compare_at_minor,
             coalesce(max(v.price_minor) > min(v.price_minor), false) as has_price_range,
             coalesce(bool_or(v.available > 0), false) as in_stock
      from product p join variant v on v.product_id = p.product_id
      group by p.product_id) a
where l.product_id = a.product_id;

-- Refreshes the search and listing rows of the given products (all products when ids is null).
create or replace function search_refresh(ids bigint[]) returns void
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
               v.compare_at_minor, coalesce(v.has_price_range, false) as has_price_range,
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
                   bool_or(vv.compare_at_minor > vv.price_minor) as on_sale,
                   max(vv.compare_at_minor) filter (where vv.price_minor = p.price_min_minor) as compare_at_minor,
                   max(vv.price_minor) > min(vv.price_minor) as has_price_range
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
        insert into product_listing (category_id, product_id, price_min_minor, created_at, name, facets,
                                     compare_at_minor, has_price_range, in_stock)
        select unnest(path), product_id, price_min_minor, created_at, name, facets,
               compare_at_minor, has_price_range, in_stock
        from src)
    insert into search_word (word)
    select distinct w
    from src, regexp_split_to_table(src.words, '[^[:alpha:]]+') w
    where length(w) between 3 and 40
    order by w
    on conflict do nothing;
end
$$;
