-- Password resets, the address book, and carts that belong to accounts.

-- A reset link's token is known only by its SHA-256 here; the link itself exists only in the email.
create table password_reset
(
    token_hash  bytea primary key check (length(token_hash) = 32),
    customer_id bigint      not null references customer (customer_id) on delete cascade,
    created_at  timestamptz not null default now(),
    expires_at  timestamptz not null,
    used_at     timestamptz
);
create index password_reset_customer_idx on password_reset (customer_id, created_at desc);

-- Saved addresses, sealed like every other address (AES-256-GCM, key id in the first byte; see crypto.rs).
create table customer_address
(
    address_id  bigint generated always as identity primary key,
    customer_id bigint      not null references customer (customer_id) on delete cascade,
    address_enc bytea       not null,
    is_default  boolean     not null default false,
    created_at  timestamptz not null default now(),
    updated_at  timestamptz not null default now()
);
select trigger_updated_at('customer_address');
create index customer_address_customer_idx on customer_address (customer_id, address_id);
create unique index customer_address_one_default on customer_address (customer_id) where is_default;

-- A signed-in shopper's cart belongs to the account (one per account), and only its sessions can use it.
alter table cart
    add column customer_id bigint references customer (customer_id) on delete cascade;
create unique index cart_customer_idx on cart (customer_id) where customer_id is not null;
