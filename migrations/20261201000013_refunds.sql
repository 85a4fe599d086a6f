-- Refunds: money paid back for an order, through the payment provider (cards) or by hand (bank transfers).
-- A refund is recorded as pending before the provider is asked, under the id that is the provider call's
-- idempotency key, so a retry after a timeout asks for the same refund and never refunds twice.
create type refund_status as enum ('pending', 'succeeded', 'failed');

create table refund
(
    refund_id          uuid primary key,
    customer_order_id  bigint        not null references customer_order (customer_order_id) on delete cascade,
    payment_id         uuid references payment (payment_id),
    amount_minor       bigint        not null check (amount_minor > 0),
    currency           char(3)       not null,
    status             refund_status not null default 'pending',
    provider_refund_id text unique,
    -- A paid order cancelled before it shipped: the refund ends it as cancelled rather than refunded.
    cancels_order      boolean       not null default false,
    actor_id           bigint references customer (customer_id) on delete set null,
    note               text check (length(note) <= 500),
    failure_message    text,
    created_at         timestamptz   not null default now(),
    updated_at         timestamptz   not null default now()
);
select trigger_updated_at('refund');
create index refund_order_idx on refund (customer_order_id, created_at);
-- One refund in flight per order: a second waits until the first is settled.
create unique index refund_one_pending_idx on refund (customer_order_id) where status = 'pending';
