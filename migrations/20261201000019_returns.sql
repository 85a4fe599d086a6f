-- Returns (RMA): a shopper asks to send back chosen lines of a shipped order, within the shop's return window;
-- staff approve or refuse, mark the parcel received (putting each line back on the shelf or not) and refund.
-- A line's quantities across the order's returns (refused ones aside) never exceed what was ordered: requests
-- are written under the order's row lock, which is where that is checked.
create type return_status as enum ('requested', 'approved', 'refused', 'received', 'refunded');

create table return_request
(
    return_id         bigint generated always as identity primary key,
    customer_order_id bigint        not null references customer_order (customer_order_id) on delete cascade,
    status            return_status not null default 'requested',
    reason            text          not null check (length(reason) between 1 and 500),
    -- Staff's word to the shopper: why it was refused, or where to send the parcel.
    staff_note        text check (length(staff_note) <= 500),
    -- The refund that pays it back, once asked; it settles the return when it succeeds.
    refund_id         uuid references refund (refund_id),
    created_at        timestamptz   not null default now(),
    updated_at        timestamptz   not null default now()
);
select trigger_updated_at('return_request');
create index return_request_order_idx on return_request (customer_order_id, return_id);
create unique index return_request_refund_idx on return_request (refund_id) where refund_id is not null;
-- The back office's list of returns waiting for staff.
create index return_request_open_idx on return_request (created_at, return_id) where status in ('requested', 'approved');

create table return_line
(
    return_id         bigint  not null references return_request (return_id) on delete cascade,
    customer_order_id bigint  not null,
    line_no           int     not null,
    quantity          int     not null check (quantity between 1 and 99),
    -- Set when the parcel is received: back on the shelf (a 'returned' stock movement) or not (damaged, used).
    restocked         boolean,
    primary key (return_id, line_no),
    foreign key (customer_order_id, line_no) references order_line (customer_order_id, line_no) on delete cascade
);
create index return_line_order_idx on return_line (customer_order_id, line_no);
