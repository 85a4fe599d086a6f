-- Durable background jobs. A job is a row, inserted in the same transaction as the change that causes it, so a
-- committed order always has its jobs and a rolled-back one never does. Workers claim ready rows with
-- `for update skip locked` and hold them under a lease: a worker that dies leaves its jobs to be claimed again
-- when the lease runs out (at-least-once). Handlers make their effects idempotent through `job_effect`.
create type job_status as enum ('queued', 'done', 'dead');

create table job
(
    job_id       bigint generated always as identity primary key,
    kind         text        not null check (length(kind) between 1 and 60),
    payload      jsonb       not null default '{}'::jsonb,
    -- At most one job per key, ever: enqueueing it again is a no-op (a retried request, a replayed event).
    dedupe_key   text unique,
    status       job_status  not null default 'queued',
    -- Not before this time: a delayed job, or the next try after a failure.
    run_at       timestamptz not null default now(),
    -- Tries begun so far (claims), and how many are allowed before the job is kept as dead.
    attempts     int         not null default 0 check (attempts >= 0),
    max_attempts int         not null default 10 check (max_attempts > 0),
    -- The worker running it and until when its claim holds.
    locked_by    text,
    locked_until timestamptz,
    last_error   text,
    finished_at  timestamptz,
    created_at   timestamptz not null default now(),
    updated_at   timestamptz not null default now()
);
select trigger_updated_at('job');
-- What workers scan: ready jobs of a kind, oldest first. Done and dead jobs stay out of it.
create index job_ready_idx on job (kind, run_at) where status = 'queued';
create index job_dead_idx on job (updated_at) where status = 'dead';
create index job_done_idx on job (finished_at) where status = 'done';

-- Wakes idle workers when jobs are committed (NOTIFY is delivered at commit, and only then).
create function job_notify() returns trigger
    language plpgsql as
$$
begin
    perform pg_notify('bazaar_job', '');
    return null;
end
$$;
create trigger job_notify
    after insert on job
    for each statement
execute function job_notify();

-- Effects a job has had, by a key naming the effect ("email:order-placed:42"). A handler writes the key in the
-- transaction that makes a database effect, or right after an effect outside the database (an email sent), and
-- skips the effect when the key is already there, so a job that runs twice acts once.
create table job_effect
(
    effect_key text primary key,
    job_id     bigint,
    created_at timestamptz not null default now()
);

-- Low stock: each variant may say below how many available units staff want to hear about it.
alter table variant
    add column low_stock_threshold int not null default 5 check (low_stock_threshold >= 0);

-- When a change takes a variant's available stock from at or above its threshold to below it, a job is queued in
-- the same transaction to alert staff. Only the crossing queues one, so a busy SKU does not flood the inbox.
create function variant_low_stock() returns trigger
    language plpgsql as
$$
begin
    if new.available < new.low_stock_threshold and old.available >= old.low_stock_threshold then
        insert into job (kind, payload, max_attempts)
        values ('stock.low',
                jsonb_build_object('variant_id', new.variant_id, 'sku', new.sku, 'available', new.available,
                                   'threshold', new.low_stock_threshold),
                10);
    end if;
    return null;
end
$$;
create trigger variant_low_stock
    after update of stock_on_hand, reserved, low_stock_threshold on variant
    for each row
execute function variant_low_stock();

-- Webhook events are now stored on receipt and handled by a job: keep the body, and no outcome until handled.
alter table payment_event
    add column payload jsonb,
    alter column outcome drop not null,
    add column handled_at timestamptz;
