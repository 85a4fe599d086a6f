-- Server-held carts. The browser only holds an opaque random token in an HttpOnly cookie.
create table cart
(
    cart_id    bigint generated always as identity primary key,
    token      uuid        not null unique,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
);
select trigger_updated_at('cart');
create index cart_updated_idx on cart (updated_at);

create table cart_line
(
    cart_id    bigint      not null references cart (cart_id) on delete cascade,
    variant_id bigint      not null references variant (variant_id) on delete cascade,
    quantity   int         not null check (quantity between 1 and 99),
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    primary key (cart_id, variant_id)
);
select trigger_updated_at('cart_line');
