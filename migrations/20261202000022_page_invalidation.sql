-- Page-cache invalidation. Every app server LISTENs on the channel bazaar_pages and evicts the cached pages that
-- show what changed, so shared pages can be kept for minutes instead of seconds. Payloads:
--   '*'         every page (categories and collections: the header and every listing show them)
--   'l'         every listing page (home, categories, search, collections)
--   'p'         every product page
--   'p:<slug>'  the pages of one product (any query string)
-- A notification is sent at commit, and identical ones of a transaction are sent once. A statement that touches
-- more than 100 products sends 'p' instead of one per product (a bulk import, a rebuild).
-- Expand-only: the previous code ignores the notifications.

create function pages_changed(ids bigint[], listings boolean) returns void
    language plpgsql as
$$
declare
    wanted int;
    found  int := 0;
    slug_  text;
begin
    if ids is null then
        perform pg_notify('bazaar_pages', '*');
        return;
    end if;
    select count(distinct i) into wanted from unnest(ids) i;
    if wanted = 0 then
        return;
    end if;
    if listings then
        perform pg_notify('bazaar_pages', 'l');
    end if;
    if wanted > 100 then
        perform pg_notify('bazaar_pages', 'p');
        return;
    end if;
    for slug_ in select p.slug from product p where p.product_id = any (ids) loop
        perform pg_notify('bazaar_pages', 'p:' || slug_);
        found := found + 1;
    end loop;
    -- A product deleted in this statement has no slug left to name: every product page.
    if found < wanted then
        perform pg_notify('bazaar_pages', 'p');
    end if;
end
$$;

-- The pages of the products a statement touched, for any table with a product_id column (TG_ARGV[0]: whether
-- listings show what changed too). An update counts the rows that changed, under their old and new product.
create function pages_after_change() returns trigger
    language plpgsql as
$$
declare
    listings boolean := tg_argv[0]::boolean;
begin
    if tg_op = 'INSERT' then
        perform pages_changed(array(select product_id from new_rows), listings);
    elsif tg_op = 'DELETE' then
        perform pages_changed(array(select product_id from old_rows), listings);
    else
        perform pages_changed(array(
            select n.product_id from new_rows n where n::text not in (select o::text from old_rows o)
            union
            select o.product_id from old_rows o where o::text not in (select n::text from new_rows n)), listings);
    end if;
    return null;
end
$$;

create function pages_after_any() returns trigger
    language plpgsql as
$$
begin
    perform pg_notify('bazaar_pages', '*');
    return null;
end
$$;

-- What search and listings show (name, price, stock state, category, visibility) is product_search. The product
-- page shows each variant's price, options and stock ("Only 3 left"). Images are on the product page and on every
-- card that shows the product.
create trigger pages_search_insert
    after insert on product_search referencing new table as new_rows
    for each statement execute function pages_after_change(true);
create trigger pages_search_update
    after update on product_search referencing new table as new_rows old table as old_rows
    for each statement execute function pages_after_change(true);
create trigger pages_search_delete
    after delete on product_search referencing old table as old_rows
    for each statement execute function pages_after_change(true);
create trigger pages_search_truncate
    after truncate on product_search
    for each statement execute function pages_after_any();
create trigger pages_variant_insert
    after insert on variant referencing new table as new_rows
    for each statement execute function pages_after_change(false);
-- Stock moves on every reservation, and a transaction that notifies holds a database-wide lock while it commits:
-- only a change of what the product page shows counts. The page shows stock as a state (in stock, "Only n left"
-- from 5 down, sold out: `StockState` in the code), so a sale of a well-stocked variant evicts nothing.
create function pages_variant_shown(v variant) returns text
    language sql immutable as
$$
select row(v.product_id, v.sku, v.options, v.price_minor, v.compare_at_minor, v.currency, v.position,
           case when v.available <= 0 then 0 when v.available <= 5 then v.available else 6 end)::text
$$;
create function pages_after_variant_update() returns trigger
    language plpgsql as
$$
begin
    perform pages_changed(array(
        select n.product_id
        from new_rows n join old_rows o on o.variant_id = n.variant_id
        where pages_variant_shown(n) <> pages_variant_shown(o)
        union
        select o.product_id
        from new_rows n join old_rows o on o.variant_id = n.variant_id
        where n.product_id <> o.product_id), false);
    return null;
end
$$;
create trigger pages_variant_update
    after update on variant referencing new table as new_rows old table as old_rows
    for each statement execute function pages_after_variant_update();
create trigger pages_variant_delete
    after delete on variant referencing old table as old_rows
    for each statement execute function pages_after_change(false);
create trigger pages_image_insert
    after insert on product_image referencing new table as new_rows
    for each statement execute function pages_after_change(true);
create trigger pages_image_update
    after update on product_image referencing new table as new_rows old table as old_rows
    for each statement execute function pages_after_change(true);
create trigger pages_image_delete
    after delete on product_image referencing old table as old_rows
    for each statement execute function pages_after_change(true);

-- The product itself (description, SEO text, slug): its pages; a new slug also changes the links of listings.
create function pages_after_product_update() returns trigger
    language plpgsql as
$$
declare
    old_slug text;
begin
    for old_slug in select o.slug from new_rows n join old_rows o on o.product_id = n.product_id
                    where n.slug <> o.slug loop
        perform pg_notify('bazaar_pages', 'p:' || old_slug);
    end loop;
    perform pages_changed(array(
        select n.product_id
        from new_rows n join old_rows o on o.product_id = n.product_id
        where n::text <> o::text),
        exists (select 1 from new_rows n join old_rows o on o.product_id = n.product_id where n.slug <> o.slug));
    return null;
end
$$;
create trigger pages_product_update
    after update on product referencing new table as new_rows old table as old_rows
    for each statement execute function pages_after_product_update();

-- Categories are in the header of every page; collections in listings and on the home page.
create trigger pages_category_change
    after insert or update or delete or truncate on category
    for each statement execute function pages_after_any();
create trigger pages_collection_change
    after insert or update or delete or truncate on collection
    for each statement execute function pages_after_any();
create trigger pages_collection_product_change
    after insert or update or delete or truncate on collection_product
    for each statement execute function pages_after_any();
