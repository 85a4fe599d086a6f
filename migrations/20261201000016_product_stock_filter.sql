-- The admin product list's stock filter, in one place for each branch of its search: whether any variant of the
-- product is available ('in_stock'), runs low ('low') or is sold out ('sold_out').
create or replace function product_stock_is(p_product_id bigint, p_state text)
    returns boolean
    language sql
    stable
as
$$
select case p_state
           when 'in_stock' then exists (select 1 from variant v where v.product_id = p_product_id and v.available > 0)
           when 'low' then exists (select 1 from variant v
                                   where v.product_id = p_product_id and v.available > 0
                                     and v.available < v.low_stock_threshold)
           when 'sold_out' then exists (select 1 from variant v where v.product_id = p_product_id and v.available <= 0)
           else false
           end
$$;
