-- The back office's first floor: who did what (an append-only audit log, order events with their actor), the
-- stock ledger, shipments, and an end to unpaid bank-transfer orders holding stock forever.

-- Append-only tables refuse updates, deletes and truncation, whoever asks.
create function refuse_change() returns trigger
    language plpgsql as
$$
begin
    raise exception '% is append-only', tg_table_name using errcode = 'restrict_violation';
end
$$;

-- Every admin write: who, when, what, before and after.
create table audit_log
(
    audit_log_id bigint generated always as identity primary key,
    actor_id     bigint references customer (customer_id) on delete set null,
    -- Kept as it was at the time, so the log still reads after the account changes or goes.
    actor_email  citext      not null,
    action       text        not null check (action ~ '^[a-z_]+\.[a-z_]+$'),
    entity       text        not null check (length(entity) between 1 and 60),
    entity_id    text        not null check (length(entity_id) between 1 and 120),
    before       jsonb,
    after        jsonb,
    request_id   text check (length(request_id) <= 100),
    created_at   timestamptz not null default now()
);
create index audit_log_created_idx on audit_log (created_at desc, audit_log_id desc);
create index audit_log_entity_idx on audit_log (entity, entity_id, audit_log_id desc);
create index audit_log_actor_idx on audit_log (actor_id, audit_log_id desc);
create trigger audit_log_append_only
    before update or delete on audit_log
    for each row execute function refuse_change();
create trigger audit_log_no_truncate
    before truncate on audit_log
    for each statement execute function refuse_change();

-- Who moved an order: null for the shopper, the provider or a job.
alter table order_event
    add column actor_id bigint references customer (customer_id) on delete set null;

-- The stock ledger: every change of a variant's stock on hand is a row; on hand is always the ledger's sum.
create type stock_reason as enum ('received', 'correction', 'damaged', 'returned', 'sold', 'released');

create table stock_movement
(
    stock_movement_id bigint generated always as identity primary key,
    variant_id        bigint       not null references variant (variant_id) on delete cascade,
    delta             int          not null check (delta <> 0),
    reason            stock_reason not null,
    customer_order_id bigint references customer_order (customer_order_id) on delete set null,
    actor_id          bigint references customer (customer_id) on delete set null,
    note              text check (length(note) <= 500),
    created_at        timestamptz  not null default now()
);
create index stock_movement_variant_idx on stock_movement (variant_id, stock_movement_id desc);
create trigger stock_movement_append_only
    before update on stock_movement
    for each row execute function refuse_change();

-- The opening balance of the stock already on the shelves.
insert into stock_movement (variant_id, delta, reason, note)
select variant_id, stock_on_hand, 'received', 'opening balance'
from variant
where stock_on_hand > 0;

-- Shipping: the carrier and tracking number staff enter, and when.
alter table customer_order
    add column carrier         text check (length(carrier) between 1 and 60),
    add column tracking_number text check (tracking_number ~ '^[A-Za-z0-9 -]{3,40}$'),
    add column tracking_url    text check (tracking_url ~ '^https://' and length(tracking_url) <= 500),
    add column shipped_at      timestamptz;

-- Unpaid bank-transfer orders now hold their stock until a deadline too (BAZAAR_MANUAL_PAYMENT_DAYS, 7 by
-- default); those placed before get the default from their placing.
update customer_order
set reserved_until = created_at + interval '7 days'
where payment_method = 'manual' and stock_state = 'reserved' and status = 'awaiting_payment'
  and reserved_until is null;

-- The admin order list: newest first, by status, by payment method, by email.
create index customer_order_created_idx on customer_order (created_at desc, customer_order_id desc);
create index customer_order_status_created_idx on customer_order (status, created_at desc, customer_order_id desc);

-- The stock page's lists: running low, and sold out.
create index variant_low_stock_idx on variant (available, variant_id) where available < low_stock_threshold;
create index variant_sold_out_idx on variant (variant_id) where available <= 0;
