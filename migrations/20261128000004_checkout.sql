-- Checkout: stock reservations, shipping and tax by zone, discount codes, orders.

-- Stock. `reserved` is held by checkouts that are paying and by orders awaiting payment; `available` is what a new
-- shopper can still buy. The CHECKs make overselling impossible whatever the code does: a reservation is a
-- conditional `reserved = reserved + n` that fails when it would exceed what is on hand.
alter table variant
    add column reserved  int not null default 0 check (reserved >= 0),
    add column available int not null generated always as (stock_on_hand - reserved) stored;
alter table variant
    add constraint variant_reserved_within_stock check (reserved <= stock_on_hand);

-- Countries are grouped into zones; each zone has its shipping methods and its tax rate.
create table shipping_zone
(
    shipping_zone_id bigint generated always as identity primary key,
    name             text   not null unique,
    -- ISO 3166-1 alpha-2 codes. A country belongs to at most one zone (enforced by shipping_zone_country).
    tax_rate_bp      int    not null check (tax_rate_bp between 0 and 10000), -- basis points: 2000 = 20 %
    created_at       timestamptz not null default now(),
    updated_at       timestamptz not null default now()
);
select trigger_updated_at('shipping_zone');

create table shipping_zone_country
(
    country          char(2) primary key check (country ~ '^[A-Z]{2}$'),
    shipping_zone_id bigint  not null references shipping_zone (shipping_zone_id) on delete cascade
);

create table shipping_method
(
    shipping_method_id bigint generated always as identity primary key,
    shipping_zone_id   bigint  not null references shipping_zone (shipping_zone_id) on delete cascade,
    code               text    not null check (code ~ '^[a-z0-9-]{1,40}$'),
    name               text    not null check (length(name) between 1 and 80),
    price_minor        bigint  not null check (price_minor >= 0),
    currency           char(3) not null check (currency ~ '^[A-Z]{3}$'),
    -- Free when the discounted subtotal reaches this amount; null: never free.
    free_over_minor    bigint check (free_over_minor >= 0),
    position           int     not null default 0,
    created_at         timestamptz not null default now(),
    updated_at         timestamptz not null default now(),
    unique (shipping_zone_id, code)
);
select trigger_updated_at('shipping_method');

create type discount_kind as enum ('percent', 'fixed');

create table discount
(
    discount_id        bigint generated always as identity primary key,
    code               citext        not null unique check (code ~* '^[a-z0-9_-]{3,40}$'),
    kind               discount_kind not null,
    -- percent: basis points of the subtotal (1000 = 10 %); fixed: minor units in `currency`.
    amount             bigint        not null check (amount > 0),
    currency           char(3) check (currency ~ '^[A-Z]{3}$'),
    min_subtotal_minor bigint        not null default 0 check (min_subtotal_minor >= 0),
    starts_at          timestamptz,
    ends_at            timestamptz,
    usage_limit        int check (usage_limit > 0),
    per_customer_limit int check (per_customer_limit > 0),
    -- Counted atomically with the order that redeems the code; never above the limit.
    used_count         int           not null default 0 check (used_count >= 0),
    created_at         timestamptz   not null default now(),
    updated_at         timestamptz   not null default now(),
    check (usage_limit is null or used_count <= usage_limit),
    check (kind <> 'percent' or amount <= 10000),
    check (kind <> 'fixed' or currency is not null),
    check (starts_at is null or ends_at is null or starts_at < ends_at)
);
select trigger_updated_at('discount');

create type order_status as enum (
    'awaiting_payment', 'paid', 'fulfilled', 'shipped', 'delivered', 'cancelled', 'partially_refunded', 'refunded'
    );
create type payment_method as enum ('card', 'manual');

create table customer_order
(
    customer_order_id  bigint generated always as identity primary key,
    -- What shoppers and staff quote: BZ- and 8 characters of Crockford base32, unique.
    number             text           not null unique,
    -- The secret in a guest's order link; 32 random bytes, base64url.
    access_token       text           not null unique,
    -- Stripe-style idempotency: the key the checkout page generated, and a fingerprint of what was asked, so the
    -- same key with different content is refused.
    idempotency_key    uuid           not null unique,
    request_hash       text           not null,
    cart_id            bigint references cart (cart_id) on delete set null,
    status             order_status   not null default 'awaiting_payment',
    payment_method     payment_method not null,
    email              citext         not null,
    shipping_address   jsonb          not null,
    shipping_method    text           not null,
    currency           char(3)        not null,
    tax_inclusive      boolean        not null,
    tax_rate_bp        int            not null,
    subtotal_minor     bigint         not null check (subtotal_minor >= 0),
    discount_code      citext,
    discount_minor     bigint         not null default 0 check (discount_minor >= 0),
    shipping_minor     bigint         not null check (shipping_minor >= 0),
    tax_minor          bigint         not null check (tax_minor >= 0),
    total_minor        bigint         not null check (total_minor >= 0),
    refunded_minor     bigint         not null default 0 check (refunded_minor >= 0 and refunded_minor <= total_minor),
    -- Until when a card order's stock stays reserved without a payment.
    reserved_until     timestamptz,
    -- Stock is released (cancel, expiry) or sold (payment) once; these record which happened.
    stock_state        text           not null default 'reserved' check (stock_state in ('reserved', 'sold', 'released')),
    created_at         timestamptz    not null default now(),
    updated_at         timestamptz    not null default now()
);
select trigger_updated_at('customer_order');
create index customer_order_email_idx on customer_order (email, created_at desc);
create index customer_order_reserved_until_idx on customer_order (reserved_until) where stock_state = 'reserved';

-- Copies of what was bought, at the price it was bought at: later catalog changes do not alter orders.
create table order_line
(
    customer_order_id bigint  not null references customer_order (customer_order_id) on delete cascade,
    line_no           int     not null,
    variant_id        bigint references variant (variant_id) on delete set null,
    sku               text    not null,
    product_name      text    not null,
    variant_label     text    not null,
    unit_price_minor  bigint  not null check (unit_price_minor >= 0),
    quantity          int     not null check (quantity between 1 and 99),
    line_total_minor  bigint  not null check (line_total_minor >= 0),
    primary key (customer_order_id, line_no)
);

create table order_event
(
    order_event_id    bigint generated always as identity primary key,
    customer_order_id bigint       not null references customer_order (customer_order_id) on delete cascade,
    from_status       order_status,
    to_status         order_status not null,
    note              text,
    created_at        timestamptz  not null default now()
);
create index order_event_order_idx on order_event (customer_order_id, order_event_id);

create table discount_redemption
(
    discount_id       bigint not null references discount (discount_id),
    customer_order_id bigint not null references customer_order (customer_order_id) on delete cascade,
    email             citext not null,
    created_at        timestamptz not null default now(),
    primary key (discount_id, customer_order_id)
);
create index discount_redemption_email_idx on discount_redemption (discount_id, email);

-- A checkout in progress: what the shopper has entered so far, one per cart. Cleared when the order is placed.
create table checkout
(
    cart_id          bigint primary key references cart (cart_id) on delete cascade,
    email            citext,
    shipping_address jsonb,
    shipping_method  text,
    discount_code    citext,
    created_at       timestamptz not null default now(),
    updated_at       timestamptz not null default now()
);
select trigger_updated_at('checkout');
