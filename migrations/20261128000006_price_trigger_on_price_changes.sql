-- Stock changes (reservations, sales, restocks) update variant rows too, and the statement trigger that keeps
-- product.price_min_minor refreshed the product of every updated variant: a plpgsql call, a product row update
-- (with its index entries and updated_at trigger) and a row lock that made concurrent orders for one product wait
-- on each other. It now looks only at variants whose price or product changed, and writes only products whose
-- cheapest price actually moved.
create or replace function product_refresh_price_min(ids bigint[])
    returns void as
$$
update product p
set price_min_minor = m.price_min
from (select p2.product_id,
             coalesce((select min(v.price_minor) from variant v where v.product_id = p2.product_id), 0) as price_min
      from product p2
      where p2.product_id = any (ids)) m
where p.product_id = m.product_id
  and p.price_min_minor is distinct from m.price_min;
$$ language sql;

create or replace function variant_price_after_update()
    returns trigger as
$$
declare
    ids bigint[];
begin
    select array_agg(distinct id)
    into ids
    from (select n.product_id as id
          from new_rows n
                   join old_rows o on o.variant_id = n.variant_id
          where n.price_minor is distinct from o.price_minor
             or n.product_id is distinct from o.product_id
          union all
          select o.product_id
          from new_rows n
                   join old_rows o on o.variant_id = n.variant_id
          where n.product_id is distinct from o.product_id) changed;
    if ids is not null then
        perform product_refresh_price_min(ids);
    end if;
    return null;
end;
$$ language plpgsql;
