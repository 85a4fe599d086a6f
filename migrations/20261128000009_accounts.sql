-- Accounts and their sessions. A session is known by the SHA-256 of its cookie's random token, so a copy of this
-- table does not hold live cookies.
create type customer_role as enum ('customer', 'staff', 'admin');

create table customer
(
    customer_id   bigint generated always as identity primary key,
    email         citext        not null unique,
    -- Argon2id PHC string.
    password_hash text          not null,
    role          customer_role not null default 'customer',
    created_at    timestamptz   not null default now(),
    updated_at    timestamptz   not null default now()
);
select trigger_updated_at('customer');

create table customer_session
(
    token_hash   bytea primary key check (length(token_hash) = 32),
    customer_id  bigint      not null references customer (customer_id) on delete cascade,
    created_at   timestamptz not null default now(),
    last_seen_at timestamptz not null default now(),
    -- Absolute end, whatever the activity.
    expires_at   timestamptz not null
);
create index customer_session_customer_idx on customer_session (customer_id);

-- Orders placed while signed in belong to the account (guests' orders stay reachable by their link only).
alter table customer_order
    add column customer_id bigint references customer (customer_id);
create index customer_order_customer_idx on customer_order (customer_id, created_at desc) where customer_id is not null;
