-- Card payments. Bazaar never sees card data: the browser hands the provider's one-time token to the server, which
-- creates and confirms a payment intent with the provider. Each attempt to pay an order is a row here.
create type payment_status as enum ('pending', 'requires_action', 'succeeded', 'failed');

create table payment
(
    -- Also sent to the provider as the intent's metadata and idempotency key, so a webhook can find the attempt
    -- even when the provider's answer never reached us.
    payment_id        uuid primary key,
    customer_order_id bigint         not null references customer_order (customer_order_id) on delete cascade,
    provider          text           not null,
    intent_id         text unique,
    amount_minor      bigint         not null check (amount_minor > 0),
    currency          char(3)        not null,
    status            payment_status not null default 'pending',
    -- What the provider said when it refused the card, in words a shopper may read.
    failure_message   text,
    -- While the shopper's bank wants a 3-D Secure confirmation: the secret the provider's script needs for it.
    -- Shown only to the order's owner.
    client_secret     text,
    created_at        timestamptz    not null default now(),
    updated_at        timestamptz    not null default now()
);
select trigger_updated_at('payment');
create index payment_order_idx on payment (customer_order_id, created_at desc);
-- One attempt in flight per order (a double click pays once), and never two successful payments for one order.
create unique index payment_one_open_idx on payment (customer_order_id) where status in ('pending', 'requires_action');
create unique index payment_one_success_idx on payment (customer_order_id) where status = 'succeeded';

-- Webhook events already handled, by the provider's event id: a replayed event is acknowledged and ignored.
create table payment_event
(
    event_id    text primary key,
    provider    text        not null,
    event_type  text        not null,
    -- What Bazaar did with it: paid, failed, already_paid, unknown_intent, amount_mismatch, ignored, …
    outcome     text        not null,
    received_at timestamptz not null default now()
);
