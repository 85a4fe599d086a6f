-- Feature flags: the switches admins turn in the admin area. A flag without a row has its default (in the code);
-- a row is the admin's setting. Every change notifies `bazaar_flags`, and each app server reloads them all.
create table feature_flag
(
    key             text        primary key check (key ~ '^[a-z][a-z0-9_]{0,62}$'),
    enabled         boolean     not null,
    -- The share of shoppers it is on for, by a stable key per shopper; 100 is everyone.
    rollout_percent smallint    not null default 100 check (rollout_percent between 0 and 100),
    updated_by      bigint      references customer (customer_id) on delete set null,
    updated_at      timestamptz not null default now()
);
select trigger_updated_at('feature_flag');

create function notify_feature_flags() returns trigger as
$$
begin
    perform pg_notify('bazaar_flags', '');
    return null;
end;
$$ language plpgsql;

create trigger feature_flag_changed
    after insert or update or delete or truncate
    on feature_flag
    for each statement
execute function notify_feature_flags();
